package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
	"backchannel/handlers/web"
	"backchannel/views"
)

func (h *Pages) SignupForm(c *fiber.Ctx) error {
	if web.ViewerOf(c).User != nil {
		return c.Redirect("/channels", fiber.StatusSeeOther)
	}
	return h.renderSignup(c, fiber.StatusOK, web.FormOf(c, "display_name", "handle", "email", "password"), c.Query("invite"))
}

func (h *Pages) renderSignup(c *fiber.Ctx, status int, f views.Form, invite string) error {
	mode, err := h.Accounts.SignupMode(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, status, views.SignupPage(h.Page(c, "Sign up", "/signup"), f, invite, string(mode)))
}

func (h *Pages) SignupSubmit(c *fiber.Ctx) error {
	f := web.FormOf(c, "display_name", "handle", "email", "password", "invite")
	invite := f.Value("invite")
	in := accounts.Input{Email: f.Value("email"), DisplayName: f.Value("display_name"), Password: f.Value("password"), Handle: f.Value("handle")}
	u, err := h.Accounts.Register(c.UserContext(), in, invite)
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderSignup(c, status, f, invite)
	}
	if err := h.startSession(c, u.ID); err != nil {
		return err
	}
	h.Flash(c, "success", "Welcome to Backchannel, "+u.DisplayName+".")
	return web.SeeOther(c, "/channels")
}
