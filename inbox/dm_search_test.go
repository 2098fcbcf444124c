package inbox_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"
	"github.com/uptrace/bun"

	"backchannel/inbox"
	"backchannel/model"
	"backchannel/search"
	"backchannel/store"
	"backchannel/testenv"
)

// dmWorld is a database, the inbox service over it and one direct-message
// engine.
type dmWorld struct {
	db     *bun.DB
	svc    *inbox.Service
	engine search.DMEngine
	ix     *search.DMIndexer
}

// eachDMEngine runs fn on the built-in engine of every database and on
// Meilisearch (with SQLite), each fresh.
func eachDMEngine(t *testing.T, fn func(t *testing.T, w *dmWorld)) {
	t.Helper()
	type combo struct {
		name, url string
		meili     bool
	}
	var combos []combo
	dbs := testenv.Databases(t)
	for _, d := range dbs {
		combos = append(combos, combo{name: d.Name, url: d.URL})
	}
	if os.Getenv(testenv.MeiliURLVar) != "" || testenv.CI() {
		combos = append(combos, combo{name: "meilisearch", url: dbs[0].URL, meili: true})
	}
	for _, c := range combos {
		t.Run(c.name, func(t *testing.T) {
			url := c.url
			if c.meili {
				// A SQLite file of its own for Meilisearch's run.
				url = "sqlite://" + filepath.ToSlash(filepath.Join(t.TempDir(), "meili.db"))
			}
			db := testenv.Open(t, url)
			var e search.DMEngine = search.NewSQLDM(db)
			if c.meili {
				url, key := testenv.Meili(t)
				index := "dmt_" + testenv.RandomHex(6)
				e = search.NewMeili(url, key, index).DMs()
				t.Cleanup(func() {
					client := meilisearch.New(url, meilisearch.WithAPIKey(key))
					defer client.Close()
					_, _ = client.DeleteIndex(index + "_dm")
				})
			}
			if err := e.Setup(context.Background()); err != nil {
				t.Fatal(err)
			}
			svc := inbox.New(db, nil, nil, nil, inbox.Options{}, slog.New(slog.DiscardHandler))
			fn(t, &dmWorld{db: db, svc: svc, engine: e, ix: search.NewDMIndexer(e, svc.IndexSource(), slog.New(slog.DiscardHandler))})
		})
	}
}

func dmUser(t *testing.T, db bun.IDB, name string) int64 {
	t.Helper()
	u := &model.User{Email: name + "@example.org", DisplayName: strings.ToUpper(name[:1]) + name[1:], Handle: name, PasswordHash: "h"}
	if err := store.CreateUser(context.Background(), db, u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func (w *dmWorld) drain(t *testing.T) {
	t.Helper()
	if err := w.ix.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// find searches as user and returns the message ids found (newest first).
func (w *dmWorld) find(t *testing.T, user int64, q string) []int64 {
	t.Helper()
	res, err := w.svc.Search(context.Background(), w.engine, user, inbox.SearchRequest{Query: q, Sort: search.SortNewest})
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{}
	for _, h := range res.Hits {
		ids = append(ids, h.MessageID)
	}
	if res.Total != len(ids) {
		t.Errorf("%q: total %d for %d hits", q, res.Total, len(ids))
	}
	return ids
}

func wantIDs(t *testing.T, what string, got []int64, want ...int64) {
	t.Helper()
	if want == nil {
		want = []int64{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: found %v, want %v", what, got, want)
	}
}

func TestSearchOwnConversations(t *testing.T) {
	eachDMEngine(t, func(t *testing.T, w *dmWorld) {
		ctx := context.Background()
		ada, bob, cat, dan := dmUser(t, w.db, "ada"), dmUser(t, w.db, "bob"), dmUser(t, w.db, "cat"), dmUser(t, w.db, "dan")
		c1 := testenv.DMConversation(t, w.db, "", ada, bob)
		c2 := testenv.DMConversation(t, w.db, "Study group", ada, bob, cat)
		c3 := testenv.DMConversation(t, w.db, "", cat, dan)
		m1 := testenv.DMPost(t, w.db, c1, bob, "The secret password is marmalade")
		testenv.DMSystemLine(t, w.db, c2, "Ada added Cat: marmalade")
		m2 := testenv.DMPost(t, w.db, c2, cat, "Marmalade sandwiches for everyone")
		m3 := testenv.DMPost(t, w.db, c3, dan, "Marmalade recipe from grandma")
		w.drain(t)

		t.Run("own conversations only", func(t *testing.T) {
			wantIDs(t, "ada", w.find(t, ada, "marmalade"), m2, m1)
			wantIDs(t, "dan", w.find(t, dan, "marmalade"), m3)
			wantIDs(t, "cat", w.find(t, cat, "marmalade"), m3, m2)
		})
		t.Run("hits name the conversation and author", func(t *testing.T) {
			res, err := w.svc.Search(ctx, w.engine, ada, inbox.SearchRequest{Query: "marmalade", Sort: search.SortOldest})
			if err != nil || len(res.Hits) != 2 {
				t.Fatalf("%v %+v", err, res)
			}
			h := res.Hits[0]
			if h.Conversation != "Bob" || h.Author != "Bob" || h.Handle != "bob" || h.ConversationID != c1 {
				t.Errorf("hit %+v", h)
			}
			if res.Hits[1].Conversation != "Study group" {
				t.Errorf("group hit %+v", res.Hits[1])
			}
			if len(h.Matches) != 1 || h.Body[h.Matches[0].Start:h.Matches[0].End] != "marmalade" {
				t.Errorf("matches %v", h.Matches)
			}
		})
		t.Run("from handle", func(t *testing.T) {
			wantIDs(t, "from:bob", w.find(t, ada, "marmalade from:bob"), m1)
			wantIDs(t, "from:@Cat", w.find(t, ada, "from:@Cat"), m2)
			res, err := w.svc.Search(ctx, w.engine, ada, inbox.SearchRequest{Query: "from:nobody-here"})
			if err != nil || len(res.Hits) != 0 || len(res.Problems) != 1 {
				t.Errorf("unknown handle: %v %+v", err, res)
			}
		})
		t.Run("a quoted phrase is its words", func(t *testing.T) {
			wantIDs(t, "phrase", w.find(t, ada, `"secret password"`), m1)
		})
		t.Run("not after leaving", func(t *testing.T) {
			testenv.DMLeave(t, w.db, c2, ada)
			wantIDs(t, "ada after leaving", w.find(t, ada, "marmalade"), m1)
			wantIDs(t, "bob still in", w.find(t, bob, "sandwiches"), m2)
		})
		t.Run("not before cleared_through", func(t *testing.T) {
			testenv.DMClear(t, w.db, c1, bob)
			wantIDs(t, "bob after delete-for-me", w.find(t, bob, "password"))
			m4 := testenv.DMPost(t, w.db, c1, ada, "New password: apricot")
			w.drain(t)
			wantIDs(t, "bob sees what came later", w.find(t, bob, "password"), m4)
			wantIDs(t, "ada keeps the history", w.find(t, ada, "password"), m4, m1)
		})
		t.Run("not deleted messages", func(t *testing.T) {
			testenv.DMDelete(t, w.db, m3)
			// Checked against the database before the index has caught up…
			wantIDs(t, "before indexing", w.find(t, dan, "grandma"))
			w.drain(t)
			// …and gone from the index after.
			res, err := w.engine.Search(ctx, search.DMQuery{Text: "grandma", Scopes: []search.DMScope{{ConversationID: c3}}})
			if err != nil || res.Total != 0 {
				t.Errorf("the index still holds a deleted message: %v %+v", err, res)
			}
		})
		t.Run("edits reindexed", func(t *testing.T) {
			testenv.DMEdit(t, w.db, m2, "Apricot jam for everyone")
			w.drain(t)
			wantIDs(t, "new text", w.find(t, cat, "jam"), m2)
			wantIDs(t, "old text", w.find(t, cat, "sandwiches"))
		})
		t.Run("system lines are not indexed", func(t *testing.T) {
			wantIDs(t, "system", w.find(t, bob, "added"))
		})
	})
}

// downDM is the real engine behind a switch that makes writes fail, as when
// the engine is down.
type downDM struct {
	search.DMEngine
	down  atomic.Bool
	fails atomic.Int32
}

func (d *downDM) Upsert(ctx context.Context, docs []search.DMDoc) error {
	if d.down.Load() {
		d.fails.Add(1)
		return errors.New("engine down")
	}
	return d.DMEngine.Upsert(ctx, docs)
}

// While the engine fails the cursor stays put; once it is back the indexer
// catches up, and nothing is lost.
func TestDMIndexerCatchesUp(t *testing.T) {
	eachDMEngine(t, func(t *testing.T, w *dmWorld) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ada, bob := dmUser(t, w.db, "ada"), dmUser(t, w.db, "bob")
		c := testenv.DMConversation(t, w.db, "", ada, bob)
		d := &downDM{DMEngine: w.engine}
		d.down.Store(true)
		ix := search.NewDMIndexer(d, w.svc.IndexSource(), slog.New(slog.DiscardHandler))
		ix.Idle, ix.MaxBackoff = 10*time.Millisecond, 200*time.Millisecond
		var ids []int64
		for _, body := range []string{"quince one", "quince two", "quince three"} {
			ids = append(ids, testenv.DMPost(t, w.db, c, ada, body))
		}
		done := make(chan struct{})
		go func() { _ = ix.Run(ctx); close(done) }()
		testenv.Poll(t, 20*time.Second, "the indexer retrying", func() bool { return d.fails.Load() >= 3 })
		if cur, err := store.DMSearchCursor(ctx, w.db); err != nil || cur != 0 {
			t.Errorf("cursor %d (%v) while the engine is down, want 0", cur, err)
		}
		wantIDs(t, "while down", w.find(t, bob, "quince"))
		d.down.Store(false)
		slices.Reverse(ids)
		testenv.Poll(t, 20*time.Second, "the indexer catching up", func() bool {
			return slices.Equal(w.find(t, bob, "quince"), ids)
		})
		last, _ := store.LastDMEventID(ctx, w.db)
		testenv.Poll(t, 10*time.Second, "the cursor at the end", func() bool {
			cur, _ := store.DMSearchCursor(ctx, w.db)
			return cur == last
		})
		cancel()
		<-done
	})
}

// An event id that becomes visible after a later one (a transaction that
// committed late) is indexed when it appears; the stored cursor waits below
// it, and gives up on it after GapWait.
func TestDMIndexerLateEvent(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		e := search.NewSQLDM(db)
		svc := inbox.New(db, nil, nil, nil, inbox.Options{}, slog.New(slog.DiscardHandler))
		ix := search.NewDMIndexer(e, svc.IndexSource(), slog.New(slog.DiscardHandler))
		ada, bob := dmUser(t, db, "ada"), dmUser(t, db, "bob")
		c := testenv.DMConversation(t, db, "", ada, bob)
		testenv.DMPost(t, db, c, ada, "first plum")
		m2 := testenv.DMPost(t, db, c, ada, "second plum")
		testenv.DMPost(t, db, c, ada, "third plum")
		var ev2 model.DMEvent
		if err := db.NewSelect().Model(&ev2).ModelTableExpr("dm_events AS dm_event").Where("message_id = ?", m2).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		// The second event is not visible yet.
		if _, err := db.NewDelete().TableExpr("dm_events").Where("id = ?", ev2.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := ix.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		cursor := func() int64 { c, _ := store.DMSearchCursor(ctx, db); return c }
		if got := cursor(); got != ev2.ID-1 {
			t.Errorf("cursor %d with event %d missing, want %d", got, ev2.ID, ev2.ID-1)
		}
		wantIDs(t, "before the late event", w2(t, svc, e, bob, "second"))
		if _, err := db.NewInsert().Model(&ev2).ModelTableExpr("dm_events").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := ix.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		wantIDs(t, "after the late event", w2(t, svc, e, bob, "second"), m2)
		last, _ := store.LastDMEventID(ctx, db)
		if got := cursor(); got != last {
			t.Errorf("cursor %d, want %d", got, last)
		}
		// A gap that never fills is given up after GapWait.
		testenv.DMPost(t, db, c, ada, "fourth plum")
		m5 := testenv.DMPost(t, db, c, ada, "fifth plum")
		if _, err := db.NewDelete().TableExpr("dm_events").Where("message_id = ?", m5-1).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		ix.GapWait = 0
		if err := ix.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := ix.Step(ctx); err != nil {
			t.Fatal(err)
		}
		last, _ = store.LastDMEventID(ctx, db)
		if got := cursor(); got != last {
			t.Errorf("cursor %d after giving up on a gap, want %d", got, last)
		}
	})
}

func w2(t *testing.T, svc *inbox.Service, e search.DMEngine, user int64, q string) []int64 {
	t.Helper()
	return (&dmWorld{svc: svc, engine: e}).find(t, user, q)
}

// TestRebuildDMs rebuilds the index from the database and sets the cursor
// at the log's end.
func TestRebuildDMs(t *testing.T) {
	eachDMEngine(t, func(t *testing.T, w *dmWorld) {
		ctx := context.Background()
		ada, bob := dmUser(t, w.db, "ada"), dmUser(t, w.db, "bob")
		c := testenv.DMConversation(t, w.db, "", ada, bob)
		m1 := testenv.DMPost(t, w.db, c, ada, "rebuild kiwi")
		m2 := testenv.DMPost(t, w.db, c, bob, "another kiwi")
		testenv.DMDelete(t, w.db, m2)
		// A stale document the rebuild must drop.
		if err := w.engine.Upsert(ctx, []search.DMDoc{{ID: 999, ConversationID: c, AuthorID: ada, Body: "stale kiwi"}}); err != nil {
			t.Fatal(err)
		}
		var calls int
		if err := search.RebuildDMs(ctx, w.engine, w.svc.IndexSource(), 1, func(done, total int) { calls++ }); err != nil {
			t.Fatal(err)
		}
		res, err := w.engine.Search(ctx, search.DMQuery{Text: "kiwi", Scopes: []search.DMScope{{ConversationID: c}}})
		if err != nil || res.Total != 1 || res.Hits[0].ID != m1 {
			t.Errorf("after rebuild: %v %+v", err, res)
		}
		if calls != 1 {
			t.Errorf("progress called %d times, want 1", calls)
		}
		last, _ := store.LastDMEventID(ctx, w.db)
		if cur, _ := store.DMSearchCursor(ctx, w.db); cur != last {
			t.Errorf("cursor %d after rebuild, want %d", cur, last)
		}
	})
}
