package search_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/search"
	"backchannel/store"
	"backchannel/testenv"
)

func TestSQLName(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := search.NewSQL(db)
		want := map[string]string{"sqlite": "builtin-sqlite", "postgres": "builtin-postgres"}[t.Name()[len("TestSQLName/"):]]
		if e.Name() != want {
			t.Errorf("name = %q, want %q", e.Name(), want)
		}
		if err := e.Ping(context.Background()); err != nil {
			t.Errorf("ping: %v", err)
		}
	})
}

// TestSQLSetupNeedsMigrations checks that Setup reports missing tables.
func TestSQLSetupNeedsMigrations(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite://"+filepath.ToSlash(filepath.Join(t.TempDir(), "empty.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := search.NewSQL(db).Setup(ctx); err == nil {
		t.Fatal("setup on an empty database: no error")
	}
}

// TestSQLQuerySyntax checks that query text is never read as FTS5 or
// tsquery syntax: operators and quotes are searched for as words or ignored.
func TestSQLQuerySyntax(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		e := search.NewSQL(db)
		docs := []search.Doc{
			{ID: 1, ChannelID: 1, Channel: "c", Author: "Alice", Body: "to be or not to be, near and far", CreatedAt: 1},
			{ID: 2, ChannelID: 1, Channel: "c", Author: "Bob", Body: "it's O'Brien's \"quoted\" text: * & | ! <-> ()", CreatedAt: 2},
		}
		if err := e.Upsert(ctx, docs); err != nil {
			t.Fatal(err)
		}
		scopes := []search.Scope{{ChannelIDs: []int64{1}}}
		for _, c := range []struct {
			text string
			want []int64
		}{
			{"or not", []int64{1}},
			{"NEAR AND", []int64{1}},
			{"NOT", []int64{1}},
			{`"quoted`, []int64{2}},
			{"o'brien", []int64{2}},
			{"brien's", []int64{2}},
			{`text:*`, []int64{2}},
			{`"` + "a" + `" OR "b"`, nil},
			{`be) | (far`, []int64{1}},
			{`be & !far`, []int64{1}},
			{`\' '' \\`, []int64{2, 1}}, // no words: every document
			{`* ^ - + : NEAR(to be)`, []int64{1}},
		} {
			res, err := e.Search(ctx, search.Query{Text: c.text, Scopes: scopes, Sort: search.SortNewest})
			if err != nil {
				t.Errorf("%q: %v", c.text, err)
				continue
			}
			var got []int64
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%q: hits %v, want %v", c.text, got, c.want)
			}
		}
	})
}

func TestSQLBadQuery(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := search.NewSQL(db)
		if _, err := e.Search(context.Background(), search.Query{Scopes: []search.Scope{{ChannelIDs: []int64{1}}}, Sort: "sideways"}); err == nil {
			t.Error("unknown sort: no error")
		}
		if err := e.Upsert(context.Background(), nil); err != nil {
			t.Errorf("upsert nothing: %v", err)
		}
	})
}
