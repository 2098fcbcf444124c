package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/model"
)

const csrfField = "_csrf"

// csrfLocal holds the request's CSRF token for forms.
type csrfLocal struct{}

// CSRF protects every non-GET request made with cookies. The browser holds a
// random HttpOnly cookie; forms and htmx send HMAC(key, cookie, sign-in
// session id when signed in), which only this server can compute (the key is
// shared by every instance through the
// database). Requests authenticated by a bearer token carry no cookie
// authority and are exempt. A cross-site Origin is refused as well.
//
// A page carries its token once: on <body hx-headers> for htmx (sent as the
// X-CSRF-Token header) and in the hidden field of its forms. The channel
// page's messages hold no token at all, so that the live stream can render
// each one once for everyone (see views.MessageView): their buttons submit
// the page's one token-bearing form, and their text forms (reply, edit,
// report) go through htmx with the header. Without JavaScript those text
// forms are sent by the browser with no token; they are taken when the
// browser itself says the request comes from a page of this very origin
// (Fetch Metadata: Sec-Fetch-Site: same-origin, a header no page can set or
// forge, sent by every current browser; the check Go's
// net/http.CrossOriginProtection makes). A browser that sends no such
// header needs the token, as before.
func (h *Base) CSRF(c *fiber.Ctx) error {
	secret := c.Cookies(csrfCookie)
	if len(secret) < 32 {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		secret = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: secret, Path: "/", HTTPOnly: true,
			Secure: h.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode})
	}
	var session int64
	if sess := ViewerOf(c).Session; sess != nil {
		session = sess.ID
	}
	token := h.csrfToken(secret, session)
	c.Locals(csrfLocal{}, token)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if ViewerOf(c).ViaToken {
		return c.Next()
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && origin != "null" {
		if u, err := url.Parse(origin); err != nil || u.Host != c.Hostname() {
			return csrfError{}
		}
	}
	sent := c.Get("X-CSRF-Token")
	// A streamed body (an upload) is not parsed for a form field: the
	// header carries the token.
	if sent == "" && !StreamedBody(c) {
		sent = c.FormValue(csrfField)
	}
	if sent == "" && c.Get("Sec-Fetch-Site") == "same-origin" {
		return c.Next()
	}
	if !hmac.Equal([]byte(sent), []byte(token)) {
		if ViewerOf(c).User == nil && sent != "" {
			// Perhaps a page whose token was bound to a sign-in that has
			// ended since. The route decides: one that needs a sign-in
			// answers 401 (a way to sign in again, the draft kept) rather
			// than "reload the page"; one that would act refuses with
			// CSRFRefused. Nothing is done either way.
			c.Locals(csrfRefusedLocal{}, true)
			return c.Next()
		}
		return csrfError{}
	}
	return c.Next()
}

type csrfRefusedLocal struct{}

// CSRFRefused is the CSRF refusal the CSRF middleware left for the route to
// give once it knows that the request would act (see CSRF); nil when the
// request passed.
func CSRFRefused(c *fiber.Ctx) error {
	if refused, _ := c.Locals(csrfRefusedLocal{}).(bool); refused {
		return csrfError{}
	}
	return nil
}

// csrfError is a forbidden request whose form token is missing or wrong.
type csrfError struct{}

func (csrfError) Error() string {
	return "This form has expired or did not come from this site. Reload the page and try again."
}

func (csrfError) Unwrap() error { return model.ErrForbidden }

// csrfToken is bound to the browser's cookie and, once someone signs in, to
// their sign-in session: a token seen in one session is refused in another
// (and a sign-in or sign-out changes it).
func (h *Base) csrfToken(secret string, session int64) string {
	m := hmac.New(sha256.New, h.CSRFKey)
	m.Write([]byte("csrf\x00" + secret))
	if session != 0 {
		m.Write([]byte("\x00session\x00" + strconv.FormatInt(session, 10)))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func CSRFOf(c *fiber.Ctx) string {
	s, _ := c.Locals(csrfLocal{}).(string)
	return s
}
