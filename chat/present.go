package chat

import (
	"context"

	"backchannel/model"
	"backchannel/store"
)

// PresentQuestions is how many questions the presenter view shows: as many
// as read from across a room.
const PresentQuestions = 6

// Board is what the presenter view projects of a channel: its open
// questions (pinned first, then by votes) and the highlighted message, as
// the room sees them (anonymous authors stay anonymous). It is the same for
// everyone who presents.
type Board struct {
	Questions   []Item
	Highlighted *Item
}

// Board reads ch's presenter board.
func (s *Service) Board(ctx context.Context, ch *model.Channel) (*Board, error) {
	qs, err := store.OpenQuestions(ctx, s.db, ch.ID, PresentQuestions)
	if err != nil {
		return nil, err
	}
	hl, err := store.HighlightedMessage(ctx, s.db, ch.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(qs)+1)
	for _, m := range qs {
		ids = append(ids, m.ID)
	}
	if hl != nil {
		ids = append(ids, hl.ID)
	}
	tallies, err := s.tallies(ctx, ids)
	if err != nil {
		return nil, err
	}
	files, err := store.MessageAttachments(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	var room Viewer // nobody in particular: what every participant sees
	b := &Board{Questions: make([]Item, 0, len(qs))}
	for _, m := range qs {
		it := s.item(room, m, nil, false, tallies[m.ID])
		it.Attachments = filesOf(&m, room, files[m.ID])
		b.Questions = append(b.Questions, it)
	}
	if hl != nil {
		it := s.item(room, *hl, nil, false, tallies[hl.ID])
		it.Attachments = filesOf(hl, room, files[hl.ID])
		b.Highlighted = &it
	}
	return b, nil
}
