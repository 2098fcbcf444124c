package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, ""},
		{"string is quoted", "held", `"held"`},
		{"map keys sorted", map[string]any{"state": "hidden", "body": "x"}, `{"body":"x","state":"hidden"}`},
		{"number", 3, "3"},
		{"not encodable falls back to fmt", func() {}, "0x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := store.JSON(tc.in)
			if tc.name == "not encodable falls back to fmt" {
				if len(got) < 2 || got[:2] != tc.want {
					t.Errorf("JSON(func) = %q; want a %%v rendering", got)
				}
				return
			}
			if got != tc.want {
				t.Errorf("JSON(%v) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestAuditListFiltersAndPages(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ada, bob := newUser(t, db, "ada"), newUser(t, db, "bob")
		c1, c2 := newChannel(t, db, "one"), newChannel(t, db, "two")
		type spec struct {
			actor   *int64
			channel *int64
			action  string
			ttype   string
			tid     string
		}
		specs := []spec{
			{&ada.ID, &c1.ID, "message.hide", "message", "1"},
			{&ada.ID, &c1.ID, "message.pin", "message", "2"},
			{&bob.ID, &c1.ID, "message.hide", "message", "2"},
			{&bob.ID, &c2.ID, "sanction.mute", "actor", "u:9"},
			{nil, nil, "user.disable", "user", strconv.FormatInt(bob.ID, 10)},
		}
		var all []int64
		for _, s := range specs {
			e := &model.AuditEntry{ActorID: s.actor, ChannelID: s.channel, Action: s.action, TargetType: s.ttype,
				TargetID: s.tid, Before: store.JSON(map[string]string{"state": "visible"}), Reason: "r", IP: "127.0.0.1"}
			if err := insertAudit(ctx, db, e); err != nil {
				t.Fatal(err)
			}
			if e.ID == 0 || e.CreatedAt.IsZero() {
				t.Fatalf("audit did not fill id and time: %+v", e)
			}
			all = append(all, e.ID)
		}
		rev := slices.Clone(all)
		slices.Reverse(rev)
		for _, tc := range []struct {
			name string
			f    store.AuditFilter
			want []int64
		}{
			{"everything newest first", store.AuditFilter{}, rev},
			{"by id", store.AuditFilter{ID: all[2]}, []int64{all[2]}},
			{"by channel", store.AuditFilter{ChannelID: c1.ID}, []int64{all[2], all[1], all[0]}},
			{"by actor", store.AuditFilter{ActorID: bob.ID}, []int64{all[3], all[2]}},
			{"by action", store.AuditFilter{Action: "message.hide"}, []int64{all[2], all[0]}},
			{"by target type", store.AuditFilter{TargetType: "actor"}, []int64{all[3]}},
			{"by target", store.AuditFilter{TargetType: "message", TargetID: "2"}, []int64{all[2], all[1]}},
			{"combined", store.AuditFilter{ChannelID: c1.ID, ActorID: ada.ID, Action: "message.hide"}, []int64{all[0]}},
			{"no match", store.AuditFilter{Action: "nothing"}, nil},
			{"first page", store.AuditFilter{Limit: 2}, rev[:2]},
			{"second page", store.AuditFilter{Limit: 2, Offset: 2}, rev[2:4]},
			{"last page", store.AuditFilter{Limit: 2, Offset: 4}, rev[4:]},
			{"past the end", store.AuditFilter{Limit: 2, Offset: 10}, nil},
			{"limit out of range is the default", store.AuditFilter{Limit: 5000}, rev},
		} {
			t.Run(tc.name, func(t *testing.T) {
				es, err := store.ListAudit(ctx, db, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, e := range es {
					got = append(got, e.ID)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("ListAudit(%+v) = %v; want %v", tc.f, got, tc.want)
				}
			})
		}
		es, err := store.ListAudit(ctx, db, store.AuditFilter{ID: all[0]})
		if err != nil || len(es) != 1 {
			t.Fatalf("read back = %v, %v", es, err)
		}
		if e := es[0]; e.Before != `{"state":"visible"}` || e.Reason != "r" || e.IP != "127.0.0.1" ||
			e.ActorID == nil || *e.ActorID != ada.ID || e.ChannelID == nil || *e.ChannelID != c1.ID || e.UndoneAt != nil {
			t.Errorf("read back %+v", e)
		}
	})
}

func TestMarkAuditUndone(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		e := &model.AuditEntry{Action: "message.hide", TargetType: "message", TargetID: "1"}
		if err := insertAudit(ctx, db, e); err != nil {
			t.Fatal(err)
		}
		if err := store.MarkAuditUndone(ctx, db, e.ID); err != nil {
			t.Fatalf("first undo: %v", err)
		}
		es, err := store.ListAudit(ctx, db, store.AuditFilter{ID: e.ID})
		if err != nil || len(es) != 1 || es[0].UndoneAt == nil {
			t.Fatalf("after undo = %+v, %v; want undone_at set", es, err)
		}
		first := *es[0].UndoneAt
		if err := store.MarkAuditUndone(ctx, db, e.ID); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("second undo: err = %v; want ErrConflict", err)
		}
		es, _ = store.ListAudit(ctx, db, store.AuditFilter{ID: e.ID})
		if !es[0].UndoneAt.Equal(first) {
			t.Errorf("second undo moved undone_at from %v to %v", first, es[0].UndoneAt)
		}
		if err := store.MarkAuditUndone(ctx, db, e.ID+100); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("undo of a missing entry: err = %v; want ErrConflict", err)
		}
	})
}

func TestAuditRecord(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ada, c := newUser(t, db, "ada"), newChannel(t, db, "record")
		var nilRule *model.FilterRule
		for _, tc := range []struct {
			name  string
			in    store.AuditRecord
			check func(e model.AuditEntry) bool
		}{
			{"numbers and JSON", store.AuditRecord{ActorID: ada.ID, Action: "message.hide", TargetType: "message", TargetID: int64(42),
				ChannelID: c.ID, Before: map[string]string{"state": "visible"}, After: "hidden", Reason: "spam", Guideline: "G2"},
				func(e model.AuditEntry) bool {
					return *e.ActorID == ada.ID && *e.ChannelID == c.ID && e.TargetID == "42" &&
						e.Before == `{"state":"visible"}` && e.After == "hidden" && e.Reason == "spam" && e.Guideline == "G2"
				}},
			{"the system, site-wide, nil pointers", store.AuditRecord{Action: "filter_rule.delete", TargetType: "filter_rule",
				TargetID: "7", Before: nilRule, IP: "10.0.0.1"},
				func(e model.AuditEntry) bool {
					return e.ActorID == nil && e.ChannelID == nil && e.TargetID == "7" && e.Before == "" && e.After == "" && e.IP == "10.0.0.1"
				}},
		} {
			id, err := store.Audit(ctx, db, tc.in)
			if err != nil || id == 0 {
				t.Fatalf("%s: id %d, %v", tc.name, id, err)
			}
			es, err := store.ListAudit(ctx, db, store.AuditFilter{ID: id})
			if err != nil || len(es) != 1 || !tc.check(es[0]) || es[0].CreatedAt.IsZero() {
				t.Errorf("%s: stored %+v, %v", tc.name, es, err)
			}
		}
	})
}

func TestAuditPage(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ada, bob := newUser(t, db, "ada"), newUser(t, db, "bob")
		for i := 0; i < 5; i++ {
			if _, err := store.Audit(ctx, db, store.AuditRecord{ActorID: ada.ID, Action: "message.pin", TargetType: "message", TargetID: int64(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.Audit(ctx, db, store.AuditRecord{ActorID: bob.ID, Action: "message.pin", TargetType: "message", TargetID: 9}); err != nil {
			t.Fatal(err)
		}
		es, n, err := store.AuditPage(ctx, db, store.AuditFilter{ActorEmail: " ADA@example.org ", Limit: 2, Offset: 1})
		if err != nil || n != 5 || len(es) != 2 || es[0].TargetID != "3" || es[1].TargetID != "2" {
			t.Errorf("page = %d entries %+v of %d, %v; want targets 3, 2 of 5", len(es), es, n, err)
		}
		future := time.Now().Add(time.Hour)
		if _, n, err := store.AuditPage(ctx, db, store.AuditFilter{From: future}); err != nil || n != 0 {
			t.Errorf("from the future: %d, %v", n, err)
		}
		if _, n, err := store.AuditPage(ctx, db, store.AuditFilter{To: future}); err != nil || n != 6 {
			t.Errorf("to the future: %d, %v; want 6", n, err)
		}
	})
}
