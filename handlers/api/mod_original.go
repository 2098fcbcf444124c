package api

import "github.com/gofiber/fiber/v2"

// MessageOriginal gives staff the text of a message as its author wrote
// it, before a filter masked words in it: original is null when nothing
// was masked. Participants never get it.
func (h *API) MessageOriginal(c *fiber.Ctx) error {
	cc, id, err := h.ViewableMessage(c)
	if err != nil {
		return err
	}
	m, err := h.Moderation.Original(c.UserContext(), cc.Channel, cc.Viewer, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"id": m.ID, "body": m.Body, "original": m.Original, "masked": m.Original != nil})
}
