package chat

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// MessageItem returns one message of ch as v sees it (removed messages that
// were published as tombstones, like Messages and Changes show them).
func (s *Service) MessageItem(ctx context.Context, ch *model.Channel, v Viewer, id int64) (*Item, error) {
	m, err := store.MessageByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if m.ChannelID != ch.ID || !seenBy(m, v) {
		return nil, model.ErrNotFound
	}
	items, err := s.Items(ctx, v, []model.Message{*m})
	if err != nil {
		return nil, err
	}
	return &items[0], nil
}

// PostedItem is the message v has just posted (as Post returned it), as v
// sees it. Nobody can have reacted or voted yet, so nothing is read.
func (s *Service) PostedItem(v Viewer, m *model.Message) Item { return s.item(v, *m, nil, false, nil) }

// SetReaction puts v's emoji on a message (on) or takes it off (!on). Asking
// for what is already so changes nothing and records no event, so the call
// is idempotent (the JSON API's PUT and DELETE); React is the toggle.
func (s *Service) SetReaction(ctx context.Context, ch *model.Channel, v Viewer, id int64, emoji string, on bool) error {
	if v.Actor.IsZero() {
		return model.ErrUnauthorized
	}
	if !slices.Contains(model.Reactions(), emoji) {
		return model.Invalid("emoji", "Pick a reaction from the palette.")
	}
	m, err := s.Message(ctx, ch, v, id)
	if err != nil {
		return err
	}
	if m.State == model.StateDeleted {
		return model.Refuse(model.ErrConflict, "message_removed", "This message was removed.")
	}
	key := v.Actor.Key()
	var seq int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		rs, err := store.Reactions(ctx, tx, []int64{m.ID}, key)
		if err != nil {
			return err
		}
		has := slices.ContainsFunc(rs[m.ID], func(r store.ReactionSummary) bool { return r.Emoji == emoji && r.Mine })
		if has == on {
			return nil
		}
		if _, err := store.ToggleReaction(ctx, tx, m.ID, key, emoji); err != nil {
			return err
		}
		seq, err = store.AddEvent(ctx, tx, ch.ID, model.EventMessageUpdated, &m.ID)
		return err
	})
	if err != nil {
		return err
	}
	if seq != 0 {
		s.Publish(ctx, ch.ID, seq)
	}
	return nil
}
