package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// Bulk writes fill a database with generated traffic (backchannel bench
// seed): many rows a statement, ids given by the caller or returned, and
// none of what posting does besides: no outbox entries for the search index,
// no audit rows, no live wake-ups. bun writes the values into the statement,
// so a statement has no bind parameters to run out of (PostgreSQL allows
// 65,535, SQLite 32,766).

// DefaultBulkRows is the rows a statement when a bulk write is given none.
const DefaultBulkRows = 1000

// UserIDsByEmail returns the ids of the accounts with the given emails, by
// email; emails with no account are left out. The emails are compared as
// given (see NormalizeEmail).
func UserIDsByEmail(ctx context.Context, db bun.IDB, emails []string) (map[string]int64, error) {
	out := make(map[string]int64, len(emails))
	for start := 0; start < len(emails); start += DefaultBulkRows {
		var rows []model.User
		part := emails[start:min(start+DefaultBulkRows, len(emails))]
		if err := db.NewSelect().Model(&rows).Column("id", "email").Where("email IN (?)", bun.In(part)).Scan(ctx); err != nil {
			return nil, fmt.Errorf("store: users by email: %w", err)
		}
		for _, u := range rows {
			out[u.Email] = u.ID
		}
	}
	return out, nil
}

// InsertUsers inserts users as they are (emails and times included), per
// rows a statement, and fills in their ids. A taken email fails the
// statement it is in.
func InsertUsers(ctx context.Context, db bun.IDB, users []model.User, per int) error {
	for i := range users {
		if users[i].DMPolicy == "" {
			users[i].DMPolicy = model.DMPolicyEveryone
		}
	}
	if err := insertRows(ctx, db, users, per, true); err != nil {
		return fmt.Errorf("store: insert users: %w", err)
	}
	return nil
}

// InsertChannelSessions inserts channel sessions as they are (ended or not),
// per rows a statement, and fills in their ids.
func InsertChannelSessions(ctx context.Context, db bun.IDB, sessions []model.ChannelSession, per int) error {
	if err := insertRows(ctx, db, sessions, per, true); err != nil {
		return fmt.Errorf("store: insert channel sessions: %w", err)
	}
	return nil
}

// MaxMessageID returns the highest message id, 0 when there are no messages.
// Messages inserted with ids of their own start after it.
func MaxMessageID(ctx context.Context, db bun.IDB) (int64, error) {
	var id int64
	if err := db.NewSelect().Model((*model.Message)(nil)).ColumnExpr("COALESCE(MAX(id), 0)").Scan(ctx, &id); err != nil {
		return 0, fmt.Errorf("store: last message id: %w", err)
	}
	return id, nil
}

// MessageBatch is generated messages with the rows that go with them.
type MessageBatch struct {
	// Messages have their ids, channels and sequence numbers set; reply and
	// vote counts must agree with the rest of the batch and the database.
	Messages []model.Message
	Events   []model.ChannelEvent // one message.created event a message, as posting writes
	Votes    []model.Vote
	Tags     []model.MessageTag
	// LastSeq is each channel's last sequence number after the batch, by
	// channel id; the channels' last_seq becomes it.
	LastSeq map[int64]int64
}

// InsertMessageBatch writes b in one transaction (a savepoint inside one
// already open), per rows a statement: messages, events, votes, tags, then
// the channels' last sequence numbers. It writes nothing to the outbox: the
// messages are searchable after a rebuild of the index. On PostgreSQL, call
// SyncMessageIDs after the last batch.
func InsertMessageBatch(ctx context.Context, db bun.IDB, b *MessageBatch, per int) error {
	for i := range b.Messages {
		b.Messages[i].Published = b.Messages[i].Published || b.Messages[i].State == model.StateVisible
	}
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := insertRows(ctx, tx, b.Messages, per, false); err != nil {
			return fmt.Errorf("store: insert messages: %w", err)
		}
		if err := insertRows(ctx, tx, b.Events, per, false); err != nil {
			return fmt.Errorf("store: insert channel events: %w", err)
		}
		if err := insertRows(ctx, tx, b.Votes, per, false); err != nil {
			return fmt.Errorf("store: insert votes: %w", err)
		}
		if err := insertRows(ctx, tx, b.Tags, per, false); err != nil {
			return fmt.Errorf("store: insert message tags: %w", err)
		}
		for id, seq := range b.LastSeq {
			if _, err := tx.NewUpdate().Model((*model.Channel)(nil)).Set("last_seq = ?", seq).Where("id = ?", id).Exec(ctx); err != nil {
				return fmt.Errorf("store: channel sequence: %w", err)
			}
		}
		return nil
	})
}

// SyncMessageIDs moves PostgreSQL's message id sequence past the highest id,
// after messages were inserted with ids of their own, so that the next post
// gets a free one. SQLite needs nothing: it picks max(id)+1.
func SyncMessageIDs(ctx context.Context, db bun.IDB) error {
	if !IsPostgres(db) {
		return nil
	}
	if _, err := db.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('messages', 'id'), (SELECT MAX(id) FROM messages))"); err != nil {
		return fmt.Errorf("store: message id sequence: %w", err)
	}
	return nil
}

// Analyze refreshes PostgreSQL's planner statistics of the tables (of every
// table when none is named) after a bulk load, as autovacuum would a little
// later. On SQLite it does nothing.
func Analyze(ctx context.Context, db bun.IDB, tables ...string) error {
	if !IsPostgres(db) {
		return nil
	}
	q, args := "ANALYZE", []any(nil)
	if len(tables) > 0 {
		idents := make([]bun.Ident, len(tables))
		for i, t := range tables {
			idents[i] = bun.Ident(t)
		}
		q, args = "ANALYZE ?", []any{bun.In(idents)}
	}
	if _, err := db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("store: analyze: %w", err)
	}
	return nil
}

// insertRows inserts rows, per a statement (DefaultBulkRows when per < 1);
// with returnID the rows' ids are filled in.
func insertRows[T any](ctx context.Context, db bun.IDB, rows []T, per int, returnID bool) error {
	if per < 1 {
		per = DefaultBulkRows
	}
	for start := 0; start < len(rows); start += per {
		part := rows[start:min(start+per, len(rows))]
		q := db.NewInsert().Model(&part)
		if returnID {
			q = q.Returning("id")
		}
		if _, err := q.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
