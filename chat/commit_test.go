package chat_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// commitGate holds the first COMMIT it sees until released, so that posts
// made meanwhile queue behind it and form the next batch; it counts
// commits.
type commitGate struct {
	commits atomic.Int64
	held    chan struct{} // closed when the first commit is being held
	release chan struct{}
	once    sync.Once
}

func newCommitGate() *commitGate {
	return &commitGate{held: make(chan struct{}), release: make(chan struct{})}
}

func (g *commitGate) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if e.Query == "COMMIT" {
		if g.commits.Add(1) == 1 {
			g.once.Do(func() { close(g.held) })
			<-g.release
		}
	}
	return ctx
}

func (g *commitGate) AfterQuery(context.Context, *bun.QueryEvent) {}

// postAll posts each body as its viewer, all at once, and returns each
// post's message and error in order.
func postAll(e *env, ch *model.Channel, vs []chat.Viewer, bodies []string) ([]*model.Message, []error) {
	ms, errs := make([]*model.Message, len(bodies)), make([]error, len(bodies))
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Go(func() { ms[i], errs[i] = e.Chat.Post(e.Ctx, ch, vs[i], chat.PostInput{Body: bodies[i]}) })
	}
	wg.Wait()
	return ms, errs
}

// postBehindCommit posts "first" as host and holds that post's commit while
// vs post bodies at once, until all of those are queued behind it; then it
// lets the commit go and returns the first post, each other post's message
// and error in order, and the gate that counted the commits.
func postBehindCommit(t *testing.T, e *env, db *bun.DB, ch *model.Channel, host chat.Viewer, vs []chat.Viewer, bodies []string) (
	gate *commitGate, first *model.Message, ms []*model.Message, errs []error) {
	t.Helper()
	gate = newCommitGate()
	db.AddQueryHook(gate)
	firstc := make(chan *model.Message, 1)
	go func() {
		m, err := e.Chat.Post(e.Ctx, ch, host, chat.PostInput{Body: "first"})
		if err != nil {
			t.Errorf("first post: %v", err)
		}
		firstc <- m
	}()
	select {
	case <-gate.held:
	case <-time.After(10 * time.Second):
		t.Fatal("the first post never reached its commit")
	}
	done := make(chan struct{})
	go func() { ms, errs = postAll(e, ch, vs, bodies); close(done) }()
	for deadline := time.Now().Add(10 * time.Second); e.Chat.Queued(ch.ID) < len(bodies) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	close(gate.release)
	<-done
	return gate, <-firstc, ms, errs
}

// Posts that arrive while a commit runs are committed together in the next
// one, each numbered in order and each answered with its own message.
func TestGroupCommitBatchesPosts(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 1000})
		host := e.User("Hana", model.RoleHost)
		ch := e.Channel(host, "batched", chat.ChannelInput{})
		const n = 20
		vs, bodies := make([]chat.Viewer, n), make([]string, n)
		for i := range n {
			vs[i] = e.Ready(ch, e.User(fmt.Sprintf("P%d", i), model.RoleParticipant))
			bodies[i] = fmt.Sprintf("post %d", i)
		}
		sub := e.Hub.Subscribe(ch.ID)
		defer sub.Close()
		gate, first, ms, errs := postBehindCommit(t, e, db, ch, e.Ready(ch, host), vs, bodies)

		if first == nil || first.Seq != 1 {
			t.Fatalf("first post = %+v; want seq 1", first)
		}
		seen := map[int64]bool{}
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("post %d: %v", i, errs[i])
			}
			m := ms[i]
			if m.ID == 0 || m.Seq < 2 || m.Seq > n+1 || seen[m.Seq] || m.Body != bodies[i] {
				t.Fatalf("post %d answered %+v", i, m)
			}
			seen[m.Seq] = true
			if got := e.Message(m.ID); got.Seq != m.Seq || got.Body != bodies[i] || *got.AuthorUserID != vs[i].Actor.UserID {
				t.Errorf("post %d stored as %+v; answered seq %d", i, got, m.Seq)
			}
		}
		// The first commit, then one for the other twenty (the writer takes
		// up to 64 at a time).
		if c := gate.commits.Load(); c != 2 {
			t.Errorf("%d commits for %d posts; want 2", c, n+1)
		}
		es := e.Events(ch)
		if len(es) != n+1 {
			t.Fatalf("%d events; want %d", len(es), n+1)
		}
		for i, ev := range es {
			if ev.Seq != int64(i+1) || ev.Kind != model.EventMessageCreated {
				t.Errorf("event %d = %+v", i, ev)
			}
		}
		wantWake(t, sub, n+1)
	})
}

// In one batch, slow mode and the rate limit refuse only the posts at
// fault, counting the posts before them in the same batch.
func TestGroupCommitPacesEachPost(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 2, RateWindow: time.Minute})
		host := e.User("Hana", model.RoleHost)
		ch := e.Channel(host, "paced", chat.ChannelInput{})
		alice, bob := e.Ready(ch, e.User("Alice", model.RoleParticipant)), e.Ready(ch, e.User("Bob", model.RoleParticipant))
		vs := []chat.Viewer{alice, alice, alice, alice, bob, bob}
		bodies := []string{"a1", "a2", "a3", "a4", "b1", "b2"}
		_, _, _, errs := postBehindCommit(t, e, db, ch, e.Ready(ch, host), vs, bodies)

		ok := map[string]int{}
		for i, err := range errs {
			var rl *model.RateLimitError
			switch {
			case err == nil:
				ok[vs[i].Actor.Name]++
			case errors.As(err, &rl):
			default:
				t.Errorf("post %s: %v; want stored or rate limited", bodies[i], err)
			}
		}
		if ok["Alice"] != 2 || ok["Bob"] != 2 {
			t.Errorf("stored: %v; want 2 of Alice's 4 posts and both of Bob's", ok)
		}
		if n := e.count(ch); n != 5 {
			t.Errorf("%d messages; want 5 (the host's and 4)", n)
		}
	})
}

// A post the database refuses fails alone: its batch is committed again
// one post at a time.
func TestGroupCommitIsolatesAFailedPost(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 1000})
		host := e.User("Hana", model.RoleHost)
		ch := e.Channel(host, "poison", chat.ChannelInput{})
		poisonMessages(t, db, "poison")
		const n = 8
		vs, bodies := make([]chat.Viewer, n), make([]string, n)
		for i := range n {
			vs[i] = e.Ready(ch, e.User(fmt.Sprintf("P%d", i), model.RoleParticipant))
			bodies[i] = fmt.Sprintf("fine %d", i)
		}
		bodies[3] = "poison"
		gate, _, ms, errs := postBehindCommit(t, e, db, ch, e.Ready(ch, host), vs, bodies)

		for i := range n {
			if i == 3 {
				if errs[i] == nil {
					t.Errorf("the poisoned post was accepted: %+v", ms[i])
				}
				continue
			}
			if errs[i] != nil {
				t.Errorf("post %d failed with the poisoned one: %v", i, errs[i])
			} else if got := e.Message(ms[i].ID); got.Body != bodies[i] || got.Seq != ms[i].Seq {
				t.Errorf("post %d stored as %+v", i, got)
			}
		}
		if c := e.count(ch); c != n {
			t.Errorf("%d messages; want the first and the %d fine ones", c, n-1)
		}
		if gate.commits.Load() < 3 {
			t.Errorf("%d commits; want the first, the failed batch's retries", gate.commits.Load())
		}
		es := e.Events(ch)
		for i, ev := range es {
			if ev.Seq != int64(i+1) {
				t.Fatalf("event %d has seq %d: a gap after the failed batch", i, ev.Seq)
			}
		}
	})
}

// poisonMessages makes the database refuse any message with the given body.
func poisonMessages(t *testing.T, db *bun.DB, body string) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{fmt.Sprintf(`CREATE TRIGGER poison BEFORE INSERT ON messages
		WHEN NEW.body = '%s' BEGIN SELECT RAISE(ABORT, 'poisoned message'); END`, body)}
	if store.IsPostgres(db) {
		stmts = []string{
			fmt.Sprintf(`CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN
				IF NEW.body = '%s' THEN RAISE EXCEPTION 'poisoned message'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`, body),
			`CREATE TRIGGER poison BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION poison()`,
		}
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
}
