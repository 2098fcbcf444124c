package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/moderation"
)

// channelFileRemoved answers a file removed from the channel page (the
// feed's "Remove a file…"): with htmx the message as the moderator now sees
// it (the stream re-renders it for everyone else), without JavaScript a
// redirect back to it. A refusal is the error fragment, or a flash on the
// channel page.
func (h *Pages) channelFileRemoved(c *fiber.Ctx, cc *web.ChannelCtx, done *moderation.Done, err error) error {
	if err != nil {
		if web.IsHTMX(c) || web.StatusOf(err) >= 500 {
			return err
		}
		_, msg := web.PublicMessage(err, web.StatusOf(err))
		h.Flash(c, "error", msg)
		return c.Redirect("/c/"+cc.Channel.Slug, fiber.StatusSeeOther)
	}
	if !web.IsHTMX(c) {
		h.Flash(c, "success", "File removed.")
	}
	return h.messageResult(c, cc, done.Message.ID, nil)
}
