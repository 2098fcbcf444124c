package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestScrubBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, body, want string
	}{
		{"empty", "", "secret", ""},
		{"plain state", "visible", "secret", "visible"},
		{"plain body", "secret", "secret", ""},
		{"short body is not cut out of words", "visible", "i", "visible"},
		{"body member", `{"body":"anything","state":"held"}`, "secret", `{"body":"","state":"held"}`},
		{"value equal to body", `{"text":"secret","n":1}`, "secret", `{"n":1,"text":""}`},
		{"nested", `{"a":[{"body":"x"},"secret"]}`, "secret", `{"a":[{"body":""},""]}`},
		{"nothing to scrub is kept byte for byte", `{"state": "visible"}`, "secret", `{"state": "visible"}`},
		{"non-string body member kept", `{"body":3}`, "secret", `{"body":3}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := store.ScrubBody(tc.in, tc.body); got != tc.want {
				t.Errorf("ScrubBody(%q, %q) = %q; want %q", tc.in, tc.body, got, tc.want)
			}
		})
	}
}

func TestRetentionStore(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ch := &model.Channel{Slug: "history", Title: "History"}
		if err := store.CreateChannel(ctx, db, ch); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		var ids []int64
		for i, age := range []int{40, 35, 31, 2, 0} {
			links := "0-7"
			m := &model.Message{ChannelID: ch.ID, AuthorName: "Ada", Kind: model.KindComment, Body: "message " + strconv.Itoa(i), Links: &links}
			if err := store.InsertMessage(ctx, db, m); err != nil {
				t.Fatal(err)
			}
			if _, err := db.NewUpdate().Model((*model.Message)(nil)).Set("created_at = ?", now.Add(-time.Duration(age)*24*time.Hour)).
				Where("id = ?", m.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		// An audit entry that holds the body of the oldest message.
		auditID, err := store.Audit(ctx, db, store.AuditRecord{Action: "message.edit", TargetType: "message", TargetID: ids[0],
			ChannelID: ch.ID, Before: `{"body":"message 0"}`, After: `{"body":"edited","state":"visible"}`})
		if err != nil {
			t.Fatal(err)
		}
		days := 30
		if err := store.SetChannelRetention(ctx, db, ch.ID, &days); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.ChannelByID(ctx, db, ch.ID); got.RetentionDays == nil || *got.RetentionDays != 30 {
			t.Fatalf("retention days = %v", got.RetentionDays)
		}
		if err := store.SetChannelRetention(ctx, db, ch.ID+1000, &days); err == nil {
			t.Fatal("set retention of a missing channel: no error")
		}

		cutoff := now.Add(-30 * 24 * time.Hour)
		n, oldest, newest, err := store.RetentionStats(ctx, db, ch.ID, cutoff)
		if err != nil || n != 3 {
			t.Fatalf("stats = %d, %v", n, err)
		}
		if d := now.Sub(*oldest); d < 39*24*time.Hour || d > 41*24*time.Hour {
			t.Errorf("oldest = %v", oldest)
		}
		if d := now.Sub(*newest); d < 30*24*time.Hour || d > 32*24*time.Hour {
			t.Errorf("newest = %v", newest)
		}
		cands, err := store.RetentionCandidates(ctx, db, ch.ID, cutoff, 2)
		if err != nil || len(cands) != 2 || cands[0].ID != ids[0] || cands[0].Body != "message 0" {
			t.Fatalf("candidates = %+v, %v", cands, err)
		}
		if _, err := db.NewDelete().Model((*store.OutboxEntry)(nil)).Where("1 = 1").Exec(ctx); err != nil {
			t.Fatal(err)
		}

		bodies := map[int64]string{ids[0]: "message 0", ids[1]: "message 1", ids[2]: "message 2"}
		var changed []int64
		if err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			changed, err = store.RemoveBodies(ctx, tx, bodies, now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(changed) != 3 {
			t.Fatalf("changed = %v", changed)
		}
		for i, id := range ids {
			m, err := store.MessageByID(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			removed := i < 3
			if (m.Body == "") != removed || (m.BodyRemovedAt != nil) != removed || (m.Links == nil) != removed {
				t.Errorf("message %d: body %q, links %v, removed at %v", i, m.Body, m.Links, m.BodyRemovedAt)
			}
		}
		if has, err := store.OutboxHas(ctx, db, ids[:3]); err != nil || !has {
			t.Errorf("outbox has removed messages = %v, %v", has, err)
		}
		if n, _ := store.OutboxLen(ctx, db); n != 3 {
			t.Errorf("outbox length = %d; want 3", n)
		}
		es, err := store.ListAudit(ctx, db, store.AuditFilter{ID: auditID})
		if err != nil || len(es) != 1 {
			t.Fatal(err)
		}
		if strings.Contains(es[0].Before+es[0].After, "message 0") || strings.Contains(es[0].After, "edited") ||
			!strings.Contains(es[0].After, "visible") {
			t.Errorf("audit after scrubbing: before %s after %s", es[0].Before, es[0].After)
		}

		// Again: nothing left to change, nothing queued.
		changed, err = store.RemoveBodies(ctx, db, bodies, now)
		if err != nil || len(changed) != 0 {
			t.Fatalf("second removal = %v, %v", changed, err)
		}
		if n, _ := store.OutboxLen(ctx, db); n != 3 {
			t.Errorf("outbox length after a second removal = %d; want 3", n)
		}
		if n, _, _, err := store.RetentionStats(ctx, db, ch.ID, cutoff); err != nil || n != 0 {
			t.Errorf("stats after removal = %d, %v", n, err)
		}
	})
}

func TestScrubBlockedAudit(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ch := &model.Channel{Slug: "blocked", Title: "Blocked"}
		if err := store.CreateChannel(ctx, db, ch); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, body := range []string{"old blocked text", "new blocked text"} {
			id, err := store.Audit(ctx, db, store.AuditRecord{Action: "filter.block", TargetType: "actor", TargetID: "0", ChannelID: ch.ID,
				After: map[string]any{"actor": "u:1", "body": body, "rules": []int64{1}}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		// The first entry is old.
		if _, err := db.NewUpdate().Model((*model.AuditEntry)(nil)).Set("created_at = ?", time.Now().UTC().Add(-60*24*time.Hour)).
			Where("id = ?", ids[0]).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		n, last, err := store.ScrubBlockedAudit(ctx, db, ch.ID, time.Now().UTC().Add(-30*24*time.Hour), 0, 10)
		if err != nil || n != 1 || last != ids[0] {
			t.Fatalf("scrub = %d, %d, %v", n, last, err)
		}
		es, err := store.ListAudit(ctx, db, store.AuditFilter{ChannelID: ch.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			old := e.ID == ids[0]
			if strings.Contains(e.After, "blocked text") == old || !strings.Contains(e.After, `"actor":"u:1"`) {
				t.Errorf("entry %d (old %v): after %s", e.ID, old, e.After)
			}
		}
	})
}

func TestRetentionSamples(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ch, other := newChannel(t, db, "samples"), newChannel(t, db, "samples-other")
		now := time.Now().UTC()
		// Created out of id order: samples go by creation time.
		var ms []*model.Message
		for i, age := range []int{35, 50, 40, 1} {
			m := post(t, db, &model.Message{ChannelID: ch.ID, Body: "sample " + strconv.Itoa(i)})
			if _, err := db.NewUpdate().Model((*model.Message)(nil)).Set("created_at = ?", now.Add(-time.Duration(age)*24*time.Hour)).
				Where("id = ?", m.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		post(t, db, &model.Message{ChannelID: other.ID, Body: "elsewhere"})
		if _, err := store.RemoveBodies(ctx, db, map[int64]string{ms[2].ID: "sample 2"}, now); err != nil {
			t.Fatal(err)
		}
		cutoff := now.Add(-30 * 24 * time.Hour)
		for _, tc := range []struct {
			limit int
			want  []int64
		}{
			{10, []int64{ms[1].ID, ms[0].ID}}, // the removed body and the recent one are left out
			{1, []int64{ms[1].ID}},
		} {
			got, err := store.RetentionSamples(ctx, db, ch.ID, cutoff, tc.limit)
			if err != nil || !slices.Equal(ids(got), tc.want) {
				t.Errorf("samples limit %d = %v, %v; want %v", tc.limit, ids(got), err, tc.want)
			}
			if len(got) > 0 && got[0].Body != "sample 1" {
				t.Errorf("sample without its body: %+v", got[0])
			}
		}
		if n, _, _, _ := store.RetentionStats(ctx, db, ch.ID, cutoff); n != 2 {
			t.Errorf("stats count %d disagrees with the samples", n)
		}
	})
}

func TestSetAuditAfter(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		e := &model.AuditEntry{Action: "message.purge", TargetType: "actor", TargetID: "u:1", Before: "b", After: `{"count":0}`}
		o := &model.AuditEntry{Action: "message.purge", TargetType: "actor", TargetID: "u:2", After: `{"count":0}`}
		for _, x := range []*model.AuditEntry{e, o} {
			if err := insertAudit(ctx, db, x); err != nil {
				t.Fatal(err)
			}
		}
		for _, n := range []int{3, 7} {
			if err := store.SetAuditAfter(ctx, db, e.ID, store.JSON(map[string]int{"count": n})); err != nil {
				t.Fatal(err)
			}
		}
		for id, want := range map[int64][2]string{e.ID: {"b", `{"count":7}`}, o.ID: {"", `{"count":0}`}} {
			es, err := store.ListAudit(ctx, db, store.AuditFilter{ID: id})
			if err != nil || len(es) != 1 || es[0].Before != want[0] || es[0].After != want[1] {
				t.Errorf("entry %d = %+v, %v; want before %q after %q", id, es, err, want[0], want[1])
			}
		}
	})
}
