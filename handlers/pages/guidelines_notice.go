package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/views"
)

// GuidelinesNotice is the viewer's own notice about the channel's
// guidelines, which the page asks for when the stream says they changed:
// what changed since the viewer accepted them, with an Accept button, or
// nothing when there is nothing to accept.
func (h *Pages) GuidelinesNotice(c *fiber.Ctx) error {
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	change, err := h.Chat.GuidelineChangeFor(c.UserContext(), cc.Channel, cc.Viewer)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	g := guidelineChangeView(change)
	if g == nil {
		return c.Status(fiber.StatusOK).SendString("")
	}
	return web.Render(c, fiber.StatusOK, views.GuidelineChangeBanner(web.CSRFOf(c), cc.Channel.Slug, *g))
}
