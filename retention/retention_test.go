package retention_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/retention"
	"backchannel/search"
	"backchannel/store"
	"backchannel/testenv"
)

// oldMessage stores a message in ch created ageDays ago.
func (e *env) oldMessage(ch *model.Channel, body string, ageDays float64) *model.Message {
	e.T.Helper()
	m := &model.Message{ChannelID: ch.ID, AuthorName: "Ada", Kind: model.KindComment, Body: body, VoteCount: 2}
	if err := store.InsertMessage(e.Ctx, e.DB, m); err != nil {
		e.T.Fatal(err)
	}
	e.age(ageDays, m.ID)
	return e.Message(m.ID)
}

// age sets the creation time of messages to ageDays ago.
func (e *env) age(ageDays float64, ids ...int64) {
	e.T.Helper()
	at := time.Now().UTC().Add(-time.Duration(ageDays * float64(24*time.Hour)))
	if _, err := e.DB.NewUpdate().Model((*model.Message)(nil)).Set("created_at = ?", at).
		Where("id IN (?)", bun.In(ids)).Exec(e.Ctx); err != nil {
		e.T.Fatal(err)
	}
}

func (e *env) setRetention(in retention.Input) {
	e.T.Helper()
	if _, err := e.Retention.Save(e.Ctx, 0, in); err != nil {
		e.T.Fatalf("save retention: %v", err)
	}
}

func (e *env) retentionAudit(action string) []model.AuditEntry {
	e.T.Helper()
	es, err := store.ListAudit(e.Ctx, e.DB, store.AuditFilter{Action: action, Limit: 1000})
	if err != nil {
		e.T.Fatal(err)
	}
	return es
}

func previewCounts(p *retention.Preview) map[string]int {
	out := map[string]int{}
	for _, c := range p.Channels {
		out[c.Slug] = c.Count
	}
	return out
}

func runCounts(r *retention.Result) map[string]int {
	out := map[string]int{}
	for _, c := range r.Channels {
		out[c.Slug] = c.Removed
	}
	return out
}

func TestRetentionRunAndPreview(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Host", model.RoleHost)
		site := e.Channel(host, "site", chat.ChannelInput{})       // follows the site: 30 days
		forever := e.Channel(host, "forever", chat.ChannelInput{}) // keeps bodies
		short := e.Channel(host, "short", chat.ChannelInput{})     // 10 days
		e.setRetention(retention.Input{SiteDays: ptr(30), Channels: []retention.ChannelDays{
			{Slug: "forever", Days: ptr(0)}, {Slug: "short", Days: ptr(10)}}})

		msgs := map[string][]*model.Message{}
		for _, ch := range []*model.Channel{site, forever, short} {
			for _, age := range []float64{60, 20, 5, 0} {
				body := ch.Slug + " message aged " + strconv.Itoa(int(age)) + " days " + strings.Repeat("long ", 30)
				msgs[ch.Slug] = append(msgs[ch.Slug], e.oldMessage(ch, body, age))
			}
		}
		old := msgs["site"][0]
		// The audit log holds the oldest message's body in two places.
		for _, en := range []store.AuditRecord{
			{Action: "message.edit", TargetType: "message", TargetID: old.ID, ChannelID: site.ID,
				Before: map[string]string{"body": old.Body}, After: map[string]any{"state": "visible", "text": old.Body}},
			{Action: "filter.block", TargetType: "actor", TargetID: "0", ChannelID: site.ID,
				After: map[string]any{"actor": "u:9", "body": "blocked words", "rules": []int64{1}}},
		} {
			if _, err := store.Audit(e.Ctx, db, en); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.NewUpdate().Model((*model.AuditEntry)(nil)).Set("created_at = ?", time.Now().UTC().Add(-45*24*time.Hour)).
			Where("action = ?", "filter.block").Exec(e.Ctx); err != nil {
			t.Fatal(err)
		}

		// The preview of the saved policy: the channel's override beats the site's.
		p, err := e.Retention.Preview(e.Ctx, retention.Input{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"site": 1, "forever": 0, "short": 2}
		for slug, n := range want {
			if previewCounts(p)[slug] != n {
				t.Errorf("preview %s = %d; want %d", slug, previewCounts(p)[slug], n)
			}
		}
		if p.Total != 3 {
			t.Errorf("preview total = %d", p.Total)
		}
		for _, c := range p.Channels {
			switch c.Slug {
			case "short":
				if c.Days != 10 || c.Cutoff == nil || c.Oldest == nil || c.Newest == nil || !c.Oldest.Before(*c.Newest) || len(c.Samples) != 2 {
					t.Errorf("short preview = %+v", c)
				}
				if s := c.Samples[0]; s.ID != msgs["short"][0].ID || !strings.HasPrefix(s.Excerpt, "short message aged 60") ||
					len([]rune(s.Excerpt)) != 81 || !strings.HasSuffix(s.Excerpt, "…") || s.Author != "Ada" {
					t.Errorf("sample = %+v", s)
				}
			case "forever":
				if c.Days != 0 || c.Cutoff != nil || len(c.Samples) != 0 {
					t.Errorf("forever preview = %+v", c)
				}
			}
		}

		// A proposed change is previewed, not saved.
		p, err = e.Retention.Preview(e.Ctx, retention.Input{SiteDays: ptr(15), Channels: []retention.ChannelDays{{Slug: "forever"}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := previewCounts(p); got["site"] != 2 || got["forever"] != 2 || got["short"] != 2 || p.Total != 6 {
			t.Errorf("preview of a change = %v", got)
		}
		if pol, _ := e.Retention.Policy(e.Ctx); pol.SiteDays != 30 {
			t.Errorf("preview saved the site's days: %d", pol.SiteDays)
		}
		p, _ = e.Retention.Preview(e.Ctx, retention.Input{})

		before := map[int64]*model.Message{}
		for _, ms := range msgs {
			for _, m := range ms {
				before[m.ID] = m
			}
		}
		if _, err := db.NewDelete().Model((*store.OutboxEntry)(nil)).Where("1 = 1").Exec(e.Ctx); err != nil {
			t.Fatal(err)
		}

		run, err := e.Retention.RunOnce(e.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := runCounts(run); got["site"] != previewCounts(p)["site"] || got["short"] != previewCounts(p)["short"] ||
			got["forever"] != 0 || run.Total != p.Total {
			t.Errorf("run = %v (total %d); preview = %v (total %d)", got, run.Total, previewCounts(p), p.Total)
		}
		removed := map[int64]bool{msgs["site"][0].ID: true, msgs["short"][0].ID: true, msgs["short"][1].ID: true}
		for id, b := range before {
			m := e.Message(id)
			if removed[id] {
				if m.Body != "" || m.BodyRemovedAt == nil {
					t.Errorf("message %d kept its body %q", id, m.Body)
				}
			} else if m.Body != b.Body || m.BodyRemovedAt != nil {
				t.Errorf("message %d lost its body", id)
			}
			// The row stays as the record that the message existed.
			if m.ChannelID != b.ChannelID || m.AuthorName != b.AuthorName || m.State != b.State || m.VoteCount != b.VoteCount ||
				!m.CreatedAt.Equal(b.CreatedAt) || m.Seq != b.Seq {
				t.Errorf("message %d changed: %+v; was %+v", id, m, b)
			}
		}
		var queued []int64
		if err := db.NewSelect().Model((*store.OutboxEntry)(nil)).Column("message_id").Order("message_id").Scan(e.Ctx, &queued); err != nil {
			t.Fatal(err)
		}
		if len(queued) != 3 {
			t.Errorf("outbox = %v; want the 3 removed messages", queued)
		}
		for _, id := range queued {
			if !removed[id] {
				t.Errorf("outbox holds %d, which kept its body", id)
			}
		}

		// The audit log: bodies scrubbed, entries kept, one entry per channel.
		for _, en := range e.retentionAudit("message.edit") {
			if strings.Contains(en.Before+en.After, "message aged") || !strings.Contains(en.After, "visible") {
				t.Errorf("message audit after retention: %s → %s", en.Before, en.After)
			}
		}
		for _, en := range e.retentionAudit("filter.block") {
			if strings.Contains(en.After, "blocked words") || !strings.Contains(en.After, "u:9") {
				t.Errorf("blocked message audit after retention: %s", en.After)
			}
		}
		es := e.retentionAudit("retention.remove")
		if len(es) != 2 {
			t.Fatalf("retention.remove entries = %d; want 2 (site, short)", len(es))
		}
		for _, en := range es {
			if en.ActorID != nil || en.ChannelID == nil {
				t.Errorf("retention entry = %+v", en)
			}
			want := `"removed":1`
			if *en.ChannelID == short.ID {
				want = `"removed":2`
			}
			if !strings.Contains(en.After, want) {
				t.Errorf("retention entry after = %s; want %s", en.After, want)
			}
		}

		// Again: nothing to do, nothing written.
		run, err = e.Retention.RunOnce(e.Ctx)
		if err != nil || run.Total != 0 {
			t.Fatalf("second run = %+v, %v", run, err)
		}
		if n, _ := store.OutboxLen(e.Ctx, db); n != 3 {
			t.Errorf("outbox after a second run = %d", n)
		}
		if n := len(e.retentionAudit("retention.remove")); n != 2 {
			t.Errorf("retention.remove entries after a second run = %d", n)
		}
		if p, _ := e.Retention.Preview(e.Ctx, retention.Input{}); p.Total != 0 {
			t.Errorf("preview after the run = %d", p.Total)
		}
	})
}

func TestRetentionSaveValidates(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		admin := e.User("Admin", model.RoleAdmin)
		e.Channel(admin, "alpha", chat.ChannelInput{})
		e.Channel(admin, "beta", chat.ChannelInput{})
		for _, tc := range []struct {
			name  string
			in    retention.Input
			field string
		}{
			{"negative site", retention.Input{SiteDays: ptr(-1)}, "site_days"},
			{"too long site", retention.Input{SiteDays: ptr(retention.MaxRetentionDays + 1)}, "site_days"},
			{"negative channel", retention.Input{SiteDays: ptr(5), Channels: []retention.ChannelDays{{Slug: "alpha", Days: ptr(-3)}}}, "channel:alpha"},
			{"unknown channel", retention.Input{SiteDays: ptr(5), Channels: []retention.ChannelDays{{Slug: "nope", Days: ptr(3)}}}, "channel:nope"},
			{"channel twice", retention.Input{Channels: []retention.ChannelDays{{Slug: "beta", Days: ptr(3)}, {Slug: "beta"}}}, "channel:beta"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.Retention.Save(e.Ctx, admin.ID, tc.in)
				var fe *model.FieldError
				if !errors.As(err, &fe) || fe.Field != tc.field {
					t.Fatalf("err = %v; want a field error on %s", err, tc.field)
				}
				if _, err := e.Retention.Preview(e.Ctx, tc.in); !errors.Is(err, model.ErrInvalid) {
					t.Errorf("preview err = %v", err)
				}
				p, _ := e.Retention.Policy(e.Ctx)
				if p.SiteDays != 0 || p.Channels[0].Days != nil || p.Channels[1].Days != nil {
					t.Errorf("invalid input changed the policy: %+v", p)
				}
			})
		}
		if n := len(e.retentionAudit("retention.update")); n != 0 {
			t.Fatalf("audit entries after refused changes = %d", n)
		}

		p, err := e.Retention.Save(e.Ctx, admin.ID, retention.Input{SiteDays: ptr(90),
			Channels: []retention.ChannelDays{{Slug: "alpha", Days: ptr(0)}}})
		if err != nil || p.SiteDays != 90 {
			t.Fatalf("save = %+v, %v", p, err)
		}
		p, _ = e.Retention.Policy(e.Ctx)
		if p.SiteDays != 90 || *p.Channels[0].Days != 0 || p.Channels[1].Days != nil ||
			p.Channels[0].Effective(p.SiteDays) != 0 || p.Channels[1].Effective(p.SiteDays) != 90 {
			t.Fatalf("saved policy = %+v", p)
		}
		es := e.retentionAudit("retention.update")
		if len(es) != 1 || es[0].ActorID == nil || *es[0].ActorID != admin.ID ||
			es[0].Before != `{"site_days":0,"channels":{"alpha":null}}` || es[0].After != `{"site_days":90,"channels":{"alpha":0}}` {
			t.Fatalf("audit = %+v", es)
		}
		// Saving the same again changes nothing and audits nothing.
		if _, err := e.Retention.Save(e.Ctx, admin.ID, retention.Input{SiteDays: ptr(90)}); err != nil {
			t.Fatal(err)
		}
		if n := len(e.retentionAudit("retention.update")); n != 1 {
			t.Errorf("audit entries after a no-op save = %d", n)
		}
		// Back to following the site.
		if _, err := e.Retention.Save(e.Ctx, admin.ID, retention.Input{Channels: []retention.ChannelDays{{Slug: "alpha"}}}); err != nil {
			t.Fatal(err)
		}
		if p, _ := e.Retention.Policy(e.Ctx); p.Channels[0].Days != nil {
			t.Errorf("alpha override = %v; want none", *p.Channels[0].Days)
		}
	})
}

// TestRetentionBatchesAndConcurrentRuns removes more bodies than one batch
// holds, from two runs at once (as two instances would).
func TestRetentionBatchesAndConcurrentRuns(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Host", model.RoleHost)
		ch := e.Channel(host, "big", chat.ChannelInput{})
		const n = 1234
		ids := make([]int64, 0, n)
		err := db.RunInTx(e.Ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for i := range n {
				m := &model.Message{ChannelID: ch.ID, AuthorName: "Ada", Kind: model.KindComment, Body: "old " + strconv.Itoa(i)}
				if err := store.InsertMessage(ctx, tx, m); err != nil {
					return err
				}
				ids = append(ids, m.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		e.age(400, ids...)
		fresh := e.oldMessage(ch, "fresh", 1)
		if _, err := db.NewDelete().Model((*store.OutboxEntry)(nil)).Where("1 = 1").Exec(e.Ctx); err != nil {
			t.Fatal(err)
		}
		e.setRetention(retention.Input{SiteDays: ptr(365)})
		if p, err := e.Retention.Preview(e.Ctx, retention.Input{}); err != nil || p.Total != n {
			t.Fatalf("preview = %v, %v", p, err)
		}

		var wg sync.WaitGroup
		totals := make([]int, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Go(func() {
				run, err := e.Retention.RunOnce(e.Ctx)
				errs[i] = err
				if run != nil {
					totals[i] = run.Total
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if totals[0]+totals[1] != n {
			t.Errorf("runs removed %v; want %d in all", totals, n)
		}
		left, err := db.NewSelect().Model((*model.Message)(nil)).Where("channel_id = ?", ch.ID).Where("body_removed_at IS NULL").Count(e.Ctx)
		if err != nil || left != 1 {
			t.Errorf("messages with a body = %d, %v; want only the fresh one", left, err)
		}
		if m := e.Message(fresh.ID); m.Body != "fresh" {
			t.Errorf("fresh body = %q", m.Body)
		}
		// Every removed message queued once: no run counted another's.
		var dup int
		if err := db.NewRaw("SELECT COUNT(*) FROM (SELECT message_id FROM search_outbox GROUP BY message_id HAVING COUNT(*) > 1) d").
			Scan(e.Ctx, &dup); err != nil {
			t.Fatal(err)
		}
		if q, _ := store.OutboxLen(e.Ctx, db); q != n || dup != 0 {
			t.Errorf("outbox = %d entries, %d duplicated; want %d once each", q, dup, n)
		}
		removed := 0
		for _, en := range e.retentionAudit("retention.remove") {
			var r struct {
				Removed int `json:"removed"`
			}
			if err := json.Unmarshal([]byte(en.After), &r); err != nil {
				t.Fatal(err)
			}
			removed += r.Removed
		}
		if removed != n {
			t.Errorf("audit counts add up to %d; want %d", removed, n)
		}
	})
}

// TestRetentionBackground runs the background job until it has removed a
// body, then stops it.
func TestRetentionBackground(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Host", model.RoleHost)
		ch := e.Channel(host, "bg", chat.ChannelInput{})
		m := e.oldMessage(ch, "old news", 3)
		e.setRetention(retention.Input{SiteDays: ptr(1)})
		ctx, cancel := context.WithCancel(e.Ctx)
		done := make(chan struct{})
		go func() { defer close(done); e.Retention.RunEvery(ctx, 0, time.Hour) }()
		deadline := time.Now().Add(20 * time.Second)
		for e.Message(m.ID).BodyRemovedAt == nil {
			if time.Now().After(deadline) {
				t.Fatal("the background job did not remove the body")
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
	})
}

// TestRetentionRemovesFromSearch checks a removed body is no longer found,
// on the built-in engine of each database and on Meilisearch.
func TestRetentionRemovesFromSearch(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		t.Run("builtin", func(t *testing.T) { retentionSearchCase(t, db, search.NewSQL(db)) })
		t.Run("meilisearch", func(t *testing.T) {
			url, key := testenv.Meili(t)
			retentionSearchCase(t, db, search.NewMeili(url, key, "ret_"+testenv.RandomHex(6)))
		})
	})
}

func retentionSearchCase(t *testing.T, db *bun.DB, engine search.Engine) {
	e := newEnv(t, db, chat.Options{})
	ctx := e.Ctx
	if err := engine.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = engine.Reset(context.Background()); _ = engine.Close() })
	host := e.User("Host"+testenv.RandomHex(3), model.RoleHost)
	ch := e.Channel(host, "indexed-"+testenv.RandomHex(3), chat.ChannelInput{})
	v := e.Ready(ch, host)
	old := e.Post(ch, v, chat.PostInput{Body: "the zanzibar itinerary from last term"})
	recent := e.Post(ch, v, chat.PostInput{Body: "zanzibar again this week"})
	ix := search.NewIndexer(engine, e.Transcripts.IndexSource(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := ix.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	find := func() map[int64]bool {
		t.Helper()
		res, err := engine.Search(ctx, search.Query{Text: "zanzibar", Scopes: []search.Scope{{ChannelIDs: []int64{ch.ID}}}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]bool{}
		for _, h := range res.Hits {
			out[h.ID] = true
		}
		return out
	}
	if got := find(); !got[old.ID] || !got[recent.ID] {
		t.Fatalf("before retention: found %v; want %d and %d", got, old.ID, recent.ID)
	}
	e.age(100, old.ID)
	e.setRetention(retention.Input{SiteDays: ptr(30)})
	if _, err := e.Retention.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ix.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := find(); got[old.ID] || !got[recent.ID] {
		t.Fatalf("after retention: found %v; want only %d", got, recent.ID)
	}
}
