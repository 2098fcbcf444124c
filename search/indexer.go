package search

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"
)

// Pending is an outbox entry: the message changed after it was last indexed.
type Pending struct {
	ID        int64 // the entry
	MessageID int64
}

// Source is the database side of the index: the outbox and the documents.
type Source interface {
	// Pending returns the oldest outbox entries, at most limit.
	Pending(ctx context.Context, limit int) ([]Pending, error)
	// Docs returns the current documents of the messages that belong in
	// the index; a message missing from the map is removed from it.
	Docs(ctx context.Context, messageIDs []int64) (map[int64]Doc, error)
	// Done removes handled outbox entries.
	Done(ctx context.Context, entryIDs []int64) error
	// DocsAfter returns up to limit documents of messages with ids above
	// afterID in id order, and the last message id read (0 at the end).
	DocsAfter(ctx context.Context, afterID int64, limit int) ([]Doc, int64, error)
	// Count is the number of messages, for progress.
	Count(ctx context.Context) (int, error)
	Leases
}

// Leases is the lease one instance's indexer holds while it writes to the
// engine, so that writes reach it in order; a rebuild seizes it.
type Leases interface {
	// TakeLease claims or renews the indexer lease for holder: one
	// instance drains the outbox at a time, so writes reach the engine in
	// order.
	TakeLease(ctx context.Context, holder string, ttl time.Duration) (bool, error)
	// SeizeLease takes the lease from whoever has it (a rebuild pauses the
	// indexers) and reports whether another holder had it unexpired.
	SeizeLease(ctx context.Context, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease gives the lease up when holder has it.
	ReleaseLease(ctx context.Context, holder string) error
}

// Indexer drains the outbox into the engine. An entry is removed only after
// the engine has accepted its document, so a crash or an engine outage loses
// nothing: the entries wait and are retried with backoff.
type Indexer struct {
	engine Engine
	src    Source
	log    *slog.Logger
	holder string
	// Batch is the most outbox entries read at once.
	Batch int
	// Idle is how long to wait when the outbox is empty.
	Idle time.Duration
	// MaxBackoff caps the wait between retries while the engine fails.
	MaxBackoff time.Duration
	wake       chan struct{}
}

// NewIndexer returns an indexer writing src's changes to e.
func NewIndexer(e Engine, src Source, log *slog.Logger) *Indexer {
	return &Indexer{engine: e, src: src, log: log, holder: newHolder(""),
		Batch: 500, Idle: 200 * time.Millisecond, MaxBackoff: 30 * time.Second, wake: make(chan struct{}, 1)}
}

// Wake makes a waiting indexer look at the outbox now.
func (ix *Indexer) Wake() {
	select {
	case ix.wake <- struct{}{}:
	default:
	}
}

const leaseTTL = 15 * time.Second

// Run drains the outbox until ctx ends. It prepares the engine (Setup)
// first, retrying while the engine is down.
func (ix *Indexer) Run(ctx context.Context) error {
	return leasedLoop{leases: ix.src, holder: ix.holder, log: ix.log, name: "search indexer", idle: ix.Idle,
		maxBackoff: ix.MaxBackoff, wake: ix.wake, setup: ix.engine.Setup, step: ix.Step}.run(ctx)
}

// leasedLoop runs step while it holds the lease, after setup succeeded,
// retrying with backoff while either fails.
type leasedLoop struct {
	leases     Leases
	holder     string
	log        *slog.Logger
	name       string
	idle       time.Duration
	maxBackoff time.Duration
	wake       chan struct{}
	setup      func(context.Context) error
	step       func(context.Context) (int, error)
}

func (l leasedLoop) run(ctx context.Context) error {
	backoff := time.Duration(0)
	leader, ready := false, false
	renewed := time.Time{}
	for {
		if time.Since(renewed) > leaseTTL/3 {
			ok, err := l.leases.TakeLease(ctx, l.holder, leaseTTL)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				l.log.Warn(l.name+": lease", "err", err)
			}
			if ok != leader {
				l.log.Info(l.name+": lease", "held", ok)
			}
			leader, renewed = ok, time.Now()
			if !ok {
				renewed = time.Time{}
			}
		}
		wait := l.idle
		if !leader {
			wait = 2 * time.Second
		} else {
			var n int
			var err error
			if !ready {
				// Settings first (the engine may be down at start).
				if err = l.setup(ctx); err == nil {
					ready = true
				}
			}
			if ready {
				n, err = l.step(ctx)
			}
			switch {
			case ctx.Err() != nil:
				return nil
			case err != nil:
				backoff = min(max(2*backoff, 500*time.Millisecond), l.maxBackoff)
				l.log.Warn(l.name+": will retry", "in", backoff, "err", err)
				wait = backoff
			default:
				backoff = 0
				if n > 0 {
					wait = 0
				}
			}
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-l.wake:
				t.Stop()
			case <-t.C:
			}
		}
	}
}

// Step handles one batch of the outbox and reports how many entries it
// handled.
func (ix *Indexer) Step(ctx context.Context) (int, error) {
	ps, err := ix.src.Pending(ctx, ix.Batch)
	if err != nil || len(ps) == 0 {
		return 0, err
	}
	seen := map[int64]bool{}
	var ids, entries []int64
	for _, p := range ps {
		entries = append(entries, p.ID)
		if !seen[p.MessageID] {
			seen[p.MessageID] = true
			ids = append(ids, p.MessageID)
		}
	}
	docs, err := ix.src.Docs(ctx, ids)
	if err != nil {
		return 0, err
	}
	var up []Doc
	var gone []int64
	for _, id := range ids {
		if d, ok := docs[id]; ok {
			up = append(up, d)
		} else {
			gone = append(gone, id)
		}
	}
	if len(up) > 0 {
		if err := ix.engine.Upsert(ctx, up); err != nil {
			return 0, fmt.Errorf("search: index %d documents: %w", len(up), err)
		}
	}
	if len(gone) > 0 {
		if err := ix.engine.Delete(ctx, gone); err != nil {
			return 0, fmt.Errorf("search: remove %d documents: %w", len(gone), err)
		}
	}
	if err := ix.src.Done(ctx, entries); err != nil {
		return 0, err
	}
	return len(entries), nil
}

// Drain handles batches until the outbox is empty.
func (ix *Indexer) Drain(ctx context.Context) error { return drain(ctx, ix.Step) }

// drain runs step until it handles nothing or fails.
func drain(ctx context.Context, step func(context.Context) (int, error)) error {
	for {
		n, err := step(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
}

// Rebuild empties the index and writes every message again, calling
// progress after each batch with the documents written and the total.
//
// Servers may run meanwhile: Rebuild holds the indexer lease, so their
// indexers pause (after finishing a batch in flight) and changes made during
// the rebuild wait in the outbox; once the lease is released an indexer
// writes them over whatever the rebuild read earlier.
func Rebuild(ctx context.Context, e Engine, src Source, batch int, progress func(done, total int)) error {
	return withLease(ctx, src, func() error { return rebuild(ctx, e, src, batch, progress) })
}

// withLease seizes the indexer lease of leases, waits for an indexer that
// had it to finish its batch, and runs fn holding it.
func withLease(ctx context.Context, leases Leases, fn func() error) error {
	holder := newHolder("rebuild-")
	held, err := leases.SeizeLease(ctx, holder, leaseTTL)
	if err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	defer func() { _ = leases.ReleaseLease(context.WithoutCancel(ctx), holder) }()
	if held {
		// An indexer notices within leaseTTL/3 and finishes its batch.
		if err := sleepCtx(ctx, leaseTTL/3+2*time.Second); err != nil {
			return err
		}
	}
	renewCtx, stopRenew := context.WithCancel(ctx)
	defer stopRenew()
	go func() {
		for sleepCtx(renewCtx, leaseTTL/3) == nil {
			_, _ = leases.TakeLease(renewCtx, holder, leaseTTL)
		}
	}()
	return fn()
}

func rebuild(ctx context.Context, e Engine, src Source, batch int, progress func(done, total int)) error {
	return refill(ctx, e.Setup, e.Reset, e.Upsert, src.Count, src.DocsAfter, batch, progress)
}

// refill sets an index up, empties it and writes every document that
// docsAfter pages through, calling progress after each batch.
func refill[D any](ctx context.Context, setup, reset func(context.Context) error, upsert func(context.Context, []D) error,
	count func(context.Context) (int, error), docsAfter func(context.Context, int64, int) ([]D, int64, error),
	batch int, progress func(done, total int)) error {
	if err := setup(ctx); err != nil {
		return err
	}
	if err := reset(ctx); err != nil {
		return err
	}
	total, err := count(ctx)
	if err != nil {
		return err
	}
	done := 0
	for after := int64(0); ; {
		docs, last, err := docsAfter(ctx, after, batch)
		if err != nil {
			return err
		}
		if last == 0 {
			return nil
		}
		if len(docs) > 0 {
			if err := upsert(ctx, docs); err != nil {
				return fmt.Errorf("search: rebuild: %w", err)
			}
		}
		done += len(docs)
		after = last
		if progress != nil {
			progress(done, total)
		}
	}
}

// newHolder is a lease holder name: prefix and random hex.
func newHolder(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// sleepCtx waits d or until ctx ends, whichever is first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
