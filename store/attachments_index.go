package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
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

// SharedFileCounts are the attachments of a session's messages: every file
// (images included) and the images among them.
type SharedFileCounts struct {
	Files  int `bun:"files"`
	Images int `bun:"images"`
}

// SessionSharedFiles counts the files shared in a session of a channel:
// the attachments of its messages whatever became of them later (removed by
// a moderator or by retention), as the session's message count counts every
// message posted.
func SessionSharedFiles(ctx context.Context, db bun.IDB, channelID, sessionID int64) (SharedFileCounts, error) {
	var c SharedFileCounts
	err := db.NewSelect().TableExpr("attachments AS a").
		Join("JOIN messages AS m ON m.id = a.message_id").
		ColumnExpr("COUNT(*) AS files").
		ColumnExpr("COALESCE(SUM(CASE WHEN a.kind = ? THEN 1 ELSE 0 END), 0) AS images", model.AttachmentImage).
		Where("m.channel_id = ?", channelID).Where("m.session_id = ?", sessionID).
		Scan(ctx, &c)
	if err != nil {
		return c, fmt.Errorf("store: shared files of session %d: %w", sessionID, err)
	}
	return c, nil
}
