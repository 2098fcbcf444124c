package chat

import (
	"context"
	"errors"

	"github.com/uptrace/bun"

	"backchannel/attachments"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// CanSeeMessage reports whether the signed-in user u may see the channel
// message id, by the rules of the channel page and the API's single-message
// read: they may view the channel (not banned, a member where membership is
// needed) and the message is visible, or held/hidden but theirs, or they
// are staff. A message whose body retention removed is seen by no one.
// It is what decides who may fetch a message's attachments.
func (s *Service) CanSeeMessage(ctx context.Context, u *model.User, id int64) (bool, error) {
	if u == nil {
		return false, nil
	}
	return s.canSeeMessage(ctx, id, func(ch *model.Channel) (Viewer, bool, error) {
		if ok, err := s.authz.Can(ctx, u.ID, ch.Slug, policies.ChannelView); err != nil || !ok {
			return Viewer{}, false, err
		}
		v, err := s.ViewerFor(ctx, ch, u, nil)
		return v, err == nil, err
	})
}

// CanGuestSeeMessage is CanSeeMessage for a guest without an account:
// tokenFor gives the guest secret the request holds for a channel (its
// guest cookie; "" when none), so a guest sees the files of the channel
// they joined, by the same rules, and of no other.
func (s *Service) CanGuestSeeMessage(ctx context.Context, tokenFor func(channelID int64) string, id int64) (bool, error) {
	return s.canSeeMessage(ctx, id, func(ch *model.Channel) (Viewer, bool, error) {
		token := tokenFor(ch.ID)
		if token == "" {
			return Viewer{}, false, nil
		}
		g, err := s.GuestByToken(ctx, ch, token)
		if err != nil {
			return Viewer{}, false, ignoreNotFound(err)
		}
		if ok, err := s.authz.CanGuest(ctx, ch.Slug, policies.ChannelView); err != nil || !ok {
			return Viewer{}, false, err
		}
		v, err := s.ViewerFor(ctx, ch, nil, g)
		return v, err == nil && !v.Actor.IsZero(), err
	})
}

// canSeeMessage loads message id and its channel, asks viewerOf who looks
// (false: no one the channel knows), and applies the channel's rules.
func (s *Service) canSeeMessage(ctx context.Context, id int64, viewerOf func(*model.Channel) (Viewer, bool, error)) (bool, error) {
	m, err := store.MessageByID(ctx, s.db, id)
	if err != nil {
		return false, ignoreNotFound(err)
	}
	if m.BodyRemovedAt != nil {
		return false, nil
	}
	ch, err := store.ChannelByID(ctx, s.db, m.ChannelID)
	if err != nil {
		return false, ignoreNotFound(err)
	}
	v, ok, err := viewerOf(ch)
	if err != nil || !ok {
		return false, err
	}
	v = v.ForRequest()
	if ok, err := s.CanView(ctx, ch, v); err != nil || !ok {
		return false, err
	}
	return visibleTo(m, v), nil
}

func ignoreNotFound(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	return err
}

// MaxAttachments is the most files one message carries.
const MaxAttachments = attachments.MaxPerMessage

// checkAttachments checks, before a post is queued, that ids are at most
// MaxAttachments distinct uploads of v's account, not attached or removed
// (attachments.CheckOwn). The post's transaction links them, and refuses if
// that changed since.
func (s *Service) checkAttachments(ctx context.Context, v Viewer, ids []int64) error {
	return attachments.CheckOwn(ctx, s.db, v.Actor.UserID, ids)
}

// attach links a stored post's attachments in its transaction.
func attach(ctx context.Context, tx bun.IDB, p *pendingPost) error {
	return attachments.LinkError(store.AttachToMessage(ctx, tx, p.v.Actor.UserID, p.m.ID, p.attachments))
}
