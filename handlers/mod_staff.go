package handlers

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/views"
)

// modStaffChat posts to a channel's moderator side chat. The message
// reaches every wall (the sender's too) through the wall's stream, never the
// channel page; with htmx the answer is an empty form.
func (h *Handlers) modStaffChat(c *fiber.Ctx) error {
	cc, err := h.channelContext(c)
	if err != nil {
		return err
	}
	ch := cc.Channel
	body := c.FormValue("body")
	_, err = h.Moderation.StaffPost(c.UserContext(), ch, cc.Viewer, body)
	back := "/mod#" + views.StaffListID(ch.ID)
	f := views.StaffForm{ChannelID: ch.ID, Slug: ch.Slug, Title: ch.Title}
	status := fiber.StatusOK
	if err != nil {
		status = statusOf(err)
		if status >= 500 || status == fiber.StatusUnauthorized {
			return err
		}
		_, f.Error = publicMessage(err, status)
		f.Body = body
	}
	if !isHTMX(c) {
		if f.Error != "" {
			h.flash(c, "error", f.Error)
		}
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	return render(c, status, views.StaffChatForm(csrfOf(c), f))
}
