package moderation

import (
	"context"
	"errors"
	"strings"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// Report lets a participant report a message to the moderators.
func (s *Service) Report(ctx context.Context, ch *model.Channel, v Viewer, id int64, reason string) (*model.Report, error) {
	return s.ReportFile(ctx, ch, v, id, reason, 0)
}

// ReportFile reports a message, pointing at one of its files when
// attachmentID is not 0 (it must be a file of that message: else a 422).
func (s *Service) ReportFile(ctx context.Context, ch *model.Channel, v Viewer, id int64, reason string, attachmentID int64) (*model.Report, error) {
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
	m, err := s.chat.Message(ctx, ch, v, id)
	if err != nil {
		return nil, err
	}
	r := &model.Report{ChannelID: ch.ID, MessageID: m.ID, Reporter: v.Actor.Key(), Reason: reason}
	if r.AttachmentID, err = s.reportedFile(ctx, m.ID, attachmentID); err != nil {
		return nil, err
	}
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
		if errors.Is(err, model.ErrConflict) {
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

// DismissReports keeps a reported message as it is: every open report of it
// is resolved with the moderator's reason (required), audited as
// report.dismiss. A message with no open report is refused.
func (s *Service) DismissReports(ctx context.Context, ch *model.Channel, v Viewer, id int64, in ModInput) (*Done, error) {
	if !v.Staff {
		return nil, model.ErrForbidden
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if in.Reason == "" {
		return nil, model.Invalid("reason", "Say why the message can stay, such as \"breaks no rule\".")
	}
	m, err := store.MessageByID(ctx, s.db, id)
	if err != nil || m.ChannelID != ch.ID {
		return nil, model.ErrNotFound
	}
	var auditID, seq int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		rs, err := store.ReportsOf(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		var open []int64
		for _, r := range rs {
			if r.ResolvedAt == nil {
				open = append(open, r.ID)
			}
		}
		if len(open) == 0 {
			return model.Refuse(model.ErrConflict, "no_open_reports", "This message has no open reports: they were dealt with already.")
		}
		if _, err := store.DismissReports(ctx, tx, m.ID, v.Actor.UserID, in.Reason); err != nil {
			return err
		}
		if seq, err = store.AddEvent(ctx, tx, ch.ID, model.EventMessageUpdated, &m.ID); err != nil {
			return err
		}
		auditID, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: v.Actor.UserID, Action: "report.dismiss", TargetType: "message",
			TargetID: m.ID, ChannelID: ch.ID, Before: dismissed{Reports: open}, After: dismissed{Reports: []int64{}},
			Reason: in.Reason, Guideline: in.Guideline})
		return err
	})
	if err != nil {
		return nil, err
	}
	s.publish(ctx, ch.ID, seq)
	return &Done{AuditID: auditID, Message: m}, nil
}

// dismissed is what report.dismiss records: the reports it resolved before,
// none open after; undo opens them again.
type dismissed struct {
	Reports []int64 `json:"open_reports"`
}
