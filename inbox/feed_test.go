package inbox_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/inbox"
	"backchannel/live"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// feedFixture is a database with three people and a conversation per pair
// and one of all three, and a writer of log events as the use cases write
// them (a transaction with the log's lock).
type feedFixture struct {
	db                  *bun.DB
	ann, bob, cat       *model.User
	annBob, bobCat, all int64
}

func newFeedFixture(t *testing.T, db *bun.DB) *feedFixture {
	t.Helper()
	ctx := context.Background()
	f := &feedFixture{db: db}
	mk := func(name string) *model.User {
		u := &model.User{Email: strings.ToLower(name) + "@example.org", DisplayName: name, PasswordHash: "x"}
		if err := store.CreateUser(ctx, db, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.ann, f.bob, f.cat = mk("Ann"), mk("Bob"), mk("Cat")
	conv := func(kind model.ConversationKind, people ...*model.User) int64 {
		now := time.Now().UTC()
		c := &model.Conversation{Kind: kind, CreatedAt: now, LastActivityAt: now, AdminID: &people[0].ID}
		if _, err := db.NewInsert().Model(c).ModelTableExpr("conversations").Returning("id").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for _, p := range people {
			m := &model.ConversationMember{ConversationID: c.ID, UserID: p.ID, Folder: model.FolderInbox, JoinedAt: now}
			if _, err := db.NewInsert().Model(m).ModelTableExpr("conversation_members").Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		return c.ID
	}
	f.annBob = conv(model.ConversationDirect, f.ann, f.bob)
	f.bobCat = conv(model.ConversationDirect, f.bob, f.cat)
	f.all = conv(model.ConversationGroup, f.ann, f.bob, f.cat)
	return f
}

// post writes a message by author in conversation conv and its event for
// the given recipients, as one transaction, and returns the event's id.
func (f *feedFixture) post(t *testing.T, conv int64, author *model.User, body string, to ...*model.User) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := f.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		m := &model.DirectMessage{ConversationID: conv, AuthorID: &author.ID, Kind: model.DMText, Body: body, CreatedAt: time.Now().UTC()}
		if _, err := tx.NewInsert().Model(m).ModelTableExpr("dm_messages").Returning("id").Exec(ctx); err != nil {
			return err
		}
		if err := store.LockDMEventLog(ctx, tx); err != nil {
			return err
		}
		e := &model.DMEvent{ConversationID: conv, Kind: model.DMEventMessage, MessageID: &m.ID, ActorID: &author.ID, CreatedAt: m.CreatedAt}
		if _, err := tx.NewInsert().Model(e).ModelTableExpr("dm_events").Returning("id").Exec(ctx); err != nil {
			return err
		}
		for _, u := range to {
			if _, err := tx.NewInsert().TableExpr("dm_event_recipients").
				Model(&map[string]any{"user_id": u.ID, "event_id": e.ID}).Exec(ctx); err != nil {
				return err
			}
		}
		id = e.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// drain reads userID's events after after until the feed has no more, as
// a stream's flush does, and returns their ids and the final position.
func drain(t *testing.T, f *inbox.Feed, userID, after int64) ([]int64, int64) {
	t.Helper()
	var ids []int64
	for {
		b, err := f.After(context.Background(), userID, after)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range b.Entries {
			if !e.For(userID) {
				t.Fatalf("event %d handed to %d, who is not a recipient (%v)", e.Event.ID, userID, e.Recipients)
			}
			ids = append(ids, e.Event.ID)
		}
		if b.Last < after {
			t.Fatalf("position went back from %d to %d", after, b.Last)
		}
		after = b.Last
		if !b.More {
			return ids, after
		}
	}
}

// queryCounter counts the statements that read the event log itself.
type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if strings.Contains(e.Query, "dm_events") && strings.HasPrefix(strings.TrimSpace(e.Query), "SELECT") {
		q.n.Add(1)
	}
	return ctx
}
func (q *queryCounter) AfterQuery(context.Context, *bun.QueryEvent) {}

// The instance reads new events once per batch, whoever many streams ask;
// each person gets only the events naming them, with what they need to be
// shown.
func TestFeedReadsOncePerBatchRecipientsOnly(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		fx := newFeedFixture(t, db)
		counter := &queryCounter{}
		db.AddQueryHook(counter)
		feed := inbox.NewFeed(db)
		hub := live.NewHub(nil)
		hub.Observe(feed.Observer())
		// Every stream starts now (an empty log).
		for _, u := range []*model.User{fx.ann, fx.bob, fx.cat} {
			if got, _ := drain(t, feed, u.ID, 0); len(got) != 0 {
				t.Fatalf("empty log gave %v", got)
			}
		}
		e1 := fx.post(t, fx.annBob, fx.ann, "hello Bob", fx.ann, fx.bob)
		e2 := fx.post(t, fx.bobCat, fx.bob, "hello Cat", fx.bob, fx.cat)
		e3 := fx.post(t, fx.all, fx.cat, "hello all", fx.ann, fx.bob, fx.cat)
		hub.Publish(live.InboxStreamID, e3)

		before := counter.n.Load()
		want := map[int64][]int64{fx.ann.ID: {e1, e3}, fx.bob.ID: {e1, e2, e3}, fx.cat.ID: {e2, e3}}
		for _, u := range []*model.User{fx.ann, fx.bob, fx.cat, fx.ann, fx.bob} {
			got, last := drain(t, feed, u.ID, 0)
			if !slices.Equal(got, want[u.ID]) {
				t.Errorf("%s got events %v, want %v", u.DisplayName, got, want[u.ID])
			}
			if last != e3 {
				t.Errorf("%s's position = %d, want %d", u.DisplayName, last, e3)
			}
		}
		if n := counter.n.Load() - before; n != 1 {
			t.Errorf("five streams read the log %d times; want once for the batch", n)
		}
		// The entry carries its message and author, read with the batch.
		b, err := feed.After(context.Background(), fx.ann.ID, e1-1)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Entries) == 0 || b.Entries[0].Message == nil || b.Entries[0].Message.Body != "hello Bob" ||
			b.Entries[0].Author == nil || b.Entries[0].Author.DisplayName != "Ann" || len(b.Entries[0].Members) != 2 {
			t.Fatalf("first entry = %+v", b.Entries)
		}
	})
}

// A stream reconnecting with an id older than the ring holds is replayed
// from the database with that person's events alone: exactly what came
// after the id, across several batches, nothing of other people's
// conversations; one within the ring, from the ring. Either way it then
// follows new events without a gap or a repeat.
func TestFeedReplayExact(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		fx := newFeedFixture(t, db)
		var annWants []int64
		// More than one batch of Ann's events, with other people's between.
		for i := range inbox.FeedBatch + 60 {
			annWants = append(annWants, fx.post(t, fx.annBob, fx.bob, "to Ann", fx.ann, fx.bob))
			if i%3 == 0 {
				fx.post(t, fx.bobCat, fx.bob, "not for Ann", fx.bob, fx.cat)
			}
		}
		feed := inbox.NewFeed(db)
		hub := live.NewHub(nil)
		hub.Observe(feed.Observer())
		head, err := feed.Head(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// A stream starting now starts the instance's ring at the head.
		if got, _ := drain(t, feed, fx.cat.ID, head); len(got) != 0 {
			t.Fatalf("nothing new, got %v", got)
		}
		// From the database: Ann missed everything after her 10th event.
		since := annWants[9]
		got, last := drain(t, feed, fx.ann.ID, since)
		if !slices.Equal(got, annWants[10:]) {
			t.Fatalf("replay from the database: %d events, want %d (first %v, want %v)", len(got), len(annWants[10:]), got[:min(3, len(got))], annWants[10:13])
		}
		if last != head {
			t.Fatalf("position after the replay = %d, want the head %d", last, head)
		}
		// New events after the replay come from the ring, once each.
		n1 := fx.post(t, fx.all, fx.cat, "new", fx.ann, fx.bob, fx.cat)
		fx.post(t, fx.bobCat, fx.cat, "not for Ann", fx.bob, fx.cat)
		n2 := fx.post(t, fx.annBob, fx.ann, "newer", fx.ann, fx.bob)
		hub.Publish(live.InboxStreamID, n2)
		got, last = drain(t, feed, fx.ann.ID, last)
		if !slices.Equal(got, []int64{n1, n2}) || last != n2 {
			t.Fatalf("after the replay got %v (position %d), want [%d %d]", got, last, n1, n2)
		}
		// From the ring: a reconnect with the id of the first new event.
		got, _ = drain(t, feed, fx.ann.ID, n1)
		if !slices.Equal(got, []int64{n2}) {
			t.Fatalf("replay from the ring got %v, want [%d]", got, n2)
		}
		// Cat never sees Ann and Bob's conversation.
		got, _ = drain(t, feed, fx.cat.ID, 0)
		for _, id := range got {
			if slices.Contains(annWants, id) || id == n2 {
				t.Fatalf("Cat was handed event %d of Ann and Bob", id)
			}
		}
	})
}

// The feed wakes only the subscriptions of an event's recipients: Ann, who
// is not in Bob and Cat's conversation, is not woken by its events, and
// each recipient is woken with the event's id.
func TestFeedWakesRecipientsOnly(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		fx := newFeedFixture(t, db)
		feed := inbox.NewFeed(db)
		hub := live.NewHub(nil)
		hub.Observe(feed.Observer())
		feed.Start(context.Background(), hub, nil)
		t.Cleanup(hub.Close)
		ann, bob, cat := feed.Subscribe(fx.ann.ID), feed.Subscribe(fx.bob.ID), feed.Subscribe(fx.cat.ID)
		e := fx.post(t, fx.bobCat, fx.bob, "just us", fx.bob, fx.cat)
		hub.Publish(live.InboxStreamID, e)
		// Recipients are woken in id order (Ann < Bob < Cat), so once Cat
		// is, Ann would have been.
		for _, s := range []*live.Subscription{bob, cat} {
			select {
			case got := <-s.C():
				if got != e {
					t.Fatalf("woken with %d, want %d", got, e)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("a recipient was not woken")
			}
		}
		select {
		case got := <-ann.C():
			t.Fatalf("Ann was woken (%d) by an event not hers", got)
		default:
		}
		// Her own next event wakes her.
		e2 := fx.post(t, fx.all, fx.cat, "all of us", fx.ann, fx.bob, fx.cat)
		hub.Publish(live.InboxStreamID, e2)
		select {
		case got := <-ann.C():
			if got != e2 {
				t.Fatalf("Ann woken with %d, want %d", got, e2)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Ann was not woken by her event")
		}
		// Closing the hub ends the subscriptions.
		hub.Close()
		for range ann.C() {
		}
	})
}
