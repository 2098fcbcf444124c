package moderation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// What site moderators do about a reported direct message (or from a person
// card): warn the person, suspend their direct messages for a while, or ban
// them site-wide. Each is a site-wide sanction, audited as "user.<kind>"
// with no channel; the moderator may undo it for UndoWindow, and lift it
// later (LiftSiteSanction). Enforcing the sanctions when people send is the
// conversation use cases' part.

// DMSuspendPreset is how long a suspension of direct messages lasts.
type DMSuspendPreset string

// Suspension lengths offered to moderators.
const (
	Suspend1h  DMSuspendPreset = "1h"
	Suspend24h DMSuspendPreset = "24h"
	Suspend7d  DMSuspendPreset = "7d"
	Suspend30d DMSuspendPreset = "30d"
)

// DMSuspendPresets lists the suspension lengths, shortest first.
func DMSuspendPresets() []DMSuspendPreset {
	return []DMSuspendPreset{Suspend1h, Suspend24h, Suspend7d, Suspend30d}
}

// Duration is how long p lasts (0 for an unknown preset).
func (p DMSuspendPreset) Duration() time.Duration {
	switch p {
	case Suspend1h:
		return time.Hour
	case Suspend24h:
		return 24 * time.Hour
	case Suspend7d:
		return 7 * 24 * time.Hour
	case Suspend30d:
		return 30 * 24 * time.Hour
	}
	return 0
}

// DMWarningDays is how long a person sees a site-wide warning.
const DMWarningDays = 7

// DMSanctionInput says what to do to whom.
type DMSanctionInput struct {
	UserID   int64
	Kind     model.SanctionKind // warn, dm_suspend or ban
	Duration DMSuspendPreset    // dm_suspend
	ReportID int64              // the report acted on (0: none), resolved by the action
	ModInput
}

// DMSanction warns userID, suspends their direct messages or bans them
// site-wide, for site moderator modID.
func (s *Service) DMSanction(ctx context.Context, modID int64, in DMSanctionInput) (*Done, error) {
	if err := s.siteModerator(ctx, modID); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if in.UserID == modID {
		return nil, model.Invalid("user_id", "You cannot sanction yourself.")
	}
	if _, err := store.UserByID(ctx, s.db, in.UserID); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil, model.Invalid("user_id", "There is no such person.")
		}
		return nil, err
	}
	sn := &model.Sanction{Subject: model.Actor{UserID: in.UserID}.Key(), Kind: in.Kind, Reason: in.Reason, Guideline: in.Guideline, CreatedBy: &modID}
	switch in.Kind {
	case model.SanctionWarn, model.SanctionBan:
	case model.SanctionDMSuspend:
		d := in.Duration.Duration()
		if d == 0 {
			return nil, model.Invalid("duration", "Suspend direct messages for 1h, 24h, 7d or 30d.")
		}
		t := s.now().UTC().Add(d)
		sn.ExpiresAt = &t
	default:
		return nil, model.Invalid("kind", "Choose warn, dm_suspend or ban.")
	}
	if in.Kind != model.SanctionWarn {
		for _, p := range []policies.Permission{policies.MessageModerate, policies.ChannelManage} {
			ok, err := s.authz.Can(ctx, in.UserID, model.SiteWide, p)
			if err != nil {
				return nil, err
			}
			if ok {
				return nil, model.Refuse(model.ErrConflict, "subject_is_staff",
					"This person moderates or hosts site-wide, so a sanction would have no effect. Change their role first.")
			}
		}
	}
	if in.ReportID != 0 {
		if _, err := store.DMReportByID(ctx, s.db, in.ReportID); err != nil {
			return nil, err
		}
	}
	var auditID int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if in.ReportID != 0 {
			if err := store.ResolveDMReport(ctx, tx, in.ReportID, modID, string(in.Kind)); err != nil {
				if errors.Is(err, model.ErrConflict) {
					return model.Refuse(model.ErrConflict, "report_resolved", "This report was dealt with already.")
				}
				return err
			}
		}
		if err := store.CreateSanction(ctx, tx, sn); err != nil {
			return err
		}
		var err error
		auditID, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: modID, Action: "user." + string(in.Kind), TargetType: "user",
			TargetID: in.UserID, Before: dmActionBefore{Report: in.ReportID}, After: sn, Reason: in.Reason, Guideline: in.Guideline})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Done{AuditID: auditID, Sanction: sn}, nil
}

// UndoDM takes back site moderator modID's own site-wide action auditID
// (a DM sanction or a dismissed DM report) within UndoWindow: the sanction
// is lifted and the report it resolved is open again.
func (s *Service) UndoDM(ctx context.Context, modID, auditID int64) error {
	if err := s.siteModerator(ctx, modID); err != nil {
		return err
	}
	es, err := store.ListAudit(ctx, s.db, store.AuditFilter{ID: auditID, Limit: 1})
	if err != nil {
		return err
	}
	if len(es) == 0 || es[0].ActorID == nil || *es[0].ActorID != modID || es[0].ChannelID != nil {
		return model.ErrNotFound
	}
	e := es[0]
	if strings.HasSuffix(e.Action, ".undo") || e.UndoneAt != nil {
		return model.Refuse(model.ErrConflict, "already_undone", "That action was undone already.")
	}
	if s.now().Sub(e.CreatedAt) > UndoWindow {
		return model.Refuse(model.ErrConflict, "undo_expired", "Actions can be undone for 10 seconds. Lift the sanction instead.")
	}
	var before dmActionBefore
	switch e.Action {
	case "user.warn", "user.ban", "user." + string(model.SanctionDMSuspend), "dm_report.dismiss":
		if e.Before != "" {
			if err := json.Unmarshal([]byte(e.Before), &before); err != nil {
				return fmt.Errorf("moderation: undo: %w", err)
			}
		}
	default:
		return model.Refuse(model.ErrConflict, "cannot_undo", "That action cannot be undone here.")
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if strings.HasPrefix(e.Action, "user.") {
			var sn model.Sanction
			if err := json.Unmarshal([]byte(e.After), &sn); err != nil {
				return fmt.Errorf("moderation: undo: %w", err)
			}
			if err := store.RevokeSanction(ctx, tx, sn.ID, modID); err != nil && !errors.Is(err, model.ErrNotFound) {
				return err
			}
		}
		if before.Report != 0 {
			if err := store.ReopenDMReport(ctx, tx, before.Report); err != nil {
				return err
			}
		}
		if err := store.MarkAuditUndone(ctx, tx, e.ID); err != nil {
			return err
		}
		id, _ := strconv.ParseInt(e.TargetID, 10, 64)
		_, err := store.Audit(ctx, tx, store.AuditRecord{ActorID: modID, Action: e.Action + ".undo", TargetType: e.TargetType,
			TargetID: id, Before: e.After, After: e.Before, Reason: "undo"})
		return err
	})
}

// LiftSiteSanction lifts a site-wide sanction (a DM suspension, a site-wide
// ban or warning) before it ends, for site moderator modID; audited as
// "sanction.revoke" with no channel.
func (s *Service) LiftSiteSanction(ctx context.Context, modID, id int64, in ModInput) (*Done, error) {
	if err := s.siteModerator(ctx, modID); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	sn, err := store.SanctionByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if sn.ChannelID != nil {
		return nil, model.ErrNotFound
	}
	if sn.RevokedAt != nil {
		return nil, model.Refuse(model.ErrConflict, "already_revoked", "This sanction was lifted already.")
	}
	return s.revoke(ctx, modID, 0, sn, in)
}

// SiteSanctions lists userID's site-wide sanctions, newest first, for site
// moderator modID: those in force and the recent past.
func (s *Service) SiteSanctions(ctx context.Context, modID, userID int64) ([]model.Sanction, error) {
	if err := s.siteModerator(ctx, modID); err != nil {
		return nil, err
	}
	all, err := store.SanctionsOf(ctx, s.db, model.Actor{UserID: userID}.Key(), 50)
	if err != nil {
		return nil, err
	}
	var out []model.Sanction
	for _, sn := range all {
		if sn.ChannelID == nil {
			out = append(out, sn)
		}
	}
	return out, nil
}

// DMStanding is what a person is told about site-wide sanctions on their
// direct messages: warnings of the last DMWarningDays days and a
// suspension in force.
type DMStanding struct {
	Warnings  []model.Sanction
	Suspended *model.Sanction // the suspension or site-wide ban in force, nil when none
}

// DMStandingOf reads userID's own standing, for their inbox.
func (s *Service) DMStandingOf(ctx context.Context, userID int64) (*DMStanding, error) {
	st := &DMStanding{}
	if userID == 0 {
		return st, nil
	}
	key := model.Actor{UserID: userID}.Key()
	now := s.now()
	all, err := store.SanctionsOf(ctx, s.db, key, 50)
	if err != nil {
		return nil, err
	}
	for _, sn := range all {
		if sn.ChannelID == nil && sn.Kind == model.SanctionWarn && sn.RevokedAt == nil && now.Sub(sn.CreatedAt) < DMWarningDays*24*time.Hour {
			st.Warnings = append(st.Warnings, sn)
		}
	}
	active, err := store.ActiveSanctions(ctx, s.db, key, 0, now)
	if err != nil {
		return nil, err
	}
	for i := range active {
		if k := active[i].Kind; k == model.SanctionDMSuspend || k == model.SanctionBan || k == model.SanctionMute {
			st.Suspended = &active[i]
			break
		}
	}
	return st, nil
}
