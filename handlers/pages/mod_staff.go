package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/views"
)

// ModStaffChat posts to a channel's moderator side chat. The message
// reaches every wall (the sender's too) through the wall's stream, never the
// channel page; with htmx the answer is an empty form.
func (h *Pages) ModStaffChat(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
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
		status = web.StatusOf(err)
		if status >= 500 || status == fiber.StatusUnauthorized {
			return err
		}
		_, f.Error = web.PublicMessage(err, status)
		f.Body = body
	}
	if !web.IsHTMX(c) {
		if f.Error != "" {
			h.Flash(c, "error", f.Error)
		}
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	return web.Render(c, status, views.StaffChatForm(web.CSRFOf(c), f))
}
