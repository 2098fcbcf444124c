package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// DMExportRow is one message of a conversation with its author's names.
type DMExportRow struct {
	ID        int64        `bun:"id"`
	AuthorID  *int64       `bun:"author_id"`
	Author    string       `bun:"author"`
	Handle    string       `bun:"handle"`
	Kind      model.DMKind `bun:"kind"`
	Body      string       `bun:"body"`
	ReplyToID *int64       `bun:"reply_to_id"`
	CreatedAt time.Time    `bun:"created_at"`
	EditedAt  *time.Time   `bun:"edited_at"`
	DeletedAt *time.Time   `bun:"deleted_at"`
}

// DMExportMessages lists a conversation's messages (system lines and
// tombstones included) with ids above afterID, oldest first.
func DMExportMessages(ctx context.Context, db bun.IDB, conversationID, afterID int64) ([]DMExportRow, error) {
	var out []DMExportRow
	if err := db.NewSelect().TableExpr("dm_messages AS m").Join("LEFT JOIN users AS u ON u.id = m.author_id").
		ColumnExpr("m.id, m.author_id, COALESCE(u.display_name, '') AS author, COALESCE(u.handle, '') AS handle").
		ColumnExpr("m.kind, m.body, m.reply_to_id, m.created_at, m.edited_at, m.deleted_at").
		Where("m.conversation_id = ?", conversationID).Where("m.id > ?", afterID).
		Order("m.id ASC").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: dm export messages: %w", err)
	}
	return out, nil
}
