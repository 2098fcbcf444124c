package pages

import (
	"backchannel/handlers/web"

	"github.com/gofiber/fiber/v2"
)

// AdminRetentionRun is POST /admin/retention/run: apply the saved retention
// now instead of waiting for the hourly job.
func (h *Pages) AdminRetentionRun(c *fiber.Ctx) error {
	run, err := h.Retention.RunOnce(c.UserContext())
	if err != nil {
		return err
	}
	if run.Total == 0 {
		h.Flash(c, "success", "Nothing to remove: no message is older than its channel's retention.")
	} else {
		h.Flash(c, "success", "Removed the bodies of "+plural(run.Total, "message", "messages")+"; the records that they existed stay.")
	}
	return web.SeeOther(c, "/admin/retention")
}
