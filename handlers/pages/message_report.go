package pages

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/views"
)

// MessageReport reports someone else's message to the moderators (guests
// may too). With htmx the answer is the message with a thank-you note, or
// the report form with what went wrong; without, a redirect back to it.
func (h *Pages) MessageReport(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cc, id, err := h.ViewableMessage(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	fileID, _ := strconv.ParseInt(c.FormValue("attachment_id"), 10, 64) // absent or bad: 0, the message
	_, err = h.Moderation.ReportFile(ctx, cc.Channel, cc.Viewer, id, reason, fileID)
	status, msg := fiber.StatusOK, ""
	if err != nil {
		status = web.StatusOf(err)
		if status >= 500 || status == fiber.StatusUnauthorized || status == fiber.StatusNotFound {
			return err
		}
		_, msg = web.PublicMessage(err, status)
	}
	if !web.IsHTMX(c) {
		if msg != "" {
			h.Flash(c, "error", msg)
		} else {
			h.Flash(c, "success", "Thank you. The moderators will take a look.")
		}
		return c.Redirect("/c/"+cc.Channel.Slug+"#m-"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
	}
	it, err := h.Chat.MessageItem(ctx, cc.Channel, cc.Viewer, id)
	if err != nil {
		return err
	}
	vm := messageView(cc.Channel.Slug, cc.Viewer, *it)
	if msg != "" {
		vm.ReportError, vm.ReportReason = msg, reason
	} else {
		vm.ReportNote = "Reported. Thank you: the moderators will take a look."
		vm.CanReport = false
	}
	return web.Render(c, status, views.MessageView(vm))
}
