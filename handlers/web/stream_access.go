package web

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/live"
	"backchannel/model"
	"backchannel/policies"
)

// StreamIdentity is who opened an event stream and the credential they
// opened it with, copied out of the request, so that the open stream can
// ask again, when access changes, whether that credential still holds: a
// session ended or an API token revoked ends the streams it opened, as does
// an account disabled.
type StreamIdentity struct {
	accounts *accounts.Service
	userID   int64  // 0: nobody signed in
	bearer   string // the API token, when the request carried one
	session  string // the session cookie, otherwise
}

// IdentityOf copies who c is and their credential (copies: fiber's
// strings point into buffers reused once the handler returns).
func (h *Base) IdentityOf(c *fiber.Ctx) StreamIdentity {
	id := StreamIdentity{accounts: h.Accounts}
	v := ViewerOf(c)
	if v.User == nil {
		return id
	}
	id.userID = v.User.ID
	if v.ViaToken {
		_, token, _ := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
		id.bearer = strings.Clone(strings.TrimSpace(token))
	} else {
		id.session = strings.Clone(c.Cookies(SessionCookie))
	}
	return id
}

// UserID is the signed-in person's id (0 for nobody).
func (s StreamIdentity) UserID() int64 { return s.userID }

// User returns the signed-in user now: nil with no error for a stream
// nobody signed in to, model.ErrUnauthorized when the credential no longer
// holds or the account must choose a new password first.
func (s StreamIdentity) User(ctx context.Context) (*model.User, error) {
	var (
		u   *model.User
		err error
	)
	switch {
	case s.userID == 0:
		return nil, nil
	case s.bearer != "":
		u, err = s.accounts.APITokenUser(ctx, s.bearer)
	default:
		_, u, err = s.accounts.SignInUser(ctx, s.session)
		if err == nil && u.MustResetPassword {
			err = model.ErrUnauthorized
		}
	}
	if err == nil && u.ID != s.userID {
		err = model.ErrUnauthorized
	}
	return u, err
}

// channelRecheck returns the re-check of a channel stream's viewer (see
// live.Stream.Recheck): the credential still holds, the route's permission
// (ChannelView) and the channel's door (bans, membership) still let the
// viewer in, and they are still the same audience (staff, host, poster).
// Otherwise the stream ends, and the client, reconnecting, is refused or
// gets the stream of who it now is. On success it hands the fresh viewer to
// set, so the stream reads sanctions and membership afresh.
func (h *Base) channelRecheck(c *fiber.Ctx, cc *ChannelCtx, set func(chat.Viewer)) func(ctx context.Context) (bool, error) {
	id := h.IdentityOf(c)
	ch, was := cc.Channel, cc.Viewer
	guestToken := ""
	if was.Actor.GuestID != 0 {
		guestToken = strings.Clone(c.Cookies(GuestCookie(ch.ID)))
	}
	svc, authz := h.Chat, h.Authz
	return func(ctx context.Context) (bool, error) {
		u, err := id.User(ctx)
		if errors.Is(err, model.ErrUnauthorized) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		var guest *model.Guest
		var allowed bool
		switch {
		case u != nil:
			allowed, err = authz.Can(ctx, u.ID, ch.Slug, policies.ChannelView)
		case was.Actor.GuestID != 0:
			guest, err = svc.GuestByToken(ctx, ch, guestToken)
			if errors.Is(err, model.ErrNotFound) {
				return false, nil
			}
			if err == nil {
				allowed, err = authz.CanGuest(ctx, ch.Slug, policies.ChannelView)
			}
		default:
			allowed = true // a visitor of a public channel: nothing of theirs to lose
		}
		if err != nil || !allowed {
			return false, err
		}
		now, err := svc.ViewerFor(ctx, ch, u, guest)
		if err != nil {
			return false, err
		}
		if now.Staff != was.Staff || now.Host != was.Host || now.Poster != was.Poster || now.Actor.UserID != was.Actor.UserID || now.Actor.GuestID != was.Actor.GuestID {
			return false, nil
		}
		now = now.ForRequest()
		ok, err := svc.CanView(ctx, ch, now)
		if err != nil || !ok {
			return false, err
		}
		set(now)
		return true, nil
	}
}

// ModRecheck returns the re-check of the moderators' wall stream: the
// credential still holds and the person still moderates every channel the
// stream carries (one in-memory policy check per channel).
func (h *Base) ModRecheck(c *fiber.Ctx, slugs []string) func(ctx context.Context) (bool, error) {
	id := h.IdentityOf(c)
	authz := h.Authz
	return func(ctx context.Context) (bool, error) {
		u, err := id.User(ctx)
		if errors.Is(err, model.ErrUnauthorized) || (err == nil && u == nil) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		for _, slug := range slugs {
			ok, err := authz.Can(ctx, u.ID, slug, policies.MessageModerate)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	}
}

// openStream counts a stream of c's person and address against the caps
// (live.StreamLimits): end ends the stream, when the person opens one too
// many (their oldest goes); over the address's cap it is a 429 with
// Retry-After.
func (h *Base) openStream(c *fiber.Ctx, guestID int64, end func()) (func(), error) {
	person := ""
	if v := ViewerOf(c); v.User != nil {
		person = "u" + strconv.FormatInt(v.User.ID, 10)
	} else if guestID != 0 {
		person = "g" + strconv.FormatInt(guestID, 10)
	}
	release, ok := h.streams.Open(person, h.streams.AddressKey(strings.Clone(c.IP())), end)
	if ok {
		return release, nil
	}
	return nil, &model.RateLimitError{Message: "Too many live connections from this address: close some tabs, or try again shortly.",
		RetryAfter: int(live.StreamRetryAfter.Seconds())}
}
