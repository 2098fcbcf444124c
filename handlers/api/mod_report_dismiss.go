package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
)

// DismissReports keeps a reported message as it is: its open reports are
// resolved with the reason given (required). 200 with the message as staff
// see it and the audit entry's id, which undo takes within 10 seconds.
func (h *API) DismissReports(c *fiber.Ctx) error {
	var body modBody
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	cc, id, err := h.ViewableMessage(c)
	if err != nil {
		return err
	}
	d, err := h.Moderation.DismissReports(c.UserContext(), cc.Channel, cc.Viewer, id, body.input())
	if err != nil {
		return err
	}
	return h.moderated(c, cc, id, d.AuditID)
}
