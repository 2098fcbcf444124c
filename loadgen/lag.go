package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/search"
	"backchannel/store"
)

// The channel and account bench lag posts with.
const (
	LagSlug  = "bench-lag"
	LagEmail = "bench-lag@example.org"
)

// LagOptions say how LagBench posts.
type LagOptions struct {
	Rate     float64       // messages a second
	Duration time.Duration // how long to post
	Drain    time.Duration // how long to wait afterwards for the last messages to become searchable
	Poll     time.Duration // how often to search for the messages not found yet
	Seed     uint64        // seed of the message bodies
}

// LagBench posts through chat into the LagSlug channel at a steady rate
// while an indexer drains the outbox into engine, as `backchannel bench lag`
// does, and writes to stdout how long each message took from its post to
// being searchable.
func LagBench(ctx context.Context, s Services, engine search.Engine, o LagOptions, stdout io.Writer) error {
	if err := engine.Setup(ctx); err != nil {
		return err
	}
	ch, v, err := lagChannel(ctx, s)
	if err != nil {
		return err
	}
	backlog, err := store.OutboxLen(ctx, s.DB)
	if err != nil {
		return err
	}

	// The indexer, as serve runs it.
	ixCtx, stopIndexer := context.WithCancel(ctx)
	defer stopIndexer()
	ix := search.NewIndexer(engine, s.Index, s.Log)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = ix.Run(ixCtx) }()
	defer wg.Wait()

	r := rand.New(rand.NewPCG(o.Seed, uint64(time.Now().UnixNano())))
	run := fmt.Sprintf("lagrun%08x", r.Uint32()) // in every body of this run
	fmt.Fprintf(stdout, "Engine: %s; posting %g messages/s for %s to #%s as %s (run word %s)\n",
		engine.Name(), o.Rate, o.Duration, ch.Slug, v.Actor.Name, run)
	if backlog > 0 {
		fmt.Fprintf(stdout, "The outbox holds %d entries from before; the indexer drains them first.\n", backlog)
	}
	topic, _ := Vocabulary("physics-101")
	common := CommonWords()

	tr := &lagTracker{pending: map[string]time.Time{}}
	pollCtx, stopPoll := context.WithCancel(ctx)
	defer stopPoll()
	pollDone := make(chan error, 1)
	go func() { pollDone <- tr.poll(pollCtx, engine, ch.ID, run, o.Poll) }()

	interval := time.Duration(float64(time.Second) / o.Rate)
	start := time.Now()
	postErr := func() error {
		for i := 0; ; i++ {
			at := start.Add(time.Duration(i) * interval)
			if at.Sub(start) >= o.Duration {
				return nil
			}
			if wait := time.Until(at); wait > 0 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(wait):
				}
			}
			token := fmt.Sprintf("tok%d%06x", i, r.Uint32()&0xffffff)
			var b strings.Builder
			for k := range 6 + r.IntN(20) {
				if k%4 == 1 {
					b.WriteString(topic[r.IntN(len(topic))])
				} else {
					b.WriteString(common[r.IntN(len(common))])
				}
				b.WriteByte(' ')
			}
			body := b.String() + run + " " + token
			m, err := s.Chat.Post(ctx, ch, v, chat.PostInput{Body: body})
			if err != nil {
				return fmt.Errorf("bench lag: post: %w", err)
			}
			tr.posted(token, m.CreatedAt)
		}
	}()
	posting := time.Since(start)
	posted := tr.count()
	if postErr == nil {
		deadline := time.Now().Add(o.Drain)
		for tr.left() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
			time.Sleep(o.Poll)
		}
	}
	stopPoll()
	pollErr := <-pollDone
	stopIndexer()
	if postErr != nil {
		return postErr
	}
	if pollErr != nil && !errors.Is(pollErr, context.Canceled) {
		return pollErr
	}
	lags, missing := tr.results()
	fmt.Fprintf(stdout, "Posted: %d messages in %s, %.1f messages/s\n", posted, posting.Round(time.Millisecond),
		float64(posted)/max(posting.Seconds(), 0.001))
	fmt.Fprintf(stdout, "Lag (posted to searchable): %s\n", latencies(lags))
	fmt.Fprintf(stdout, "Not searchable within %s of the last post: %d\n", o.Drain, missing)
	return nil
}

// lagChannel finds or makes the bench channel and the account that posts
// there (its host: no rate limit, as for staff).
func lagChannel(ctx context.Context, s Services) (*model.Channel, chat.Viewer, error) {
	u, err := s.Accounts.UserByEmail(ctx, LagEmail)
	if errors.Is(err, model.ErrNotFound) {
		u = &model.User{Email: LagEmail, DisplayName: "Bench Poster"}
		err = store.CreateUser(ctx, s.DB, u)
	}
	if err != nil {
		return nil, chat.Viewer{}, fmt.Errorf("bench lag: account: %w", err)
	}
	ch, err := s.Chat.Channel(ctx, LagSlug)
	if errors.Is(err, model.ErrNotFound) {
		slug, title := LagSlug, "Bench: search lag"
		ch, err = s.Chat.CreateChannel(ctx, u.ID, chat.ChannelInput{Slug: &slug, Title: &title})
	}
	if err != nil {
		return nil, chat.Viewer{}, fmt.Errorf("bench lag: channel: %w", err)
	}
	v, err := s.Chat.ViewerFor(ctx, ch, u, nil)
	if err == nil {
		err = s.Chat.AcceptGuideline(ctx, ch, v, 0)
	}
	if err != nil {
		return nil, chat.Viewer{}, fmt.Errorf("bench lag: %w", err)
	}
	return ch, v, nil
}

// lagTracker holds the messages posted and not found yet, and the lags of
// those found.
type lagTracker struct {
	mu      sync.Mutex
	pending map[string]time.Time // token → when its post committed
	created map[string]time.Time // token → created_at, for the search window
	lags    []time.Duration
	n       int
}

func (t *lagTracker) posted(token string, created time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.created == nil {
		t.created = map[string]time.Time{}
	}
	t.pending[token] = time.Now()
	t.created[token] = created
	t.n++
}

func (t *lagTracker) count() int { t.mu.Lock(); defer t.mu.Unlock(); return t.n }
func (t *lagTracker) left() int  { t.mu.Lock(); defer t.mu.Unlock(); return len(t.pending) }

func (t *lagTracker) results() ([]time.Duration, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.lags), len(t.pending)
}

// window is the created_at of the oldest message not found yet.
func (t *lagTracker) window() (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var oldest time.Time
	for tok := range t.pending {
		if c := t.created[tok]; oldest.IsZero() || c.Before(oldest) {
			oldest = c
		}
	}
	return oldest, !oldest.IsZero()
}

// found records the tokens in the hits' bodies as searchable at seen.
func (t *lagTracker) found(hits []search.Hit, seen time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, h := range hits {
		f := strings.Fields(h.Body)
		if len(f) == 0 {
			continue
		}
		tok := f[len(f)-1]
		if at, ok := t.pending[tok]; ok {
			t.lags = append(t.lags, seen.Sub(at))
			delete(t.pending, tok)
		}
	}
}

// poll searches every interval for the run's word in the bench channel,
// oldest first from the oldest message not found yet, and marks the
// messages it finds.
func (t *lagTracker) poll(ctx context.Context, e search.Engine, channelID int64, run string, every time.Duration) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		for {
			from, ok := t.window()
			if !ok {
				break
			}
			res, err := e.Search(ctx, search.Query{Text: run, Scopes: []search.Scope{{ChannelIDs: []int64{channelID}}},
				ChannelIDs: []int64{channelID}, After: from.Truncate(time.Millisecond), Sort: search.SortOldest, Limit: 100})
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("bench lag: search: %w", err)
			}
			before := t.left()
			t.found(res.Hits, time.Now())
			// A full page that found something may hide more: look again.
			if len(res.Hits) < 100 || t.left() == before {
				break
			}
		}
	}
}
