package pages

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/views"
)

// AdminUser shows one user: profile, roles, memberships, sanctions in
// force, recent messages and moderator notes.
func (h *Pages) AdminUser(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u, err := h.UserOf(c)
	if err != nil {
		return err
	}
	d := views.AdminUserDetail{ID: u.ID, Name: u.DisplayName, Email: u.Email, Created: u.CreatedAt,
		Disabled: u.Disabled(), MustReset: u.MustResetPassword, Self: u.ID == web.ViewerOf(c).User.ID}
	grants, err := h.Accounts.Grants(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, g := range grants {
		d.Grants = append(d.Grants, views.AdminUserGrant{Role: string(g.Role), Domain: g.Domain})
	}
	chs, err := h.Accounts.UserChannels(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, ch := range chs {
		d.Channels = append(d.Channels, views.ChannelOption{Slug: ch.Slug, Title: ch.Title})
	}
	rec, err := h.Moderation.RecordOf(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, s := range rec.Sanctions {
		it := views.AdminUserItem{When: s.CreatedAt, Kind: string(s.Kind), Text: s.Reason}
		if s.ChannelID != nil {
			it.Channel = rec.Slug(*s.ChannelID)
		} else {
			it.Channel = "site-wide"
		}
		if s.ExpiresAt != nil {
			it.Text += " (until " + s.ExpiresAt.UTC().Format("2006-01-02 15:04") + ")"
		}
		d.Sanctions = append(d.Sanctions, it)
	}
	for _, m := range rec.Messages {
		d.Messages = append(d.Messages, views.AdminUserItem{When: m.CreatedAt, Channel: rec.Slug(m.ChannelID), Kind: string(m.State), Text: m.Body})
	}
	for _, n := range rec.Notes {
		d.Notes = append(d.Notes, views.AdminUserItem{When: n.CreatedAt, Text: n.Body})
	}
	return web.Render(c, fiber.StatusOK, views.AdminUserPage(h.Page(c, u.DisplayName, "/admin/users"), d))
}

// AdminUserResetPassword resets a person's password for them: they are
// signed out everywhere, the old password stops working, their API tokens
// are suspended, and the admin is shown the one-time link to hand over.
func (h *Pages) AdminUserResetPassword(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	if id == web.ViewerOf(c).User.ID {
		h.Flash(c, "error", "Change your own password on your account page.")
		return web.SeeOther(c, "/admin/users/"+strconv.FormatInt(id, 10))
	}
	u, err := h.UserOf(c)
	if err != nil {
		return err
	}
	link, err := h.Accounts.ForcePasswordReset(c.UserContext(), web.ViewerOf(c).User.ID, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, views.AdminResetLinkPage(h.Page(c, "Password reset", "/admin/users"),
		u.ID, u.DisplayName, h.ResetURL(link.Token), link.ExpiresAt))
}
