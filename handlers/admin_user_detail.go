package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/model"
	"backchannel/store"
	"backchannel/views"
)

// adminUser shows one user: profile, roles, memberships, sanctions in
// force, recent messages and moderator notes.
func (h *Handlers) adminUser(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	u, err := h.Accounts.User(ctx, id)
	if err != nil {
		return err
	}
	d := views.AdminUserDetail{ID: u.ID, Name: u.DisplayName, Email: u.Email, Created: u.CreatedAt,
		Disabled: u.Disabled(), MustReset: u.MustResetPassword, Self: u.ID == viewerOf(c).User.ID}
	grants, err := h.Accounts.Grants(ctx, id)
	if err != nil {
		return err
	}
	for _, g := range grants {
		d.Grants = append(d.Grants, views.AdminUserGrant{Role: string(g.Role), Domain: g.Domain})
	}
	chs, err := h.Accounts.UserChannels(ctx, id)
	if err != nil {
		return err
	}
	slugs := map[int64]string{}
	for _, ch := range chs {
		d.Channels = append(d.Channels, views.ChannelOption{Slug: ch.Slug, Title: ch.Title})
		slugs[ch.ID] = ch.Slug
	}
	slugOf := func(cid int64) string {
		if s, ok := slugs[cid]; ok {
			return s
		}
		ch, err := store.ChannelByID(ctx, h.DB, cid)
		if err != nil {
			return "#" + strconv.FormatInt(cid, 10)
		}
		slugs[cid] = ch.Slug
		return ch.Slug
	}
	actor := model.Actor{UserID: id}
	ss, err := store.ActiveSanctions(ctx, h.DB, actor.Key(), 0, time.Now())
	if err != nil {
		return err
	}
	all, err := store.SanctionsOf(ctx, h.DB, actor.Key(), 200)
	if err != nil {
		return err
	}
	// ActiveSanctions with no channel lists site-wide ones only; add the
	// channel ones that are in force.
	now := time.Now()
	seen := map[int64]bool{}
	for _, s := range ss {
		seen[s.ID] = true
	}
	for _, s := range all {
		if s.ChannelID != nil && !seen[s.ID] && s.RevokedAt == nil && s.Kind != model.SanctionWarn &&
			(s.ExpiresAt == nil || s.ExpiresAt.After(now)) {
			in, err := store.ActiveSanctions(ctx, h.DB, actor.Key(), *s.ChannelID, now)
			if err != nil {
				return err
			}
			for _, x := range in {
				if !seen[x.ID] {
					seen[x.ID] = true
					ss = append(ss, x)
				}
			}
		}
	}
	for _, s := range ss {
		it := views.AdminUserItem{When: s.CreatedAt, Kind: string(s.Kind), Text: s.Reason}
		if s.ChannelID != nil {
			it.Channel = slugOf(*s.ChannelID)
		} else {
			it.Channel = "site-wide"
		}
		if s.ExpiresAt != nil {
			it.Text += " (until " + s.ExpiresAt.UTC().Format("2006-01-02 15:04") + ")"
		}
		d.Sanctions = append(d.Sanctions, it)
	}
	ms, err := store.MessagesBy(ctx, h.DB, actor, 20)
	if err != nil {
		return err
	}
	for _, m := range ms {
		d.Messages = append(d.Messages, views.AdminUserItem{When: m.CreatedAt, Channel: slugOf(m.ChannelID), Kind: string(m.State), Text: m.Body})
	}
	ns, err := store.NotesOf(ctx, h.DB, actor.Key())
	if err != nil {
		return err
	}
	for _, n := range ns {
		d.Notes = append(d.Notes, views.AdminUserItem{When: n.CreatedAt, Text: n.Body})
	}
	return render(c, fiber.StatusOK, views.AdminUserPage(h.page(c, u.DisplayName, "/admin/users"), d))
}

// adminUserResetPassword makes the user choose a new password at next
// sign-in and signs them out everywhere.
func (h *Handlers) adminUserResetPassword(c *fiber.Ctx) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	if id == viewerOf(c).User.ID {
		h.flash(c, "error", "Change your own password on your account page.")
		return seeOther(c, "/admin/users/"+strconv.FormatInt(id, 10))
	}
	if err := h.Accounts.ForcePasswordReset(c.UserContext(), viewerOf(c).User.ID, id); err != nil {
		return err
	}
	h.flash(c, "success", "They were signed out and must choose a new password at next sign-in.")
	return seeOther(c, "/admin/users/"+strconv.FormatInt(id, 10))
}
