package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/moderation"
	"backchannel/views"
)

// ModReportDismiss keeps a reported message: its open reports are resolved
// with the moderator's reason. With htmx the answer is the message's row
// in the reports list (now resolved) and the audit id in HX-Trigger for
// undo; without JavaScript a redirect back to the wall.
func (h *Pages) ModReportDismiss(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cc, id, err := h.ChannelMessage(c)
	if err != nil {
		return err
	}
	done, err := h.Moderation.DismissReports(ctx, cc.Channel, cc.Viewer, id,
		moderation.ModInput{Reason: c.FormValue("reason"), Guideline: c.FormValue("guideline")})
	if err != nil {
		return h.modFailed(c, err, "/mod")
	}
	const label = "Report dismissed"
	if !web.IsHTMX(c) {
		h.Flash(c, "success", label+".")
		return c.Redirect(wallUndoURL(cc.Channel.Slug, done.AuditID)+"#"+views.WallItemID(views.ListReports, id), fiber.StatusSeeOther)
	}
	setModDone(c, cc.Channel.Slug, done.AuditID, label)
	row, err := h.wallRow(ctx, cc, views.ListReports, id)
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, views.WallItemView(web.CSRFOf(c), row))
}
