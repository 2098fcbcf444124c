package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/views"
)

// Account shows the profile, the password form and personal access tokens.
func (h *Pages) Account(c *fiber.Ctx) error {
	return h.renderAccount(c, fiber.StatusOK, web.FormOf(c, "current_password", "new_password"), "")
}

func (h *Pages) renderAccount(c *fiber.Ctx, status int, pw views.Form, newToken string) error {
	return h.renderAccountWith(c, status, pw, newToken, views.Form{})
}

// renderAccountWith is the account page with prof, the profile form as
// typed (its zero value: the stored handle and bio).
func (h *Pages) renderAccountWith(c *fiber.Ctx, status int, pw views.Form, newToken string, prof views.Form) error {
	v := web.ViewerOf(c)
	ts, err := h.Accounts.APITokens(c.UserContext(), v.User.ID)
	if err != nil {
		return err
	}
	tokens := make([]views.APIToken, 0, len(ts))
	for _, t := range ts {
		tokens = append(tokens, views.APIToken{ID: t.ID, Name: t.Name, Created: t.CreatedAt, LastUsed: t.LastUsedAt, Revoked: t.RevokedAt != nil})
	}
	people, err := h.accountPeople(c, prof)
	if err != nil {
		return err
	}
	return web.Render(c, status, views.AccountPage(h.Page(c, "Account", "/account"), pw, tokens, newToken, people))
}
