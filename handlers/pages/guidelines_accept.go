package pages

import (
	"backchannel/handlers/web"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// GuidelinesAccept records that the viewer accepted the channel's guidelines
// and returns them to the channel's compose box.
func (h *Pages) GuidelinesAccept(c *fiber.Ctx) error {
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.FormValue("guideline_id"), 10, 64)
	if err := h.Chat.AcceptGuideline(c.UserContext(), cc.Channel, cc.Viewer, id); err != nil {
		return err
	}
	// At the compose box: the page puts the focus there (static/js/feed.js),
	// where the viewer was about to write.
	return web.SeeOther(c, "/c/"+cc.Channel.Slug+"#compose-body")
}
