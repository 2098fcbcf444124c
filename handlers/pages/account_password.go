package pages

import (
	"backchannel/handlers/web"

	"github.com/gofiber/fiber/v2"
)

// AccountPassword changes the password and signs out every other session.
func (h *Pages) AccountPassword(c *fiber.Ctx) error {
	v := web.ViewerOf(c)
	f := web.FormOf(c, "current_password", "new_password")
	var keep int64
	if v.Session != nil {
		keep = v.Session.ID
	}
	if err := h.Accounts.ChangePassword(c.UserContext(), v.User.ID, keep, f.Value("current_password"), f.Value("new_password")); err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderAccount(c, status, f, "")
	}
	h.Flash(c, "success", "Your password is changed. Other sessions were signed out.")
	return web.SeeOther(c, "/account")
}
