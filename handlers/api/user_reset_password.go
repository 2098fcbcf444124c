package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
)

// UserResetPassword resets a person's password for them and answers the
// one-time link to hand over: {"user_id","reset_url","expires_at"}.
func (h *API) UserResetPassword(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	link, err := h.Accounts.ForcePasswordReset(c.UserContext(), web.ViewerOf(c).User.ID, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"user_id": id, "reset_url": h.ResetURL(link.Token), "expires_at": link.ExpiresAt})
}
