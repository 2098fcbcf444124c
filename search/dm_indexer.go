package search

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"
)

// DMChange is one row of the direct-message event log as the indexer reads
// it: MessageID is set when the event changed a message's text (a new
// message, an edit, a deletion), 0 for the rest (reactions, reads, members).
type DMChange struct {
	EventID   int64
	MessageID int64
}

// DMSource is the database side of the direct-message index: the event log
// read as an ordered outbox, a cursor in it, and the documents.
type DMSource interface {
	// ChangesAfter returns up to limit events with ids above afterID, in
	// id order.
	ChangesAfter(ctx context.Context, afterID int64, limit int) ([]DMChange, error)
	// Changes returns those of the events ids that exist now.
	Changes(ctx context.Context, eventIDs []int64) ([]DMChange, error)
	// Docs returns the current documents of the messages that belong in
	// the index; a message missing from the map is removed from it.
	Docs(ctx context.Context, messageIDs []int64) (map[int64]DMDoc, error)
	// Cursor is the event id through which every change is indexed.
	Cursor(ctx context.Context) (int64, error)
	// SetCursor stores the cursor.
	SetCursor(ctx context.Context, eventID int64) error
	// LastEventID is the newest event's id (0 for none).
	LastEventID(ctx context.Context) (int64, error)
	// DocsAfter returns up to limit documents of messages with ids above
	// afterID in id order, and the last message id read (0 at the end).
	DocsAfter(ctx context.Context, afterID int64, limit int) ([]DMDoc, int64, error)
	// Count is the number of messages to index, for progress.
	Count(ctx context.Context) (int, error)
	Leases
}

// DMIndexer follows the direct-message event log into the engine. The
// cursor moves only after the engine accepted a batch, so an outage loses
// nothing: the indexer retries with backoff and catches up.
//
// Event ids are handed out before commit, so on PostgreSQL an event may
// become visible after a later one. An id missing below the newest one read
// is a gap: the indexer goes on, looks for the gap's event again at every
// step, and keeps the stored cursor below it until it appears or GapWait
// passes (an id a rolled-back transaction took never appears). Indexing is
// idempotent (documents are read from the database as they are now), so
// reading an event twice after a restart does no harm.
type DMIndexer struct {
	engine DMEngine
	src    DMSource
	log    *slog.Logger
	holder string
	// Batch is the most events read at once.
	Batch int
	// Idle is how long to wait when nothing is new.
	Idle time.Duration
	// MaxBackoff caps the wait between retries while the engine fails.
	MaxBackoff time.Duration
	// GapWait is how long a missing event id is waited for.
	GapWait time.Duration
	wake    chan struct{}

	loaded bool
	cursor int64               // stored
	high   int64               // newest event read
	gaps   map[int64]time.Time // missing event ids, when first missed
}

// dmMaxGap is the widest run of missing ids tracked as gaps; a wider one is
// history that was removed (deleted conversations, retention).
const dmMaxGap = 64

// NewDMIndexer returns an indexer writing src's changes to e.
func NewDMIndexer(e DMEngine, src DMSource, log *slog.Logger) *DMIndexer {
	return &DMIndexer{engine: e, src: src, log: log, holder: newHolder("dm-"), Batch: 500,
		Idle: 200 * time.Millisecond, MaxBackoff: 30 * time.Second, GapWait: time.Minute,
		wake: make(chan struct{}, 1), gaps: map[int64]time.Time{}}
}

// Wake makes a waiting indexer look at the log now.
func (ix *DMIndexer) Wake() {
	select {
	case ix.wake <- struct{}{}:
	default:
	}
}

// Run follows the log until ctx ends, setting the engine up first and
// retrying while it is down.
func (ix *DMIndexer) Run(ctx context.Context) error {
	return leasedLoop{leases: ix.src, holder: ix.holder, log: ix.log, name: "dm search indexer", idle: ix.Idle,
		maxBackoff: ix.MaxBackoff, wake: ix.wake, setup: ix.engine.Setup, step: ix.Step}.run(ctx)
}

// Step indexes one batch of events and reports how many it read.
func (ix *DMIndexer) Step(ctx context.Context) (int, error) {
	if !ix.loaded {
		c, err := ix.src.Cursor(ctx)
		if err != nil {
			return 0, err
		}
		ix.cursor, ix.high, ix.loaded = c, c, true
	}
	evs, err := ix.src.ChangesAfter(ctx, ix.high, ix.Batch)
	if err != nil {
		return 0, err
	}
	var late []DMChange
	if len(ix.gaps) > 0 {
		if late, err = ix.src.Changes(ctx, slices.Sorted(maps.Keys(ix.gaps))); err != nil {
			return 0, err
		}
	}
	if err := ix.apply(ctx, append(slices.Clip(evs), late...)); err != nil {
		return 0, err
	}
	now := time.Now()
	for _, e := range evs {
		if e.EventID-ix.high-1 <= dmMaxGap {
			for id := ix.high + 1; id < e.EventID; id++ {
				ix.gaps[id] = now
			}
		}
		ix.high = e.EventID
	}
	for _, e := range late {
		delete(ix.gaps, e.EventID)
	}
	cursor := ix.high
	for id, since := range ix.gaps {
		if now.Sub(since) > ix.GapWait {
			delete(ix.gaps, id)
			continue
		}
		cursor = min(cursor, id-1)
	}
	if cursor != ix.cursor {
		if err := ix.src.SetCursor(ctx, cursor); err != nil {
			return 0, err
		}
		ix.cursor = cursor
	}
	return len(evs) + len(late), nil
}

// apply writes the current documents of the messages the events changed.
func (ix *DMIndexer) apply(ctx context.Context, evs []DMChange) error {
	var ids []int64
	seen := map[int64]bool{}
	for _, e := range evs {
		if e.MessageID != 0 && !seen[e.MessageID] {
			seen[e.MessageID] = true
			ids = append(ids, e.MessageID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	docs, err := ix.src.Docs(ctx, ids)
	if err != nil {
		return err
	}
	var up []DMDoc
	var gone []int64
	for _, id := range ids {
		if d, ok := docs[id]; ok {
			up = append(up, d)
		} else {
			gone = append(gone, id)
		}
	}
	if err := ix.engine.Upsert(ctx, up); err != nil {
		return fmt.Errorf("search: index %d direct messages: %w", len(up), err)
	}
	if err := ix.engine.Delete(ctx, gone); err != nil {
		return fmt.Errorf("search: remove %d direct messages: %w", len(gone), err)
	}
	return nil
}

// Drain indexes batches until nothing is new.
func (ix *DMIndexer) Drain(ctx context.Context) error { return drain(ctx, ix.Step) }

// RebuildDMs empties the direct-message index and writes every message
// again, calling progress after each batch; the cursor is set to the event
// log's end as it was before reading, so an indexer goes on from there.
// It holds the indexer lease meanwhile, as Rebuild does.
func RebuildDMs(ctx context.Context, e DMEngine, src DMSource, batch int, progress func(done, total int)) error {
	return withLease(ctx, src, func() error {
		last, err := src.LastEventID(ctx)
		if err != nil {
			return err
		}
		if err := refill(ctx, e.Setup, e.Reset, e.Upsert, src.Count, src.DocsAfter, batch, progress); err != nil {
			return err
		}
		return src.SetCursor(ctx, last)
	})
}
