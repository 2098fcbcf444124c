package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// NextSeq takes the channel's next sequence number. Call it inside the
// transaction that writes the event: the row lock (PostgreSQL) or the write
// lock (SQLite) orders concurrent writers, so numbers never repeat or skip.
func NextSeq(ctx context.Context, db bun.IDB, channelID int64) (int64, error) {
	var seq int64
	err := db.NewUpdate().Model((*model.Channel)(nil)).Set("last_seq = last_seq + 1").
		Where("id = ?", channelID).Returning("last_seq").Scan(ctx, &seq)
	if err != nil {
		return 0, notFound("next seq", err)
	}
	return seq, nil
}

// AddEvent records a change in a channel with a new sequence number and
// returns the number.
func AddEvent(ctx context.Context, db bun.IDB, channelID int64, kind model.EventKind, messageID *int64) (int64, error) {
	seq, err := NextSeq(ctx, db, channelID)
	if err != nil {
		return 0, err
	}
	e := &model.ChannelEvent{ChannelID: channelID, Seq: seq, Kind: kind, MessageID: messageID, CreatedAt: now()}
	if _, err := db.NewInsert().Model(e).Exec(ctx); err != nil {
		return 0, fmt.Errorf("store: add event: %w", err)
	}
	return seq, nil
}

// InsertMessage stores a new message with its creation event; m.Seq is the
// event's number. It is InsertPosts with one message.
func InsertMessage(ctx context.Context, db bun.IDB, m *model.Message) error {
	_, err := InsertPosts(ctx, db, m.ChannelID, []*model.Message{m})
	return err
}

// InsertPosts stores new messages to one channel, in order, with their
// message.created events, a message.updated event for each thread they reply
// to (its reply count changed), the reply counts and the search outbox
// entries: five statements at most, whatever the number of messages. It
// fills in each message's ID, Seq and CreatedAt and returns the channel's
// last sequence number. The channel's row is locked from the sequence
// allocation to the end of the transaction (on PostgreSQL), so events
// commit in the order of their numbers.
func InsertPosts(ctx context.Context, db bun.IDB, channelID int64, ms []*model.Message) (int64, error) {
	if len(ms) == 0 {
		return 0, nil
	}
	var parents []int64 // threads replied to, in order of first reply
	replies := map[int64]int{}
	for _, m := range ms {
		if m.ChannelID != channelID {
			return 0, fmt.Errorf("store: insert posts: message for channel %d in a batch for %d", m.ChannelID, channelID)
		}
		if m.ParentID != nil {
			if replies[*m.ParentID] == 0 {
				parents = append(parents, *m.ParentID)
			}
			replies[*m.ParentID]++
		}
	}
	var last int64
	err := db.NewUpdate().Model((*model.Channel)(nil)).Set("last_seq = last_seq + ?", len(ms)+len(parents)).
		Where("id = ?", channelID).Returning("last_seq").Scan(ctx, &last)
	if err != nil {
		return 0, notFound("next seq", err)
	}
	seq := last - int64(len(ms)+len(parents))
	t := now()
	for _, m := range ms {
		seq++
		m.Seq, m.CreatedAt = seq, t
		if m.State == "" {
			m.State = model.StateVisible
		}
		m.Published = m.State == model.StateVisible
	}
	if _, err := db.NewInsert().Model(&ms).Returning("id").Exec(ctx); err != nil {
		return 0, fmt.Errorf("store: insert messages: %w", err)
	}
	es := make([]model.ChannelEvent, 0, len(ms)+len(parents))
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
		es = append(es, model.ChannelEvent{ChannelID: channelID, Seq: m.Seq, Kind: model.EventMessageCreated, MessageID: &m.ID, CreatedAt: t})
	}
	if len(parents) > 0 {
		// reply_count + CASE id WHEN parent THEN its new replies … END
		cases, args := "CASE id", []any{}
		for _, id := range parents {
			seq++
			es = append(es, model.ChannelEvent{ChannelID: channelID, Seq: seq, Kind: model.EventMessageUpdated, MessageID: &id, CreatedAt: t})
			cases += " WHEN ? THEN ?"
			args = append(args, id, replies[id])
		}
		if _, err := db.NewUpdate().Model((*model.Message)(nil)).Set("reply_count = reply_count + "+cases+" END", args...).
			Where("id IN (?)", bun.In(parents)).Exec(ctx); err != nil {
			return 0, fmt.Errorf("store: count replies: %w", err)
		}
	}
	if _, err := db.NewInsert().Model(&es).Exec(ctx); err != nil {
		return 0, fmt.Errorf("store: insert message events: %w", err)
	}
	if err := EnqueueIndex(ctx, db, ids...); err != nil {
		return 0, err
	}
	return last, nil
}

// MessageByID loads one message.
func MessageByID(ctx context.Context, db bun.IDB, id int64) (*model.Message, error) {
	m := new(model.Message)
	if err := db.NewSelect().Model(m).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("message", err)
	}
	return m, nil
}

// MessagesByID loads messages by id, in no particular order.
func MessagesByID(ctx context.Context, db bun.IDB, ids []int64) ([]model.Message, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var ms []model.Message
	if err := db.NewSelect().Model(&ms).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: messages by id: %w", err)
	}
	return ms, nil
}

// MessageFilter narrows ListMessages.
type MessageFilter struct {
	ChannelID int64
	AfterSeq  int64                // only messages created after this sequence number
	BeforeSeq int64                // only messages created before this sequence number (0: any)
	States    []model.MessageState // empty: every state
	// VisibleOr lets an actor also see their own messages in other states
	// (e.g. held ones) while States limits everyone else's.
	VisibleOr *model.Actor
	// Tombstones lets States also match deleted messages that were once
	// published (a participant's view: removed messages they could have
	// seen, never one that was only ever held or shadowed).
	Tombstones bool
	TopLevel   bool    // no replies
	ParentIDs  []int64 // only replies to these messages
	Sort       string  // "newest" (by seq, ascending), "top" (votes, then seq)
	Limit      int
	Newest     bool // with Limit: the newest Limit messages (still returned in ascending order)
}

// ListMessages returns messages of a channel.
func ListMessages(ctx context.Context, db bun.IDB, f MessageFilter) ([]model.Message, error) {
	var ms []model.Message
	q := db.NewSelect().Model(&ms).Where("channel_id = ?", f.ChannelID)
	if f.AfterSeq > 0 {
		q = q.Where("seq > ?", f.AfterSeq)
	}
	if f.BeforeSeq > 0 {
		q = q.Where("seq < ?", f.BeforeSeq)
	}
	if len(f.States) > 0 {
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.Where("state IN (?)", bun.In(f.States))
			if f.Tombstones {
				q = q.WhereOr("(state = ? AND published)", model.StateDeleted)
			}
			if a := f.VisibleOr; a != nil && !a.IsZero() {
				if a.UserID != 0 {
					q = q.WhereOr("(author_user_id = ? AND state <> ?)", a.UserID, model.StateDeleted)
				} else {
					q = q.WhereOr("(author_guest_id = ? AND state <> ?)", a.GuestID, model.StateDeleted)
				}
			}
			return q
		})
	}
	if f.TopLevel {
		q = q.Where("parent_id IS NULL")
	}
	if len(f.ParentIDs) > 0 {
		q = q.Where("parent_id IN (?)", bun.In(f.ParentIDs))
	}
	switch {
	case f.Sort == "top":
		q = q.Order("vote_count DESC", "seq ASC")
	case f.Newest:
		q = q.Order("seq DESC")
	default:
		q = q.Order("seq ASC")
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list messages: %w", err)
	}
	if f.Newest && f.Sort != "top" {
		for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
			ms[i], ms[j] = ms[j], ms[i]
		}
	}
	return ms, nil
}

// ReplyTally counts the replies to one message that share a state,
// publication and author: enough to count, for any viewer, the replies
// that viewer sees (chat decides which).
type ReplyTally struct {
	ParentID      int64              `bun:"parent_id"`
	State         model.MessageState `bun:"state"`
	Published     bool               `bun:"published"`
	AuthorUserID  *int64             `bun:"author_user_id"`
	AuthorGuestID *int64             `bun:"author_guest_id"`
	N             int                `bun:"n"`
}

// ReplyTallies returns the tallies of the replies to messageIDs, in one
// statement.
func ReplyTallies(ctx context.Context, db bun.IDB, messageIDs []int64) ([]ReplyTally, error) {
	if len(messageIDs) == 0 {
		return nil, nil
	}
	var ts []ReplyTally
	if err := db.NewSelect().Model((*model.Message)(nil)).
		Column("parent_id", "state", "published", "author_user_id", "author_guest_id").ColumnExpr("COUNT(*) AS n").
		Where("parent_id IN (?)", bun.In(messageIDs)).
		Group("parent_id", "state", "published", "author_user_id", "author_guest_id").Scan(ctx, &ts); err != nil {
		return nil, fmt.Errorf("store: reply tallies: %w", err)
	}
	return ts, nil
}

// EventsAfter returns a channel's events with seq > after, oldest first.
func EventsAfter(ctx context.Context, db bun.IDB, channelID, after int64, limit int) ([]model.ChannelEvent, error) {
	var es []model.ChannelEvent
	q := db.NewSelect().Model(&es).Where("channel_id = ?", channelID).Where("seq > ?", after).Order("seq ASC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: events after: %w", err)
	}
	return es, nil
}

// authorWhere narrows q to messages written by a.
func authorWhere(q *bun.SelectQuery, a model.Actor) *bun.SelectQuery {
	if a.UserID != 0 {
		return q.Where("author_user_id = ?", a.UserID)
	}
	return q.Where("author_guest_id = ?", a.GuestID)
}

// RecentPostsBy returns the times of each actor's posts in a channel since
// t, newest first, by actor key (model.Actor.Key); actors with none are
// left out.
func RecentPostsBy(ctx context.Context, db bun.IDB, channelID int64, actors []model.Actor, since time.Time) (map[string][]time.Time, error) {
	out := map[string][]time.Time{}
	var users, guests []int64
	for _, a := range actors {
		if a.UserID != 0 {
			users = append(users, a.UserID)
		} else if a.GuestID != 0 {
			guests = append(guests, a.GuestID)
		}
	}
	if len(users)+len(guests) == 0 {
		return out, nil
	}
	var rows []struct {
		AuthorUserID  *int64
		AuthorGuestID *int64
		CreatedAt     time.Time
	}
	q := db.NewSelect().Model((*model.Message)(nil)).Column("author_user_id", "author_guest_id", "created_at").
		Where("channel_id = ?", channelID).Where("created_at >= ?", since.UTC()).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			if len(users) > 0 {
				q = q.WhereOr("author_user_id IN (?)", bun.In(users))
			}
			if len(guests) > 0 {
				q = q.WhereOr("author_guest_id IN (?)", bun.In(guests))
			}
			return q
		}).Order("created_at DESC")
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("store: recent posts: %w", err)
	}
	for _, r := range rows {
		a := model.Actor{}
		if r.AuthorUserID != nil {
			a.UserID = *r.AuthorUserID
		} else if r.AuthorGuestID != nil {
			a.GuestID = *r.AuthorGuestID
		}
		out[a.Key()] = append(out[a.Key()], r.CreatedAt)
	}
	return out, nil
}

// UpdateMessage writes a message's body, state, counts and times.
// A message that becomes visible is published from then on.
func UpdateMessage(ctx context.Context, db bun.IDB, m *model.Message) error {
	m.Published = m.Published || m.State == model.StateVisible
	res, err := db.NewUpdate().Model(m).Column("body", "links", "state", "edited_at", "deleted_at", "pinned", "highlighted",
		"answered", "flagged", "mod_reason", "original", "published").
		WherePK().Exec(ctx)
	if err := affected("update message", res, err); err != nil {
		return err
	}
	return EnqueueIndex(ctx, db, m.ID)
}

// ToggleReaction adds the actor's emoji on a message, or removes it when
// present; it reports whether the reaction is now on.
func ToggleReaction(ctx context.Context, db bun.IDB, messageID int64, actor, emoji string) (bool, error) {
	res, err := db.NewDelete().Model((*model.Reaction)(nil)).Where("message_id = ?", messageID).
		Where("actor = ?", actor).Where("emoji = ?", emoji).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: toggle reaction: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return false, nil
	}
	r := &model.Reaction{MessageID: messageID, Actor: actor, Emoji: emoji, CreatedAt: now()}
	if _, err := db.NewInsert().Model(r).Exec(ctx); err != nil {
		return false, fmt.Errorf("store: toggle reaction: %w", err)
	}
	return true, nil
}

// ReactionSummary is the count of one emoji on a message and whether the
// viewer is among them.
type ReactionSummary struct {
	Emoji string
	Count int
	Mine  bool
}

// Reactions returns the reactions of messages, by message id, for viewer
// (an actor key, or "").
func Reactions(ctx context.Context, db bun.IDB, messageIDs []int64, viewer string) (map[int64][]ReactionSummary, error) {
	rs, err := ReactionRows(ctx, db, messageIDs)
	if err != nil {
		return nil, err
	}
	return SummariseReactions(rs, viewer), nil
}

// ReactionRows returns every reaction to the messages, by message and time.
func ReactionRows(ctx context.Context, db bun.IDB, messageIDs []int64) ([]model.Reaction, error) {
	if len(messageIDs) == 0 {
		return nil, nil
	}
	var rs []model.Reaction
	if err := db.NewSelect().Model(&rs).Where("message_id IN (?)", bun.In(messageIDs)).
		Order("message_id", "created_at").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: reactions: %w", err)
	}
	return rs, nil
}

// SummariseReactions counts reactions per message and emoji, in palette
// order, marking the ones viewer gave.
func SummariseReactions(rs []model.Reaction, viewer string) map[int64][]ReactionSummary {
	out := map[int64][]ReactionSummary{}
	order := map[string]int{}
	for i, e := range model.Reactions() {
		order[e] = i
	}
	for _, r := range rs {
		list := out[r.MessageID]
		found := false
		for i := range list {
			if list[i].Emoji == r.Emoji {
				list[i].Count++
				list[i].Mine = list[i].Mine || r.Actor == viewer
				found = true
			}
		}
		if !found {
			list = append(list, ReactionSummary{Emoji: r.Emoji, Count: 1, Mine: r.Actor == viewer})
		}
		out[r.MessageID] = list
	}
	for id, list := range out {
		for i := 1; i < len(list); i++ { // small lists: insertion sort by palette order
			for j := i; j > 0 && order[list[j].Emoji] < order[list[j-1].Emoji]; j-- {
				list[j], list[j-1] = list[j-1], list[j]
			}
		}
		out[id] = list
	}
	return out
}

// SetVote records (up) or removes (!up) an actor's vote and returns the
// message's new vote count. The count moves by what the insert or delete
// changed, in one UPDATE that locks the message row: concurrent votes
// (PostgreSQL's READ COMMITTED) cannot overwrite each other's count.
func SetVote(ctx context.Context, db bun.IDB, messageID int64, actor string, up bool) (int, error) {
	var res sql.Result
	var err error
	if up {
		v := &model.Vote{MessageID: messageID, Actor: actor, CreatedAt: now()}
		res, err = db.NewInsert().Model(v).On("CONFLICT (message_id, actor) DO NOTHING").Exec(ctx)
	} else {
		res, err = db.NewDelete().Model((*model.Vote)(nil)).Where("message_id = ?", messageID).Where("actor = ?", actor).Exec(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("store: vote: %w", err)
	}
	delta := 0
	if n, _ := res.RowsAffected(); n > 0 {
		delta = 1
		if !up {
			delta = -1
		}
	}
	var count int
	if err := db.NewUpdate().Model((*model.Message)(nil)).Set("vote_count = vote_count + ?", delta).
		Where("id = ?", messageID).Returning("vote_count").Scan(ctx, &count); err != nil {
		return 0, notFound("store vote count", err)
	}
	if delta != 0 {
		if err := EnqueueIndex(ctx, db, messageID); err != nil {
			return 0, err
		}
	}
	return count, nil
}

// VotedBy returns which of messageIDs the actor voted for.
func VotedBy(ctx context.Context, db bun.IDB, messageIDs []int64, actor string) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(messageIDs) == 0 || actor == "" {
		return out, nil
	}
	var ids []int64
	if err := db.NewSelect().Model((*model.Vote)(nil)).Column("message_id").Where("message_id IN (?)", bun.In(messageIDs)).
		Where("actor = ?", actor).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("store: voted by: %w", err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// Voters returns who voted for each of the messages.
func Voters(ctx context.Context, db bun.IDB, messageIDs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(messageIDs) == 0 {
		return out, nil
	}
	var vs []model.Vote
	if err := db.NewSelect().Model(&vs).Column("message_id", "actor").Where("message_id IN (?)", bun.In(messageIDs)).
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: voters: %w", err)
	}
	for _, v := range vs {
		out[v.MessageID] = append(out[v.MessageID], v.Actor)
	}
	return out, nil
}

// LockChannel takes the channel's row lock for the rest of the transaction
// (PostgreSQL; SQLite's write transactions are serialised already).
func LockChannel(ctx context.Context, db bun.IDB, channelID int64) error {
	if !IsPostgres(db) {
		return nil
	}
	if _, err := db.ExecContext(ctx, "SELECT id FROM channels WHERE id = ? FOR UPDATE", channelID); err != nil {
		return fmt.Errorf("store: lock channel: %w", err)
	}
	return nil
}
