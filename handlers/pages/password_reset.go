package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/views"
)

// PasswordResetForm shows the form of a one-time reset link an admin handed
// out; a used or expired link is a clear 404 page.
func (h *Pages) PasswordResetForm(c *fiber.Ctx) error {
	u, err := h.Accounts.PasswordResetUser(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return h.renderPasswordReset(c, fiber.StatusOK, web.FormOf(c), u.Email)
}

func (h *Pages) renderPasswordReset(c *fiber.Ctx, status int, f views.Form, email string) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "no-referrer")
	return web.Render(c, status, views.PasswordResetPage(h.Page(c, "Choose a new password", ""), f, "/reset/"+c.Params("token"), email))
}

// PasswordResetSubmit sets the new password, which uses up the link, and
// signs the person in.
func (h *Pages) PasswordResetSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	token := c.Params("token")
	u, err := h.Accounts.PasswordResetUser(ctx, token)
	if err != nil {
		return err
	}
	f := web.FormOf(c, "password")
	if _, err := h.Accounts.CompletePasswordReset(ctx, token, f.Value("password")); err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		f.Values["password"] = ""
		return h.renderPasswordReset(c, status, f, u.Email)
	}
	if err := h.startSession(c, u.ID); err != nil {
		return err
	}
	h.Flash(c, "success", "Your new password is set.")
	return web.SeeOther(c, "/")
}
