package inbox

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/uptrace/bun"

	"backchannel/live"
	"backchannel/model"
	"backchannel/store"
)

// FeedEntry is one event of the direct-message log as this instance read
// it, once, for every inbox stream: the event, the people it goes to, and
// what it needs to be shown at that moment. Streams hand it to their person
// only when Recipients names them, and encode it once per audience (the
// frames hold nothing of one viewer: "mine", "seen", blocked authors are
// marked on the page from data attributes). Read it, never change it: the
// ring's entries are shared.
type FeedEntry struct {
	Event        model.DMEvent
	Recipients   []int64 // sorted
	Conversation *model.Conversation
	// Message is the event's message for message, edit, delete and
	// reaction events (its state when read: a later change comes as a
	// later event). For a read event, Event.MessageID is the reader's new
	// read marker and Message is nil.
	Message   *model.DirectMessage
	Author    *model.User // the message's author (id, name, handle)
	ReplyTo   *model.DirectMessage
	ReplyBy   *model.User
	Reactions []ReactionTally
	// Attachments are the message's files (none once it is deleted).
	Attachments []model.Attachment
	// Members are the conversation's members (left ones included) with
	// their folders and read markers, for every event.
	Members []store.DMMemberRow
	// Blocked, for a members event sent to one person alone (they blocked
	// or unblocked someone they share the group with), is everyone that
	// person has blocked now: their page's warning follows at once.
	Blocked []int64
}

// ReactionTally is one emoji on a message and who put it there (oldest
// first).
type ReactionTally struct {
	Emoji string  `json:"emoji"`
	Users []int64 `json:"user_ids"`
}

// For reports whether the entry goes to userID.
func (e *FeedEntry) For(userID int64) bool {
	_, ok := slices.BinarySearch(e.Recipients, userID)
	return ok
}

// Member returns userID's member row of the entry's conversation (nil when
// they are not one).
func (e *FeedEntry) Member(userID int64) *store.DMMemberRow {
	for i := range e.Members {
		if e.Members[i].UserID == userID {
			return &e.Members[i]
		}
	}
	return nil
}

// Feed is each instance's one reader of the direct-message event log: the
// first inbox stream to ask after a wake-up reads the new events (with
// everything they need) from the database, in a few statements per batch
// however many events and streams; every other stream is served from the
// ring. A stream reconnecting with an id older than the ring holds is
// replayed from the database with that person's events alone.
//
// The feed also wakes only the streams its events are for: Start follows the
// log's wake-ups on the live hub, reads each new batch once and wakes the
// subscriptions of each event's recipients (Subscribe), so a stream of
// someone else's conversations is never woken by them.
type Feed struct {
	db     bun.IDB
	ring   *live.Ring[FeedEntry]
	people *live.Hub // wake-ups by person id
}

// FeedBatch is how many events of the log a stream takes at most at once.
const FeedBatch = 200

// NewFeed returns the reader of the log on db. Wire Observer to the live
// hub, so that it knows when the log has grown.
func NewFeed(db bun.IDB) *Feed {
	f := &Feed{db: db, people: live.NewHub(nil)}
	// One "channel" (live.InboxStreamID): the whole log. 4,096 events cover
	// a reconnect within a few minutes on a busy site; older replays read
	// the person's own events.
	f.ring = live.NewRing(live.RingOptions{Size: 4096, Channels: 1, Batch: FeedBatch},
		func(ctx context.Context, _ int64, after int64, limit int) ([]FeedEntry, error) {
			rows, err := store.DMEventsAfter(ctx, f.db, after, limit)
			if err != nil {
				return nil, err
			}
			return f.enrich(ctx, rows)
		},
		func(e FeedEntry) int64 { return e.Event.ID })
	return f
}

// Observer hears the hub's publications (the log's new ids).
func (f *Feed) Observer() live.Observer { return f.ring }

// Subscribe is a stream's subscription to userID's events: it wakes with an
// event id whenever an event for them is in the feed (or with live.Resync).
// Close it when the stream ends.
func (f *Feed) Subscribe(userID int64) *live.Subscription { return f.people.Subscribe(userID) }

// Start follows the log's wake-ups on hub (which must observe Observer) and
// hands each new event's wake-up to its recipients' subscriptions. It runs
// until the hub closes, then closes every subscription (ending the streams).
// log may be nil.
func (f *Feed) Start(ctx context.Context, hub *live.Hub, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx = context.WithoutCancel(ctx) // it lives as long as the hub
	sub := hub.Subscribe(live.InboxStreamID)
	pos, err := f.Head(ctx)
	if err != nil {
		log.Warn("inbox feed: head", "err", err) // from 0: the first wake-up reads from the ring's start
	}
	go func() {
		defer f.people.Close()
		for seq := range sub.C() {
			if seq == live.Resync {
				f.people.ResyncAll()
			}
			for {
				es, err := f.ring.After(ctx, live.InboxStreamID, pos, FeedBatch)
				if err != nil {
					// The next wake-up retries; streams woken by a resync
					// read for themselves.
					log.Warn("inbox feed: read", "err", err)
					f.people.ResyncAll()
					break
				}
				for i := range es {
					for _, u := range es[i].Recipients {
						f.people.Publish(u, es[i].Event.ID)
					}
				}
				if len(es) > 0 {
					pos = es[len(es)-1].Event.ID
				}
				if len(es) < FeedBatch {
					break
				}
			}
		}
	}()
}

// Head is the id of the log's newest event: where a stream that asks for
// nothing older starts, and what a page puts in its stream's ?since=.
func (f *Feed) Head(ctx context.Context) (int64, error) {
	id, err := store.LastDMEventID(ctx, f.db)
	if err != nil {
		return 0, fmt.Errorf("inbox: feed head: %w", err)
	}
	return id, nil
}

// Batch is what a stream takes from the feed at once: userID's entries
// after its position, and its new position (which passes other people's
// events). More says that more may follow at once.
type Batch struct {
	Entries []*FeedEntry
	Last    int64
	More    bool
}

// After returns userID's events after id after (see Batch).
func (f *Feed) After(ctx context.Context, userID, after int64) (Batch, error) {
	if !f.ring.Holds(live.InboxStreamID, after) {
		head, err := f.Head(ctx)
		if err != nil {
			return Batch{}, err
		}
		if after < head {
			return f.replay(ctx, userID, after, head)
		}
		// Nothing older than the newest event is asked for: the ring starts
		// here.
	}
	es, err := f.ring.After(ctx, live.InboxStreamID, after, FeedBatch)
	if err != nil {
		return Batch{}, fmt.Errorf("inbox: feed: %w", err)
	}
	b := Batch{Last: after, More: len(es) == FeedBatch}
	for i := range es {
		if es[i].For(userID) {
			b.Entries = append(b.Entries, &es[i])
		}
	}
	if len(es) > 0 {
		b.Last = es[len(es)-1].Event.ID
	}
	return b, nil
}

// replay reads userID's events after id after up to head from the database.
// Writers of the log commit in id order (store.InsertDMEvent), so every
// event up to head is there to be read once head is.
func (f *Feed) replay(ctx context.Context, userID, after, head int64) (Batch, error) {
	rows, err := store.DMEventsFor(ctx, f.db, userID, after, head, FeedBatch)
	if err != nil {
		return Batch{}, fmt.Errorf("inbox: feed replay: %w", err)
	}
	es, err := f.enrich(ctx, rows)
	if err != nil {
		return Batch{}, err
	}
	b := Batch{Last: head, Entries: make([]*FeedEntry, len(es))}
	for i := range es {
		b.Entries[i] = &es[i]
	}
	if len(rows) == FeedBatch {
		b.Last, b.More = rows[len(rows)-1].ID, true
	}
	return b, nil
}

// enrich reads what the events need to be shown: seven statements per
// batch however many events (messages, the ones they reply to, reactions,
// files, conversations, members, people); with the log and its
// recipients, nine.
func (f *Feed) enrich(ctx context.Context, rows []store.DMEventRow) ([]FeedEntry, error) {
	var msgIDs, convIDs []int64
	for _, r := range rows {
		convIDs = append(convIDs, r.ConversationID)
		if r.MessageID != nil && r.Kind != model.DMEventRead && r.Kind != model.DMEventFolder {
			msgIDs = append(msgIDs, *r.MessageID)
		}
	}
	msgs, err := store.DMMessagesByID(ctx, f.db, msgIDs)
	if err != nil {
		return nil, fmt.Errorf("inbox: feed: %w", err)
	}
	byID := map[int64]*model.DirectMessage{}
	var replyIDs, people []int64
	for i := range msgs {
		byID[msgs[i].ID] = &msgs[i]
		if msgs[i].AuthorID != nil {
			people = append(people, *msgs[i].AuthorID)
		}
		if msgs[i].ReplyToID != nil {
			replyIDs = append(replyIDs, *msgs[i].ReplyToID)
		}
	}
	replies, err := store.DMMessagesByID(ctx, f.db, replyIDs)
	if err != nil {
		return nil, fmt.Errorf("inbox: feed: %w", err)
	}
	repliesByID := map[int64]*model.DirectMessage{}
	for i := range replies {
		repliesByID[replies[i].ID] = &replies[i]
		if replies[i].AuthorID != nil {
			people = append(people, *replies[i].AuthorID)
		}
	}
	reactions, err := store.DMReactionRows(ctx, f.db, msgIDs)
	if err != nil {
		return nil, fmt.Errorf("inbox: feed: %w", err)
	}
	files, err := store.DMMessageAttachments(ctx, f.db, msgIDs)
	if err != nil {
		return nil, fmt.Errorf("inbox: feed: %w", err)
	}
	tallies := map[int64][]ReactionTally{}
	for _, r := range reactions {
		ts := tallies[r.MessageID]
		i := slices.IndexFunc(ts, func(t ReactionTally) bool { return t.Emoji == r.Emoji })
		if i < 0 {
			ts, i = append(ts, ReactionTally{Emoji: r.Emoji}), len(ts)
		}
		ts[i].Users = append(ts[i].Users, r.UserID)
		tallies[r.MessageID] = ts
	}
	convIDs = slices.Compact(slices.Sorted(slices.Values(convIDs)))
	convs, err := store.DMConversationsByID(ctx, f.db, convIDs)
	if err != nil {
		return nil, fmt.Errorf("inbox: feed: %w", err)
	}
	convByID := map[int64]*model.Conversation{}
	for i := range convs {
		convByID[convs[i].ID] = &convs[i]
	}
	members, err := store.DMMembersOf(ctx, f.db, convIDs)
	if err != nil {
		return nil, fmt.Errorf("inbox: feed: %w", err)
	}
	membersOf := map[int64][]store.DMMemberRow{}
	for _, m := range members {
		membersOf[m.ConversationID] = append(membersOf[m.ConversationID], m)
	}
	who, err := store.PeopleByID(ctx, f.db, people)
	if err != nil {
		return nil, fmt.Errorf("inbox: feed: %w", err)
	}
	person := func(id *int64) *model.User {
		if id == nil {
			return nil
		}
		if u, ok := who[*id]; ok {
			return &u
		}
		return nil
	}
	out := make([]FeedEntry, len(rows))
	for i, r := range rows {
		e := FeedEntry{Event: r.DMEvent, Recipients: r.Recipients, Conversation: convByID[r.ConversationID],
			Members: membersOf[r.ConversationID]}
		if r.MessageID != nil {
			if m := byID[*r.MessageID]; m != nil && r.Kind != model.DMEventRead && r.Kind != model.DMEventFolder {
				e.Message, e.Author, e.Reactions = m, person(m.AuthorID), tallies[m.ID]
				if m.DeletedAt == nil {
					e.Attachments = files[m.ID]
				}
				if m.ReplyToID != nil {
					if q := repliesByID[*m.ReplyToID]; q != nil {
						e.ReplyTo, e.ReplyBy = q, person(q.AuthorID)
					}
				}
			}
		}
		if r.Kind == model.DMEventMembers && len(r.Recipients) == 1 {
			// Rare (a block or unblock): one statement for this event.
			if e.Blocked, err = store.BlockedIDsOf(ctx, f.db, r.Recipients[0]); err != nil {
				return nil, fmt.Errorf("inbox: feed: %w", err)
			}
			if e.Blocked == nil {
				e.Blocked = []int64{}
			}
		}
		out[i] = e
	}
	return out, nil
}
