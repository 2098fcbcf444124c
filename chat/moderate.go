package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// ModAction is a moderator's action on a message.
type ModAction string

// Actions on messages.
const (
	ActApprove     ModAction = "approve"
	ActDeny        ModAction = "deny"
	ActHide        ModAction = "hide"
	ActUnhide      ModAction = "unhide"
	ActDelete      ModAction = "delete"
	ActPin         ModAction = "pin"
	ActUnpin       ModAction = "unpin"
	ActHighlight   ModAction = "highlight"
	ActUnhighlight ModAction = "unhighlight"
	ActAnswer      ModAction = "answer"
	ActUnanswer    ModAction = "unanswer"
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
func (s *Service) Moderate(ctx context.Context, ch *model.Channel, v Viewer, id int64, act ModAction, in ModInput) (*Done, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	hostOK := act == ActPin || act == ActUnpin || act == ActHighlight || act == ActUnhighlight || act == ActAnswer || act == ActUnanswer
	if !v.Staff && !(v.Host && hostOK) {
		return nil, model.ErrForbidden
	}
	m, err := store.MessageByID(ctx, s.db, id)
	if err != nil || m.ChannelID != ch.ID {
		return nil, model.ErrNotFound
	}
	before := snapshotOf(m)
	switch act {
	case ActApprove:
		if m.State != model.StateHeld && m.State != model.StateDenied && m.State != model.StateHidden {
			return nil, model.Refuse(model.ErrConflict, "not_held", "Only held, denied or hidden messages can be approved.")
		}
		m.State = model.StateVisible
	case ActDeny:
		if m.State != model.StateHeld {
			return nil, model.Refuse(model.ErrConflict, "not_held", "Only held messages can be denied.")
		}
		m.State = model.StateDenied
	case ActHide:
		if m.State == model.StateDeleted {
			return nil, model.Refuse(model.ErrConflict, "message_removed", "This message was removed.")
		}
		m.State = model.StateHidden
	case ActUnhide:
		if m.State != model.StateHidden {
			return nil, model.Refuse(model.ErrConflict, "not_hidden", "This message is not hidden.")
		}
		m.State = model.StateVisible
	case ActDelete:
		t := s.now().UTC()
		m.State, m.DeletedAt = model.StateDeleted, &t
	case ActPin, ActUnpin:
		m.Pinned = act == ActPin
	case ActHighlight, ActUnhighlight:
		m.Highlighted = act == ActHighlight
	case ActAnswer, ActUnanswer:
		if m.Kind != model.KindQuestion {
			return nil, model.Refuse(model.ErrConflict, "not_a_question", "Only questions can be marked answered.")
		}
		m.Answered = act == ActAnswer
	default:
		return nil, model.Invalid("action", fmt.Sprintf("Unknown action %q.", act))
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
		case ActApprove, ActDeny, ActHide, ActDelete:
			if _, err := store.ResolveReports(ctx, tx, m.ID, v.Actor.UserID); err != nil {
				return err
			}
		}
		auditID, err = s.auditTx(ctx, tx, v.Actor.UserID, "message."+string(act), "message", m.ID, &ch.ID, before, snapshotOf(m), in)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.publish(ctx, ch.ID, seq)
	return &Done{AuditID: auditID, Message: m}, nil
}

// auditTx writes an audit entry inside tx and returns its id.
func (s *Service) auditTx(ctx context.Context, tx bun.IDB, actorID int64, action, targetType string, targetID int64, channelID *int64, before, after any, in ModInput) (int64, error) {
	e := &model.AuditEntry{Action: action, TargetType: targetType, TargetID: strconv.FormatInt(targetID, 10),
		ChannelID: channelID, Before: store.JSON(before), After: store.JSON(after), Reason: in.Reason, Guideline: in.Guideline}
	if actorID != 0 {
		e.ActorID = &actorID
	}
	if err := store.Audit(ctx, tx, e); err != nil {
		return 0, err
	}
	return e.ID, nil
}

// MutePreset is a mute duration offered to moderators.
type MutePreset string

// Mute presets (keys 1–4 on the wall, and the rest of the session).
const (
	Mute1m      MutePreset = "1m"
	Mute10m     MutePreset = "10m"
	Mute1h      MutePreset = "1h"
	Mute24h     MutePreset = "24h"
	MuteSession MutePreset = "session"
)

// SanctionInput says what to do to whom.
type SanctionInput struct {
	Subject  string // actor key: u:<id> or g:<id>
	Kind     model.SanctionKind
	Duration MutePreset // mutes
	SiteWide bool       // bans and mutes everywhere (needs site-wide moderation rights)
	ModInput
}

// Sanction warns, mutes, bans or shadow-mutes a person. Mutes expire on
// their own (the expiry is stored, so it survives restarts).
func (s *Service) Sanction(ctx context.Context, ch *model.Channel, v Viewer, in SanctionInput) (*Done, error) {
	if !v.Staff {
		return nil, model.ErrForbidden
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if _, err := parseSubject(in.Subject); err != nil {
		return nil, err
	}
	if in.Subject == v.Actor.Key() {
		return nil, model.Invalid("subject", "You cannot sanction yourself.")
	}
	if in.SiteWide {
		ok, err := s.authz.Can(ctx, v.Actor.UserID, model.SiteWide, policies.UserSanction)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, model.Refuse(model.ErrForbidden, "not_site_moderator", "Only site-wide moderators can act site-wide.")
		}
	}
	sn := &model.Sanction{Subject: in.Subject, Kind: in.Kind, Reason: in.Reason, Guideline: in.Guideline, CreatedBy: &v.Actor.UserID}
	if !in.SiteWide {
		sn.ChannelID = &ch.ID
	}
	switch in.Kind {
	case model.SanctionWarn, model.SanctionBan, model.SanctionShadowMute:
	case model.SanctionMute:
		var d time.Duration
		switch in.Duration {
		case Mute1m:
			d = time.Minute
		case Mute10m:
			d = 10 * time.Minute
		case Mute1h:
			d = time.Hour
		case Mute24h:
			d = 24 * time.Hour
		case MuteSession:
			live, err := s.LiveSession(ctx, ch)
			if err != nil {
				return nil, err
			}
			if live == nil {
				return nil, model.Refuse(model.ErrConflict, "no_live_session", "No session is running: choose a duration.")
			}
			sn.SessionID = &live.ID
		default:
			return nil, model.Invalid("duration", "Mute for 1m, 10m, 1h, 24h or the rest of the session.")
		}
		if d > 0 {
			t := s.now().UTC().Add(d)
			sn.ExpiresAt = &t
		}
	default:
		return nil, model.Invalid("kind", "A sanction is warn, mute, ban or shadow_mute.")
	}
	var auditID int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.CreateSanction(ctx, tx, sn); err != nil {
			return err
		}
		var err error
		auditID, err = s.auditTx(ctx, tx, v.Actor.UserID, "user."+string(in.Kind), "user", subjectID(in.Subject), &ch.ID, nil, sn, in.ModInput)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Done{AuditID: auditID, Sanction: sn}, nil
}

// Purge hides every visible, held or shadowed message of a person in ch.
func (s *Service) Purge(ctx context.Context, ch *model.Channel, v Viewer, subject string, in ModInput) (*Done, int, error) {
	if !v.Staff {
		return nil, 0, model.ErrForbidden
	}
	if err := in.check(); err != nil {
		return nil, 0, err
	}
	a, err := parseSubject(subject)
	if err != nil {
		return nil, 0, err
	}
	ms, err := store.MessagesBy(ctx, s.db, a, 10000)
	if err != nil {
		return nil, 0, err
	}
	before := map[int64]model.MessageState{}
	var last int64
	var auditID int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i := range ms {
			m := &ms[i]
			if m.ChannelID != ch.ID || m.State == model.StateDeleted || m.State == model.StateHidden || m.State == model.StateDenied {
				continue
			}
			before[m.ID] = m.State
			m.State = model.StateHidden
			if err := store.UpdateMessage(ctx, tx, m); err != nil {
				return err
			}
			seq, err := store.AddEvent(ctx, tx, ch.ID, model.EventMessageUpdated, &m.ID)
			if err != nil {
				return err
			}
			last = seq
		}
		var err error
		auditID, err = s.auditTx(ctx, tx, v.Actor.UserID, "user.purge", "user", subjectID(subject), &ch.ID, before, len(before), in)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	if last > 0 {
		s.publish(ctx, ch.ID, last)
	}
	return &Done{AuditID: auditID}, len(before), nil
}

// Undo takes back the moderator's own action auditID within UndoWindow.
func (s *Service) Undo(ctx context.Context, ch *model.Channel, v Viewer, auditID int64) error {
	if !v.Staff && !v.Host {
		return model.ErrForbidden
	}
	es, err := store.ListAudit(ctx, s.db, store.AuditFilter{ID: auditID, Limit: 1})
	if err != nil {
		return err
	}
	if len(es) == 0 || es[0].ActorID == nil || *es[0].ActorID != v.Actor.UserID || es[0].ChannelID == nil || *es[0].ChannelID != ch.ID {
		return model.ErrNotFound
	}
	e := es[0]
	if s.now().Sub(e.CreatedAt) > UndoWindow {
		return model.Refuse(model.ErrConflict, "undo_expired", "Actions can be undone for 10 seconds.")
	}
	if strings.HasSuffix(e.Action, ".undo") || e.UndoneAt != nil {
		return model.Refuse(model.ErrConflict, "already_undone", "That action was undone already.")
	}
	var last int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		switch {
		case strings.HasPrefix(e.Action, "message."):
			id, _ := strconv.ParseInt(e.TargetID, 10, 64)
			m, err := store.MessageByID(ctx, tx, id)
			if err != nil {
				return err
			}
			var sn msgSnapshot
			if err := json.Unmarshal([]byte(e.Before), &sn); err != nil {
				return fmt.Errorf("chat: undo: %w", err)
			}
			sn.apply(m)
			if sn.State != model.StateDeleted {
				m.DeletedAt = nil
			}
			if err := store.UpdateMessage(ctx, tx, m); err != nil {
				return err
			}
			if last, err = store.AddEvent(ctx, tx, ch.ID, model.EventMessageUpdated, &m.ID); err != nil {
				return err
			}
		case e.Action == "user.purge":
			var before map[int64]model.MessageState
			if err := json.Unmarshal([]byte(e.Before), &before); err != nil {
				return fmt.Errorf("chat: undo: %w", err)
			}
			for id, st := range before {
				m, err := store.MessageByID(ctx, tx, id)
				if err != nil {
					return err
				}
				m.State = st
				if err := store.UpdateMessage(ctx, tx, m); err != nil {
					return err
				}
				if last, err = store.AddEvent(ctx, tx, ch.ID, model.EventMessageUpdated, &m.ID); err != nil {
					return err
				}
			}
		case strings.HasPrefix(e.Action, "user."):
			var sn model.Sanction
			if err := json.Unmarshal([]byte(e.After), &sn); err != nil {
				return fmt.Errorf("chat: undo: %w", err)
			}
			if err := store.RevokeSanction(ctx, tx, sn.ID, v.Actor.UserID); err != nil {
				return err
			}
		default:
			return model.Refuse(model.ErrConflict, "cannot_undo", "That action cannot be undone here.")
		}
		if err := store.MarkAuditUndone(ctx, tx, e.ID); err != nil {
			return err
		}
		_, err := s.auditTx(ctx, tx, v.Actor.UserID, e.Action+".undo", e.TargetType, mustInt(e.TargetID), &ch.ID, e.After, e.Before, ModInput{Reason: "undo"})
		return err
	})
	if err != nil {
		return err
	}
	if last > 0 {
		s.publish(ctx, ch.ID, last)
	}
	return nil
}

func mustInt(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

// parseSubject reads an actor key.
func parseSubject(key string) (model.Actor, error) {
	kind, id, ok := strings.Cut(key, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || (kind != "u" && kind != "g") {
		return model.Actor{}, model.Invalid("subject", "Name the person as u:<id> or g:<id>.")
	}
	if kind == "u" {
		return model.Actor{UserID: n}, nil
	}
	return model.Actor{GuestID: n}, nil
}

func subjectID(key string) int64 {
	a, _ := parseSubject(key)
	return a.UserID + a.GuestID
}

// Report lets a participant report a message to the moderators.
func (s *Service) Report(ctx context.Context, ch *model.Channel, v Viewer, id int64, reason string) (*model.Report, error) {
	if v.Actor.IsZero() {
		return nil, model.ErrUnauthorized
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, model.Invalid("reason", "Say briefly what is wrong with the message.")
	}
	if len([]rune(reason)) > 500 {
		return nil, model.Invalid("reason", "Keep the reason to 500 characters.")
	}
	m, err := s.message(ctx, ch, v, id)
	if err != nil {
		return nil, err
	}
	r := &model.Report{ChannelID: ch.ID, MessageID: m.ID, Reporter: v.Actor.Key(), Reason: reason}
	var seq int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.CreateReport(ctx, tx, r); err != nil {
			return err
		}
		var err error
		seq, err = store.AddEvent(ctx, tx, ch.ID, model.EventReport, &m.ID)
		return err
	})
	if err != nil {
		if isConflict(err) {
			return nil, model.Refuse(model.ErrConflict, "already_reported", "You reported this message already. Moderators will look at it.")
		}
		return nil, err
	}
	s.publish(ctx, ch.ID, seq)
	return r, nil
}

// AddNote stores a note about a person, shared among staff.
func (s *Service) AddNote(ctx context.Context, v Viewer, subject, body string) (*model.ModNote, error) {
	if !v.Staff {
		return nil, model.ErrForbidden
	}
	if _, err := parseSubject(subject); err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	if body == "" || len([]rune(body)) > 2000 {
		return nil, model.Invalid("body", "Write a note of up to 2000 characters.")
	}
	n := &model.ModNote{Subject: subject, Body: body, CreatedBy: &v.Actor.UserID}
	if err := store.CreateNote(ctx, s.db, n); err != nil {
		return nil, err
	}
	return n, nil
}

// StaffPost adds a message to the moderators' side chat of ch.
func (s *Service) StaffPost(ctx context.Context, ch *model.Channel, v Viewer, body string) (*model.StaffMessage, error) {
	if !v.Staff {
		return nil, model.ErrForbidden
	}
	body = strings.TrimSpace(body)
	if body == "" || len([]rune(body)) > 2000 {
		return nil, model.Invalid("body", "Write a message of up to 2000 characters.")
	}
	m := &model.StaffMessage{ChannelID: ch.ID, AuthorID: &v.Actor.UserID, AuthorName: v.Actor.Name, Body: body}
	var seq int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.CreateStaffMessage(ctx, tx, m); err != nil {
			return err
		}
		var err error
		seq, err = store.AddEvent(ctx, tx, ch.ID, model.EventStaffMessage, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.publish(ctx, ch.ID, seq)
	return m, nil
}
