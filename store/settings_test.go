package store_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/store"
	"backchannel/testenv"
)

func TestDeleteSetting(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		for _, kv := range [][2]string{{"a", "1"}, {"b", "2"}} {
			if err := store.SetSetting(ctx, db, kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := store.DeleteSetting(ctx, db, "a"); err != nil {
			t.Fatal(err)
		}
		if err := store.DeleteSetting(ctx, db, "never-set"); err != nil {
			t.Errorf("deleting a missing setting: %v", err)
		}
		for key, want := range map[string]string{"a": "default", "b": "2"} {
			if v, err := store.Setting(ctx, db, key, "default"); err != nil || v != want {
				t.Errorf("setting %s = %q, %v; want %q", key, v, err, want)
			}
		}
		// Once deleted, a setting can be set once again.
		if v, err := store.SetSettingOnce(ctx, db, "a", "again"); err != nil || v != "again" {
			t.Errorf("set once after delete = %q, %v", v, err)
		}
	})
}

func TestSetSettingOnceFirstWriterWins(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		const writers = 8
		got := make(chan string, writers)
		errs := make(chan error, writers)
		for i := range writers {
			go func() {
				v, err := store.SetSettingOnce(ctx, db, "secret", "value-"+strconv.Itoa(i))
				got <- v
				errs <- err
			}()
		}
		var first string
		for i := range writers {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			v := <-got
			if i == 0 {
				first = v
			}
			if v != first {
				t.Errorf("writers saw different values: %q and %q", first, v)
			}
		}
		if v, _ := store.Setting(ctx, db, "secret", ""); v != first || v == "" {
			t.Errorf("stored = %q; want %q, the value every writer saw", v, first)
		}
	})
}
