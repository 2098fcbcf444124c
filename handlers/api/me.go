package api

import (
	"backchannel/handlers/web"

	"github.com/gofiber/fiber/v2"
)

// Me returns the authenticated user and their site-wide roles.
func (h *API) Me(c *fiber.Ctx) error {
	v := web.ViewerOf(c)
	roles, err := h.Accounts.SiteRoles(c.UserContext(), v.User.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": v.User, "roles": roles})
}
