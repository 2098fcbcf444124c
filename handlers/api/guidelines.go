package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
)

// SiteGuidelines returns the current site-wide guideline.
func (h *API) SiteGuidelines(c *fiber.Ctx) error {
	g, err := h.Chat.SiteGuideline(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"guideline": web.APIGuideline(g)})
}

// SiteGuidelinesSave stores {"title","body","material"} as a new version
// of the site guideline.
func (h *API) SiteGuidelinesSave(c *fiber.Ctx) error {
	var in chat.GuidelineInput
	if err := web.DecodeJSON(c, &in, false); err != nil {
		return err
	}
	g, err := h.Chat.SaveSiteGuideline(c.UserContext(), web.ViewerOf(c).User.ID, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"guideline": web.APIGuideline(g)})
}

// ChannelGuidelinesSave stores a new version of a channel's own guideline
// (an empty body goes back to the site's).
func (h *API) ChannelGuidelinesSave(c *fiber.Ctx) error {
	var in chat.GuidelineInput
	if err := web.DecodeJSON(c, &in, false); err != nil {
		return err
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	g, err := h.Chat.SaveChannelGuideline(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"guideline": web.APIGuideline(g)})
}
