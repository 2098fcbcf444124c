package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

func (h *Pages) LoginForm(c *fiber.Ctx) error {
	if web.ViewerOf(c).User != nil {
		return c.Redirect(web.SafeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return h.renderLogin(c, fiber.StatusOK, web.FormOf(c, "email", "password"), c.Query("next"))
}

func (h *Pages) renderLogin(c *fiber.Ctx, status int, f views.Form, next string) error {
	mode, err := h.Accounts.SignupMode(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, status, views.LoginPage(h.Page(c, "Sign in", "/login"), f, next, mode != model.SignupClosed))
}

// LoginSubmit checks the credentials, ends any previous session of this
// browser (so the session id changes at sign-in) and starts a new one.
func (h *Pages) LoginSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.FormOf(c, "email", "password")
	next := c.FormValue("next")
	r, err := h.Accounts.SignIn(ctx, accounts.Attempt{Email: f.Value("email"), Password: f.Value("password"),
		IP: c.IP(), Device: c.Cookies(web.DeviceCookie)})
	if err != nil {
		web.SetRetryAfter(c, err)
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderLogin(c, status, f, next)
	}
	if r.Device != "" {
		h.SetDeviceCookie(c, r.Device)
	}
	if err := h.startSession(c, r.User.ID); err != nil {
		return err
	}
	return web.SeeOther(c, web.SafeNext(next))
}

// startSession rotates the browser's session: the old one (if any) ends and a
// new token is set.
func (h *Pages) startSession(c *fiber.Ctx, userID int64) error {
	ctx := c.UserContext()
	if old := c.Cookies(web.SessionCookie); old != "" {
		if err := h.Accounts.EndSignIn(ctx, old); err != nil {
			return err
		}
	}
	token, sess, err := h.Accounts.StartSignIn(ctx, userID, c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	h.SetSessionCookie(c, token, sess.ExpiresAt)
	return nil
}

// Logout ends the session.
func (h *Pages) Logout(c *fiber.Ctx) error {
	if err := h.Accounts.EndSignIn(c.UserContext(), c.Cookies(web.SessionCookie)); err != nil {
		return err
	}
	h.ClearCookie(c, web.SessionCookie)
	h.Flash(c, "info", "You are signed out.")
	return web.SeeOther(c, "/login")
}
