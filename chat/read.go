package chat

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"backchannel/model"
	"backchannel/store"
)

// Item is a message as one viewer sees it.
type Item struct {
	Message   model.Message
	Author    string // the name this viewer is shown ("Anonymous" for peers of an anonymous post)
	Mine      bool
	CanEdit   bool
	CanDelete bool
	Voted     bool
	Reactions []store.ReactionSummary
	Replies   []Item
	// Attachments are the message's files as the viewer is shown them
	// (the same for everyone who is shown the message).
	Attachments []model.Attachment
}

// Audience names everything about it that depends on who looks at it: their
// own post or not (and so what they may do with it, and the author's own
// view of an anonymous, held or shadow-muted post), their vote and
// reactions, and the name and state they are shown. Streams encode an event
// once per audience (with what else of the viewer their encoding uses):
// viewers whose items have the same audience are sent the same bytes.
func (it *Item) Audience() string {
	var b strings.Builder
	for _, f := range []bool{it.Mine, it.CanEdit, it.CanDelete, it.Voted} {
		b.WriteByte(Bit(f))
	}
	for _, r := range it.Reactions {
		if r.Mine {
			b.WriteByte('|')
			b.WriteString(r.Emoji)
		}
	}
	b.WriteByte('|')
	b.WriteString(string(it.Message.State))
	b.WriteByte('|')
	b.WriteString(strconv.Itoa(it.Message.ReplyCount))
	b.WriteByte('|')
	b.WriteString(it.Author)
	return b.String()
}

// Bit is f as the byte '1' or '0', for audience keys.
func Bit(f bool) byte {
	if f {
		return '1'
	}
	return '0'
}

// Feed is what the channel page shows.
type Feed struct {
	Items   []Item // top-level messages with their replies, newest first (or top questions first)
	LastSeq int64  // the channel's sequence when the feed was read: streams continue from here
	// Earlier says that older threads exist: the page offers to load the
	// ones before Oldest (the seq of its oldest thread).
	Earlier bool
	Oldest  int64
}

// ThreadsPerPage is how many threads the channel page shows at first, and
// how many more each "load earlier" brings.
const ThreadsPerPage = 50

// Feed reads ch as v sees it: the newest threads, newest first, or the top
// questions by votes. ch must have been read in this
// request, before Feed: its LastSeq is where the page's stream starts, so
// what comes after it reaches the page over the stream.
func (s *Service) Feed(ctx context.Context, ch *model.Channel, v Viewer, sort string) (*Feed, error) {
	return s.feedPage(ctx, ch, v, sort, 0)
}

// Earlier is the page of threads before seq before, newest first, as Feed
// shows them: the page that follows Feed's (or an earlier page) on the
// channel page, with the same keyset (seq) the API pages by.
func (s *Service) Earlier(ctx context.Context, ch *model.Channel, v Viewer, before int64) (*Feed, error) {
	if before <= 0 {
		return nil, model.Invalid("before", "Say which message to load the earlier ones of.")
	}
	return s.feedPage(ctx, ch, v, "", before)
}

func (s *Service) feedPage(ctx context.Context, ch *model.Channel, v Viewer, sort string, before int64) (*Feed, error) {
	lastSeq := ch.LastSeq
	// One more than a page: whether there are earlier threads.
	f := store.MessageFilter{ChannelID: ch.ID, TopLevel: true, Limit: ThreadsPerPage + 1, Newest: true, BeforeSeq: before}
	if sort == "top" {
		f.Sort = "top"
		f.Newest = false
	}
	s.limitStates(&f, v)
	top, err := store.ListMessages(ctx, s.db, f)
	if err != nil {
		return nil, err
	}
	// Messages created after the sequence was read reach the client over
	// the stream (which starts after LastSeq); showing them here as well
	// would show them twice.
	top = upTo(top, lastSeq)
	earlier := len(top) > ThreadsPerPage
	if earlier {
		if f.Newest {
			top = top[1:] // oldest first from the store: the extra one is the oldest
		} else {
			top = top[:ThreadsPerPage]
		}
	}
	if f.Newest {
		slices.Reverse(top) // the page shows the newest first
	}
	ids := make([]int64, 0, len(top))
	for _, m := range top {
		ids = append(ids, m.ID)
	}
	var replies []model.Message
	if len(ids) > 0 {
		rf := store.MessageFilter{ChannelID: ch.ID, ParentIDs: ids}
		s.limitStates(&rf, v)
		if replies, err = store.ListMessages(ctx, s.db, rf); err != nil {
			return nil, err
		}
		replies = upTo(replies, lastSeq)
	}
	all := append(append([]model.Message{}, top...), replies...)
	items, err := s.Items(ctx, v, all)
	if err != nil {
		return nil, err
	}
	byParent := map[int64][]Item{}
	for _, it := range items[len(top):] {
		byParent[*it.Message.ParentID] = append(byParent[*it.Message.ParentID], it)
	}
	out := items[:len(top)]
	for i := range out {
		out[i].Replies = byParent[out[i].Message.ID]
	}
	fd := &Feed{Items: out, LastSeq: lastSeq, Earlier: earlier && f.Newest}
	if len(out) > 0 && fd.Earlier {
		fd.Oldest = out[len(out)-1].Message.Seq
	}
	return fd, nil
}

// limitStates lets participants see visible messages, removed ones that
// were published as tombstones, and their own in any state but deleted;
// staff see everything (seenBy is the same rule in memory).
func (s *Service) limitStates(f *store.MessageFilter, v Viewer) {
	if v.Staff {
		return
	}
	f.States = []model.MessageState{model.StateVisible}
	f.Tombstones = true
	a := v.Actor
	f.VisibleOr = &a
}

// seenBy reports whether v is shown m at all: what v may see (visibleTo)
// and the tombstone of a removed message that was published. A message
// that was never shown to everyone (held, denied, shadow) and is then
// deleted leaves no trace for participants: no tombstone, no author.
func seenBy(m *model.Message, v Viewer) bool {
	return visibleTo(m, v) || (m.State == model.StateDeleted && m.Published)
}

// replyCount is how many of a message's replies v is shown, from the
// tallies of its replies: held or shadowed replies count for their author
// and staff only, as the thread shows them.
func replyCount(tallies []store.ReplyTally, v Viewer) int {
	n := 0
	for _, t := range tallies {
		m := model.Message{State: t.State, Published: t.Published, AuthorUserID: t.AuthorUserID, AuthorGuestID: t.AuthorGuestID}
		if seenBy(&m, v) {
			n += t.N
		}
	}
	return n
}

// tallies reads the reply tallies of messages, by message id.
func (s *Service) tallies(ctx context.Context, ids []int64) (map[int64][]store.ReplyTally, error) {
	ts, err := store.ReplyTallies(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]store.ReplyTally, len(ts))
	for _, t := range ts {
		out[t.ParentID] = append(out[t.ParentID], t)
	}
	return out, nil
}

// Items turns messages into items for v, in the same order.
func (s *Service) Items(ctx context.Context, v Viewer, ms []model.Message) ([]Item, error) {
	return s.itemsWith(ctx, v, ms, nil)
}

// itemsWith is Items given the messages' files (by message id, as
// store.MessageAttachments reads them); nil reads them.
func (s *Service) itemsWith(ctx context.Context, v Viewer, ms []model.Message, files map[int64][]model.Attachment) ([]Item, error) {
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	key := ""
	if !v.Actor.IsZero() {
		key = v.Actor.Key()
	}
	reactions, err := store.Reactions(ctx, s.db, ids, key)
	if err != nil {
		return nil, err
	}
	voted, err := store.VotedBy(ctx, s.db, ids, key)
	if err != nil {
		return nil, err
	}
	tallies, err := s.tallies(ctx, ids)
	if err != nil {
		return nil, err
	}
	if files == nil {
		if files, err = store.MessageAttachments(ctx, s.db, ids); err != nil {
			return nil, err
		}
	}
	items := make([]Item, 0, len(ms))
	for _, m := range ms {
		it := s.item(v, m, reactions[m.ID], voted[m.ID], tallies[m.ID])
		it.Attachments = filesOf(&m, v, files[m.ID])
		items = append(items, it)
	}
	return items, nil
}

// item is m as v sees it, given its reactions, whether v voted for it and
// the tallies of its replies (its reply count is the replies v is shown).
func (s *Service) item(v Viewer, m model.Message, reactions []store.ReactionSummary, voted bool, replies []store.ReplyTally) Item {
	mine := m.AuthoredBy(v.Actor)
	m.ReplyCount = replyCount(replies, v)
	it := Item{Message: m, Mine: mine, Voted: voted, Reactions: reactions, Author: m.AuthorName}
	if m.Anonymous && !mine && !v.Staff {
		it.Author = "Anonymous"
		// Keep who wrote it out of anything built from this item.
		it.Message.AuthorName, it.Message.AuthorUserID, it.Message.AuthorGuestID = "", nil, nil
		it.Message.AuthorHandle = ""
		it.Message.AuthorRole = "" // a badge would narrow down who it was
	}
	if m.State == model.StateShadow && !v.Staff {
		// A shadow-muted author sees their post as if everyone did;
		// nothing they are sent may tell them otherwise.
		it.Message.State = model.StateVisible
	}
	deleted := m.State == model.StateDeleted
	if deleted && !v.Staff {
		it.Message.Body = ""
		it.Reactions = nil
	}
	it.CanEdit = mine && !deleted && s.now().Sub(m.CreatedAt) <= s.opts.EditWindow
	it.CanDelete = !deleted && (mine || v.Staff)
	return it
}

// Change is one channel event as a viewer's stream delivers it.
type Change struct {
	Event model.ChannelEvent
	Item  *Item // the message as it is now; nil for channel events or messages this viewer may not see
}

// Changes returns ch's events after seq, for v's stream: each message event
// carries the message as it was when this instance read the event; events
// v may not see carry no item (the stream still advances past them). The
// events are read from the database once per instance for every stream of
// the channel (see feed.go); what differs per viewer is worked out here, in
// memory.
func (s *Service) Changes(ctx context.Context, ch *model.Channel, v Viewer, after int64, limit int) ([]Change, error) {
	es, err := s.feed.After(ctx, ch.ID, after, limit)
	if err != nil {
		return nil, err
	}
	key := ""
	if !v.Actor.IsZero() {
		key = v.Actor.Key()
	}
	out := make([]Change, 0, len(es))
	items := make([]Item, 0, len(es)) // one allocation for the batch: this runs per stream
	for _, e := range es {
		c := Change{Event: e.Event}
		if m := e.Message; m != nil && seenBy(m, v) {
			var reactions []store.ReactionSummary
			if len(e.Reactions) > 0 {
				reactions = store.SummariseReactions(e.Reactions, key)[m.ID]
			}
			it := s.item(v, *m, reactions, key != "" && slices.Contains(e.Voters, key), e.Replies)
			it.Attachments = filesOf(m, v, e.Files)
			items = append(items, it)
			c.Item = &items[len(items)-1]
		}
		out = append(out, c)
	}
	return out, nil
}

// Messages lists ch's messages created after seq, oldest first, as v sees
// them (the API's paging).
func (s *Service) Messages(ctx context.Context, ch *model.Channel, v Viewer, after int64, limit int) ([]Item, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	f := store.MessageFilter{ChannelID: ch.ID, AfterSeq: after, Limit: limit}
	s.limitStates(&f, v)
	ms, err := store.ListMessages(ctx, s.db, f)
	if err != nil {
		return nil, err
	}
	return s.Items(ctx, v, ms)
}

// MessagesBefore lists ch's messages created before seq, newest first, as v
// sees them (the API's paging back from the newest, as the channel page's
// "load earlier" does).
func (s *Service) MessagesBefore(ctx context.Context, ch *model.Channel, v Viewer, before int64, limit int) ([]Item, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	f := store.MessageFilter{ChannelID: ch.ID, BeforeSeq: before, Limit: limit, Newest: true}
	s.limitStates(&f, v)
	ms, err := store.ListMessages(ctx, s.db, f)
	if err != nil {
		return nil, err
	}
	slices.Reverse(ms)
	return s.Items(ctx, v, ms)
}

// upTo keeps the messages created at or before seq.
func upTo(ms []model.Message, seq int64) []model.Message {
	out := ms[:0]
	for _, m := range ms {
		if m.Seq <= seq {
			out = append(out, m)
		}
	}
	return out
}
