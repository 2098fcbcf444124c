package moderation

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

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
	subject, err := parseSubject(in.Subject)
	if err != nil {
		return nil, err
	}
	if in.Subject == v.Actor.Key() {
		return nil, model.Invalid("subject", "You cannot sanction yourself.")
	}
	if err := s.sanctionable(ctx, ch, subject, in.SiteWide); err != nil {
		return nil, err
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
			live, err := s.chat.LiveSession(ctx, ch)
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
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.CreateSanction(ctx, tx, sn); err != nil {
			return err
		}
		var err error
		auditID, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: v.Actor.UserID, Action: "user." + string(in.Kind), TargetType: subjectType(in.Subject), TargetID: subjectID(in.Subject), ChannelID: ch.ID, After: sn, Reason: in.ModInput.Reason, Guideline: in.ModInput.Guideline})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Done{AuditID: auditID, Sanction: sn}, nil
}

// Purge hides every visible, held or shadowed message of a person in ch and
// removes their files (bytes deleted after commit; undo does not restore them).
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
	var purged []model.Attachment // files whose bytes go once the purge commits
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
		after, err := purgeFiles(ctx, tx, before, v.Actor.UserID, &purged)
		auditID, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: v.Actor.UserID, Action: "user.purge", TargetType: subjectType(subject), TargetID: subjectID(subject), ChannelID: ch.ID, Before: before, After: after, Reason: in.Reason, Guideline: in.Guideline})
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	s.deleteBytes(ctx, purged)
	if last > 0 {
		s.publish(ctx, ch.ID, last)
	}
	return &Done{AuditID: auditID}, len(before), nil
}

// sanctionable refuses a sanction on someone who moderates or hosts where
// it would apply (the channel, or the whole site when siteWide): staff are
// exempt from sanctions there, so it would be stored and do nothing. Their
// role is changed first, by whoever may.
func (s *Service) sanctionable(ctx context.Context, ch *model.Channel, subject model.Actor, siteWide bool) error {
	if subject.UserID == 0 {
		return nil // guests hold no roles
	}
	domain := ch.Slug
	if siteWide {
		domain = model.SiteWide
	}
	for _, p := range []policies.Permission{policies.MessageModerate, policies.ChannelManage} {
		ok, err := s.authz.Can(ctx, subject.UserID, domain, p)
		if err != nil {
			return err
		}
		if ok {
			return model.Refuse(model.ErrConflict, "subject_is_staff",
				"This person moderates or hosts here, so a sanction would have no effect. Change their role first.")
		}
	}
	return nil
}
