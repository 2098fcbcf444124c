package handlers

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/model"
	"backchannel/views"
)

func (h *Handlers) loginForm(c *fiber.Ctx) error {
	if viewerOf(c).User != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return h.renderLogin(c, fiber.StatusOK, formOf(c, "email", "password"), c.Query("next"))
}

func (h *Handlers) renderLogin(c *fiber.Ctx, status int, f views.Form, next string) error {
	mode, err := h.Accounts.SignupMode(c.UserContext())
	if err != nil {
		return err
	}
	return render(c, status, views.LoginPage(h.page(c, "Sign in", "/login"), f, next, mode != model.SignupClosed))
}

// loginSubmit checks the credentials, ends any previous session of this
// browser (so the session id changes at sign-in) and starts a new one.
func (h *Handlers) loginSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := formOf(c, "email", "password")
	next := c.FormValue("next")
	u, err := h.Accounts.Authenticate(ctx, f.Value("email"), f.Value("password"), c.IP())
	if err != nil {
		setRetryAfter(c, err)
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return h.renderLogin(c, status, f, next)
	}
	if err := h.startSession(c, u.ID); err != nil {
		return err
	}
	return seeOther(c, safeNext(next))
}

// startSession rotates the browser's session: the old one (if any) ends and a
// new token is set.
func (h *Handlers) startSession(c *fiber.Ctx, userID int64) error {
	ctx := c.UserContext()
	if old := c.Cookies(sessionCookie); old != "" {
		if err := h.Accounts.EndSignIn(ctx, old); err != nil {
			return err
		}
	}
	token, sess, err := h.Accounts.StartSignIn(ctx, userID, c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	h.setSessionCookie(c, token, sess.ExpiresAt)
	return nil
}

// logout ends the session.
func (h *Handlers) logout(c *fiber.Ctx) error {
	if err := h.Accounts.EndSignIn(c.UserContext(), c.Cookies(sessionCookie)); err != nil {
		return err
	}
	h.clearCookie(c, sessionCookie)
	h.flash(c, "info", "You are signed out.")
	return seeOther(c, "/login")
}
