package handlers

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/model"
)

// adminUserRole sets a user's site-wide role.
func (h *Pages) AdminUserRole(c *fiber.Ctx) error {
	id, err := UserIDParam(c)
	if err != nil {
		return err
	}
	role := model.Role(c.FormValue("role"))
	err = h.Accounts.SetSiteRole(c.UserContext(), ViewerOf(c).User.ID, id, role)
	return h.adminUserResult(c, id, err, "Role saved.")
}
