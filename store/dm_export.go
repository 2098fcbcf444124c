package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// ExportConversation loads conversation id and userID's membership of it;
// model.ErrNotFound unless userID is a current member.
func ExportConversation(ctx context.Context, db bun.IDB, id, userID int64) (*model.Conversation, *model.ConversationMember, error) {
	m := new(model.ConversationMember)
	if err := db.NewSelect().Model(m).Where("conversation_id = ? AND user_id = ?", id, userID).
		Where("left_at IS NULL").Scan(ctx); err != nil {
		return nil, nil, notFound("export conversation member", err)
	}
	c := new(model.Conversation)
	if err := db.NewSelect().Model(c).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, nil, notFound("export conversation", err)
	}
	return c, m, nil
}

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

// DMReactionTally is how many people reacted to a message with an emoji.
type DMReactionTally struct {
	MessageID int64  `bun:"message_id"`
	Emoji     string `bun:"emoji"`
	Count     int    `bun:"n"`
}

// DMReactionTallies counts the reactions of the messages by emoji, most
// frequent first.
func DMReactionTallies(ctx context.Context, db bun.IDB, messageIDs []int64) ([]DMReactionTally, error) {
	var out []DMReactionTally
	if len(messageIDs) == 0 {
		return out, nil
	}
	if err := db.NewSelect().TableExpr("dm_reactions").ColumnExpr("message_id, emoji, COUNT(*) AS n").
		Where("message_id IN (?)", bun.In(messageIDs)).Group("message_id", "emoji").
		OrderExpr("message_id, COUNT(*) DESC, emoji").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: dm reaction tallies: %w", err)
	}
	return out, nil
}
