package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestFailedLogins(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		// History of ada@example.org, oldest first, by minutes ago.
		type attempt struct {
			email, ip string
			ok        bool
			ago       time.Duration
		}
		for _, a := range []attempt{
			{"ada@example.org", "10.0.0.1", false, 90 * time.Minute}, // outside a one-hour window
			{"ada@example.org", "10.0.0.1", false, 50 * time.Minute},
			{"ada@example.org", "10.0.0.1", true, 40 * time.Minute}, // resets the count
			{"ada@example.org", "10.0.0.2", false, 30 * time.Minute},
			{"ada@example.org", "10.0.0.1", false, 20 * time.Minute},
			{"bob@example.org", "10.0.0.1", false, 10 * time.Minute},
		} {
			la := &model.LoginAttempt{Email: a.email, IP: a.ip, Succeeded: a.ok, CreatedAt: now.Add(-a.ago)}
			if _, err := db.NewInsert().Model(la).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		// Recorded now, with an email in another case.
		if err := store.RecordLoginAttempt(ctx, db, " BOB@Example.org ", "10.0.0.3", false); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name          string
			column, value string
			window        time.Duration
			want          int
			oldest        time.Duration // ago; 0: none
		}{
			{"email since its last success", "email", "ada@example.org", time.Hour, 2, 30 * time.Minute},
			{"success outside the window", "email", "ada@example.org", 35 * time.Minute, 2, 30 * time.Minute},
			{"short window", "email", "ada@example.org", 25 * time.Minute, 1, 20 * time.Minute},
			{"recorded email is normalised", "email", "bob@example.org", time.Hour, 2, 10 * time.Minute},
			{"address across emails", "ip", "10.0.0.1", time.Hour, 2, 20 * time.Minute},
			{"address with a long window", "ip", "10.0.0.1", 2 * time.Hour, 2, 20 * time.Minute},
			{"other address", "ip", "10.0.0.2", time.Hour, 1, 30 * time.Minute},
			{"nobody", "email", "zed@example.org", time.Hour, 0, 0},
		} {
			n, oldest, err := store.FailedLogins(ctx, db, tc.column, tc.value, tc.window)
			if err != nil || n != tc.want {
				t.Errorf("%s: failed = %d, %v; want %d", tc.name, n, err, tc.want)
				continue
			}
			if tc.oldest == 0 {
				if !oldest.IsZero() {
					t.Errorf("%s: oldest = %v; want zero", tc.name, oldest)
				}
				continue
			}
			if !oldest.Equal(now.Add(-tc.oldest)) {
				t.Errorf("%s: oldest = %v; want %v", tc.name, oldest, now.Add(-tc.oldest))
			}
		}
		if _, _, err := store.FailedLogins(ctx, db, "password_hash", "x", time.Hour); err == nil {
			t.Error("an unknown column was accepted")
		}

		if err := store.DeleteOldLoginAttempts(ctx, db, 45*time.Minute); err != nil {
			t.Fatal(err)
		}
		n, err := db.NewSelect().Model((*model.LoginAttempt)(nil)).Count(ctx)
		if err != nil || n != 5 {
			t.Errorf("attempts left = %d, %v; want 5 (two older than 45 minutes removed)", n, err)
		}
		// The removed attempts were before ada's success and never counted.
		if n, _, _ := store.FailedLogins(ctx, db, "email", "ada@example.org", 2*time.Hour); n != 2 {
			t.Errorf("after deletion ada has %d failures; want 2", n)
		}
	})
}
