package inbox_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/uptrace/bun"
	"golang.org/x/text/unicode/norm"

	"backchannel/inbox"
	"backchannel/search"
	"backchannel/store"
	"backchannel/testenv"
)

// oldFold is the folding the direct-message index was first written with:
// compatibility-normalised, lower case, without diacritics, but ß, æ, œ
// and the other letters without a decomposition kept as they are.
func oldFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// oldShape rewrites message id's words in the built-in direct-message index
// as the older folding wrote them.
func oldShape(t *testing.T, db *bun.DB, id int64, body, author string) {
	t.Helper()
	words := strings.FieldsFunc(oldFold(body+" "+author), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	text := strings.Join(words, " ")
	var err error
	if store.IsPostgres(db) {
		_, err = db.NewUpdate().Table("dm_search_docs").Set("tsv = to_tsvector('simple', ?)", text).
			Where("id = ?", id).Exec(context.Background())
	} else {
		_, err = db.NewUpdate().Table("dm_search_fts").Set("text = ?", text).Where("rowid = ?", id).Exec(context.Background())
	}
	if err != nil {
		t.Fatal(err)
	}
}

// A direct message indexed with the older folding is found by the current
// one ("strasse" finds "Straße") once migration 20261206060000 has queued
// every direct message again and the indexer has passed, without a
// reindex.
func TestDMIndexRefoldedByMigration(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		e := search.NewSQLDM(db)
		svc := inbox.New(db, nil, nil, nil, inbox.Options{}, slog.New(slog.DiscardHandler))
		indexer := func() *search.DMIndexer {
			return search.NewDMIndexer(e, svc.IndexSource(), slog.New(slog.DiscardHandler))
		}
		ada, bob := dmUser(t, db, "ada"), dmUser(t, db, "bob")
		c := testenv.DMConversation(t, db, "", ada, bob)
		const body = "Meet me on the Straße by the Œuvre café"
		m := testenv.DMPost(t, db, c, ada, body)
		plain := testenv.DMPost(t, db, c, ada, "a plain message")
		if err := indexer().Drain(ctx); err != nil {
			t.Fatal(err)
		}
		oldShape(t, db, m, body, "Ada")
		// As the index was before the migration: the old words only.
		wantIDs(t, "old shape, strasse", w2(t, svc, e, bob, "strasse"))
		wantIDs(t, "old shape, oeuvre", w2(t, svc, e, bob, "oeuvre"))
		wantIDs(t, "old shape, cafe", w2(t, svc, e, bob, "cafe"), m)

		// The migration runs on this database as on one upgraded to it.
		if _, err := db.NewDelete().Table("bun_migrations").Where("name = ?", "20261206060000").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		applied, err := store.NewMigrator(db).Up(ctx)
		if err != nil || !slices.Equal(applied, []string{"20261206060000"}) {
			t.Fatalf("migrate up: %v, %v", applied, err)
		}
		if cur, err := store.DMSearchCursor(ctx, db); err != nil || cur != 0 {
			t.Errorf("cursor %d (%v) after the migration, want 0", cur, err)
		}
		if err := indexer().Drain(ctx); err != nil { // a new process reads the cursor
			t.Fatal(err)
		}
		wantIDs(t, "strasse", w2(t, svc, e, bob, "strasse"), m)
		wantIDs(t, "Straße", w2(t, svc, e, bob, "Straße"), m)
		wantIDs(t, "oeuvre", w2(t, svc, e, bob, "oeuvre"), m)
		wantIDs(t, "plain", w2(t, svc, e, bob, "plain"), plain)
		last, _ := store.LastDMEventID(ctx, db)
		if cur, _ := store.DMSearchCursor(ctx, db); cur != last {
			t.Errorf("cursor %d after the pass, want %d", cur, last)
		}
	})
}

// Direct-message search folds as channel search does on every engine:
// Meilisearch's own normalisation keeps ß apart from ss, so its index is
// searched by the folded words.
func TestDMSearchFolding(t *testing.T) {
	eachDMEngine(t, func(t *testing.T, w *dmWorld) {
		ada, bob := dmUser(t, w.db, "ada"), dmUser(t, w.db, "bob")
		c := testenv.DMConversation(t, w.db, "", ada, bob)
		m := testenv.DMPost(t, w.db, c, ada, "Meet me on the Straße by the Œuvre café")
		if err := w.ix.Drain(t.Context()); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"strasse", "Straße", "STRASSE", "oeuvre", "Œuvre", "cafe", "café"} {
			wantIDs(t, q, w.find(t, bob, q), m)
		}
		res, err := w.svc.Search(t.Context(), w.engine, bob, inbox.SearchRequest{Query: "strasse"})
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("%v %+v", err, res)
		}
		if got := res.Hits[0]; len(got.Matches) != 1 || got.Body[got.Matches[0].Start:got.Matches[0].End] != "Straße" {
			t.Errorf("matches %v in %q, want Straße marked", got.Matches, got.Body)
		}
	})
}
