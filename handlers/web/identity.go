package web

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/model"
)

// Cookie names.
const (
	SessionCookie = "bc_session"
	csrfCookie    = "bc_csrf"
	flashCookie   = "bc_flash"
)

// viewer is who is making the request.
type viewer struct {
	User     *model.User   // nil when nobody is signed in
	Session  *model.SignIn // nil for API tokens and anonymous requests
	Role     model.Role    // strongest site-wide role
	ViaToken bool          // authenticated by a personal access token
}

type viewerKey struct{}

func ViewerOf(c *fiber.Ctx) *viewer {
	if v, ok := c.Locals(viewerKey{}).(*viewer); ok {
		return v
	}
	return &viewer{}
}

// Identify finds the signed-in user from a bearer token or the session cookie.
func (h *Base) Identify(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := &viewer{}
	c.Locals(viewerKey{}, v)
	if auth := c.Get(fiber.HeaderAuthorization); auth != "" {
		scheme, token, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			return model.ErrUnauthorized
		}
		u, err := h.Accounts.APITokenUser(ctx, strings.TrimSpace(token))
		if err != nil {
			return err
		}
		v.User, v.ViaToken = u, true
	} else if token := c.Cookies(SessionCookie); token != "" {
		sess, u, err := h.Accounts.SignInUser(ctx, token)
		switch {
		case errors.Is(err, model.ErrUnauthorized):
			h.ClearCookie(c, SessionCookie)
		case err != nil:
			return err
		default:
			v.User, v.Session = u, sess
		}
	}
	if v.User != nil {
		role, err := h.Accounts.TopSiteRole(ctx, v.User.ID)
		if err != nil {
			return err
		}
		v.Role = role
	}
	return c.Next()
}

func (h *Base) SetSessionCookie(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, Secure: h.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode})
}

func (h *Base) ClearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", Expires: time.Unix(1, 0), MaxAge: -1,
		HTTPOnly: true, Secure: h.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode})
}
