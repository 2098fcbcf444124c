package retention

import (
	"context"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// Direct messages have their own retention period, the site setting
// dm.retention_days (0: kept). Older messages are removed with their
// reactions; reports keep their excerpt snapshots, and the event log keeps
// its rows (a stream replays only the messages that still exist).

// dmRetentionResult is the after of a "retention.dm_remove" audit entry.
type dmRetentionResult struct {
	Days    int       `json:"days"`
	Cutoff  time.Time `json:"cutoff"`
	Removed int       `json:"removed"`
	Files   int       `json:"files,omitempty"` // attachments of the removed messages, removed with them
}

// RunDMs removes the direct messages older than dm.retention_days before
// t, in batches of one transaction each, and returns how many it removed;
// a run with removals writes one "retention.dm_remove" audit entry (by the
// system) with the count. Safe to repeat and to run on several instances.
func (s *Service) RunDMs(ctx context.Context, t time.Time) (int, error) {
	v, err := store.Setting(ctx, s.db, model.SettingDMRetentionDays, "0")
	if err != nil {
		return 0, err
	}
	days, _ := strconv.Atoi(v)
	if days <= 0 {
		return 0, nil
	}
	cutoff := retentionCutoff(t, days)
	total, files := 0, 0
	var auditID int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		ids, err := store.OldDirectMessages(ctx, s.db, cutoff, retentionBatch)
		if err != nil {
			return total, err
		}
		if len(ids) == 0 {
			return total, nil
		}
		err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			// Their files go with them: marked removed here, bytes
			// deleted at the end of the run.
			nf, err := store.RemoveDMFiles(ctx, tx, ids, t)
			if err != nil {
				return err
			}
			n, err := store.DeleteDirectMessages(ctx, tx, ids)
			if err != nil || n == 0 {
				return err
			}
			total += n
			files += nf
			after := store.JSON(dmRetentionResult{Days: days, Cutoff: cutoff, Removed: total, Files: files})
			if auditID != 0 {
				return store.SetAuditAfter(ctx, tx, auditID, after)
			}
			auditID, err = store.Audit(ctx, tx, store.AuditRecord{Action: "retention.dm_remove", TargetType: "direct_messages",
				TargetID: "all", After: after, Reason: "retention"})
			return err
		})
		if err != nil {
			return total, err
		}
		if len(ids) < retentionBatch {
			return total, nil
		}
	}
}
