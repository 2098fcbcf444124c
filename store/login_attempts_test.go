package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestRecentLogins(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		dev := int64(7)
		for _, a := range []*model.LoginAttempt{
			{Email: "ada@example.org", IP: "10.0.0.1", CreatedAt: now.Add(-90 * time.Minute)}, // before since
			{Email: " ADA@Example.org ", IP: "10.0.0.2", CreatedAt: now.Add(-30 * time.Minute), DeviceID: &dev},
			{Email: "bob@example.org", IP: "10.0.0.1", CreatedAt: now.Add(-20 * time.Minute)},
			{Email: "bob@example.org", IP: "10.0.0.3", CreatedAt: now.Add(-10 * time.Minute)}, // neither
			{Email: "ada@example.org", IP: "10.0.0.1", CreatedAt: now.Add(-5 * time.Minute)},
		} {
			if err := store.AddLoginAttempt(ctx, db, a); err != nil || a.ID == 0 {
				t.Fatalf("add = %v (id %d)", err, a.ID)
			}
		}
		as, err := store.RecentLogins(ctx, db, "Ada@example.org", "10.0.0.1", now.Add(-time.Hour))
		if err != nil || len(as) != 3 {
			t.Fatalf("recent = %d, %v; want 3", len(as), err)
		}
		if as[0].Email != "ada@example.org" || as[0].DeviceID == nil || *as[0].DeviceID != 7 || as[1].Email != "bob@example.org" ||
			!as[2].CreatedAt.Equal(now.Add(-5*time.Minute)) || as[2].Succeeded {
			t.Errorf("recent = %+v", as)
		}
		if err := store.MarkLoginSucceeded(ctx, db, as[2].ID); err != nil {
			t.Fatal(err)
		}
		if as, _ := store.RecentLogins(ctx, db, "ada@example.org", "", now.Add(-time.Hour)); len(as) != 2 || !as[1].Succeeded {
			t.Errorf("after the success = %+v", as)
		}
		if err := store.DeleteOldLoginAttempts(ctx, db, 45*time.Minute); err != nil {
			t.Fatal(err)
		}
		if n, err := db.NewSelect().Model((*model.LoginAttempt)(nil)).Count(ctx); err != nil || n != 4 {
			t.Errorf("attempts left = %d, %v; want 4", n, err)
		}
	})
}

// Parallel callers that count under LockLogins and add while under a limit
// add no more than the limit: counting and adding are one step.
func TestLockLoginsCountsAndAddsAsOneStep(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for i := range 50 {
			wg.Go(func() {
				errs <- store.LockLogins(ctx, db, []string{"ip:10.9.9.9", fmt.Sprintf("email:u%d@example.org", i)}, func(ctx context.Context, tx bun.Tx) error {
					as, err := store.RecentLogins(ctx, tx, "", "10.9.9.9", time.Now().Add(-time.Hour))
					if err != nil || len(as) >= 5 {
						return err
					}
					// Widen the gap between counting and adding, where an
					// unlocked check lets parallel callers through.
					time.Sleep(5 * time.Millisecond)
					return store.AddLoginAttempt(ctx, tx, &model.LoginAttempt{Email: fmt.Sprintf("u%d@example.org", i), IP: "10.9.9.9", CreatedAt: time.Now()})
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.NewSelect().Model((*model.LoginAttempt)(nil)).Where("ip = ?", "10.9.9.9").Count(ctx); err != nil || n != 5 {
			t.Errorf("attempts = %d, %v; want 5", n, err)
		}
	})
}
