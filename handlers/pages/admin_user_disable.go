package pages

import (
	"backchannel/handlers/web"

	"github.com/gofiber/fiber/v2"
)

// AdminUserDisable disables an account and ends its sessions at once.
func (h *Pages) AdminUserDisable(c *fiber.Ctx) error {
	return h.setUserDisabled(c, true, "The account is disabled and signed out.")
}

// AdminUserEnable enables a disabled account.
func (h *Pages) AdminUserEnable(c *fiber.Ctx) error {
	return h.setUserDisabled(c, false, "The account is enabled.")
}

func (h *Pages) setUserDisabled(c *fiber.Ctx, disabled bool, okMsg string) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	err = h.Accounts.SetDisabled(c.UserContext(), web.ViewerOf(c).User.ID, id, disabled)
	return h.adminUserResult(c, id, err, okMsg)
}
