package handlers

import "github.com/gofiber/fiber/v2"

// sessionStart starts a session (a class meeting or talk) in the channel.
func (h *Handlers) sessionStart(c *fiber.Ctx) error {
	cc, err := h.channelContext(c)
	if err != nil {
		return err
	}
	if _, err := h.Chat.StartSession(c.UserContext(), viewerOf(c).User.ID, cc.Channel, c.FormValue("title")); err != nil {
		return err
	}
	h.flash(c, "success", "The session is live.")
	return seeOther(c, "/c/"+cc.Channel.Slug)
}

// sessionEnd ends the live session.
func (h *Handlers) sessionEnd(c *fiber.Ctx) error {
	cc, err := h.channelContext(c)
	if err != nil {
		return err
	}
	if _, err := h.Chat.EndSession(c.UserContext(), viewerOf(c).User.ID, cc.Channel); err != nil {
		return err
	}
	h.flash(c, "info", "The session has ended.")
	return seeOther(c, "/c/"+cc.Channel.Slug)
}
