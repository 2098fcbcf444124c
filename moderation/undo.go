package moderation

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

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
		case e.Action == "report.dismiss":
			var d dismissed
			if err := json.Unmarshal([]byte(e.Before), &d); err != nil {
				return fmt.Errorf("chat: undo: %w", err)
			}
			if err := store.ReopenReports(ctx, tx, d.Reports); err != nil {
				return err
			}
			id := mustInt(e.TargetID)
			var err error
			if last, err = store.AddEvent(ctx, tx, ch.ID, model.EventMessageUpdated, &id); err != nil {
				return err
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
		_, err := store.Audit(ctx, tx, store.AuditRecord{ActorID: v.Actor.UserID, Action: e.Action + ".undo", TargetType: e.TargetType, TargetID: mustInt(e.TargetID), ChannelID: ch.ID, Before: e.After, After: e.Before, Reason: "undo"})
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

// subjectType is the audit target type of a person: "user" or "guest" (their
// numbers are apart, so the type tells them apart).
func subjectType(key string) string {
	if a, _ := parseSubject(key); a.GuestID != 0 {
		return "guest"
	}
	return "user"
}

func subjectID(key string) int64 {
	a, _ := parseSubject(key)
	return a.UserID + a.GuestID
}
