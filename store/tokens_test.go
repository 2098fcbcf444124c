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

func TestAPITokens(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ada, bob := newUser(t, db, "ada"), newUser(t, db, "bob")
		var tokens []*model.APIToken
		for _, s := range []struct {
			user *model.User
			name string
		}{{ada, "ci"}, {ada, "laptop"}, {bob, "script"}} {
			tok := &model.APIToken{UserID: s.user.ID, Name: s.name, TokenHash: "hash-" + s.name}
			if err := store.CreateAPIToken(ctx, db, tok); err != nil {
				t.Fatal(err)
			}
			if tok.ID == 0 || tok.CreatedAt.IsZero() {
				t.Fatalf("created %+v", tok)
			}
			tokens = append(tokens, tok)
		}
		ci, laptop, script := tokens[0], tokens[1], tokens[2]
		if err := store.CreateAPIToken(ctx, db, &model.APIToken{UserID: bob.ID, Name: "dup", TokenHash: "hash-ci"}); err == nil {
			t.Error("a second token with the same hash was stored")
		}

		tok, u, err := store.APITokenByHash(ctx, db, "hash-laptop")
		if err != nil || tok.ID != laptop.ID || u.ID != ada.ID || tok.Name != "laptop" || tok.LastUsedAt != nil {
			t.Fatalf("by hash = %+v, %+v, %v", tok, u, err)
		}
		used := time.Now().Add(-time.Minute).UTC().Truncate(time.Millisecond)
		if err := store.TouchAPIToken(ctx, db, laptop.ID, used); err != nil {
			t.Fatal(err)
		}
		if tok, _, _ := store.APITokenByHash(ctx, db, "hash-laptop"); tok.LastUsedAt == nil || !tok.LastUsedAt.Equal(used) {
			t.Errorf("last used = %v; want %v", tok.LastUsedAt, used)
		}

		// Only the owner revokes, once.
		if err := store.RevokeAPIToken(ctx, db, bob.ID, ci.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("revoke by another user: err = %v; want ErrNotFound", err)
		}
		if err := store.RevokeAPIToken(ctx, db, ada.ID, ci.ID); err != nil {
			t.Fatal(err)
		}
		if err := store.RevokeAPIToken(ctx, db, ada.ID, ci.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("second revoke: err = %v; want ErrNotFound", err)
		}
		for _, tc := range []struct {
			hash string
			ok   bool
		}{{"hash-ci", false}, {"hash-laptop", true}, {"hash-script", true}, {"hash-none", false}} {
			_, _, err := store.APITokenByHash(ctx, db, tc.hash)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, model.ErrNotFound)) {
				t.Errorf("by hash %s: err = %v; want usable %v", tc.hash, err, tc.ok)
			}
		}

		list, err := store.ListAPITokens(ctx, db, ada.ID)
		if err != nil || len(list) != 2 || list[0].ID != laptop.ID || list[1].ID != ci.ID {
			t.Fatalf("ada's tokens = %+v, %v; want laptop then ci", list, err)
		}
		if list[1].RevokedAt == nil || list[0].RevokedAt != nil {
			t.Errorf("revoked flags: ci %v, laptop %v", list[1].RevokedAt, list[0].RevokedAt)
		}
		if list, _ := store.ListAPITokens(ctx, db, bob.ID); len(list) != 1 || list[0].ID != script.ID {
			t.Errorf("bob's tokens = %+v", list)
		}
	})
}
