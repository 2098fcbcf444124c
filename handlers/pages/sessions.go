package pages

import (
	"backchannel/handlers/web"

	"github.com/gofiber/fiber/v2"
)

// SessionStart starts a session (a class meeting or talk) in the channel.
func (h *Pages) SessionStart(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	if _, err := h.Chat.StartSession(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel, c.FormValue("title")); err != nil {
		return err
	}
	h.Flash(c, "success", "The session is live.")
	return web.SeeOther(c, "/c/"+cc.Channel.Slug)
}

// SessionEnd ends the live session.
func (h *Pages) SessionEnd(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	if _, err := h.Chat.EndSession(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel); err != nil {
		return err
	}
	h.Flash(c, "info", "The session has ended.")
	return web.SeeOther(c, "/c/"+cc.Channel.Slug)
}
