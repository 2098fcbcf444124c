package store_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/store"
	"backchannel/testenv"
)

func TestPingAndDialect(t *testing.T) {
	t.Parallel()
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			db := testenv.Open(t, d.URL)
			if err := store.Ping(context.Background(), db); err != nil {
				t.Fatal(err)
			}
			if got, want := store.IsPostgres(db), d.Name == "postgres"; got != want {
				t.Errorf("IsPostgres = %v on %s", got, d.Name)
			}
			if err := db.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
				if store.IsPostgres(tx) != (d.Name == "postgres") {
					t.Errorf("IsPostgres of a transaction differs from its database")
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			_ = db.Close()
			if err := store.Ping(context.Background(), db); err == nil {
				t.Error("ping of a closed database succeeded")
			}
		})
	}
}

func TestOpenRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"mysql://localhost/db", "", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1"} {
		if db, err := store.Open(context.Background(), u); err == nil {
			_ = db.Close()
			t.Errorf("Open(%q) succeeded", u)
		}
	}
}
