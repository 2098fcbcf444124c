package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/uptrace/bun/driver/sqliteshim"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// Unavailable recognises the errors each driver really returns when the
// database cannot serve — SQLite busy and a closed pool, PostgreSQL's
// backend terminated (pg_terminate_backend) and a closed pool — and not the
// errors of a wrong request.
func TestUnavailableRecognisesRealOutages(t *testing.T) {
	ctx := context.Background()
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			db := testenv.Open(t, d.URL)
			// Not outages: no row, a unique violation.
			_, err := store.MessageByID(ctx, db, 999999)
			if store.Unavailable(err) || !errors.Is(err, model.ErrNotFound) {
				t.Errorf("a missing row counts as an outage: %v", err)
			}
			if _, err := db.ExecContext(ctx, "CREATE TABLE uniq (id INTEGER PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
			_, _ = db.ExecContext(ctx, "INSERT INTO uniq (id) VALUES (1)")
			if _, err := db.ExecContext(ctx, "INSERT INTO uniq (id) VALUES (1)"); err == nil || store.Unavailable(err) {
				t.Errorf("a unique violation counts as an outage: %v", err)
			}

			if store.IsPostgres(db) {
				// A backend ended under a connection in use.
				conn, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var pid int
				if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
					t.Fatal(err)
				}
				if _, err := db.ExecContext(ctx, "SELECT pg_terminate_backend(?)", pid); err != nil {
					t.Fatal(err)
				}
				_, err = conn.ExecContext(ctx, "SELECT 1")
				if err == nil || !store.Unavailable(err) {
					t.Errorf("a terminated backend is not an outage: %v", err)
				}
				conn.Close()
			} else {
				// Another process holds SQLite's write lock.
				path := strings.TrimPrefix(d.URL, "sqlite://")
				other, err := sql.Open(sqliteshim.ShimName, "file:"+path+"?_pragma=busy_timeout(0)")
				if err != nil {
					t.Fatal(err)
				}
				defer other.Close()
				lock, err := db.BeginTx(ctx, nil) // _txlock=immediate: takes the write lock
				if err != nil {
					t.Fatal(err)
				}
				if _, err := lock.ExecContext(ctx, "INSERT INTO uniq (id) VALUES (2)"); err != nil {
					t.Fatal(err)
				}
				_, err = other.ExecContext(ctx, "INSERT INTO uniq (id) VALUES (3)")
				if err == nil || !store.Unavailable(err) {
					t.Errorf("SQLite busy is not an outage: %v", err)
				}
				_ = lock.Rollback()
			}
			// The pool closed.
			db.Close()
			if err := store.Ping(ctx, db); err == nil || !store.Unavailable(err) {
				t.Errorf("a closed pool is not an outage: %v", err)
			}
		})
	}
}
