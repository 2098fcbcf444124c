package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// Direct messages, their reactions and the per-person event log.

// dmMessages is the table of model.DirectMessage.
const dmMessages = `"dm_messages" AS "direct_message"`

// InsertDM stores a new message of a conversation and fills in its id; the
// conversation's last message and activity move to it.
func InsertDM(ctx context.Context, db bun.IDB, m *model.DirectMessage) error {
	if _, err := db.NewInsert().Model(m).ModelTableExpr(`"dm_messages"`).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: insert direct message: %w", err)
	}
	if _, err := db.NewUpdate().Model((*model.Conversation)(nil)).Set("last_message_id = ?", m.ID).
		Set("last_activity_at = ?", m.CreatedAt.UTC()).Where("id = ?", m.ConversationID).Exec(ctx); err != nil {
		return fmt.Errorf("store: insert direct message: conversation: %w", err)
	}
	return nil
}

// DMByID loads one direct message.
func DMByID(ctx context.Context, db bun.IDB, id int64) (*model.DirectMessage, error) {
	m := new(model.DirectMessage)
	if err := db.NewSelect().Model(m).ModelTableExpr(dmMessages).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("direct message", err)
	}
	return m, nil
}

// DMsByIDs loads direct messages by id.
func DMsByIDs(ctx context.Context, db bun.IDB, ids []int64) (map[int64]model.DirectMessage, error) {
	return byIDs(ctx, db, dmMessages, ids, func(m model.DirectMessage) int64 { return m.ID })
}

// UpdateDM writes the named columns of m.
func UpdateDM(ctx context.Context, db bun.IDB, m *model.DirectMessage, cols ...string) error {
	if _, err := db.NewUpdate().Model(m).ModelTableExpr(dmMessages).Column(cols...).
		Where("id = ?", m.ID).Exec(ctx); err != nil {
		return fmt.Errorf("store: update direct message: %w", err)
	}
	return nil
}

// DMPage selects a page of a conversation's messages with ids above floor:
// after > 0 gives the oldest ones after it, before > 0 the newest ones
// before it, neither the newest. They come oldest first, at most limit.
func DMPage(ctx context.Context, db bun.IDB, conversationID, floor, before, after int64, limit int) ([]model.DirectMessage, error) {
	var ms []model.DirectMessage
	q := db.NewSelect().Model(&ms).ModelTableExpr(dmMessages).Where("conversation_id = ?", conversationID).
		Where("id > ?", max(floor, after)).Limit(limit)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	if after > 0 {
		q = q.Order("id ASC")
	} else {
		q = q.Order("id DESC")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: direct message page: %w", err)
	}
	if after <= 0 {
		for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
			ms[i], ms[j] = ms[j], ms[i]
		}
	}
	return ms, nil
}

// DMsSentSince returns when authorID posted their messages at or after
// since, newest first (for the per-minute limit).
func DMsSentSince(ctx context.Context, db bun.IDB, authorID int64, since time.Time) ([]time.Time, error) {
	var ts []time.Time
	if err := db.NewSelect().Model((*model.DirectMessage)(nil)).ModelTableExpr(dmMessages).Column("created_at").
		Where("author_id = ?", authorID).Where("kind = ?", model.DMText).Where("created_at >= ?", since.UTC()).
		Order("created_at DESC").Scan(ctx, &ts); err != nil {
		return nil, fmt.Errorf("store: direct messages sent since: %w", err)
	}
	return ts, nil
}

// SetDMReaction puts (on) or takes off a person's emoji on a message and
// reports whether anything changed.
func SetDMReaction(ctx context.Context, db bun.IDB, r *model.DMReaction, on bool) (bool, error) {
	if on {
		res, err := db.NewInsert().Model(r).On("CONFLICT (message_id, user_id, emoji) DO NOTHING").Exec(ctx)
		if err != nil {
			return false, fmt.Errorf("store: add direct message reaction: %w", err)
		}
		n, _ := res.RowsAffected()
		return n > 0, nil
	}
	res, err := db.NewDelete().Model((*model.DMReaction)(nil)).Where("message_id = ?", r.MessageID).
		Where("user_id = ?", r.UserID).Where("emoji = ?", r.Emoji).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: remove direct message reaction: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// DMReactions lists the reactions on messages, oldest first.
func DMReactions(ctx context.Context, db bun.IDB, ids []int64) ([]model.DMReaction, error) {
	var rs []model.DMReaction
	if len(ids) == 0 {
		return rs, nil
	}
	if err := db.NewSelect().Model(&rs).Where("message_id IN (?)", bun.In(ids)).
		Order("created_at", "user_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: direct message reactions: %w", err)
	}
	return rs, nil
}

// DeleteDMReactions removes every reaction of a message (it was deleted).
func DeleteDMReactions(ctx context.Context, db bun.IDB, messageID int64) error {
	if _, err := db.NewDelete().Model((*model.DMReaction)(nil)).Where("message_id = ?", messageID).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete direct message reactions: %w", err)
	}
	return nil
}

// InsertDMEvent writes an event of the direct-message log with the people
// it goes to, and fills in its id (the streams' Last-Event-ID).
func InsertDMEvent(ctx context.Context, db bun.IDB, e *model.DMEvent, recipients []int64) error {
	if _, err := db.NewInsert().Model(e).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: insert direct message event: %w", err)
	}
	if len(recipients) == 0 {
		return nil
	}
	rows := make([]dmEventRecipient, len(recipients))
	for i, u := range recipients {
		rows[i] = dmEventRecipient{UserID: u, EventID: e.ID}
	}
	if _, err := db.NewInsert().Model(&rows).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("store: insert direct message event recipients: %w", err)
	}
	return nil
}

// dmEventRecipient is one person a direct-message event goes to.
type dmEventRecipient struct {
	bun.BaseModel `bun:"table:dm_event_recipients"`
	UserID        int64 `bun:"user_id,pk"`
	EventID       int64 `bun:"event_id,pk"`
}

// DMEventRecipients lists who an event goes to, ascending (for tests and
// the stream readers).
func DMEventRecipients(ctx context.Context, db bun.IDB, eventID int64) ([]int64, error) {
	var ids []int64
	if err := db.NewSelect().Model((*dmEventRecipient)(nil)).Column("user_id").Where("event_id = ?", eventID).
		Order("user_id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("store: direct message event recipients: %w", err)
	}
	return ids, nil
}

// DMEventsOf lists a conversation's events, oldest first.
func DMEventsOf(ctx context.Context, db bun.IDB, conversationID int64) ([]model.DMEvent, error) {
	var es []model.DMEvent
	if err := db.NewSelect().Model(&es).Where("conversation_id = ?", conversationID).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: direct message events: %w", err)
	}
	return es, nil
}
