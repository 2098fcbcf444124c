package moderation

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// UndoWindow is how long a moderator may take an action back.
const UndoWindow = 10 * time.Second

// msgSnapshot is what an action changes on a message, kept in the audit log
// (before and after) and restored by undo.
type msgSnapshot struct {
	State       model.MessageState `json:"state"`
	Pinned      bool               `json:"pinned"`
	Highlighted bool               `json:"highlighted"`
	Answered    bool               `json:"answered"`
}

func snapshotOf(m *model.Message) msgSnapshot {
	return msgSnapshot{State: m.State, Pinned: m.Pinned, Highlighted: m.Highlighted, Answered: m.Answered}
}

func (sn msgSnapshot) apply(m *model.Message) {
	m.State, m.Pinned, m.Highlighted, m.Answered = sn.State, sn.Pinned, sn.Highlighted, sn.Answered
}

// ModInput carries the reason and the guideline an action cites.
type ModInput struct {
	Reason    string
	Guideline string
}

func (in *ModInput) check() error {
	in.Reason, in.Guideline = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Guideline)
	if len([]rune(in.Reason)) > 500 {
		return model.Invalid("reason", "Keep the reason to 500 characters.")
	}
	if len(in.Guideline) > 20 {
		return model.Invalid("guideline", "Cite a guideline by its id, such as G3.")
	}
	return nil
}

// Done is a recorded moderator action; its AuditID lets it be undone.
type Done struct {
	AuditID  int64
	Message  *model.Message  // for actions on a message
	Sanction *model.Sanction // for actions on a person
}

// Moderate applies a moderator action to a message of ch. Staff (moderators)
// may do everything; hosts may pin, highlight and mark answered.
func (s *Service) Moderate(ctx context.Context, ch *model.Channel, v Viewer, id int64, act model.ModAction, in ModInput) (*Done, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	if !validAction(act) {
		return nil, refusal(nil, act)
	}
	if !v.Staff && !(v.Host && HostAction(act)) {
		return nil, model.ErrForbidden
	}
	m, err := store.MessageByID(ctx, s.db, id)
	if err != nil || m.ChannelID != ch.ID {
		return nil, model.ErrNotFound
	}
	if !Allows(m, act) {
		return nil, refusal(m, act)
	}
	before := snapshotOf(m)
	switch act {
	case model.ActApprove, model.ActUnhide:
		m.State = model.StateVisible
	case model.ActDeny:
		m.State = model.StateDenied
	case model.ActHide:
		m.State = model.StateHidden
	case model.ActDelete:
		t := s.now().UTC()
		m.State, m.DeletedAt = model.StateDeleted, &t
	case model.ActPin, model.ActUnpin:
		m.Pinned = act == model.ActPin
	case model.ActHighlight, model.ActUnhighlight:
		m.Highlighted = act == model.ActHighlight
	case model.ActAnswer, model.ActUnanswer:
		m.Answered = act == model.ActAnswer
	}
	if in.Reason != "" {
		m.ModReason = in.Reason
	}
	var auditID, seq int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.UpdateMessage(ctx, tx, m); err != nil {
			return err
		}
		var err error
		if seq, err = store.AddEvent(ctx, tx, ch.ID, model.EventMessageUpdated, &m.ID); err != nil {
			return err
		}
		switch act {
		case model.ActApprove, model.ActDeny, model.ActHide, model.ActDelete:
			if _, err := store.ResolveReports(ctx, tx, m.ID, v.Actor.UserID); err != nil {
				return err
			}
		}
		after, err := actionAfter(ctx, tx, m, act)
		if err != nil {
			return err
		}
		auditID, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: v.Actor.UserID, Action: "message." + string(act), TargetType: "message", TargetID: m.ID, ChannelID: ch.ID, Before: before, After: after, Reason: in.Reason, Guideline: in.Guideline})
		return err
	})
	if err != nil {
		return nil, err
	}
	s.publish(ctx, ch.ID, seq)
	return &Done{AuditID: auditID, Message: m}, nil
}
