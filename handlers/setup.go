package handlers

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
	"backchannel/model"
	"backchannel/views"
)

// setupForm is the first-run page that creates the first admin; it needs the
// one-time token the server printed at start.
func (h *Handlers) setupForm(c *fiber.Ctx) error {
	token := c.Query("token")
	ok, err := h.Accounts.CheckSetupToken(c.UserContext(), token)
	if err != nil {
		return err
	}
	if !ok {
		return model.ErrNotFound
	}
	return render(c, fiber.StatusOK, views.SetupPage(h.page(c, "Set up", "/setup"), formOf(c, "display_name", "email", "password"), token))
}

func (h *Handlers) setupSubmit(c *fiber.Ctx) error {
	f := formOf(c, "display_name", "email", "password", "token")
	token := f.Value("token")
	in := accounts.Input{Email: f.Value("email"), DisplayName: f.Value("display_name"), Password: f.Value("password")}
	u, err := h.Accounts.CompleteSetup(c.UserContext(), token, in)
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return render(c, status, views.SetupPage(h.page(c, "Set up", "/setup"), f, token))
	}
	if err := h.startSession(c, u.ID); err != nil {
		return err
	}
	h.flash(c, "success", "Your admin account is ready.")
	return seeOther(c, "/admin/users")
}
