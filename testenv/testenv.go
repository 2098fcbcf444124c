// Package testenv gives tests the real services they run against: a fresh
// SQLite file and a fresh PostgreSQL schema per test, Meilisearch and
// Chromium. scripts/test.sh starts the services and exports where they are.
// Locally a missing service skips the tests that need it; with CI=true it
// fails them.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/store"
)

// Environment variables scripts/test.sh exports.
const (
	PostgresVar = "BACKCHANNEL_TEST_POSTGRES_URL"
	MeiliURLVar = "BACKCHANNEL_TEST_MEILI_URL"
	MeiliKeyVar = "BACKCHANNEL_TEST_MEILI_KEY"
	ChromiumVar = "BACKCHANNEL_TEST_CHROMIUM"
)

// CI reports whether the tests run in CI, where nothing may be skipped.
func CI() bool { v := os.Getenv("CI"); return v == "true" || v == "1" }

// Require returns the value of the environment variable name, or skips the
// test (fails it under CI) when it is unset.
func Require(t testing.TB, name, what string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if CI() {
			t.Fatalf("%s is not available: %s is unset (run the tests with make test)", what, name)
		}
		t.Skipf("%s is not available: %s is unset (run the tests with make test)", what, name)
	}
	return v
}

// Database is one database a test runs on.
type Database struct {
	Name string // "sqlite" or "postgres"
	URL  string // BACKCHANNEL_DATABASE_URL for a fresh, empty database
}

// Databases returns a fresh SQLite database and, when PostgreSQL is available,
// a fresh PostgreSQL schema; both are removed when the test ends.
func Databases(t testing.TB) []Database {
	t.Helper()
	dbs := []Database{{Name: "sqlite", URL: "sqlite://" + filepath.ToSlash(filepath.Join(t.TempDir(), "test.db"))}}
	base := os.Getenv(PostgresVar)
	if base == "" {
		if CI() {
			t.Fatalf("PostgreSQL is not available: %s is unset (run the tests with make test)", PostgresVar)
		}
		t.Logf("PostgreSQL not available (%s unset): running on SQLite only", PostgresVar)
		return dbs
	}
	return append(dbs, Database{Name: "postgres", URL: freshSchema(t, base)})
}

// freshSchema creates a schema with a random name and returns base with its
// search_path set to it.
func freshSchema(t testing.TB, base string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := store.Open(ctx, base)
	if err != nil {
		t.Fatalf("testenv: connect to PostgreSQL: %v", err)
	}
	defer admin.Close()
	if err := publicExtensions(ctx, admin); err != nil {
		t.Fatalf("testenv: extensions: %v", err)
	}
	schema := "t_" + RandomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("testenv: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if db, err := store.Open(ctx, base); err == nil {
			_, _ = db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
			_ = db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testenv: parse %s: %v", PostgresVar, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// publicExtensions puts the extensions the migrations create (pg_trgm) in
// pg_catalog, which every search_path includes, once for the whole test
// database: created by a migration inside a test schema (the search_path
// of each test is its own schema alone), an extension would be seen by that
// schema only, and go when it is dropped. (On a site, the migration creates
// it in the first schema of the search_path, usually public.)
func publicExtensions(ctx context.Context, db *bun.DB) error {
	where := func() (string, error) {
		var schema string
		err := db.QueryRowContext(ctx, "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'").Scan(&schema)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return schema, err
	}
	schema, err := where()
	switch {
	case err != nil:
		return err
	case schema == "":
		if _, err := db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA pg_catalog"); err != nil {
			// Another test process may have created it meanwhile.
			if schema, _ = where(); schema == "" {
				return err
			}
		}
	case schema != "pg_catalog":
		_, err = db.ExecContext(ctx, "ALTER EXTENSION pg_trgm SET SCHEMA pg_catalog")
		return err
	}
	return nil
}

// Open opens and migrates the database at rawURL, closing it when the test ends.
func Open(t testing.TB, rawURL string) *bun.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, rawURL)
	if err != nil {
		t.Fatalf("testenv: open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := store.NewMigrator(db).Up(ctx); err != nil {
		t.Fatalf("testenv: migrate: %v", err)
	}
	return db
}

// EachDB runs fn as a subtest on every database, each fresh and migrated.
func EachDB(t *testing.T, fn func(t *testing.T, db *bun.DB)) {
	t.Helper()
	for _, d := range Databases(t) {
		t.Run(d.Name, func(t *testing.T) { fn(t, Open(t, d.URL)) })
	}
}

// Meili returns the URL and key of the test Meilisearch server.
func Meili(t testing.TB) (string, string) {
	t.Helper()
	u := Require(t, MeiliURLVar, "Meilisearch")
	return u, os.Getenv(MeiliKeyVar)
}

// Chromium returns the path of the Chromium binary for browser tests.
func Chromium(t testing.TB) string {
	t.Helper()
	p := os.Getenv(ChromiumVar)
	if p == "" {
		for _, c := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
			if _, err := os.Stat(c); err == nil {
				return c
			}
		}
	}
	return Require(t, ChromiumVar, "Chromium")
}

// RandomHex returns n random bytes as hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Slug turns a test name into something usable in file and index names.
func Slug(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 32
		}
		return '_'
	}, name)
}
