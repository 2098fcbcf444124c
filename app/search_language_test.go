package app_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"backchannel/app"
	"backchannel/config"
	"backchannel/search"
)

// BACKCHANNEL_SEARCH_LANGUAGE reaches the search engine: German word forms.
func TestOpenSearchLanguage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := config.Load(func(name string) string {
		return map[string]string{"BACKCHANNEL_DATA_DIR": dir, "BACKCHANNEL_SEARCH_LANGUAGE": "german",
			"BACKCHANNEL_DATABASE_URL": "sqlite://" + filepath.ToSlash(filepath.Join(dir, "bc.db"))}[name]
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	doc := search.Doc{ID: 1, ChannelID: 1, Channel: "c", ThreadID: 1, Kind: "comment", State: "visible",
		Body: "Ein Haus am See", Tags: []string{}}
	if err := a.Search.Upsert(ctx, []search.Doc{doc}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Search.Search(ctx, search.Query{Text: "Häusern", Scopes: []search.Scope{{ChannelIDs: []int64{1}}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 {
		t.Errorf("Häusern finds %d messages, want Haus (German word forms)", res.Total)
	}
}
