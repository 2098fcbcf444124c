package handlers

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
)

// apiSiteGuidelines returns the current site-wide guideline.
func (h *Handlers) apiSiteGuidelines(c *fiber.Ctx) error {
	g, err := h.Chat.SiteGuideline(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"guideline": apiGuideline(g)})
}

// apiSiteGuidelinesSave stores {"title","body","material"} as a new version
// of the site guideline.
func (h *Handlers) apiSiteGuidelinesSave(c *fiber.Ctx) error {
	var in chat.GuidelineInput
	if err := decodeJSON(c, &in, false); err != nil {
		return err
	}
	g, err := h.Chat.SaveSiteGuideline(c.UserContext(), viewerOf(c).User.ID, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"guideline": apiGuideline(g)})
}

// apiChannelGuidelinesSave stores a new version of a channel's own guideline
// (an empty body goes back to the site's).
func (h *Handlers) apiChannelGuidelinesSave(c *fiber.Ctx) error {
	var in chat.GuidelineInput
	if err := decodeJSON(c, &in, false); err != nil {
		return err
	}
	cc, err := h.channelContext(c)
	if err != nil {
		return err
	}
	g, err := h.Chat.SaveChannelGuideline(c.UserContext(), viewerOf(c).User.ID, cc.Channel, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"guideline": apiGuideline(g)})
}
