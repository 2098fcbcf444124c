package chat

import (
	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
	"context"
	"fmt"
)

// Viewer is who looks at or acts in a channel, with what they may do there.
type Viewer struct {
	Actor  model.Actor // zero for a visitor who has not joined
	Staff  bool        // moderates here: sees anonymous authors and every state
	Host   bool        // manages the channel and its sessions
	Poster bool        // may post (participant or guest, per policy)

	// known is what has been read of the viewer's standing in the channel
	// (sanctions, guideline accepted, membership) during one request: read
	// once, on first need, and shared by every copy of the viewer, so the
	// steps of a request never read it twice. Nil (ViewerFor, a Viewer
	// built by hand): every step reads it afresh.
	known *standing
}

// standing is what has been read of a viewer's place in one channel.
type standing struct {
	sanctions *sanctionsOf
	guideline *model.Guideline
	accepted  bool
	member    *bool
}

// ForRequest returns v remembering what is read of its standing (sanctions,
// guideline accepted, membership) from now on, for the life of one request:
// the HTTP layer works the viewer out once per request and hands this copy
// to every step. Keep it no longer than the request: a mute or a new
// guideline given meanwhile would go unseen.
func (v Viewer) ForRequest() Viewer {
	v.known = &standing{}
	return v
}

// ViewerFor works out what user (or guest) may do in ch. Either may be nil.
func (s *Service) ViewerFor(ctx context.Context, ch *model.Channel, user *model.User, guest *model.Guest) (Viewer, error) {
	var v Viewer
	switch {
	case user != nil:
		v.Actor = model.Actor{UserID: user.ID, Name: user.DisplayName, Handle: user.Handle}
		var err error
		if v.Staff, err = s.authz.Can(ctx, user.ID, ch.Slug, policies.MessageModerate); err != nil {
			return v, err
		}
		if v.Host, err = s.authz.Can(ctx, user.ID, ch.Slug, policies.ChannelManage); err != nil {
			return v, err
		}
		if v.Poster, err = s.authz.Can(ctx, user.ID, ch.Slug, policies.MessagePost); err != nil {
			return v, err
		}
	case guest != nil && guest.ChannelID == ch.ID && ch.AllowGuests:
		v.Actor = model.Actor{GuestID: guest.ID, Name: guest.DisplayName}
		var err error
		if v.Poster, err = s.authz.CanGuest(ctx, ch.Slug, policies.MessagePost); err != nil {
			return v, err
		}
	}
	return v, nil
}

// sanctionsOf is what moderators have decided about a person in a channel.
type sanctionsOf struct {
	banned   bool
	muted    string // why they cannot post now ("" when they can)
	shadowed bool
	ban      *model.Sanction // the ban in force, when banned
	mute     *model.Sanction // the mute in force, when muted
}

// sanctions reads the sanctions in force on v in ch (once per viewer). Staff and hosts have none.
func (s *Service) sanctions(ctx context.Context, ch *model.Channel, v Viewer) (sanctionsOf, error) {
	var st sanctionsOf
	if v.Staff || v.Host || v.Actor.IsZero() {
		return st, nil
	}
	if v.known != nil && v.known.sanctions != nil {
		return *v.known.sanctions, nil
	}
	ss, err := store.ActiveSanctions(ctx, s.db, v.Actor.Key(), ch.ID, s.now())
	if err != nil {
		return st, err
	}
	for _, sn := range ss {
		switch sn.Kind {
		case model.SanctionBan:
			st.banned = true
			if st.ban == nil {
				st.ban = &sn
			}
		case model.SanctionShadowMute:
			st.shadowed = true
		case model.SanctionMute:
			if st.mute == nil {
				st.mute = &sn
			}
			switch {
			case sn.ExpiresAt != nil:
				st.muted = fmt.Sprintf("A moderator muted you until %s UTC.", sn.ExpiresAt.UTC().Format("15:04"))
			default:
				st.muted = "A moderator muted you for the rest of this session."
			}
			if sn.Reason != "" {
				st.muted += " Reason: " + sn.Reason
			}
		}
	}
	if v.known != nil {
		v.known.sanctions = &st
	}
	return st, nil
}
