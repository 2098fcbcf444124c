package accounts_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/accounts"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
	"backchannel/testenv"
)

func TestPasswordHash(t *testing.T) {
	h, err := accounts.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format %q", h)
	}
	h2, _ := accounts.HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		if ok, err := accounts.CheckPassword(h, pw); err != nil || ok != want {
			t.Errorf("check %q = %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=18$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA"} {
		if _, err := accounts.CheckPassword(bad, "x"); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestTokens(t *testing.T) {
	a, b := accounts.NewToken("p_", 16), accounts.NewToken("p_", 16)
	if a == b || !strings.HasPrefix(a, "p_") || len(a) != 2+22 {
		t.Errorf("tokens %q %q", a, b)
	}
	if accounts.HashToken(a) == accounts.HashToken(b) || len(accounts.HashToken(a)) != 64 {
		t.Error("token hash")
	}
}

func newService(t *testing.T, db *bun.DB) *accounts.Service {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	authz, err := policies.New(context.Background(), db, log)
	if err != nil {
		t.Fatal(err)
	}
	return accounts.New(db, authz, accounts.Options{SessionIdle: time.Hour, SessionMax: 2 * time.Hour}, log)
}

func TestEnsureAdminAndSetup(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		s := newService(t, db)
		token, err := s.SetupToken(ctx)
		if err != nil || token == "" {
			t.Fatalf("setup token = %q, %v", token, err)
		}
		acted, err := s.EnsureAdmin(ctx, "ops@example.org", "correct horse battery")
		if err != nil || !acted {
			t.Fatalf("ensure admin = %v, %v", acted, err)
		}
		if ok, _ := s.CheckSetupToken(ctx, token); ok {
			t.Error("setup link still valid once an admin exists")
		}
		if again, err := s.EnsureAdmin(ctx, "other@example.org", "correct horse battery"); err != nil || again {
			t.Errorf("second ensure = %v, %v; want no action", again, err)
		}
		u, err := s.Authenticate(ctx, "ops@example.org", "correct horse battery", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if role, _ := s.TopSiteRole(ctx, u.ID); role != model.RoleAdmin {
			t.Errorf("role = %q", role)
		}
		es, _ := store.ListAudit(ctx, db, store.AuditFilter{TargetID: "1"})
		if len(es) == 0 {
			t.Error("admin creation not audited")
		}
	})
}

func TestSessionTimeouts(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		s := newService(t, db)
		u, err := s.CreateUser(ctx, 0, accounts.Input{Email: "pat@example.org", Password: "correct horse battery"}, model.RoleParticipant)
		if err != nil {
			t.Fatal(err)
		}
		token, sess, err := s.StartSignIn(ctx, u.ID, "10.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		if len(token) != 22 { // 128 bits, base64url
			t.Errorf("session token %q is not 128 bits", token)
		}
		if _, got, err := s.SignInUser(ctx, token); err != nil || got.ID != u.ID {
			t.Fatalf("fresh session: %v", err)
		}
		// Idle past the timeout: the session ends.
		if err := store.TouchSignIn(ctx, db, sess.ID, time.Now().Add(-2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SignInUser(ctx, token); !errors.Is(err, model.ErrUnauthorized) {
			t.Errorf("idle session: err = %v", err)
		}
		// Past the absolute lifetime, however active: ends as well.
		token, sess, _ = s.StartSignIn(ctx, u.ID, "10.0.0.1", "test")
		if _, err := db.NewUpdate().Model((*model.SignIn)(nil)).ModelTableExpr("sessions").Set("expires_at = ?", time.Now().UTC().Add(-time.Second)).Where("id = ?", sess.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SignInUser(ctx, token); !errors.Is(err, model.ErrUnauthorized) {
			t.Errorf("expired session: err = %v", err)
		}
		if _, _, err := s.SignInUser(ctx, "made-up"); !errors.Is(err, model.ErrUnauthorized) {
			t.Errorf("unknown session: err = %v", err)
		}
	})
}

func TestIPRateLimitAcrossAccounts(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		authz, _ := policies.New(ctx, db, log)
		s := accounts.New(db, authz, accounts.Options{MaxFailsIP: 3, MaxFailsAccount: 100}, log)
		for i, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
			if _, err := s.Authenticate(ctx, email, "nope nope nope", "192.0.2.7"); errors.Is(err, model.ErrRateLimited) {
				t.Fatalf("try %d limited too early", i)
			}
		}
		_, err := s.Authenticate(ctx, "d@example.org", "nope nope nope", "192.0.2.7")
		var rl *model.RateLimitError
		if !errors.As(err, &rl) || !strings.Contains(rl.Message, "from your network") || rl.RetryAfter <= 0 {
			t.Fatalf("fourth try from one address: %v", err)
		}
		if _, err := s.Authenticate(ctx, "d@example.org", "nope nope nope", "192.0.2.8"); errors.Is(err, model.ErrRateLimited) {
			t.Error("another address is limited too")
		}
	})
}
