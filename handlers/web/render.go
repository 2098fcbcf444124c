package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"backchannel/model"
	"backchannel/views"
)

// Render writes a templ component as HTML with status.
func Render(c *fiber.Ctx, status int, comp templ.Component) error {
	c.Status(status).Type("html", "utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return comp.Render(c.UserContext(), c.Response().BodyWriter())
}

// Page builds the view model every full page needs.
func (h *Base) Page(c *fiber.Ctx, title, active string) views.Page {
	v := ViewerOf(c)
	p := views.Page{Title: title, Active: active, CSRF: CSRFOf(c), Flash: h.takeFlash(c), AssetVersion: h.assetVersion}
	if v.User != nil {
		p.User = &views.User{ID: v.User.ID, Name: v.User.DisplayName, Email: v.User.Email, Role: string(v.Role)}
		p.Nav = append(p.Nav, views.NavItem{Label: "Channels", Href: "/channels"})
		p.Nav = append(p.Nav, views.NavItem{Label: "Search", Href: "/search"})
		p.Nav = append(p.Nav, views.NavItem{Label: "Transcripts", Href: "/transcripts"})
		if mod, err := h.Accounts.Moderates(c.UserContext(), v.User.ID); err == nil && mod {
			p.Nav = append(p.Nav, views.NavItem{Label: "Moderation", Href: "/mod"})
		}
		if v.Role == model.RoleAdmin {
			p.Nav = append(p.Nav, views.NavItem{Label: "Admin", Href: "/admin/users"})
		}
		p.Nav = append(p.Nav, views.NavItem{Label: "Account", Href: "/account"})
		h.inboxHeader(c, &p)
	}
	return p
}

// Flash stores a one-time message for the next page.
func (h *Base) Flash(c *fiber.Ctx, kind, message string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(kind + ":" + message), Path: "/",
		HTTPOnly: true, Secure: h.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode})
}

func (h *Base) takeFlash(c *fiber.Ctx) *views.Flash {
	raw := c.Cookies(flashCookie)
	if raw == "" {
		return nil
	}
	h.ClearCookie(c, flashCookie)
	s, err := url.QueryUnescape(raw)
	if err != nil {
		return nil
	}
	kind, msg, ok := strings.Cut(s, ":")
	if !ok || msg == "" || (kind != "success" && kind != "info" && kind != "error") {
		return nil
	}
	return &views.Flash{Kind: kind, Message: msg}
}

// SeeOther redirects after a successful form post; htmx follows it too.
func SeeOther(c *fiber.Ctx, to string) error {
	if IsHTMX(c) {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// SafeNext keeps a post-login redirect on this site.
func SafeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/channels"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/channels"
	}
	return next
}

// FormOf returns a views.Form with the given fields' values from the request.
func FormOf(c *fiber.Ctx, fields ...string) views.Form {
	f := views.Form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, k := range fields {
		f.Values[k] = c.FormValue(k)
	}
	return f
}

// FormError puts err on the form: beside its field when it names one known to
// the form, at the top otherwise. It returns the status to answer with.
func FormError(f *views.Form, err error) (int, error) {
	status := StatusOf(err)
	if status >= 500 {
		return status, err
	}
	field, msg := "", ""
	var fe *model.FieldError
	var rl *model.RateLimitError
	switch {
	case errors.As(err, &fe):
		field, msg = fe.Field, fe.Message
	case errors.As(err, &rl):
		msg = rl.Message
	default:
		_, msg = PublicMessage(err, status)
	}
	if _, known := f.Values[field]; !known {
		field = ""
	}
	f.Errors[field] = msg
	return status, nil
}
