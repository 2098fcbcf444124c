package pages

import "github.com/gofiber/fiber/v2"

// Home sends people to the channel list (and so to sign-in when needed).
func (h *Pages) Home(c *fiber.Ctx) error {
	return c.Redirect("/channels", fiber.StatusSeeOther)
}
