package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestBulkUsers(t *testing.T) {
	eachDBParallel(t, func(ctx context.Context, t *testing.T, db *bun.DB) {
		now := time.Now().UTC()
		users := make([]model.User, 5)
		for i := range users {
			users[i] = model.User{Email: fmt.Sprintf("p%d@example.org", i), DisplayName: fmt.Sprintf("P %d", i), CreatedAt: now, UpdatedAt: now}
		}
		if err := store.InsertUsers(ctx, db, users, 2); err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for _, u := range users {
			if u.ID == 0 || seen[u.ID] {
				t.Fatalf("ids not filled in or not distinct: %+v", users)
			}
			seen[u.ID] = true
			got, err := store.UserByID(ctx, db, u.ID)
			if err != nil || got.Email != u.Email || got.DisplayName != u.DisplayName {
				t.Errorf("user %d = %+v, %v; want %s", u.ID, got, err, u.Email)
			}
		}
		if n, err := store.CountUsers(ctx, db); err != nil || n != len(users) {
			t.Errorf("%d users (%v), want %d", n, err, len(users))
		}

		// More emails than one statement looks up, most of them unknown.
		emails := make([]string, 0, store.DefaultBulkRows+10)
		for i := range store.DefaultBulkRows + 5 {
			emails = append(emails, fmt.Sprintf("nobody%d@example.org", i))
		}
		emails = append(emails, users[0].Email, users[4].Email)
		ids, err := store.UserIDsByEmail(ctx, db, emails)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int64{users[0].Email: users[0].ID, users[4].Email: users[4].ID}; fmt.Sprint(ids) != fmt.Sprint(want) {
			t.Errorf("UserIDsByEmail = %v, want %v", ids, want)
		}
		if ids, err := store.UserIDsByEmail(ctx, db, nil); err != nil || len(ids) != 0 {
			t.Errorf("UserIDsByEmail(nil) = %v, %v; want nothing", ids, err)
		}

		// A taken email fails its statement.
		dup := []model.User{{Email: "new@example.org", CreatedAt: now, UpdatedAt: now}, {Email: users[1].Email, CreatedAt: now, UpdatedAt: now}}
		if err := store.InsertUsers(ctx, db, dup, 10); err == nil {
			t.Error("inserting a taken email succeeded")
		}
		if ids, _ := store.UserIDsByEmail(ctx, db, []string{"new@example.org"}); len(ids) != 0 {
			t.Error("the statement with a taken email wrote its other rows")
		}
	})
}

func TestBulkChannelSessions(t *testing.T) {
	eachDBParallel(t, func(ctx context.Context, t *testing.T, db *bun.DB) {
		ch, host := bulkChannel(t, db, "bulk-sessions")
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		ss := make([]model.ChannelSession, 3)
		for i := range ss {
			end := start.Add(time.Duration(i)*24*time.Hour + time.Hour)
			ss[i] = model.ChannelSession{ChannelID: ch.ID, Title: fmt.Sprintf("Week %d", i+1), StartedBy: &host,
				StartedAt: start.Add(time.Duration(i) * 24 * time.Hour), EndedAt: &end}
		}
		if err := store.InsertChannelSessions(ctx, db, ss, 0); err != nil { // 0: the default
			t.Fatal(err)
		}
		for _, s := range ss {
			got, err := store.ChannelSessionByID(ctx, db, s.ID)
			if err != nil {
				t.Fatalf("session %d: %v", s.ID, err)
			}
			if got.Title != s.Title || !got.StartedAt.Equal(s.StartedAt) || got.EndedAt == nil || !got.EndedAt.Equal(*s.EndedAt) {
				t.Errorf("session %d = %+v, want %+v", s.ID, got, s)
			}
		}
		if _, err := store.LiveChannelSession(ctx, db, ch.ID); err == nil {
			t.Error("an ended session counts as live")
		}
	})
}

func TestBulkMessageBatch(t *testing.T) {
	eachDBParallel(t, func(ctx context.Context, t *testing.T, db *bun.DB) {
		ch, host := bulkChannel(t, db, "bulk-messages")
		tag, err := store.EnsureTag(ctx, db, "exam", "#1971c2", 0)
		if err != nil {
			t.Fatal(err)
		}
		if id, err := store.MaxMessageID(ctx, db); err != nil || id != 0 {
			t.Fatalf("MaxMessageID of none = %d, %v; want 0", id, err)
		}

		// Five messages with ids of their own: a question with two replies
		// and two votes, tagged, and two comments.
		first := int64(100)
		b := bulkBatch(ch.ID, host, tag.ID, first, 0, 5)
		if err := store.InsertMessageBatch(ctx, db, b, 2); err != nil {
			t.Fatal(err)
		}
		ms, err := store.ListMessages(ctx, db, store.MessageFilter{ChannelID: ch.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 5 {
			t.Fatalf("%d messages, want 5", len(ms))
		}
		for i, m := range ms {
			if m.ID != first+int64(i) || m.Seq != int64(i+1) || m.Body != b.Messages[i].Body {
				t.Errorf("message %d = id %d seq %d %q; want id %d seq %d %q", i, m.ID, m.Seq, m.Body, first+int64(i), i+1, b.Messages[i].Body)
			}
		}
		if ms[0].ReplyCount != 2 || ms[0].VoteCount != 2 || ms[1].ParentID == nil || *ms[1].ParentID != first {
			t.Errorf("question = %+v, reply = %+v; want 2 replies and 2 votes, the reply under the question", ms[0], ms[1])
		}
		es, err := store.EventsAfter(ctx, db, ch.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 5 {
			t.Fatalf("%d events, want 5", len(es))
		}
		for i, e := range es {
			if e.Seq != int64(i+1) || e.Kind != model.EventMessageCreated || e.MessageID == nil || *e.MessageID != first+int64(i) {
				t.Errorf("event %d = %+v, want message.created of %d", i, e, first+int64(i))
			}
		}
		voted, err := store.VotedBy(ctx, db, []int64{first, first + 1}, "u:1")
		if err != nil || !voted[first] || voted[first+1] {
			t.Errorf("VotedBy u:1 = %v, %v; want the question only", voted, err)
		}
		tags, err := store.TagNamesOf(ctx, db, []int64{first, first + 2})
		if err != nil || len(tags[first]) != 1 || tags[first][0] != tag.Name || len(tags[first+2]) != 0 {
			t.Errorf("tags = %v, %v; want exam on the question only", tags, err)
		}
		if got, err := store.ChannelBySlug(ctx, db, ch.Slug); err != nil || got.LastSeq != 5 {
			t.Errorf("last_seq = %d, %v; want 5", got.LastSeq, err)
		}
		if n, err := store.OutboxLen(ctx, db); err != nil || n != 0 {
			t.Errorf("outbox holds %d (%v), want nothing: bulk writes bypass it", n, err)
		}
		if id, err := store.MaxMessageID(ctx, db); err != nil || id != first+4 {
			t.Errorf("MaxMessageID = %d, %v; want %d", id, err, first+4)
		}

		// A batch that fails leaves nothing behind: here its last message
		// takes an id already used.
		bad := bulkBatch(ch.ID, host, tag.ID, first+5, 5, 3)
		bad.Messages[2].ID = first
		if err := store.InsertMessageBatch(ctx, db, bad, 1); err == nil {
			t.Fatal("a batch reusing an id succeeded")
		}
		if n, err := store.CountMessages(ctx, db); err != nil || n != 5 {
			t.Errorf("after a failed batch %d messages (%v), want 5", n, err)
		}
		if got, err := store.ChannelBySlug(ctx, db, ch.Slug); err != nil || got.LastSeq != 5 {
			t.Errorf("after a failed batch last_seq = %d, %v; want 5", got.LastSeq, err)
		}

		// Inside a transaction that rolls back, a batch goes too.
		err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := store.InsertMessageBatch(ctx, tx, bulkBatch(ch.ID, host, tag.ID, first+5, 5, 2), 10); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("transaction: %v", err)
		}
		if n, err := store.CountMessages(ctx, db); err != nil || n != 5 {
			t.Errorf("after a rolled back transaction %d messages (%v), want 5", n, err)
		}

		// After SyncMessageIDs a message posted the usual way gets the next id.
		if err := store.SyncMessageIDs(ctx, db); err != nil {
			t.Fatal(err)
		}
		m := &model.Message{ChannelID: ch.ID, AuthorUserID: &host, AuthorName: "Host", Kind: model.KindComment, Body: "posted"}
		if err := store.InsertMessage(ctx, db, m); err != nil {
			t.Fatal(err)
		}
		if m.ID <= first+4 || m.Seq != 6 {
			t.Errorf("posted after the bulk load: id %d seq %d, want an id above %d and seq 6", m.ID, m.Seq, first+4)
		}
	})
}

func TestBulkAnalyze(t *testing.T) {
	eachDBParallel(t, func(ctx context.Context, t *testing.T, db *bun.DB) {
		if err := store.Analyze(ctx, db); err != nil {
			t.Errorf("Analyze() = %v", err)
		}
		if err := store.Analyze(ctx, db, "messages", "search_docs"); err != nil {
			t.Errorf("Analyze(messages, search_docs) = %v", err)
		}
		if store.IsPostgres(db) {
			if err := store.Analyze(ctx, db, "no_such_table"); err == nil {
				t.Error("Analyze of a missing table succeeded")
			}
		}
	})
}

// eachDBParallel runs fn on every database, fresh for it, in parallel with
// the other tests that own their databases.
func eachDBParallel(t *testing.T, fn func(ctx context.Context, t *testing.T, db *bun.DB)) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		t.Parallel()
		fn(context.Background(), t, db)
	})
}

var errRollback = errors.New("roll back")

// bulkChannel makes a channel and its host.
func bulkChannel(t *testing.T, db *bun.DB, slug string) (*model.Channel, int64) {
	t.Helper()
	ctx := context.Background()
	u := &model.User{Email: slug + "@example.org", DisplayName: "Host"}
	if err := store.CreateUser(ctx, db, u); err != nil {
		t.Fatal(err)
	}
	ch := &model.Channel{Slug: slug, Title: slug, CreatedBy: &u.ID}
	if err := store.CreateChannel(ctx, db, ch); err != nil {
		t.Fatal(err)
	}
	return ch, u.ID
}

// bulkBatch makes n messages of channel chID by host with ids from first and
// seqs after lastSeq. When it starts the channel, the first message is a
// question with two votes and the tag tagID, and the next two reply to it.
func bulkBatch(chID, host, tagID, first, lastSeq int64, n int) *store.MessageBatch {
	b := &store.MessageBatch{LastSeq: map[int64]int64{chID: lastSeq + int64(n)}}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range n {
		id, seq := first+int64(i), lastSeq+int64(i)+1
		m := model.Message{ID: id, ChannelID: chID, Seq: seq, AuthorUserID: &host, AuthorName: "Host",
			Kind: model.KindComment, Body: fmt.Sprintf("message %d", seq), State: model.StateVisible,
			CreatedAt: at.Add(time.Duration(seq) * time.Minute)}
		if lastSeq == 0 && i == 0 {
			m.Kind, m.ReplyCount, m.VoteCount = model.KindQuestion, 2, 2
			for _, actor := range []string{"u:1", "g:7"} {
				b.Votes = append(b.Votes, model.Vote{MessageID: id, Actor: actor, CreatedAt: m.CreatedAt})
			}
			b.Tags = append(b.Tags, model.MessageTag{MessageID: id, TagID: tagID, TaggedBy: &host, CreatedAt: m.CreatedAt})
		}
		if lastSeq == 0 && (i == 1 || i == 2) {
			parent := first
			m.ParentID = &parent
		}
		b.Messages = append(b.Messages, m)
		b.Events = append(b.Events, model.ChannelEvent{ChannelID: chID, Seq: seq, Kind: model.EventMessageCreated, MessageID: &id, CreatedAt: m.CreatedAt})
	}
	return b
}
