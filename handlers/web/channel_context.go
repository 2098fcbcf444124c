package web

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/model"
)

// ChannelCtx is the channel of a /c/:slug or /api/v1/channels/:slug request
// and who looks at it.
type ChannelCtx struct {
	Channel *model.Channel
	Viewer  chat.Viewer
}

type channelKey struct{}

// GuestCookie names the cookie that holds a guest's secret for one channel.
func GuestCookie(channelID int64) string { return "bc_guest_" + strconv.FormatInt(channelID, 10) }

// GuestFilesCookie names the copy of a guest's secret for one channel that
// the browser sends with requests for files (/files/…), so that the
// thumbnails on the channel's page load for guests too.
func GuestFilesCookie(channelID int64) string { return "bc_guestf_" + strconv.FormatInt(channelID, 10) }

// SetGuestCookies gives a guest's browser their secret for ch: for the
// channel's pages (/c/{slug}) and for the files of its messages (/files).
// It is sent nowhere else.
func (h *Base) SetGuestCookies(c *fiber.Ctx, ch *model.Channel, token string) {
	for name, path := range map[string]string{GuestCookie(ch.ID): "/c/" + ch.Slug, GuestFilesCookie(ch.ID): "/files"} {
		c.Cookie(&fiber.Cookie{Name: name, Value: token, Path: path,
			HTTPOnly: true, Secure: h.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode, MaxAge: 30 * 24 * 3600})
	}
}

// ChannelContext loads the channel named by :slug and works out the viewer
// (the signed-in user, or the guest of this channel); cached per request.
func (h *Base) ChannelContext(c *fiber.Ctx) (*ChannelCtx, error) {
	if cc, ok := c.Locals(channelKey{}).(*ChannelCtx); ok {
		return cc, nil
	}
	ctx := c.UserContext()
	ch, err := h.Chat.Channel(ctx, c.Params("slug"))
	if err != nil {
		return nil, err
	}
	v := ViewerOf(c)
	var guest *model.Guest
	if v.User == nil && !v.ViaToken {
		if token := c.Cookies(GuestCookie(ch.ID)); token != "" {
			guest, err = h.Chat.GuestByToken(ctx, ch, token)
			if err != nil && !errors.Is(err, model.ErrNotFound) {
				return nil, err
			}
		}
	}
	cv, err := h.Chat.ViewerFor(ctx, ch, v.User, guest)
	if err != nil {
		return nil, err
	}
	cc := &ChannelCtx{Channel: ch, Viewer: cv.ForRequest()}
	c.Locals(channelKey{}, cc)
	return cc, nil
}

// ViewableChannel is channelContext that also requires the viewer to be let
// in (a member, a guest, staff, or anyone for a public channel).
func (h *Base) ViewableChannel(c *fiber.Ctx) (*ChannelCtx, error) {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return nil, err
	}
	ok, err := h.Chat.CanView(c.UserContext(), cc.Channel, cc.Viewer)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.Refuse(model.ErrForbidden, "not_a_member", "Join this channel first.")
	}
	return cc, nil
}

// ChannelMessage is the channel of a message route and the message's :id.
func (h *Base) ChannelMessage(c *fiber.Ctx) (*ChannelCtx, int64, error) {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return nil, 0, err
	}
	id, err := IDParam(c, "id")
	return cc, id, err
}

// ViewableMessage is ChannelMessage for a viewer who must be let into the
// channel (see ViewableChannel).
func (h *Base) ViewableMessage(c *fiber.Ctx) (*ChannelCtx, int64, error) {
	id, err := IDParam(c, "id")
	if err != nil {
		return nil, 0, err
	}
	cc, err := h.ViewableChannel(c)
	return cc, id, err
}
