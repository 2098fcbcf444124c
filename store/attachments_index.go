package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// EnqueueAttachmentIndex queues the channel messages that the attachments ids
// belong to for re-indexing, so that their search documents lose (or gain)
// the files' names and has:file / has:image. Call it in the transaction that
// removes or attaches them; attachments of no channel message are skipped.
func EnqueueAttachmentIndex(ctx context.Context, db bun.IDB, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	var msgIDs []int64
	if err := db.NewSelect().Model((*attachmentRow)(nil)).ColumnExpr("DISTINCT message_id").
		Where("id IN (?)", bun.In(ids)).Where("message_id IS NOT NULL").Scan(ctx, &msgIDs); err != nil {
		return fmt.Errorf("store: attachments' messages: %w", err)
	}
	return EnqueueIndex(ctx, db, msgIDs...)
}
