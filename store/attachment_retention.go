package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Retention removes the files of the messages whose bodies it removes: it
// marks their rows removed (by nobody: the system) and retention-removed in
// the same transaction, and the attachments use case deletes their bytes
// from the Storage afterwards (RetainedAttachments, MarkAttachmentsPurged),
// so that a storage that is down only delays the deletion.

// RemoveMessageFiles marks the attachments of channel messages removed by
// retention at t and returns how many it marked. Call it in the transaction
// that removes the messages' bodies.
func RemoveMessageFiles(ctx context.Context, db bun.IDB, messageIDs []int64, t time.Time) (int, error) {
	return removeRetained(ctx, db, "message_id", messageIDs, t)
}

// RemoveDMFiles marks the attachments of direct messages removed by
// retention at t and returns how many it marked. Call it in the transaction
// that deletes the messages, before deleting them.
func RemoveDMFiles(ctx context.Context, db bun.IDB, dmMessageIDs []int64, t time.Time) (int, error) {
	return removeRetained(ctx, db, "dm_message_id", dmMessageIDs, t)
}

func removeRetained(ctx context.Context, db bun.IDB, column string, ids []int64, t time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res, err := db.NewUpdate().Model((*attachmentRow)(nil)).
		Set("removed_at = COALESCE(removed_at, ?)", t.UTC()).Set("retention_removed_at = ?", t.UTC()).
		Where("? IN (?)", bun.Ident(column), bun.In(ids)).Where("retention_removed_at IS NULL").Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: remove files by retention: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// RetainedAttachments returns up to limit ids (oldest first) of attachments
// that retention removed and whose bytes are not deleted yet.
func RetainedAttachments(ctx context.Context, db bun.IDB, limit int) ([]int64, error) {
	var ids []int64
	if err := db.NewSelect().Model((*attachmentRow)(nil)).Column("id").
		Where("retention_removed_at IS NOT NULL").Where("purged_at IS NULL").
		Order("id").Limit(limit).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("store: retained attachments: %w", err)
	}
	return ids, nil
}

// MarkAttachmentsPurged records that the bytes of the attachments ids are
// deleted.
func MarkAttachmentsPurged(ctx context.Context, db bun.IDB, ids []int64, t time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := db.NewUpdate().Model((*attachmentRow)(nil)).Set("purged_at = ?", t.UTC()).
		Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
		return fmt.Errorf("store: mark attachments purged: %w", err)
	}
	return nil
}
