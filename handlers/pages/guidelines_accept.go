package pages

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/views"
)

// GuidelinesAccept records that the viewer accepted the channel's guidelines
// and returns them to the channel's compose box.
func (h *Pages) GuidelinesAccept(c *fiber.Ctx) error {
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.FormValue("guideline_id"), 10, 64)
	err = h.Chat.AcceptGuideline(c.UserContext(), cc.Channel, cc.Viewer, id)
	if web.IsHTMX(c) && c.FormValue("from") == "banner" {
		return h.acceptedFromBanner(c, cc, err)
	}
	if err != nil {
		return err
	}
	// At the compose box: the page puts the focus there (static/js/feed.js),
	// where the viewer was about to write.
	return web.SeeOther(c, "/c/"+cc.Channel.Slug+"#compose-body")
}

// acceptedFromBanner answers the Accept button of the guideline-change
// banner: a thank-you in its place (and the page's compose box posts what
// was refused meanwhile, static/js/compose.js), or, when the guidelines
// changed again while they read, the banner of the newer version.
func (h *Pages) acceptedFromBanner(c *fiber.Ctx, cc *web.ChannelCtx, err error) error {
	if err == nil {
		c.Set("HX-Trigger", `{"guidelinesaccepted": {"target": "body"}}`)
		return web.Render(c, fiber.StatusOK, views.GuidelinesAccepted())
	}
	if !refusedFor(err, "guidelines_changed") {
		return err
	}
	change, cerr := h.Chat.GuidelineChangeFor(c.UserContext(), cc.Channel, cc.Viewer)
	if cerr != nil || change == nil {
		return err
	}
	g := guidelineChangeView(change)
	_, g.Error = web.PublicMessage(err, fiber.StatusConflict)
	return web.Render(c, fiber.StatusConflict, views.GuidelineChangeBanner(web.CSRFOf(c), cc.Channel.Slug, *g))
}
