package retention

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/store"
)

// Result is what one run removed.
type Result struct {
	Channels []Removed // channels with a retention in force
	Total    int
	DMs      int // direct messages removed (their own period: dm.retention_days)
	// Files counts the attachments whose stored bytes this run deleted
	// (those of this run's messages, and any an earlier run could not).
	Files int
}

// Removed is what one run removed from one channel.
type Removed struct {
	ChannelID int64
	Slug      string
	Days      int
	Removed   int
}

// retentionResult is the after of a "retention.remove" audit entry.
type retentionResult struct {
	Days    int       `json:"days"`
	Cutoff  time.Time `json:"cutoff"`
	Removed int       `json:"removed"`
	Files   int       `json:"files,omitempty"` // attachments of the removed messages, removed with them
}

// RunOnce removes, in every channel with a retention in force, the
// bodies of the messages created before its cut-off, in batches of one
// transaction each. Each batch queues the messages for the search index and
// scrubs their bodies from the audit log; each channel with removals gets
// one "retention.remove" audit entry per run (by the system: no actor) with
// the count. The messages' files are marked removed in the same batch, and
// their bytes deleted from storage (Files) at the end of the run. Safe to repeat, and to run on several instances at once.
func (s *Service) RunOnce(ctx context.Context) (*Result, error) {
	p, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	t := s.now().UTC()
	run := &Result{}
	var errs []error
	for _, c := range p.Channels {
		days := c.Effective(p.SiteDays)
		if days <= 0 {
			continue
		}
		n, err := s.retainChannel(ctx, c, days, t)
		run.Channels = append(run.Channels, Removed{ChannelID: c.ID, Slug: c.Slug, Days: days, Removed: n})
		run.Total += n
		if err != nil {
			if ctx.Err() != nil {
				return run, ctx.Err()
			}
			errs = append(errs, fmt.Errorf("chat: retention of %s: %w", c.Slug, err))
		}
	}
	if run.DMs, err = s.RunDMs(ctx, t); err != nil {
		if ctx.Err() != nil {
			return run, ctx.Err()
		}
		errs = append(errs, fmt.Errorf("retention: direct messages: %w", err))
	}
	if s.Files != nil {
		if run.Files, err = s.Files.PurgeRetained(ctx); err != nil {
			if ctx.Err() != nil {
				return run, ctx.Err()
			}
			errs = append(errs, fmt.Errorf("retention: files: %w", err))
		}
	}
	return run, errors.Join(errs...)
}

// retainChannel removes the channel's bodies older than days before t and
// returns how many it removed.
func (s *Service) retainChannel(ctx context.Context, c ChannelRetention, days int, t time.Time) (int, error) {
	cutoff := retentionCutoff(t, days)
	var auditID int64
	total, files := 0, 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		ms, err := store.RetentionCandidates(ctx, s.db, c.ID, cutoff, retentionBatch)
		if err != nil {
			return total, err
		}
		if len(ms) == 0 {
			break
		}
		bodies := make(map[int64]string, len(ms))
		for _, m := range ms {
			bodies[m.ID] = m.Body
		}
		var n, nf int
		var newAudit int64
		err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			changed, err := store.RemoveBodies(ctx, tx, bodies, t)
			if err != nil || len(changed) == 0 {
				return err
			}
			if nf, err = store.RemoveMessageFiles(ctx, tx, changed, t); err != nil {
				return err
			}
			n = len(changed)
			after := store.JSON(retentionResult{Days: days, Cutoff: cutoff, Removed: total + n, Files: files + nf})
			if auditID != 0 {
				return store.SetAuditAfter(ctx, tx, auditID, after)
			}
			newAudit, err = store.Audit(ctx, tx, store.AuditRecord{Action: "retention.remove", TargetType: "channel",
				TargetID: c.ID, ChannelID: c.ID, After: after, Reason: "retention"})
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		files += nf
		if newAudit != 0 {
			auditID = newAudit
		}
		if len(ms) < retentionBatch {
			break
		}
	}
	// Blocked messages were never stored, but the audit log keeps their text.
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		var n int
		err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			var err error
			n, after, err = store.ScrubBlockedAudit(ctx, tx, c.ID, cutoff, after, retentionBatch)
			return err
		})
		if err != nil {
			return total, err
		}
		if n < retentionBatch {
			break
		}
	}
	return total, nil
}

// Run removes message bodies older than the retention period:
// shortly after start, then every hour, until ctx ends.
func (s *Service) Run(ctx context.Context) {
	s.RunEvery(ctx, StartDelay, DefaultInterval)
}

// RunEvery runs retention first after the delay first, then every
// interval, logging what each run removed, until ctx ends.
func (s *Service) RunEvery(ctx context.Context, first, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultInterval
	}
	timer := time.NewTimer(first)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		run, err := s.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if run != nil {
			for _, c := range run.Channels {
				if c.Removed > 0 {
					s.log.InfoContext(ctx, "retention: removed message bodies", "channel", c.Slug, "days", c.Days, "messages", c.Removed)
				}
			}
			s.log.InfoContext(ctx, "retention: run done", "channels", len(run.Channels), "messages", run.Total, "direct_messages", run.DMs,
				"files", run.Files)
		}
		if err != nil {
			s.log.ErrorContext(ctx, "retention: run failed", "err", err)
		}
		timer.Reset(interval)
	}
}
