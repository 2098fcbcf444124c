package handlers

import "github.com/gofiber/fiber/v2"

// adminUserDisable disables an account and ends its sessions at once.
func (h *Handlers) adminUserDisable(c *fiber.Ctx) error {
	return h.setUserDisabled(c, true, "The account is disabled and signed out.")
}

// adminUserEnable enables a disabled account.
func (h *Handlers) adminUserEnable(c *fiber.Ctx) error {
	return h.setUserDisabled(c, false, "The account is enabled.")
}

func (h *Handlers) setUserDisabled(c *fiber.Ctx, disabled bool, okMsg string) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	err = h.Accounts.SetDisabled(c.UserContext(), viewerOf(c).User.ID, id, disabled)
	return h.adminUserResult(c, id, err, okMsg)
}
