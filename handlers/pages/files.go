package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/attachments"
	"backchannel/handlers/web"
	"backchannel/model"
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
	var a *model.Attachment
	if v := web.ViewerOf(c); v.User == nil && !v.ViaToken {
		// A guest: by the guest cookie of the file's channel.
		a, err = h.Attachments.GetForGuest(c.UserContext(), func(channelID int64) string {
			return c.Cookies(web.GuestFilesCookie(channelID))
		}, id)
	} else {
		a, err = h.Attachments.Get(c.UserContext(), v.User, id)
	}
	if err != nil {
		return err
	}
	return web.ServeAttachment(c, h.Attachments, a, variant)
}
