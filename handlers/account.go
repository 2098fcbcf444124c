package handlers

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/views"
)

// account shows the profile, the password form and personal access tokens.
func (h *Handlers) account(c *fiber.Ctx) error {
	return h.renderAccount(c, fiber.StatusOK, formOf(c, "current_password", "new_password"), "")
}

func (h *Handlers) renderAccount(c *fiber.Ctx, status int, pw views.Form, newToken string) error {
	v := viewerOf(c)
	ts, err := h.Accounts.APITokens(c.UserContext(), v.User.ID)
	if err != nil {
		return err
	}
	tokens := make([]views.APIToken, 0, len(ts))
	for _, t := range ts {
		tokens = append(tokens, views.APIToken{ID: t.ID, Name: t.Name, Created: t.CreatedAt, LastUsed: t.LastUsedAt, Revoked: t.RevokedAt != nil})
	}
	return render(c, status, views.AccountPage(h.page(c, "Account", "/account"), pw, tokens, newToken))
}
