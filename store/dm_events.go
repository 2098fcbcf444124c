package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"backchannel/model"
)

// The direct-message event log as the live streams read it: the log itself
// (dm_events, numbered by id, the per-person streams' Last-Event-ID) with
// the people each event goes to (dm_event_recipients), and what an event
// needs to be shown (its message, the people named, the reactions tally).

// DMEventRow is one event of the log with its recipients, in id order.
type DMEventRow struct {
	model.DMEvent
	Recipients []int64 // sorted
}

// dmEventsLockKey is the transaction-scoped advisory lock that orders
// writers of dm_events on PostgreSQL (see LockDMEventLog).
const dmEventsLockKey = 7_150_006

// LockDMEventLog orders the writers of the event log, inside the caller's
// transaction: call it right before inserting a dm_events row.
//
// The streams read the log by id ("everything after the last id I saw"), so
// ids must become visible in id order: on PostgreSQL two transactions could
// otherwise commit their events in the other order, and a reader that saw
// the larger id first would never look back for the smaller. The
// transaction-scoped advisory lock is held from before the id is taken until
// the commit, so ids commit in order (SQLite has one writer at a time
// already). Write the event last in the transaction, so the lock is held
// only briefly.
func LockDMEventLog(ctx context.Context, db bun.IDB) error {
	if db.Dialect().Name() != dialect.PG {
		return nil
	}
	if _, err := db.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", dmEventsLockKey); err != nil {
		return fmt.Errorf("store: dm event log lock: %w", err)
	}
	return nil
}

// LastDMEventID is the id of the newest event of the log (0 when empty):
// where a stream that asks for nothing older starts.
func LastDMEventID(ctx context.Context, db bun.IDB) (int64, error) {
	var id int64
	if err := db.NewSelect().TableExpr("dm_events").ColumnExpr("COALESCE(MAX(id), 0)").Scan(ctx, &id); err != nil {
		return 0, fmt.Errorf("store: last dm event: %w", err)
	}
	return id, nil
}

// DMEventsAfter returns the log's events after id after, in id order, at
// most limit, with their recipients: two statements however many events.
// This is the read of each instance's one reader of the log.
func DMEventsAfter(ctx context.Context, db bun.IDB, after int64, limit int) ([]DMEventRow, error) {
	var es []model.DMEvent
	q := db.NewSelect().Model(&es).ModelTableExpr("dm_events AS dm_event").Where("id > ?", after).Order("id ASC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: dm events after: %w", err)
	}
	return withRecipients(ctx, db, es)
}

// DMEventsFor returns one person's events after id after and up to id upTo
// (inclusive), in id order, at most limit, with their recipients: the
// replay of a stream that reconnects with an id older than its instance's
// copy of the log holds.
func DMEventsFor(ctx context.Context, db bun.IDB, userID, after, upTo int64, limit int) ([]DMEventRow, error) {
	var es []model.DMEvent
	q := db.NewSelect().Model(&es).ModelTableExpr("dm_events AS dm_event").
		Where("id IN (SELECT event_id FROM dm_event_recipients WHERE user_id = ? AND event_id > ? AND event_id <= ?)", userID, after, upTo).
		Order("id ASC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: dm events for: %w", err)
	}
	return withRecipients(ctx, db, es)
}

// withRecipients reads the recipients of es in one statement.
func withRecipients(ctx context.Context, db bun.IDB, es []model.DMEvent) ([]DMEventRow, error) {
	out := make([]DMEventRow, len(es))
	if len(es) == 0 {
		return out, nil
	}
	ids := make([]int64, len(es))
	at := make(map[int64]int, len(es))
	for i, e := range es {
		ids[i], at[e.ID] = e.ID, i
		out[i].DMEvent = e
	}
	var rows []struct {
		UserID  int64 `bun:"user_id"`
		EventID int64 `bun:"event_id"`
	}
	if err := db.NewSelect().TableExpr("dm_event_recipients").Column("user_id", "event_id").
		Where("event_id IN (?)", bun.In(ids)).Order("event_id", "user_id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("store: dm event recipients: %w", err)
	}
	for _, r := range rows {
		i := at[r.EventID]
		out[i].Recipients = append(out[i].Recipients, r.UserID)
	}
	return out, nil
}

// DMMessagesByID returns the direct messages with the given ids (any order;
// missing ones are left out).
func DMMessagesByID(ctx context.Context, db bun.IDB, ids []int64) ([]model.DirectMessage, error) {
	var ms []model.DirectMessage
	if len(ids) == 0 {
		return ms, nil
	}
	if err := db.NewSelect().Model(&ms).ModelTableExpr("dm_messages AS direct_message").
		Where("id IN (?)", bun.In(ids)).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: dm messages by id: %w", err)
	}
	return ms, nil
}

// DMReactionRows returns the reactions on the given messages, oldest first.
func DMReactionRows(ctx context.Context, db bun.IDB, messageIDs []int64) ([]model.DMReaction, error) {
	var rs []model.DMReaction
	if len(messageIDs) == 0 {
		return rs, nil
	}
	if err := db.NewSelect().Model(&rs).ModelTableExpr("dm_reactions AS dm_reaction").
		Where("message_id IN (?)", bun.In(messageIDs)).Order("created_at", "message_id", "user_id", "emoji").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: dm reactions: %w", err)
	}
	return rs, nil
}

// DMConversationsByID returns the conversations with the given ids.
func DMConversationsByID(ctx context.Context, db bun.IDB, ids []int64) ([]model.Conversation, error) {
	var cs []model.Conversation
	if len(ids) == 0 {
		return cs, nil
	}
	if err := db.NewSelect().Model(&cs).ModelTableExpr("conversations AS conversation").
		Where("id IN (?)", bun.In(ids)).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: conversations by id: %w", err)
	}
	return cs, nil
}

// DMMemberRow is one member of a conversation with what pages show of them.
type DMMemberRow struct {
	model.ConversationMember
	Name   string `bun:"display_name"`
	Handle string `bun:"handle"`
}

// DMMembersOf returns the members (current and past) of the given
// conversations with their names, by conversation then joining order.
func DMMembersOf(ctx context.Context, db bun.IDB, conversationIDs []int64) ([]DMMemberRow, error) {
	var ms []DMMemberRow
	if len(conversationIDs) == 0 {
		return ms, nil
	}
	if err := db.NewSelect().Model(&ms).ModelTableExpr("conversation_members AS m").
		ColumnExpr("m.*, u.display_name, u.handle").
		Join("JOIN users AS u ON u.id = m.user_id").
		Where("m.conversation_id IN (?)", bun.In(conversationIDs)).
		Order("m.conversation_id", "m.joined_at", "m.user_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: conversation members: %w", err)
	}
	return ms, nil
}

// PeopleByID returns the display names and handles of the given users.
func PeopleByID(ctx context.Context, db bun.IDB, ids []int64) (map[int64]model.User, error) {
	out := map[int64]model.User{}
	if len(ids) == 0 {
		return out, nil
	}
	var us []model.User
	if err := db.NewSelect().Model(&us).Column("id", "display_name", "handle").
		Where("id IN (?)", bun.In(slices.Compact(slices.Sorted(slices.Values(ids))))).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: people by id: %w", err)
	}
	for _, u := range us {
		out[u.ID] = u
	}
	return out, nil
}

// BlockedIDsOf returns everyone blocker has blocked, ascending: a
// conversation page warns at once when one of them is in it or is added.
func BlockedIDsOf(ctx context.Context, db bun.IDB, blocker int64) ([]int64, error) {
	var out []int64
	if err := db.NewSelect().Model((*model.Block)(nil)).Column("blocked_id").
		Where("blocker_id = ?", blocker).Order("blocked_id").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: blocked ids: %w", err)
	}
	return out, nil
}
