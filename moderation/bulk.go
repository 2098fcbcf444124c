package moderation

import (
	"context"
	"errors"
	"fmt"

	"backchannel/model"
	"backchannel/store"
)

// BulkMax is how many messages one bulk action may name: a held queue
// shows up to 500.
const BulkMax = 500

// BulkAction reports whether act may be taken on many messages at once:
// the verdicts on held messages.
func BulkAction(act model.ModAction) bool {
	return act == model.ActApprove || act == model.ActDeny || act == model.ActHide
}

// BulkResult is what became of one message of a bulk action: Done when it
// was carried out, Err (a refusal that says why) when not.
type BulkResult struct {
	ID      int64
	Channel *model.Channel // nil when the message does not exist
	Done    *Done
	Err     error
}

// ModerateBulk takes one action on many messages, possibly in several
// channels: each one is a single action (Moderate: its own transaction,
// event and audit entry), checked in its own channel, so one that is
// refused (gone, in a channel user does not moderate, in a state that does
// not allow the action) fails alone and the others go through. Results are
// in the order of ids, without repeats. Only bad input fails the whole.
func (s *Service) ModerateBulk(ctx context.Context, user *model.User, ids []int64, act model.ModAction, in ModInput) ([]BulkResult, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	if !BulkAction(act) {
		return nil, model.Invalid("action", fmt.Sprintf("Choose approve, deny or hide, not %q.", act))
	}
	switch {
	case len(ids) == 0:
		return nil, model.Invalid("ids", "Select at least one message.")
	case len(ids) > BulkMax:
		return nil, model.Invalid("ids", fmt.Sprintf("Act on at most %d messages at once.", BulkMax))
	}
	type where struct {
		ch  *model.Channel
		v   Viewer
		err error
	}
	channels := map[int64]*where{}
	seen := map[int64]bool{}
	out := make([]BulkResult, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		r := BulkResult{ID: id}
		m, err := store.MessageByID(ctx, s.db, id)
		if err != nil {
			if !errors.Is(err, model.ErrNotFound) {
				return out, err
			}
			r.Err = model.Refuse(model.ErrNotFound, "not_found", "There is no such message.")
			out = append(out, r)
			continue
		}
		w, ok := channels[m.ChannelID]
		if !ok {
			w = &where{}
			channels[m.ChannelID] = w
			if w.ch, err = store.ChannelByID(ctx, s.db, m.ChannelID); err != nil {
				return out, err
			}
			if w.v, err = s.chat.ViewerFor(ctx, w.ch, user, nil); err != nil {
				return out, err
			}
			w.v = w.v.ForRequest()
			if !w.v.Staff {
				w.err = model.Refuse(model.ErrForbidden, "not_a_moderator",
					"You do not moderate "+w.ch.Title+", the channel of this message.")
			}
		}
		r.Channel, r.Err = w.ch, w.err
		if r.Err == nil {
			r.Done, r.Err = s.Moderate(ctx, w.ch, w.v, id, act, in)
		}
		out = append(out, r)
	}
	return out, nil
}
