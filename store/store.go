// Package store is Backchannel's data layer: bun over SQLite (the embedded
// default) or PostgreSQL, chosen by the database URL. Every function takes a
// context first and a bun.IDB, so calls compose inside one transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/driver/sqliteshim"

	"backchannel/config"
	"backchannel/model"
)

// Open connects to the database named by rawURL (see config.ParseDatabaseURL).
// For SQLite it creates the file's directory and turns on WAL, a busy timeout
// and foreign keys; it checks the connection before returning.
func Open(ctx context.Context, rawURL string) (*bun.DB, error) {
	d, err := config.ParseDatabaseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	var db *bun.DB
	switch d.Driver {
	case "sqlite":
		if dir := filepath.Dir(d.DSN); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("store: create data directory: %w", err)
			}
		}
		q := url.Values{}
		for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)",
			// Statement journals in memory, not in temporary files: a post's
			// transaction spent 15 % of its CPU writing them (see BENCHMARKS.md).
			"temp_store(MEMORY)"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", "immediate")
		sqldb, err := sql.Open(sqliteshim.ShimName, "file:"+d.DSN+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		// One writer at a time is SQLite's rule; a small pool lets readers run
		// beside it under WAL.
		sqldb.SetMaxOpenConns(8)
		sqldb.SetMaxIdleConns(8)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		db = bun.NewDB(sqldb, sqlitedialect.New())
	case "postgres":
		sqldb := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(d.DSN)))
		// Keep the connections open: database/sql keeps only 2 idle by
		// default, and a new PostgreSQL connection costs a process.
		sqldb.SetMaxOpenConns(20)
		sqldb.SetMaxIdleConns(20)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		db = bun.NewDB(sqldb, pgdialect.New())
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: connect to %s database: %w", d.Driver, err)
	}
	return db, nil
}

// IsPostgres reports whether db speaks PostgreSQL.
func IsPostgres(db bun.IDB) bool { return db.Dialect().Name() == dialect.PG }

// now is the one clock of the store: UTC, microsecond precision (what both
// databases keep), so values read back compare equal to values written.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// notFound turns sql.ErrNoRows into model.ErrNotFound with a package prefix.
func notFound(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s: %w", what, model.ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		return pgErr.Field('C') == "23505"
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "constraint failed: UNIQUE")
}

// Ping checks that the database answers.
func Ping(ctx context.Context, db *bun.DB) error {
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

func isNotFoundErr(err error) bool { return errors.Is(err, model.ErrNotFound) }
