package loadgen

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/search"
	"backchannel/store"
)

// SearchOptions say what SearchBench asks.
type SearchOptions struct {
	Queries     int           // queries timed
	Warmup      int           // queries run first and not timed
	Concurrency int           // queries in flight at once
	Duration    time.Duration // stop after this long, whatever happens
	Seed        uint64        // seed of the queries
	Staff       bool          // search as staff (every state) rather than as a participant
	Facets      bool          // ask for facets as the search page does
	// CommonWords, when above 0, makes every query one of the most common
	// words of the messages (from a sample of them), in turn, instead of
	// two words of the channel's course: the queries that match the most.
	CommonWords int
}

// SearchBench times two-word searches of a channel's course against engine,
// as `backchannel bench search` does, and writes the figures to stdout:
// queries a second, latency percentiles and hits a query. Every channel in
// db is in scope; the queries target the generated ones (not LagSlug's)
// when there are any.
func SearchBench(ctx context.Context, db bun.IDB, engine search.Engine, o SearchOptions, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	chans, err := store.ListChannels(ctx, db)
	if err != nil {
		return err
	}
	if len(chans) == 0 {
		return fmt.Errorf("bench search: the database has no channels: run backchannel bench seed first")
	}
	messages, err := store.CountMessages(ctx, db)
	if err != nil {
		return err
	}
	all := make([]int64, len(chans))
	var targets []model.Channel
	for i, ch := range chans {
		all[i] = ch.ID
		if ch.Slug != LagSlug {
			targets = append(targets, ch)
		}
	}
	if len(targets) == 0 {
		targets = chans
	}
	scope := search.Scope{ChannelIDs: all, States: []string{string(model.StateVisible)}}
	if o.Staff {
		scope.States = nil
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x7365617263))
	text := func(ch model.Channel, _ int) string { return QueryText(r, ch.Slug) }
	what := "two words of the channel's course"
	if o.CommonWords > 0 {
		common, err := commonWordsOf(ctx, db, o.CommonWords)
		if err != nil {
			return err
		}
		text = func(_ model.Channel, i int) string { return common[i%len(common)] }
		what = fmt.Sprintf("one of the %d most common words (%s)", len(common), strings.Join(common, " "))
	}
	qs := make([]search.Query, o.Warmup+o.Queries)
	for i := range qs {
		ch := targets[r.IntN(len(targets))]
		qs[i] = search.Query{Text: text(ch, i), Scopes: []search.Scope{scope},
			ChannelIDs: []int64{ch.ID}, Sort: search.SortRelevance, Limit: 20, Facets: o.Facets}
	}
	fmt.Fprintf(stdout, "Engine: %s; %d messages in %d channels\n", engine.Name(), messages, len(chans))
	fmt.Fprintf(stdout, "Query: %s, one channel, %s scope, by relevance, 20 a page, %s\n", what,
		map[bool]string{true: "staff", false: "participant"}[o.Staff], map[bool]string{true: "with facets", false: "no facets"}[o.Facets])
	if o.Warmup > 0 {
		fmt.Fprintf(stdout, "Warm-up: %d queries\n", o.Warmup)
		if _, err := runQueries(ctx, engine, qs[:o.Warmup], o.Concurrency); err != nil {
			return err
		}
	}
	start := time.Now()
	res, err := runQueries(ctx, engine, qs[o.Warmup:], o.Concurrency)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if len(res) == 0 {
		return fmt.Errorf("bench search: no query finished within --duration %s", o.Duration)
	}
	lat := make([]time.Duration, len(res))
	var total, page, empty int
	for i, x := range res {
		lat[i] = x.took
		total += x.total
		page += x.hits
		if x.total == 0 {
			empty++
		}
	}
	n := len(res)
	fmt.Fprintf(stdout, "Queries: %d of %d (concurrency %d) in %s, %.1f queries/s\n", n, o.Queries, o.Concurrency,
		elapsed.Round(time.Millisecond), float64(n)/max(elapsed.Seconds(), 0.001))
	fmt.Fprintf(stdout, "Latency: %s\n", latencies(lat))
	fmt.Fprintf(stdout, "Hits per query: %.1f matches (%.1f on the page), %d queries with none\n",
		float64(total)/float64(n), float64(page)/float64(n), empty)
	if n < o.Queries {
		fmt.Fprintf(stdout, "Stopped after --duration %s: %d queries not run.\n", o.Duration, o.Queries-n)
	}
	return nil
}

// commonSample is how many messages commonWordsOf counts the words of.
const commonSample = 50000

// commonWordsOf is the n most common words (as search folds them) of a
// sample of db's messages, most common first.
func commonWordsOf(ctx context.Context, db bun.IDB, n int) ([]string, error) {
	bodies, err := store.SampleBodies(ctx, db, commonSample)
	if err != nil {
		return nil, fmt.Errorf("bench search: %w", err)
	}
	counts := map[string]int{}
	for _, b := range bodies {
		for _, w := range search.Words(b) {
			counts[w]++
		}
	}
	words := slices.Collect(maps.Keys(counts))
	slices.SortFunc(words, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b)) })
	if len(words) == 0 {
		return nil, fmt.Errorf("bench search: the messages hold no words")
	}
	return words[:min(n, len(words))], nil
}

// queryResult is one timed query.
type queryResult struct {
	took        time.Duration
	total, hits int
}

// runQueries runs qs with n in flight and returns the results of those that
// finished before ctx ended.
func runQueries(ctx context.Context, e search.Engine, qs []search.Query, n int) ([]queryResult, error) {
	jobs := make(chan search.Query)
	var mu sync.Mutex
	var out []queryResult
	var firstErr error
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for q := range jobs {
				t := time.Now()
				res, err := e.Search(ctx, q)
				took := time.Since(t)
				mu.Lock()
				switch {
				case ctx.Err() != nil:
				case err != nil:
					if firstErr == nil {
						firstErr = fmt.Errorf("bench search: %q: %w", q.Text, err)
					}
				default:
					out = append(out, queryResult{took: took, total: res.Total, hits: len(res.Hits)})
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, q := range qs {
		select {
		case jobs <- q:
		case <-ctx.Done():
			break feed
		}
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
	}
	close(jobs)
	wg.Wait()
	return out, firstErr
}

// latencies is "p50 1.2 ms  p95 …  p99 …  max …  (n=…)" of ds, by nearest
// rank; "no samples" when ds is empty.
func latencies(ds []time.Duration) string {
	if len(ds) == 0 {
		return "no samples"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	pick := func(p float64) time.Duration {
		i := int(float64(len(s))*p+0.999999) - 1 // nearest rank
		return s[min(max(i, 0), len(s)-1)]
	}
	return fmt.Sprintf("p50 %s  p95 %s  p99 %s  max %s  (n=%d)", ms(pick(0.50)), ms(pick(0.95)), ms(pick(0.99)), ms(s[len(s)-1]), len(s))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
