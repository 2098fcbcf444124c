package pages

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

const invitationTTL = 7 * 24 * time.Hour

// AdminSettings shows the sign-up mode and invitations.
func (h *Pages) AdminSettings(c *fiber.Ctx) error {
	return h.renderAdminSettings(c, fiber.StatusOK, web.FormOf(c, "email", "role"), "")
}

func (h *Pages) renderAdminSettings(c *fiber.Ctx, status int, f views.Form, newInvite string) error {
	ctx := c.UserContext()
	mode, err := h.Accounts.SignupMode(ctx)
	if err != nil {
		return err
	}
	invs, err := h.Accounts.Invitations(ctx, 20)
	if err != nil {
		return err
	}
	d := views.AdminSettings{SignupMode: string(mode), Roles: roleNames(), NewInvite: newInvite,
		Modes: []string{string(model.SignupOpen), string(model.SignupInviteOnly), string(model.SignupClosed)}}
	for _, inv := range invs {
		d.Invitations = append(d.Invitations, views.Invitation{Email: inv.Email, Role: inv.Role, Expires: inv.ExpiresAt, Used: inv.UsedAt != nil})
	}
	return web.Render(c, status, views.AdminSettingsPage(h.Page(c, "Sign-up & invitations", "/admin/users"), d, f))
}

// AdminSettingsSave changes the sign-up mode.
func (h *Pages) AdminSettingsSave(c *fiber.Ctx) error {
	mode := model.SignupMode(c.FormValue("signup_mode"))
	if err := h.Accounts.SetSignupMode(c.UserContext(), web.ViewerOf(c).User.ID, mode); err != nil {
		f := web.FormOf(c, "email", "role")
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderAdminSettings(c, status, f, "")
	}
	h.Flash(c, "success", "Sign-up setting saved.")
	return web.SeeOther(c, "/admin/settings")
}

// AdminInvitationCreate makes an invitation link and shows it once.
func (h *Pages) AdminInvitationCreate(c *fiber.Ctx) error {
	f := web.FormOf(c, "email", "role")
	token, _, err := h.Accounts.Invite(c.UserContext(), web.ViewerOf(c).User.ID, f.Value("email"), model.Role(f.Value("role")), invitationTTL)
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderAdminSettings(c, status, f, "")
	}
	return h.renderAdminSettings(c, fiber.StatusCreated, web.FormOf(c), h.BaseURL+"/signup?invite="+token)
}
