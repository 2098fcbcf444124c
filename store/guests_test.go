package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestGuests(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a, b := newChannel(t, db, "guests-a"), newChannel(t, db, "guests-b")
		ga := &model.Guest{ChannelID: a.ID, DisplayName: "Visitor", TokenHash: "same-hash"}
		gb := &model.Guest{ChannelID: b.ID, DisplayName: "Visitor in b", TokenHash: "same-hash"}
		for _, g := range []*model.Guest{ga, gb} {
			if err := store.CreateGuest(ctx, db, g); err != nil {
				t.Fatal(err)
			}
			if g.ID == 0 || g.CreatedAt.IsZero() {
				t.Fatalf("created %+v", g)
			}
		}
		if err := store.CreateGuest(ctx, db, &model.Guest{ChannelID: a.ID, DisplayName: "Twin", TokenHash: "same-hash"}); err == nil {
			t.Error("a second guest with the same token in the same channel was stored")
		}
		for _, tc := range []struct {
			hash    string
			channel int64
			want    int64 // 0: not found
		}{
			{"same-hash", a.ID, ga.ID},
			{"same-hash", b.ID, gb.ID},
			{"other-hash", a.ID, 0},
			{"same-hash", b.ID + 100, 0},
		} {
			g, err := store.GuestByToken(ctx, db, tc.hash, tc.channel)
			switch {
			case tc.want == 0 && !errors.Is(err, model.ErrNotFound):
				t.Errorf("by token %q in %d: err = %v; want ErrNotFound", tc.hash, tc.channel, err)
			case tc.want != 0 && (err != nil || g.ID != tc.want):
				t.Errorf("by token %q in %d = %+v, %v; want %d", tc.hash, tc.channel, g, err, tc.want)
			}
		}
		g, err := store.GuestByID(ctx, db, gb.ID)
		if err != nil || g.DisplayName != "Visitor in b" || g.ChannelID != b.ID || !g.CreatedAt.Equal(gb.CreatedAt) {
			t.Errorf("by id = %+v, %v", g, err)
		}
		if _, err := store.GuestByID(ctx, db, gb.ID+100); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("missing guest: err = %v", err)
		}
	})
}
