package chat

import (
	"context"

	"backchannel/live"
	"backchannel/model"
	"backchannel/store"
)

// feedEntry is one channel event as this instance read it, once, for every
// stream of the channel: the event and, for a message event, the message
// with its reactions and voters at that moment. Streams work out what their
// viewer may see of it in memory (Changes).
type feedEntry struct {
	Event     model.ChannelEvent
	Message   *model.Message
	Reactions []model.Reaction
	Voters    []string
	Replies   []store.ReplyTally // the tallies of its replies: each stream counts the ones its viewer sees
	Files     []model.Attachment // its unremoved attachments
}

// newFeed makes the ring of recent events per channel: 256 events are
// enough for a burst of a busy class and for a reconnect within a minute or
// so (older replays read the database); 256 channels live at once per
// instance.
func newFeed(s *Service) *live.Ring[feedEntry] {
	return live.NewRing(live.RingOptions{Size: 256, Channels: 256, Batch: 200}, s.readFeed,
		func(e feedEntry) int64 { return e.Event.Seq })
}

// LiveObserver hears from the live hub what was published, so that the
// channels' rings know when they are behind (app wires it to the hub).
func (s *Service) LiveObserver() live.Observer { return s.feed }

// readFeed reads a channel's events after seq after: six statements
// however many events (events, their messages, reactions, votes, reply
// tallies, attachments).
func (s *Service) readFeed(ctx context.Context, channelID, after int64, limit int) ([]feedEntry, error) {
	es, err := store.EventsAfter(ctx, s.db, channelID, after, limit)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, e := range es {
		if e.MessageID != nil {
			ids = append(ids, *e.MessageID)
		}
	}
	ms, err := store.MessagesByID(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	rs, err := store.ReactionRows(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	voters, err := store.Voters(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	tallies, err := s.tallies(ctx, ids)
	if err != nil {
		return nil, err
	}
	files, err := store.MessageAttachments(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*model.Message, len(ms))
	for i := range ms {
		byID[ms[i].ID] = &ms[i]
	}
	reactions := map[int64][]model.Reaction{}
	for _, r := range rs {
		reactions[r.MessageID] = append(reactions[r.MessageID], r)
	}
	out := make([]feedEntry, 0, len(es))
	for _, e := range es {
		fe := feedEntry{Event: e}
		if e.MessageID != nil {
			if m := byID[*e.MessageID]; m != nil {
				fe.Message, fe.Reactions, fe.Voters, fe.Replies = m, reactions[m.ID], voters[m.ID], tallies[m.ID]
				fe.Files = files[m.ID]
			}
		}
		out = append(out, fe)
	}
	return out, nil
}
