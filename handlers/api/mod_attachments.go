package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
)

// ModAttachmentRemove removes one file of a channel message and keeps its
// text: 200 with the message as staff see it now and the audit entry's id.
// It cannot be undone (the file's bytes are deleted).
func (h *API) ModAttachmentRemove(c *fiber.Ctx) error {
	var body modBody
	if err := web.DecodeJSON(c, &body, true); err != nil {
		return err
	}
	cc, id, err := h.ChannelMessage(c) // the channel, and :id (here the file's)
	if err != nil {
		return err
	}
	d, err := h.Moderation.RemoveAttachment(c.UserContext(), cc.Channel, cc.Viewer, id, body.input())
	if err != nil {
		return err
	}
	it, err := h.Chat.MessageItem(c.UserContext(), cc.Channel, cc.Viewer, d.Message.ID)
	if err != nil {
		return err
	}
	out := toAPIStaffMessage(it, cc.Channel.Slug) // with its files left
	return c.JSON(fiber.Map{"message": out, "audit_id": d.AuditID})
}

// modSettings is a moderator's own settings.
type modSettings struct {
	WallBlur *bool `json:"wall_blur"`
}

// ModSettings returns the signed-in person's moderator settings.
func (h *API) ModSettings(c *fiber.Ctx) error {
	blur, err := h.Moderation.WallBlur(c.UserContext(), web.ViewerOf(c).User.ID)
	if err != nil {
		return err
	}
	return c.JSON(modSettings{WallBlur: &blur})
}

// ModSettingsUpdate changes the signed-in person's moderator settings:
// {"wall_blur": false} shows images on their wall unblurred.
func (h *API) ModSettingsUpdate(c *fiber.Ctx) error {
	var body modSettings
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	if body.WallBlur == nil {
		return model.Invalid("wall_blur", "Send wall_blur: true or false.")
	}
	if err := h.Moderation.SetWallBlur(c.UserContext(), web.ViewerOf(c).User.ID, *body.WallBlur); err != nil {
		return err
	}
	return h.ModSettings(c)
}
