package search_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"backchannel/search"
	"backchannel/testenv"
)

// namedEngine is an engine under test with the name of its subtest.
type namedEngine struct {
	name   string
	engine search.Engine
}

// engines returns every engine under test, each fresh, empty and set up: the
// built-in engine on a fresh SQLite database and a fresh PostgreSQL schema,
// and Meilisearch on an index of its own, removed when the test ends. opts
// configure every engine.
func engines(t *testing.T, opts ...search.Option) []namedEngine {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out []namedEngine
	for _, d := range testenv.Databases(t) {
		e := search.NewSQL(testenv.Open(t, d.URL), opts...)
		out = append(out, namedEngine{name: d.Name, engine: e})
	}
	if os.Getenv(testenv.MeiliURLVar) == "" && !testenv.CI() {
		t.Logf("Meilisearch not available (%s unset): built-in engines only", testenv.MeiliURLVar)
	} else {
		url, key := testenv.Meili(t)
		index := "conf_" + testenv.RandomHex(6)
		m := search.NewMeili(url, key, index, opts...)
		t.Cleanup(func() {
			_ = m.Close()
			client := meilisearch.New(url, meilisearch.WithAPIKey(key))
			defer client.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			// The direct-message index beside it goes too.
			for _, ix := range []string{index, index + "_dm"} {
				if _, err := client.DeleteIndexWithContext(ctx, ix); err != nil {
					t.Logf("meilisearch: delete the test index %s: %v", ix, err)
				}
			}
		})
		out = append(out, namedEngine{name: "meilisearch", engine: m})
	}
	for _, e := range out {
		if err := e.engine.Setup(ctx); err != nil {
			t.Fatalf("%s: setup: %v", e.name, err)
		}
		if err := e.engine.Setup(ctx); err != nil {
			t.Fatalf("%s: setup again: %v", e.name, err)
		}
	}
	return out
}
