package chat

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// Retention removes the bodies of messages older than a number of days: the
// site's, or a channel's own. The row stays (id, channel, author, times,
// state, counts) as the record that the message existed; the body goes from
// the message, the search index and the audit log.

// Retention limits and timing.
const (
	// MaxRetentionDays is the longest retention that can be set (100 years).
	MaxRetentionDays = 36500
	// DefaultRetentionInterval is how often RunRetention removes bodies.
	DefaultRetentionInterval = time.Hour
	// RetentionStartDelay is how long after start RunRetention first runs.
	RetentionStartDelay = 30 * time.Second
	// retentionBatch is how many messages one transaction changes, so a
	// first run over a big database holds no long write lock.
	retentionBatch = 500
	// retentionSamples is how many messages a preview shows per channel.
	retentionSamples = 3
	// retentionExcerpt is how many characters of a sample a preview shows.
	retentionExcerpt = 80
)

// RetentionPolicy is the site-wide retention and every channel's override.
type RetentionPolicy struct {
	SiteDays int // 0: keep forever
	Channels []ChannelRetention
}

// ChannelRetention is one channel's retention override.
type ChannelRetention struct {
	ID    int64
	Slug  string
	Title string
	Days  *int // nil follows the site, 0 keeps forever, N days
}

// Effective is the number of days that apply to the channel (0: forever).
func (c ChannelRetention) Effective(siteDays int) int {
	if c.Days != nil {
		return *c.Days
	}
	return siteDays
}

// RetentionInput is a change of retention. Channels not listed keep their
// override.
type RetentionInput struct {
	SiteDays *int // nil: unchanged
	Channels []ChannelDays
}

// ChannelDays sets a channel's override: Days nil follows the site.
type ChannelDays struct {
	Slug string
	Days *int
}

// ChannelField is the field name of a channel's days in validation errors
// ("channel:<slug>"); the site's is "site_days".
func ChannelField(slug string) string { return "channel:" + slug }

// Retention returns the retention now in force.
func (s *Service) Retention(ctx context.Context) (*RetentionPolicy, error) {
	return s.retention(ctx, s.db)
}

func (s *Service) retention(ctx context.Context, db bun.IDB) (*RetentionPolicy, error) {
	p := &RetentionPolicy{}
	v, err := store.Setting(ctx, db, store.RetentionKey, "0")
	if err != nil {
		return nil, err
	}
	if p.SiteDays, err = strconv.Atoi(strings.TrimSpace(v)); err != nil || p.SiteDays < 0 || p.SiteDays > MaxRetentionDays {
		// Keeping is the safe reading of a setting nobody could have saved.
		s.log.WarnContext(ctx, "chat: retention setting is not a number of days; keeping bodies", "value", v)
		p.SiteDays = 0
	}
	chans, err := store.ListChannels(ctx, db)
	if err != nil {
		return nil, err
	}
	for _, ch := range chans {
		p.Channels = append(p.Channels, ChannelRetention{ID: ch.ID, Slug: ch.Slug, Title: ch.Title, Days: ch.RetentionDays})
	}
	return p, nil
}

// with returns the policy changed by in, or a *model.FieldError naming
// "site_days" or ChannelField(slug).
func (p *RetentionPolicy) with(in RetentionInput) (*RetentionPolicy, error) {
	out := &RetentionPolicy{SiteDays: p.SiteDays, Channels: append([]ChannelRetention(nil), p.Channels...)}
	if in.SiteDays != nil {
		if err := checkRetentionDays("site_days", *in.SiteDays); err != nil {
			return nil, err
		}
		out.SiteDays = *in.SiteDays
	}
	index := make(map[string]int, len(out.Channels))
	for i, c := range out.Channels {
		index[c.Slug] = i
	}
	seen := map[string]bool{}
	for _, c := range in.Channels {
		slug := strings.TrimSpace(c.Slug)
		i, ok := index[slug]
		if !ok {
			return nil, model.Invalid(ChannelField(slug), fmt.Sprintf("There is no channel %q.", slug))
		}
		if seen[slug] {
			return nil, model.Invalid(ChannelField(slug), fmt.Sprintf("The channel %q is listed twice.", slug))
		}
		seen[slug] = true
		if c.Days != nil {
			if err := checkRetentionDays(ChannelField(slug), *c.Days); err != nil {
				return nil, err
			}
			d := *c.Days
			out.Channels[i].Days = &d
		} else {
			out.Channels[i].Days = nil
		}
	}
	return out, nil
}

func checkRetentionDays(field string, d int) error {
	if d < 0 || d > MaxRetentionDays {
		return model.Invalid(field, fmt.Sprintf("Enter a whole number of days from 0 (keep forever) to %d.", MaxRetentionDays))
	}
	return nil
}

// retentionAudit is what the audit log keeps of a retention change.
type retentionAudit struct {
	SiteDays int             `json:"site_days"`
	Channels map[string]*int `json:"channels,omitempty"` // slug → override; only those that changed
}

// SaveRetention stores a retention change made by actorID and audits it as
// "retention.update". Invalid input changes nothing.
func (s *Service) SaveRetention(ctx context.Context, actorID int64, in RetentionInput) (*RetentionPolicy, error) {
	var next *RetentionPolicy
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cur, err := s.retention(ctx, tx)
		if err != nil {
			return err
		}
		if next, err = cur.with(in); err != nil {
			return err
		}
		before := retentionAudit{SiteDays: cur.SiteDays, Channels: map[string]*int{}}
		after := retentionAudit{SiteDays: next.SiteDays, Channels: map[string]*int{}}
		changed := cur.SiteDays != next.SiteDays
		if changed {
			if err := store.SetSetting(ctx, tx, store.RetentionKey, strconv.Itoa(next.SiteDays)); err != nil {
				return err
			}
		}
		for i, c := range next.Channels {
			old := cur.Channels[i].Days
			if sameDays(old, c.Days) {
				continue
			}
			changed = true
			before.Channels[c.Slug], after.Channels[c.Slug] = old, c.Days
			if err := store.SetChannelRetention(ctx, tx, c.ID, c.Days); err != nil {
				return err
			}
		}
		if !changed {
			return nil
		}
		e := &model.AuditEntry{Action: "retention.update", TargetType: "settings", TargetID: store.RetentionKey,
			Before: store.JSON(before), After: store.JSON(after)}
		if actorID != 0 {
			e.ActorID = &actorID
		}
		return store.Audit(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	return next, nil
}

func sameDays(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// RetentionPreview is what a retention policy would remove now.
type RetentionPreview struct {
	SiteDays int
	At       time.Time // the moment the cut-offs are counted from
	Channels []ChannelPreview
	Total    int // messages whose bodies would be removed
}

// ChannelPreview is what a policy would remove from one channel.
type ChannelPreview struct {
	ChannelRetention
	Days    int        // in force for the channel (0: kept forever)
	Cutoff  *time.Time // bodies of messages created before it go; nil when kept
	Count   int
	Oldest  *time.Time
	Newest  *time.Time
	Samples []RetentionSample
}

// RetentionSample is one message a policy would empty.
type RetentionSample struct {
	ID        int64
	CreatedAt time.Time
	Author    string
	Excerpt   string // the first characters of the body
}

// PreviewRetention counts, per channel, the messages whose bodies the
// current policy changed by in would remove now, with the oldest and newest
// date and a few samples. Nothing is changed.
func (s *Service) PreviewRetention(ctx context.Context, in RetentionInput) (*RetentionPreview, error) {
	cur, err := s.Retention(ctx)
	if err != nil {
		return nil, err
	}
	p, err := cur.with(in)
	if err != nil {
		return nil, err
	}
	t := s.now().UTC()
	out := &RetentionPreview{SiteDays: p.SiteDays, At: t}
	for _, c := range p.Channels {
		cp := ChannelPreview{ChannelRetention: c, Days: c.Effective(p.SiteDays)}
		if cp.Days > 0 {
			cut := retentionCutoff(t, cp.Days)
			cp.Cutoff = &cut
			if cp.Count, cp.Oldest, cp.Newest, err = store.RetentionStats(ctx, s.db, c.ID, cut); err != nil {
				return nil, err
			}
			if cp.Count > 0 {
				ms, err := store.RetentionSamples(ctx, s.db, c.ID, cut, retentionSamples)
				if err != nil {
					return nil, err
				}
				for _, m := range ms {
					author := m.AuthorName
					if m.Anonymous {
						author = "Anonymous"
					}
					cp.Samples = append(cp.Samples, RetentionSample{ID: m.ID, CreatedAt: m.CreatedAt, Author: author,
						Excerpt: retentionExcerptOf(m.Body)})
				}
			}
		}
		out.Total += cp.Count
		out.Channels = append(out.Channels, cp)
	}
	return out, nil
}

// retentionCutoff is the creation time before which bodies go.
func retentionCutoff(t time.Time, days int) time.Time {
	return t.Add(-time.Duration(days) * 24 * time.Hour)
}

// retentionExcerptOf is the first characters of body on one line.
func retentionExcerptOf(body string) string {
	s := strings.Join(strings.Fields(body), " ")
	if r := []rune(s); len(r) > retentionExcerpt {
		return strings.TrimSpace(string(r[:retentionExcerpt])) + "…"
	}
	return s
}

// RetentionRun is what one run removed.
type RetentionRun struct {
	Channels []RetentionRemoved // channels with a retention in force
	Total    int
}

// RetentionRemoved is what one run removed from one channel.
type RetentionRemoved struct {
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
}

// RunRetentionOnce removes, in every channel with a retention in force, the
// bodies of the messages created before its cut-off, in batches of one
// transaction each. Each batch queues the messages for the search index and
// scrubs their bodies from the audit log; each channel with removals gets
// one "retention.remove" audit entry per run (by the system: no actor) with
// the count. Safe to repeat, and to run on several instances at once.
func (s *Service) RunRetentionOnce(ctx context.Context) (*RetentionRun, error) {
	p, err := s.Retention(ctx)
	if err != nil {
		return nil, err
	}
	t := s.now().UTC()
	run := &RetentionRun{}
	var errs []error
	for _, c := range p.Channels {
		days := c.Effective(p.SiteDays)
		if days <= 0 {
			continue
		}
		n, err := s.retainChannel(ctx, c, days, t)
		run.Channels = append(run.Channels, RetentionRemoved{ChannelID: c.ID, Slug: c.Slug, Days: days, Removed: n})
		run.Total += n
		if err != nil {
			if ctx.Err() != nil {
				return run, ctx.Err()
			}
			errs = append(errs, fmt.Errorf("chat: retention of %s: %w", c.Slug, err))
		}
	}
	return run, errors.Join(errs...)
}

// retainChannel removes the channel's bodies older than days before t and
// returns how many it removed.
func (s *Service) retainChannel(ctx context.Context, c ChannelRetention, days int, t time.Time) (int, error) {
	cutoff := retentionCutoff(t, days)
	var auditID int64
	total := 0
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
		var n int
		var newAudit int64
		err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			changed, err := store.RemoveBodies(ctx, tx, bodies, t)
			if err != nil || len(changed) == 0 {
				return err
			}
			n = len(changed)
			after := store.JSON(retentionResult{Days: days, Cutoff: cutoff, Removed: total + n})
			if auditID != 0 {
				return store.SetAuditAfter(ctx, tx, auditID, after)
			}
			e := &model.AuditEntry{Action: "retention.remove", TargetType: "channel", TargetID: strconv.FormatInt(c.ID, 10),
				ChannelID: &c.ID, After: after, Reason: "retention"}
			if err := store.Audit(ctx, tx, e); err != nil {
				return err
			}
			newAudit = e.ID
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
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

// RunRetention removes message bodies older than the retention period:
// shortly after start, then every hour, until ctx ends.
func (s *Service) RunRetention(ctx context.Context) {
	s.RunRetentionEvery(ctx, RetentionStartDelay, DefaultRetentionInterval)
}

// RunRetentionEvery runs retention first after the delay first, then every
// interval, logging what each run removed, until ctx ends.
func (s *Service) RunRetentionEvery(ctx context.Context, first, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultRetentionInterval
	}
	timer := time.NewTimer(first)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		run, err := s.RunRetentionOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if run != nil {
			for _, c := range run.Channels {
				if c.Removed > 0 {
					s.log.InfoContext(ctx, "retention: removed message bodies", "channel", c.Slug, "days", c.Days, "messages", c.Removed)
				}
			}
			s.log.InfoContext(ctx, "retention: run done", "channels", len(run.Channels), "messages", run.Total)
		}
		if err != nil {
			s.log.ErrorContext(ctx, "retention: run failed", "err", err)
		}
		timer.Reset(interval)
	}
}
