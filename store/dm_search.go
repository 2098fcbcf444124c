package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// The reads behind searching and exporting one's own direct messages, and
// the direct-message index's cursor in the event log.

// DMIndexEvent is one dm_events row as the search indexer reads it (the
// log's end is LastDMEventID).
type DMIndexEvent struct {
	ID        int64             `bun:"id"`
	Kind      model.DMEventKind `bun:"kind"`
	MessageID *int64            `bun:"message_id"`
}

// DMIndexEventsAfter returns up to limit events with ids above afterID, in id
// order.
func DMIndexEventsAfter(ctx context.Context, db bun.IDB, afterID int64, limit int) ([]DMIndexEvent, error) {
	var out []DMIndexEvent
	if err := db.NewSelect().TableExpr("dm_events").Column("id", "kind", "message_id").
		Where("id > ?", afterID).Order("id ASC").Limit(limit).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: dm events after: %w", err)
	}
	return out, nil
}

// DMIndexEventsByID returns the events of ids that exist.
func DMIndexEventsByID(ctx context.Context, db bun.IDB, ids []int64) ([]DMIndexEvent, error) {
	var out []DMIndexEvent
	if len(ids) == 0 {
		return out, nil
	}
	if err := db.NewSelect().TableExpr("dm_events").Column("id", "kind", "message_id").
		Where("id IN (?)", bun.In(ids)).Order("id ASC").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: dm events by id: %w", err)
	}
	return out, nil
}

// dmSearchCursor is the setting holding the event id through which the
// direct-message index is written.
const dmSearchCursor = "search.dm_cursor"

// DMSearchCursor returns the direct-message index's cursor in the event log.
func DMSearchCursor(ctx context.Context, db bun.IDB) (int64, error) {
	v, err := Setting(ctx, db, dmSearchCursor, "0")
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("store: %s %q: %w", dmSearchCursor, v, err)
	}
	return n, nil
}

// SetDMSearchCursor stores the direct-message index's cursor.
func SetDMSearchCursor(ctx context.Context, db bun.IDB, eventID int64) error {
	return SetSetting(ctx, db, dmSearchCursor, strconv.FormatInt(eventID, 10))
}

// DMIndexRow is a direct message as its search document needs it.
type DMIndexRow struct {
	ID             int64     `bun:"id"`
	ConversationID int64     `bun:"conversation_id"`
	AuthorID       int64     `bun:"author_id"`
	Author         string    `bun:"author"`
	Body           string    `bun:"body"`
	CreatedAt      time.Time `bun:"created_at"`
}

// dmIndexable selects the messages that belong in the index: people's
// messages (no system lines), not deleted, with an author.
func dmIndexable(db bun.IDB) *bun.SelectQuery {
	return db.NewSelect().TableExpr("dm_messages AS m").Join("JOIN users AS u ON u.id = m.author_id").
		ColumnExpr("m.id, m.conversation_id, m.author_id, u.display_name AS author, m.body, m.created_at").
		Where("m.kind = ?", model.DMText).Where("m.deleted_at IS NULL")
}

// DMIndexRows loads the indexable messages among ids.
func DMIndexRows(ctx context.Context, db bun.IDB, ids []int64) ([]DMIndexRow, error) {
	var out []DMIndexRow
	if len(ids) == 0 {
		return out, nil
	}
	if err := dmIndexable(db).Where("m.id IN (?)", bun.In(ids)).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: dm index rows: %w", err)
	}
	return out, nil
}

// DMIndexRowsAfter loads up to limit indexable messages with ids above
// afterID, in id order.
func DMIndexRowsAfter(ctx context.Context, db bun.IDB, afterID int64, limit int) ([]DMIndexRow, error) {
	var out []DMIndexRow
	if err := dmIndexable(db).Where("m.id > ?", afterID).Order("m.id ASC").Limit(limit).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: dm index rows after: %w", err)
	}
	return out, nil
}

// CountDMIndexable counts the indexable messages.
func CountDMIndexable(ctx context.Context, db bun.IDB) (int, error) {
	n, err := dmIndexable(db).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: count dm index rows: %w", err)
	}
	return n, nil
}

// DMMembership is one conversation a person is a current member of, and the
// last message id hidden from them.
type DMMembership struct {
	ConversationID int64 `bun:"conversation_id"`
	ClearedThrough int64 `bun:"cleared_through"`
}

// DMMemberships lists the conversations userID is a current member of (not
// left).
func DMMemberships(ctx context.Context, db bun.IDB, userID int64) ([]DMMembership, error) {
	var out []DMMembership
	if err := db.NewSelect().TableExpr("conversation_members").Column("conversation_id", "cleared_through").
		Where("user_id = ?", userID).Where("left_at IS NULL").Order("conversation_id").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: dm memberships: %w", err)
	}
	return out, nil
}

// DMVisibleRow is a direct message that a member may see, with its
// conversation and author.
type DMVisibleRow struct {
	DMIndexRow
	Handle            string                 `bun:"handle"`
	ConversationKind  model.ConversationKind `bun:"conversation_kind"`
	ConversationTitle string                 `bun:"conversation_title"`
}

// DMVisibleTo loads those of the messages ids that userID may see now: a
// person's message, not deleted, in a conversation they are a current
// member of, after what they cleared. Search hits are checked with it.
func DMVisibleTo(ctx context.Context, db bun.IDB, userID int64, ids []int64) ([]DMVisibleRow, error) {
	var out []DMVisibleRow
	if len(ids) == 0 {
		return out, nil
	}
	err := dmIndexable(db).ColumnExpr("u.handle, c.kind AS conversation_kind, c.title AS conversation_title").
		Join("JOIN conversations AS c ON c.id = m.conversation_id").
		Join("JOIN conversation_members AS cm ON cm.conversation_id = m.conversation_id AND cm.user_id = ?", userID).
		Where("cm.left_at IS NULL").Where("m.id > cm.cleared_through").
		Where("m.id IN (?)", bun.In(ids)).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("store: dm visible to: %w", err)
	}
	return out, nil
}

// DMMemberName is a current member of a conversation.
type DMMemberName struct {
	ConversationID int64  `bun:"conversation_id"`
	UserID         int64  `bun:"user_id"`
	DisplayName    string `bun:"display_name"`
	Handle         string `bun:"handle"`
}

// DMMemberNames lists the current members of the conversations, in order
// of joining.
func DMMemberNames(ctx context.Context, db bun.IDB, conversationIDs []int64) ([]DMMemberName, error) {
	var out []DMMemberName
	if len(conversationIDs) == 0 {
		return out, nil
	}
	if err := db.NewSelect().TableExpr("conversation_members AS cm").Join("JOIN users AS u ON u.id = cm.user_id").
		ColumnExpr("cm.conversation_id, cm.user_id, u.display_name, u.handle").
		Where("cm.conversation_id IN (?)", bun.In(conversationIDs)).Where("cm.left_at IS NULL").
		Order("cm.conversation_id", "cm.joined_at", "cm.user_id").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: dm member names: %w", err)
	}
	return out, nil
}
