package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/loadgen"
	"backchannel/search"
	"backchannel/store"
	"backchannel/testenv"
)

var (
	benchLatency = regexp.MustCompile(`p50 [0-9.]+ ms  p95 [0-9.]+ ms  p99 [0-9.]+ ms  max [0-9.]+ ms  \(n=([0-9]+)\)`)
	benchQueries = regexp.MustCompile(`Queries: ([0-9]+) of 20 \(concurrency 2\) in \S+, [0-9.]+ queries/s`)
	benchHits    = regexp.MustCompile(`Hits per query: [0-9.]+ matches \([0-9.]+ on the page\), [0-9]+ queries with none`)
	benchPosted  = regexp.MustCompile(`Posted: ([0-9]+) messages in \S+, [0-9.]+ messages/s`)
)

func TestBenchSeedSearchLag(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			env := baseEnv(t, d.URL)
			r := mustRun(t, env, "bench", "seed", "--messages", "5000", "--channels", "6", "--seed", "3", "--rows", "700", "--tx", "1500")
			if !strings.Contains(r.stdout, "Seeded 5000 messages") || !strings.Contains(r.stdout, "backchannel reindex") {
				t.Errorf("seed output lacks the summary or the reindex hint:\n%s", r.stdout)
			}
			db := testenv.Open(t, d.URL)
			ctx := context.Background()
			checkSeeded(t, db, 5000)

			// A second seed must be asked for.
			wantFail(t, env, 2, []string{"bench", "seed", "--messages", "10"}, "already holds 5000 messages", "--append")
			mustRun(t, env, "bench", "seed", "--messages", "100", "--channels", "6", "--seed", "3", "--append")
			checkSeeded(t, db, 5100)

			mustRun(t, env, "reindex")
			chans, err := store.ListChannels(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			var all []int64
			var physics int64
			for _, c := range chans {
				all = append(all, c.ID)
				if c.Slug == "physics-101" {
					physics = c.ID
				}
			}
			if physics == 0 {
				t.Fatalf("no channel physics-101 among %+v", chans)
			}
			res, err := search.NewSQL(db).Search(ctx, search.Query{Text: "momentum", Scopes: []search.Scope{{ChannelIDs: all}},
				ChannelIDs: []int64{physics}, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total == 0 || len(res.Hits) == 0 || !strings.Contains(strings.ToLower(res.Hits[0].Body), "momentum") {
				t.Errorf("after reindex, momentum in physics-101 finds %d messages: %+v", res.Total, res.Hits)
			}

			r = mustRun(t, env, "bench", "search", "--queries", "20", "--warmup", "2", "--concurrency", "2", "--duration", "45s")
			m := benchQueries.FindStringSubmatch(r.stdout)
			if m == nil || !benchLatency.MatchString(r.stdout) || !benchHits.MatchString(r.stdout) {
				t.Fatalf("bench search output lacks the count, latencies or hits:\n%s", r.stdout)
			}
			if n, _ := strconv.Atoi(m[1]); n < 1 {
				t.Errorf("bench search timed %d queries:\n%s", n, r.stdout)
			}

			// The common words: the sample's most frequent first, one a query.
			r = mustRun(t, env, "bench", "search", "--queries", "20", "--warmup", "0", "--concurrency", "2", "--common-words", "5", "--duration", "45s")
			if !strings.Contains(r.stdout, "Query: one of the 5 most common words (") || !benchLatency.MatchString(r.stdout) {
				t.Fatalf("bench search --common-words output lacks the words or the latencies:\n%s", r.stdout)
			}
			wantFail(t, env, 2, []string{"bench", "search", "--common-words", "-1"}, "--common-words must be between 0 and 1000")

			r = mustRun(t, env, "bench", "lag", "--rate", "20", "--duration", "3s", "--drain", "20s")
			p := benchPosted.FindStringSubmatch(r.stdout)
			l := benchLatency.FindStringSubmatch(r.stdout)
			if p == nil || l == nil || !strings.Contains(r.stdout, "Not searchable within") {
				t.Fatalf("bench lag output lacks the rate or the lags:\n%s", r.stdout)
			}
			if n, _ := strconv.Atoi(l[1]); n < 1 {
				t.Errorf("bench lag measured no message:\n%s", r.stdout)
			}
			lagCh, err := store.ChannelBySlug(ctx, db, loadgen.LagSlug)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := store.ListMessages(ctx, db, store.MessageFilter{ChannelID: lagCh.ID})
			if err != nil {
				t.Fatal(err)
			}
			if posted, _ := strconv.Atoi(p[1]); len(ms) != posted {
				t.Errorf("bench lag says it posted %s messages; the channel holds %d", p[1], len(ms))
			}
		})
	}
}

// checkSeeded checks that the database holds n messages and that nothing
// waits in the outbox. loadgen's tests check what seeding writes in detail.
func checkSeeded(t *testing.T, db *bun.DB, n int) {
	t.Helper()
	ctx := context.Background()
	if got, err := store.CountMessages(ctx, db); err != nil || got != n {
		t.Errorf("%d messages (%v), want %d", got, err, n)
	}
	if waiting, err := store.OutboxLen(ctx, db); err != nil || waiting != 0 {
		t.Errorf("outbox holds %d entries (err %v), want none: seeding bypasses the outbox", waiting, err)
	}
}

// bench live opens the API's JSON streams or the channel page's HTML ones,
// and nothing else.
func TestBenchLiveStreamFlag(t *testing.T) {
	env := baseEnv(t, "sqlite://"+t.TempDir()+"/bc.db")
	wantFail(t, env, 2, []string{"bench", "live", "--stream", "xml"}, "--stream must be json or html")
	wantFail(t, env, 2, []string{"bench", "live", "--post-url", "127.0.0.1:8081"}, "--post-url must be an http(s) URL")
}
