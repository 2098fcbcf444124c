package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
)

// DeviceCookie marks a browser that signed in to an account successfully:
// the sign-in limits that unknown clients meet do not stop it.
const DeviceCookie = "bc_device"

// SetDeviceCookie keeps a device cookie for a year (the server forgets a
// device unused for its DeviceTTL sooner).
func (h *Base) SetDeviceCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: DeviceCookie, Value: token, Path: "/login", Expires: time.Now().Add(365 * 24 * time.Hour),
		HTTPOnly: true, Secure: h.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode})
}

// ResetURL is the public link of a password reset token.
func (h *Base) ResetURL(token string) string {
	return h.BaseURL + "/reset/" + token
}
