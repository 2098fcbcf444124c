package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/accounts"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/testenv"
)

// limitedService is a Service on a hand-moved clock whose password checks
// are counted.
func limitedService(t *testing.T, db *bun.DB, clock *testenv.Clock, checks *atomic.Int64, opts accounts.Options) *accounts.Service {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	authz, err := policies.New(context.Background(), db, log)
	if err != nil {
		t.Fatal(err)
	}
	opts.Now = clock.Now
	opts.CheckPassword = func(hash, pw string) (bool, error) {
		checks.Add(1)
		return accounts.CheckPassword(hash, pw)
	}
	return accounts.New(db, authz, opts, log)
}

func rateLimit(err error) *model.RateLimitError {
	var rl *model.RateLimitError
	if errors.As(err, &rl) {
		return rl
	}
	return nil
}

// 100 parallel wrong passwords: no more are checked than the limit allows,
// on every database.
func TestSignInParallelTriesStopAtTheLimit(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		for _, tc := range []struct {
			name     string
			email    func(i int) string
			ip       func(i int) string
			want     int64
			refusal  string
			accounts int
		}{
			{"one account from many addresses", func(int) string { return "teacher@example.org" },
				func(i int) string { return fmt.Sprintf("10.1.0.%d", i) }, 5, "for this account", 1},
			{"many accounts from one address", func(i int) string { return fmt.Sprintf("s%d@example.org", i) },
				func(int) string { return "10.2.0.1" }, 30, "from your network", 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var checks atomic.Int64
				s := limitedService(t, db, testenv.NewClock(), &checks, accounts.Options{})
				for i := range tc.accounts {
					if _, err := s.CreateUser(ctx, 0, accounts.Input{Email: tc.email(i), Password: "correct horse battery"}, model.RoleParticipant); err != nil {
						t.Fatal(err)
					}
				}
				var wg sync.WaitGroup
				errs := make([]error, 100)
				for i := range 100 {
					wg.Go(func() {
						_, errs[i] = s.Authenticate(ctx, tc.email(i), "wrong wrong wrong", tc.ip(i))
					})
				}
				wg.Wait()
				limited := 0
				for _, err := range errs {
					switch rl := rateLimit(err); {
					case rl != nil:
						limited++
						if !strings.Contains(rl.Message, tc.refusal) || rl.RetryAfter <= 0 {
							t.Errorf("refusal %q (retry after %d)", rl.Message, rl.RetryAfter)
						}
					case err == nil:
						t.Fatal("a wrong password was accepted")
					case !errors.As(err, new(*model.FieldError)):
						t.Errorf("try failed: %v", err)
					}
				}
				if n := checks.Load(); n > tc.want || n < 1 {
					t.Errorf("%d passwords were checked; the limit is %d", n, tc.want)
				}
				if int64(limited) != 100-checks.Load() {
					t.Errorf("%d refused, %d checked: some tries were neither", limited, checks.Load())
				}
			})
		}
	})
}

// A browser that signed in before (its device cookie) still signs in while
// an attacker from elsewhere has used up the account's limit; an unknown
// browser does not.
func TestSignInDeviceCookieOutlastsAttack(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		clock := testenv.NewClock()
		var checks atomic.Int64
		s := limitedService(t, db, clock, &checks, accounts.Options{})
		const email, pw = "teacher@example.org", "correct horse battery"
		if _, err := s.CreateUser(ctx, 0, accounts.Input{Email: email, Password: pw}, model.RoleHost); err != nil {
			t.Fatal(err)
		}
		r, err := s.SignIn(ctx, accounts.Attempt{Email: email, Password: pw, IP: "192.0.2.10"})
		if err != nil || r.Device == "" {
			t.Fatalf("first sign-in = %+v, %v; want a device cookie", r, err)
		}
		device := r.Device
		// The attacker tries from one address until the account's limit
		// stops them, waiting out each delay.
		fails := 0
		for range 50 {
			_, err := s.SignIn(ctx, accounts.Attempt{Email: email, Password: fmt.Sprintf("guess %d guess", fails), IP: "198.51.100.7"})
			rl := rateLimit(err)
			if rl == nil {
				fails++
				continue
			}
			if strings.Contains(rl.Message, "for this account") {
				break
			}
			clock.Advance(time.Duration(rl.RetryAfter) * time.Second)
		}
		if fails != 5 {
			t.Fatalf("the attacker had %d tries; want 5", fails)
		}
		// An unknown browser is refused, even with the right password...
		if _, err := s.SignIn(ctx, accounts.Attempt{Email: email, Password: pw, IP: "192.0.2.10"}); rateLimit(err) == nil {
			t.Errorf("an unknown browser got past the account's limit: %v", err)
		}
		// ...the owner's browser is not: a typo, then the password.
		if _, err := s.SignIn(ctx, accounts.Attempt{Email: email, Password: "typo typo typo", IP: "192.0.2.10", Device: device}); err == nil || rateLimit(err) != nil {
			t.Errorf("the owner's typo: %v; want wrong credentials", err)
		}
		clock.Advance(time.Second)
		r, err = s.SignIn(ctx, accounts.Attempt{Email: email, Password: pw, IP: "192.0.2.10", Device: device})
		if err != nil || r.User.Email != email || r.Device != "" {
			t.Fatalf("owner with device cookie = %+v, %v", r, err)
		}
		// A device cookie is only good for its own account.
		if _, err := s.CreateUser(ctx, 0, accounts.Input{Email: "other@example.org", Password: pw}, model.RoleParticipant); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			_, _ = s.SignIn(ctx, accounts.Attempt{Email: "other@example.org", Password: "guess guess guess", IP: fmt.Sprintf("198.51.100.%d", 100+i)})
		}
		if _, err := s.SignIn(ctx, accounts.Attempt{Email: "other@example.org", Password: pw, IP: "198.51.100.9", Device: device}); rateLimit(err) == nil {
			t.Errorf("another account's device cookie let an unknown browser in: %v", err)
		}
		// A trusted browser that fails too often is trusted no more.
		clock.Advance(time.Hour)
		for i := range 5 {
			_, err := s.SignIn(ctx, accounts.Attempt{Email: email, Password: "typo typo typo", IP: "192.0.2.11", Device: device})
			if rateLimit(err) != nil {
				t.Fatalf("device try %d: %v", i, err)
			}
			clock.Advance(time.Minute)
		}
		for i := range 5 {
			_, _ = s.SignIn(ctx, accounts.Attempt{Email: email, Password: "guess guess guess", IP: fmt.Sprintf("198.51.100.%d", 200+i)})
		}
		if _, err := s.SignIn(ctx, accounts.Attempt{Email: email, Password: pw, IP: "192.0.2.11", Device: device}); rateLimit(err) == nil {
			t.Errorf("a device with 5 failures is still trusted: %v", err)
		}
	})
}

// Each failure for an account from one address doubles the wait before the
// next try from there; a success clears it; other addresses do not wait.
func TestSignInDelayDoubles(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		clock := testenv.NewClock()
		var checks atomic.Int64
		s := limitedService(t, db, clock, &checks, accounts.Options{MaxFailsAccount: 100})
		const email, pw, ip = "ada@example.org", "correct horse battery", "203.0.113.5"
		if _, err := s.CreateUser(ctx, 0, accounts.Input{Email: email, Password: pw}, model.RoleParticipant); err != nil {
			t.Fatal(err)
		}
		// A first failure (a typo) costs nothing.
		if _, err := s.Authenticate(ctx, email, "typo typo typo", ip); rateLimit(err) != nil {
			t.Fatal(err)
		}
		for _, want := range []int{1, 2, 4, 8, 16} {
			if _, err := s.Authenticate(ctx, email, "wrong wrong wrong", ip); rateLimit(err) != nil {
				t.Fatalf("try after the wait: %v", err)
			}
			_, err := s.Authenticate(ctx, email, pw, ip)
			rl := rateLimit(err)
			if rl == nil || rl.RetryAfter != want {
				t.Fatalf("at once after a failure: %v; want a wait of %d s", err, want)
			}
			if _, err := s.Authenticate(ctx, email, "wrong wrong wrong", "203.0.113.6"); rateLimit(err) != nil {
				t.Errorf("another address waits too: %v", err)
			}
			clock.Advance(time.Duration(want-1) * time.Second)
			if _, err := s.Authenticate(ctx, email, pw, ip); rateLimit(err) == nil {
				t.Fatalf("a second before the wait is over: %v", err)
			}
			clock.Advance(time.Second)
		}
		if _, err := s.Authenticate(ctx, email, pw, ip); err != nil {
			t.Fatalf("right password after the wait: %v", err)
		}
		clock.Advance(time.Second)
		for range 2 {
			if _, err := s.Authenticate(ctx, email, "wrong wrong wrong", ip); rateLimit(err) != nil {
				t.Fatalf("after a success: %v", err)
			}
		}
		if _, err := s.Authenticate(ctx, email, pw, ip); rateLimit(err) == nil || rateLimit(err).RetryAfter != 1 {
			t.Errorf("the delay did not start again from 1 s after a success: %v", err)
		}
	})
}

// A success from an address does not clear its failures: the address limit
// counts every failure in the window.
func TestSignInSuccessKeepsAddressCount(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		clock := testenv.NewClock()
		var checks atomic.Int64
		s := limitedService(t, db, clock, &checks, accounts.Options{MaxFailsIP: 3})
		const pw, ip = "correct horse battery", "203.0.113.9"
		if _, err := s.CreateUser(ctx, 0, accounts.Input{Email: "me@example.org", Password: pw}, model.RoleParticipant); err != nil {
			t.Fatal(err)
		}
		for i, try := range []struct {
			email, pw string
		}{{"a@example.org", "wrong wrong wrong"}, {"b@example.org", "wrong wrong wrong"}, {"me@example.org", pw}, {"c@example.org", "wrong wrong wrong"}} {
			if _, err := s.Authenticate(ctx, try.email, try.pw, ip); rateLimit(err) != nil {
				t.Fatalf("try %d: %v", i, err)
			}
			clock.Advance(time.Minute)
		}
		_, err := s.Authenticate(ctx, "me@example.org", pw, ip)
		rl := rateLimit(err)
		if rl == nil || !strings.Contains(rl.Message, "from your network") {
			t.Fatalf("fourth failure-free try after 3 failures and a success: %v", err)
		}
		// The first failure leaves the window 15 minutes after it was made.
		if rl.RetryAfter != int((15*time.Minute - 4*time.Minute).Seconds()) {
			t.Errorf("retry after %d s", rl.RetryAfter)
		}
		clock.Advance(time.Duration(rl.RetryAfter) * time.Second)
		if _, err := s.Authenticate(ctx, "me@example.org", pw, ip); err != nil {
			t.Errorf("once the oldest failure left the window: %v", err)
		}
	})
}
