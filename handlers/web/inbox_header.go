package web

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/views"
)

// inboxHeader fills in the header's inbox badge: the unread count (requests
// never count) and where the page's inbox stream starts, so that nothing
// between this render and the stream's start is missed. A failure leaves the
// badge without its stream rather than failing the page (an error page
// during an outage still renders).
func (h *Base) inboxHeader(c *fiber.Ctx, p *views.Page) {
	if h.InboxFeed == nil || p.User == nil {
		return
	}
	if v := ViewerOf(c); v.User == nil || (v.User.MustResetPassword && !v.ViaToken) {
		return // nothing but choosing a new password until it is done
	}
	ctx := c.UserContext()
	since, err := h.InboxFeed.Head(ctx)
	if err != nil {
		h.Log.Warn("inbox header", "err", err)
		return
	}
	p.InboxSince, p.InboxLive = since, true
	if h.Inbox == nil {
		return
	}
	n, err := h.Inbox.UnreadTotal(ctx, p.User.ID)
	if err != nil {
		h.Log.Warn("inbox header: unread", "err", err)
		return
	}
	p.InboxUnread = n
}
