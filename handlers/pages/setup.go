package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// SetupForm is the first-run page that creates the first admin; it needs the
// one-time token the server printed at start.
func (h *Pages) SetupForm(c *fiber.Ctx) error {
	token := c.Query("token")
	ok, err := h.Accounts.CheckSetupToken(c.UserContext(), token)
	if err != nil {
		return err
	}
	if !ok {
		return model.ErrNotFound
	}
	return web.Render(c, fiber.StatusOK, views.SetupPage(h.Page(c, "Set up", "/setup"), web.FormOf(c, "display_name", "email", "password"), token))
}

func (h *Pages) SetupSubmit(c *fiber.Ctx) error {
	f := web.FormOf(c, "display_name", "email", "password", "token")
	token := f.Value("token")
	in := accounts.Input{Email: f.Value("email"), DisplayName: f.Value("display_name"), Password: f.Value("password")}
	u, err := h.Accounts.CompleteSetup(c.UserContext(), token, in)
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return web.Render(c, status, views.SetupPage(h.Page(c, "Set up", "/setup"), f, token))
	}
	if err := h.startSession(c, u.ID); err != nil {
		return err
	}
	h.Flash(c, "success", "Your admin account is ready.")
	return web.SeeOther(c, "/admin/users")
}
