package chat

import (
	"context"
	"slices"

	"backchannel/model"
	"backchannel/store"
)

// MessageItems is MessageItem for several messages at once, each in its own
// channel and seen by that channel's viewer (viewers: by channel id), as a
// bulk action on the wall answers: the messages and their files are read
// once for all of them, reactions, votes and replies once per channel.
// Messages of a channel without a viewer, or that its viewer may not see,
// are left out of the answer (by message id).
func (s *Service) MessageItems(ctx context.Context, viewers map[int64]Viewer, ids []int64) (map[int64]Item, error) {
	ms, err := store.MessagesByID(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	files, err := store.MessageAttachments(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	byChannel := map[int64][]model.Message{}
	for _, m := range ms {
		if v, ok := viewers[m.ChannelID]; ok && seenBy(&m, v) {
			byChannel[m.ChannelID] = append(byChannel[m.ChannelID], m)
		}
	}
	channels := make([]int64, 0, len(byChannel))
	for id := range byChannel {
		channels = append(channels, id)
	}
	slices.Sort(channels)
	out := make(map[int64]Item, len(ms))
	for _, id := range channels {
		items, err := s.itemsWith(ctx, viewers[id], byChannel[id], files)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			out[it.Message.ID] = it
		}
	}
	return out, nil
}
