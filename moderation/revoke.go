package moderation

import (
	"context"
	"errors"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// RevokeSanction lifts sanction id before it ends on its own. A channel's
// sanctions are lifted by its staff, from that channel; site-wide ones by
// site-wide moderators only. The change is audited as "sanction.revoke"
// (before and after), which Undo does not take back: sanction again instead.
func (s *Service) RevokeSanction(ctx context.Context, ch *model.Channel, v Viewer, id int64, in ModInput) (*Done, error) {
	if !v.Staff {
		return nil, model.ErrForbidden
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	sn, err := store.SanctionByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if sn.ChannelID == nil {
		ok, err := s.authz.Can(ctx, v.Actor.UserID, model.SiteWide, policies.UserSanction)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, model.Refuse(model.ErrForbidden, "not_site_moderator", "Only site-wide moderators can lift a site-wide sanction.")
		}
	} else if *sn.ChannelID != ch.ID {
		return nil, model.ErrNotFound
	}
	if sn.RevokedAt != nil {
		return nil, model.Refuse(model.ErrConflict, "already_revoked", "This sanction was lifted already.")
	}
	return s.revoke(ctx, v.Actor.UserID, ch.ID, sn, in)
}

// revoke lifts sn for actorID, audited as "sanction.revoke" in channelID
// (0: site-wide) with the sanction before and after.
func (s *Service) revoke(ctx context.Context, actorID, channelID int64, sn *model.Sanction, in ModInput) (*Done, error) {
	before := *sn
	var auditID int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.RevokeSanction(ctx, tx, sn.ID, actorID); err != nil {
			if errors.Is(err, model.ErrNotFound) { // lifted meanwhile
				return model.Refuse(model.ErrConflict, "already_revoked", "This sanction was lifted already.")
			}
			return err
		}
		after, err := store.SanctionByID(ctx, tx, sn.ID)
		if err != nil {
			return err
		}
		sn = after
		auditID, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: actorID, Action: "sanction.revoke", TargetType: subjectType(sn.Subject), TargetID: subjectID(sn.Subject), ChannelID: channelID, Before: before, After: sn, Reason: in.Reason, Guideline: in.Guideline})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Done{AuditID: auditID, Sanction: sn}, nil
}
