package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
)

// AccountTokenCreate makes a personal access token and shows it once.
func (h *Pages) AccountTokenCreate(c *fiber.Ctx) error {
	v := web.ViewerOf(c)
	secret, _, err := h.Accounts.CreateAPIToken(c.UserContext(), v.User.ID, c.FormValue("name"))
	if err != nil {
		return err
	}
	return h.renderAccount(c, fiber.StatusCreated, web.FormOf(c), secret)
}

// AccountTokenRevoke revokes one of the person's tokens.
func (h *Pages) AccountTokenRevoke(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.Accounts.RevokeAPIToken(c.UserContext(), web.ViewerOf(c).User.ID, id); err != nil {
		return err
	}
	h.Flash(c, "success", "The token is revoked.")
	return web.SeeOther(c, "/account")
}
