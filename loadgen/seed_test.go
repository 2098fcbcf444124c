package loadgen

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// grants records the roles Seed gives.
type grants struct {
	mu   sync.Mutex
	list []string
}

func (g *grants) Grant(_ context.Context, userID int64, role model.Role, domain string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.list = append(g.list, string(role)+"@"+domain)
	return nil
}

func TestSeed(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		t.Parallel()
		ctx := context.Background()
		plan, err := New(Config{Seed: 3, Messages: 1500, Channels: 4, End: end})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		g := &grants{}
		res, err := Seed(ctx, db, g, plan, SeedOptions{Rows: 170, TxRows: 400}, &out)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "Seeding 1500 messages in 4 channels") || !strings.Contains(out.String(), "Seeded 1500 messages") {
			t.Errorf("output lacks the plan or the summary:\n%s", out.String())
		}
		if res.Messages != 1500 || res.Votes == 0 || res.Tags == 0 {
			t.Errorf("result = %+v, want 1500 messages with votes and tags", res)
		}
		if len(g.list) != 4 {
			t.Errorf("grants = %v, want a host for each of the 4 channels", g.list)
		}
		checkSeeded(t, db, plan, 1500)
		users, err := store.CountUsers(ctx, db)
		if err != nil {
			t.Fatal(err)
		}

		// Again with the same seed: the people and channels are reused, and
		// the messages follow those already there.
		small, err := New(Config{Seed: 3, Messages: 100, Channels: 4, Users: plan.Config.Users, End: end})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Seed(ctx, db, g, small, SeedOptions{}, &out); err != nil {
			t.Fatal(err)
		}
		checkSeeded(t, db, plan, 1600)
		if again, err := store.CountUsers(ctx, db); err != nil || again != users {
			t.Errorf("%d people after seeding again (%v), want the %d of the first seed", again, err, users)
		}
		if len(g.list) != 4 {
			t.Errorf("grants = %v, want none for the channels already there", g.list)
		}
		// Posting the usual way still works after the ids were given.
		ch, err := store.ChannelBySlug(ctx, db, plan.Channels[0].Slug)
		if err != nil {
			t.Fatal(err)
		}
		m := &model.Message{ChannelID: ch.ID, AuthorName: "Someone", Kind: model.KindComment, Body: "after the seed"}
		if err := store.InsertMessage(ctx, db, m); err != nil {
			t.Fatalf("post after seeding: %v", err)
		}
	})
}

// checkSeeded checks that db holds n messages in the plan's channels,
// numbered in each channel 1, 2, … up to its last_seq, each with its creation
// event, in ended sessions of its channel, replies counted on their parents,
// and that nothing waits in the outbox.
func checkSeeded(t *testing.T, db *bun.DB, plan *Plan, n int) {
	t.Helper()
	ctx := context.Background()
	if got, err := store.CountMessages(ctx, db); err != nil || got != n {
		t.Errorf("%d messages (%v), want %d", got, err, n)
	}
	total := 0
	for _, pc := range plan.Channels {
		ch, err := store.ChannelBySlug(ctx, db, pc.Slug)
		if err != nil {
			t.Fatalf("channel %s: %v", pc.Slug, err)
		}
		ms, err := store.ListMessages(ctx, db, store.MessageFilter{ChannelID: ch.ID})
		if err != nil {
			t.Fatal(err)
		}
		es, err := store.EventsAfter(ctx, db, ch.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		total += len(ms)
		if int64(len(ms)) != ch.LastSeq || len(es) != len(ms) {
			t.Errorf("channel %s: %d messages, %d events, last_seq %d; want as many of each", pc.Slug, len(ms), len(es), ch.LastSeq)
			continue
		}
		replies := map[int64]int{}
		for i, m := range ms {
			e := es[i]
			if m.Seq != int64(i+1) || e.Seq != m.Seq || e.Kind != model.EventMessageCreated || e.MessageID == nil || *e.MessageID != m.ID {
				t.Errorf("channel %s: message %d has seq %d and event %+v; want seq %d and its creation event", pc.Slug, m.ID, m.Seq, e, i+1)
			}
			if m.ParentID != nil {
				replies[*m.ParentID]++
			}
			if m.SessionID == nil {
				t.Errorf("message %d belongs to no session", m.ID)
				continue
			}
			s, err := store.ChannelSessionByID(ctx, db, *m.SessionID)
			if err != nil || s.ChannelID != ch.ID || s.EndedAt == nil {
				t.Errorf("message %d: session %+v, %v; want an ended session of %s", m.ID, s, err, pc.Slug)
			}
		}
		for _, m := range ms {
			if m.ReplyCount != replies[m.ID] {
				t.Errorf("message %d counts %d replies, has %d", m.ID, m.ReplyCount, replies[m.ID])
			}
		}
	}
	if total != n {
		t.Errorf("the plan's channels hold %d messages, want %d", total, n)
	}
	if waiting, err := store.OutboxLen(ctx, db); err != nil || waiting != 0 {
		t.Errorf("outbox holds %d entries (err %v), want none: seeding bypasses the outbox", waiting, err)
	}
}

func TestLatencies(t *testing.T) {
	if got := latencies(nil); got != "no samples" {
		t.Errorf("latencies(nil) = %q", got)
	}
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	want := "p50 50.0 ms  p95 95.0 ms  p99 99.0 ms  max 100.0 ms  (n=100)"
	if got := latencies(ds); got != want {
		t.Errorf("latencies = %q, want %q", got, want)
	}
	if ds[0] != 100*time.Millisecond {
		t.Error("latencies sorted its argument")
	}
}
