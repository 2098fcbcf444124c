package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/attachments"
	"backchannel/handlers/web"
)

// File serves an attachment's original to whoever may see it (404 to
// everyone else).
func (h *Pages) File(c *fiber.Ctx) error {
	return h.serveFile(c, attachments.Original)
}

// FileThumb serves an image attachment's thumbnail.
func (h *Pages) FileThumb(c *fiber.Ctx) error {
	return h.serveFile(c, attachments.Thumb)
}

func (h *Pages) serveFile(c *fiber.Ctx, variant string) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	a, err := h.Attachments.Get(c.UserContext(), web.ViewerOf(c).User, id)
	if err != nil {
		return err
	}
	return web.ServeAttachment(c, h.Attachments, a, variant)
}
