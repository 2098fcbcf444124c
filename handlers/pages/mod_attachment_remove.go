package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/moderation"
	"backchannel/views"
)

// ModAttachmentRemove removes one file of a message and keeps its text:
// with htmx the answer is the message's wall card without the file (the
// stream re-renders the message everywhere else); without JavaScript it
// redirects back to the wall.
func (h *Pages) ModAttachmentRemove(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cc, id, err := h.ChannelMessage(c) // the channel, and :id (here the file's)
	if err != nil {
		return err
	}
	list := wallList(c.FormValue("list"))
	done, err := h.Moderation.RemoveAttachment(ctx, cc.Channel, cc.Viewer, id,
		moderation.ModInput{Reason: c.FormValue("reason"), Guideline: c.FormValue("guideline")})
	if c.Query("from") == "channel" {
		return h.channelFileRemoved(c, cc, done, err)
	}
	if err != nil {
		return h.modFailed(c, err, "/mod")
	}
	if !web.IsHTMX(c) {
		h.Flash(c, "success", "File removed.")
		return c.Redirect("/mod#"+views.WallItemID(list, done.Message.ID), fiber.StatusSeeOther)
	}
	setTrigger(c, "mod:done", map[string]any{"audit": done.AuditID, "slug": cc.Channel.Slug, "label": "File removed"})
	row, err := h.wallRow(ctx, cc, list, done.Message.ID)
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, views.WallItemView(web.CSRFOf(c), row))
}

// ModWallBlur saves the moderator's own "Blur images on the wall" setting
// (the checkbox sends "1" when on).
func (h *Pages) ModWallBlur(c *fiber.Ctx) error {
	blur := false
	for _, v := range c.Request().PostArgs().PeekMulti("wall_blur") {
		blur = blur || string(v) == "1"
	}
	if err := h.Moderation.SetWallBlur(c.UserContext(), web.ViewerOf(c).User.ID, blur); err != nil {
		return err
	}
	if !web.IsHTMX(c) {
		h.Flash(c, "success", "Saved.")
		return c.Redirect("/mod", fiber.StatusSeeOther)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
