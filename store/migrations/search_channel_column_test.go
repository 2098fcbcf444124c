package migrations_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"
	"github.com/uptrace/bun/migrate"

	"backchannel/store/migrations"
)

// The migration that gives SQLite's FTS5 index its channel column refills
// the index from itself: every document indexed before it is still found
// after it, and now by its channel too.
func TestSearchChannelColumnKeepsTheIndex(t *testing.T) {
	ctx := context.Background()
	sqldb, err := sql.Open(sqliteshim.ShimName, "file:"+filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	db := bun.NewDB(sqldb, sqlitedialect.New())
	t.Cleanup(func() { db.Close() })

	const target = "20261206070000"
	all := migrations.New()
	before := migrate.NewMigrations()
	for _, m := range all.Sorted() {
		if m.Name < target {
			before.Add(m)
		}
	}
	up := func(ms *migrate.Migrations) {
		t.Helper()
		mg := migrate.NewMigrator(db, ms)
		if err := mg.Init(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := mg.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	up(before)
	for _, d := range []struct {
		id, channel int64
		text        string
	}{{1, 7, "telescope mirror"}, {2, 8, "telescope lens"}, {3, 7, "galaxy"}} {
		if _, err := db.ExecContext(ctx, "INSERT INTO search_docs (id, channel_id, channel, session_id, thread_id, author_key, author, "+
			"author_filter, kind, state, answered, tags, body, created_at, votes) VALUES (?, ?, 'c', 0, 0, 'k', 'a', 'a', 'comment', 'visible', FALSE, '[]', ?, 0, 0)",
			d.id, d.channel, d.text); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO search_fts (rowid, text, stems) VALUES (?, ?, ?)", d.id, d.text, d.text); err != nil {
			t.Fatal(err)
		}
	}
	up(all)

	find := func(match string) []int64 {
		t.Helper()
		var ids []int64
		if err := db.NewRaw("SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid", match).Scan(ctx, &ids); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := find(`stems : "telescope"`); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("telescope after the migration: %v, want [1 2]", got)
	}
	if got := find(`channel : "7" AND stems : "telescope"`); !slices.Equal(got, []int64{1}) {
		t.Errorf("telescope in channel 7: %v, want [1]", got)
	}
	if got := find(`text : "te" *`); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("te* (the two-letter prefix index): %v, want [1 2]", got)
	}
}
