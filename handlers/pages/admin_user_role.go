package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
)

// AdminUserRole sets a user's site-wide role.
func (h *Pages) AdminUserRole(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	role := model.Role(c.FormValue("role"))
	err = h.Accounts.SetSiteRole(c.UserContext(), web.ViewerOf(c).User.ID, id, role)
	return h.adminUserResult(c, id, err, "Role saved.")
}
