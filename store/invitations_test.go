package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestInvitations(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		admin := newUser(t, db, "admin")
		inv := &model.Invitation{TokenHash: "h-live", Email: "  New@Example.ORG ", Role: "moderator", CreatedBy: admin.ID,
			ExpiresAt: time.Now().Add(time.Hour)}
		old := &model.Invitation{TokenHash: "h-old", Email: "old@example.org", Role: "participant", CreatedBy: admin.ID,
			ExpiresAt: time.Now().Add(-time.Minute)}
		for _, i := range []*model.Invitation{inv, old} {
			if err := store.CreateInvitation(ctx, db, i); err != nil {
				t.Fatal(err)
			}
		}
		if inv.ID == 0 || inv.Email != "new@example.org" || inv.CreatedAt.IsZero() {
			t.Fatalf("created %+v; want id and normalised email", inv)
		}
		got, err := store.UsableInvitation(ctx, db, "h-live")
		if err != nil || got.ID != inv.ID || got.Role != "moderator" || got.Email != "new@example.org" || got.UsedAt != nil {
			t.Fatalf("usable = %+v, %v", got, err)
		}
		for _, h := range []string{"h-old", "h-missing"} {
			if _, err := store.UsableInvitation(ctx, db, h); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("usable %s: err = %v; want ErrNotFound", h, err)
			}
		}

		if err := store.UseInvitation(ctx, db, inv.ID); err != nil {
			t.Fatal(err)
		}
		if err := store.UseInvitation(ctx, db, inv.ID); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("second use: err = %v; want ErrConflict", err)
		}
		if _, err := store.UsableInvitation(ctx, db, "h-live"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a used invitation is still usable: %v", err)
		}
		nu := newUser(t, db, "new")
		if err := store.SetInvitationUser(ctx, db, inv.ID, nu.ID); err != nil {
			t.Fatal(err)
		}
		if err := store.SetInvitationUser(ctx, db, old.ID+100, nu.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("set user of a missing invitation: err = %v", err)
		}
		list, err := store.ListInvitations(ctx, db, 10)
		if err != nil || len(list) != 2 || list[0].ID != old.ID || list[1].ID != inv.ID {
			t.Fatalf("list = %+v, %v; want newest first", list, err)
		}
		if l := list[1]; l.UsedAt == nil || l.UsedBy == nil || *l.UsedBy != nu.ID {
			t.Errorf("used invitation = %+v; want used_at and used_by", l)
		}
		if list, _ := store.ListInvitations(ctx, db, 1); len(list) != 1 || list[0].ID != old.ID {
			t.Errorf("list limit 1 = %+v", list)
		}

		// A failed sign-up gives the invitation back.
		if err := store.ReleaseInvitation(ctx, db, inv.ID); err != nil {
			t.Fatal(err)
		}
		got, err = store.UsableInvitation(ctx, db, "h-live")
		if err != nil || got.UsedAt != nil || got.UsedBy != nil {
			t.Fatalf("released = %+v, %v; want usable again", got, err)
		}
		if err := store.UseInvitation(ctx, db, inv.ID); err != nil {
			t.Errorf("use after release: %v", err)
		}
	})
}
