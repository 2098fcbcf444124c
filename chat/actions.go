package chat

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// Message loads a message of ch that v may see.
func (s *Service) Message(ctx context.Context, ch *model.Channel, v Viewer, id int64) (*model.Message, error) {
	m, err := store.MessageByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if m.ChannelID != ch.ID || !visibleTo(m, v) {
		return nil, model.ErrNotFound
	}
	return m, nil
}

// update writes m and its update event in one transaction and publishes.
func (s *Service) update(ctx context.Context, m *model.Message) error {
	var seq int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.UpdateMessage(ctx, tx, m); err != nil {
			return err
		}
		var err error
		seq, err = store.AddEvent(ctx, tx, m.ChannelID, model.EventMessageUpdated, &m.ID)
		return err
	})
	if err != nil {
		return err
	}
	s.Publish(ctx, m.ChannelID, seq)
	return nil
}

// Edit changes the body of the author's own message within the edit window.
func (s *Service) Edit(ctx context.Context, ch *model.Channel, v Viewer, id int64, body string) (*model.Message, error) {
	m, err := s.Message(ctx, ch, v, id)
	if err != nil {
		return nil, err
	}
	if !m.AuthoredBy(v.Actor) || m.State == model.StateDeleted {
		return nil, model.Refuse(model.ErrForbidden, "not_author", "You can edit only your own messages.")
	}
	if s.now().Sub(m.CreatedAt) > s.opts.EditWindow {
		return nil, model.Refuse(model.ErrForbidden, "edit_window_closed",
			fmt.Sprintf("Messages can be edited for %s after posting.", humanDuration(s.opts.EditWindow)))
	}
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if err := s.checkEditBody(ctx, m, body, ch.MaxLength); err != nil {
		return nil, err
	}
	if body == m.Body {
		return m, nil
	}
	t := s.now().UTC()
	m.Body, m.EditedAt = body, &t
	m.Links = links(body)
	m.Original = nil // the masked words, if any, are gone with the old text
	return m, s.update(ctx, m)
}

// Delete removes a message: its author, or staff, may. The row and its body
// stay for staff and the audit trail; participants see that it was removed.
func (s *Service) Delete(ctx context.Context, ch *model.Channel, v Viewer, id int64) (*model.Message, error) {
	m, err := s.Message(ctx, ch, v, id)
	if err != nil {
		return nil, err
	}
	if !m.AuthoredBy(v.Actor) && !v.Staff {
		return nil, model.Refuse(model.ErrForbidden, "not_author", "You can delete only your own messages.")
	}
	if m.State == model.StateDeleted {
		return m, nil
	}
	before := m.State
	t := s.now().UTC()
	m.State, m.DeletedAt = model.StateDeleted, &t
	if err := s.update(ctx, m); err != nil {
		return nil, err
	}
	// A guest is recorded as the guest (actor_guest_id), never as the user
	// with the same number.
	s.audit(ctx, store.AuditRecord{ActorID: v.Actor.UserID, ActorGuestID: v.Actor.GuestID, Action: "message.delete", TargetType: "message", TargetID: m.ID, ChannelID: ch.ID, Before: string(before), After: string(m.State)})
	return m, nil
}

// React toggles v's emoji (from the fixed palette) on a message and reports
// whether it is now on.
func (s *Service) React(ctx context.Context, ch *model.Channel, v Viewer, id int64, emoji string) (bool, error) {
	if v.Actor.IsZero() {
		return false, model.ErrUnauthorized
	}
	if !slices.Contains(model.Reactions(), emoji) {
		return false, model.Invalid("emoji", "Pick a reaction from the palette.")
	}
	m, err := s.Message(ctx, ch, v, id)
	if err != nil {
		return false, err
	}
	if m.State == model.StateDeleted {
		return false, model.Refuse(model.ErrConflict, "message_removed", "This message was removed.")
	}
	var on bool
	var seq int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if on, err = store.ToggleReaction(ctx, tx, m.ID, v.Actor.Key(), emoji); err != nil {
			return err
		}
		seq, err = store.AddEvent(ctx, tx, ch.ID, model.EventMessageUpdated, &m.ID)
		return err
	})
	if err != nil {
		return false, err
	}
	s.Publish(ctx, ch.ID, seq)
	return on, nil
}

// Vote sets (up) or takes back (!up) v's upvote on a question and returns its
// new count. One vote per person.
func (s *Service) Vote(ctx context.Context, ch *model.Channel, v Viewer, id int64, up bool) (int, error) {
	if v.Actor.IsZero() {
		return 0, model.ErrUnauthorized
	}
	m, err := s.Message(ctx, ch, v, id)
	if err != nil {
		return 0, err
	}
	if m.Kind != model.KindQuestion || m.ParentID != nil {
		return 0, model.Refuse(model.ErrConflict, "not_a_question", "Only questions can be upvoted.")
	}
	if m.State == model.StateDeleted {
		return 0, model.Refuse(model.ErrConflict, "message_removed", "This message was removed.")
	}
	var n int
	var seq int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if n, err = store.SetVote(ctx, tx, m.ID, v.Actor.Key(), up); err != nil {
			return err
		}
		seq, err = store.AddEvent(ctx, tx, ch.ID, model.EventMessageUpdated, &m.ID)
		return err
	})
	if err != nil {
		return 0, err
	}
	s.Publish(ctx, ch.ID, seq)
	return n, nil
}

// ToggleVote flips v's vote on a question.
func (s *Service) ToggleVote(ctx context.Context, ch *model.Channel, v Viewer, id int64) (int, error) {
	voted, err := store.VotedBy(ctx, s.db, []int64{id}, v.Actor.Key())
	if err != nil {
		return 0, err
	}
	return s.Vote(ctx, ch, v, id, !voted[id])
}

// humanDuration says d the way people do: "5 minutes", "1 hour", "90 seconds"
// (rounded up to the unit).
func humanDuration(d time.Duration) string {
	unit, name := time.Second, "second"
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		unit, name = time.Hour, "hour"
	case d >= time.Minute && d%time.Minute == 0:
		unit, name = time.Minute, "minute"
	}
	n := (d + unit - 1) / unit
	if n == 1 {
		return "1 " + name
	}
	return fmt.Sprintf("%d %ss", n, name)
}
