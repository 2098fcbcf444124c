package pages

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/views"
)

// formRoles are the roles the grant form offers, least power first.
func formRoles() []string {
	return []string{string(model.RoleParticipant), string(model.RoleHost), string(model.RoleModerator), string(model.RoleAdmin)}
}

// grantableRoles are the roles the roles page lists holders of.
func grantableRoles() []string {
	return []string{string(model.RoleAdmin), string(model.RoleModerator), string(model.RoleHost)}
}

func (h *Pages) channelOptions(c *fiber.Ctx) ([]views.ChannelOption, []model.Channel, error) {
	chs, err := h.Chat.AllChannels(c.UserContext())
	if err != nil {
		return nil, nil, err
	}
	out := make([]views.ChannelOption, 0, len(chs))
	for _, ch := range chs {
		out = append(out, views.ChannelOption{Slug: ch.Slug, Title: ch.Title})
	}
	return out, chs, nil
}

// AdminRoles lists who holds which role where, with grant and revoke forms.
func (h *Pages) AdminRoles(c *fiber.Ctx) error {
	return h.renderRoles(c, fiber.StatusOK, "", "")
}

func (h *Pages) renderRoles(c *fiber.Ctx, status int, msg, email string) error {
	ctx := c.UserContext()
	opts, chs, err := h.channelOptions(c)
	if err != nil {
		return err
	}
	d := views.AdminRoles{Channels: opts, Roles: formRoles(), Error: msg, Email: email, Role: string(model.RoleParticipant)}
	if len(opts) > 0 {
		d.Channel = opts[0].Slug // the least power: participant, in one channel
	}
	if c.Method() == fiber.MethodPost && email != "" { // the grant form again, as sent
		d.Role, d.Channel = c.FormValue("role"), c.FormValue("channel")
	}
	type dom struct{ slug, label string }
	doms := []dom{{model.SiteWide, "Site-wide"}}
	for _, ch := range chs {
		doms = append(doms, dom{ch.Slug, ch.Title})
	}
	users := map[int64]*model.User{}
	for _, dm := range doms {
		for _, r := range grantableRoles() {
			role := model.Role(r)
			if role == model.RoleAdmin && dm.slug != model.SiteWide {
				continue
			}
			ids, err := h.Accounts.Holders(ctx, role, dm.slug)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				continue
			}
			g := views.RoleGroup{Role: r, Domain: dm.slug, Label: dm.label}
			for _, id := range ids {
				u, ok := users[id]
				if !ok {
					u, err = h.Accounts.User(ctx, id)
					if err != nil {
						if isNotFoundErr(err) {
							continue
						}
						return err
					}
					users[id] = u
				}
				g.Holders = append(g.Holders, views.RoleHolder{ID: u.ID, Name: u.DisplayName, Email: u.Email})
			}
			d.Groups = append(d.Groups, g)
		}
	}
	return web.Render(c, status, views.AdminRolesPage(h.Page(c, "Roles", "/admin/users"), d))
}

// roleChangeResult redirects back to the roles page with a flash, or shows
// the page again with the refusal.
func (h *Pages) roleChangeResult(c *fiber.Ctx, err error, okMsg, email string) error {
	if err != nil {
		status := web.StatusOf(err)
		if status >= 500 {
			return err
		}
		_, msg := web.PublicMessage(err, status)
		return h.renderRoles(c, status, msg, email)
	}
	h.Flash(c, "success", okMsg)
	return web.SeeOther(c, "/admin/roles")
}

// AdminRoleGrant grants a role to the user with the given email.
func (h *Pages) AdminRoleGrant(c *fiber.Ctx) error {
	ctx := c.UserContext()
	email := strings.TrimSpace(c.FormValue("email"))
	role := model.Role(c.FormValue("role"))
	channel := c.FormValue("channel")
	u, err := h.Accounts.UserByEmail(ctx, email)
	if err != nil {
		if isNotFoundErr(err) {
			err = model.Invalid("email", "No account has that email.")
		}
		return h.roleChangeResult(c, err, "", email)
	}
	err = h.Accounts.GrantRole(ctx, web.ViewerOf(c).User.ID, u.ID, role, channel)
	return h.roleChangeResult(c, err, u.DisplayName+" is now "+string(role)+" "+whereLabel(channel)+".", email)
}

// AdminRoleRevoke takes a role from a user.
func (h *Pages) AdminRoleRevoke(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.FormValue("user_id"), 10, 64)
	if err != nil || id <= 0 {
		return h.roleChangeResult(c, model.Invalid("user_id", "Choose a user."), "", "")
	}
	role := model.Role(c.FormValue("role"))
	channel := c.FormValue("channel")
	err = h.Accounts.RevokeRole(c.UserContext(), web.ViewerOf(c).User.ID, id, role, channel)
	return h.roleChangeResult(c, err, "Revoked "+string(role)+" "+whereLabel(channel)+".", "")
}

func whereLabel(channel string) string {
	if channel == "" || channel == model.SiteWide {
		return "site-wide"
	}
	return "in " + channel
}

// lookupUser finds a user by id or email.
func (h *Pages) lookupUser(c *fiber.Ctx, s string) (*model.User, error) {
	s = strings.TrimSpace(s)
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		return h.Accounts.User(c.UserContext(), id)
	}
	return h.Accounts.UserByEmail(c.UserContext(), s)
}

func permissionNames() []string {
	var out []string
	for _, p := range policies.All() {
		if p != policies.Public {
			out = append(out, string(p))
		}
	}
	slices.Sort(out)
	return out
}

// AdminPermissions answers "can <user> <permission> in <channel>?" and names
// the rule that decided.
func (h *Pages) AdminPermissions(c *fiber.Ctx) error {
	opts, _, err := h.channelOptions(c)
	if err != nil {
		return err
	}
	d := views.AdminPermissions{User: c.Query("user"), Permission: c.Query("permission"), Channel: c.Query("channel"),
		Permissions: permissionNames(), Channels: opts}
	status := fiber.StatusOK
	if d.User != "" {
		d.Asked = true
		u, err := h.lookupUser(c, d.User)
		if err == nil {
			var e accounts.Explanation
			e, err = h.Accounts.Explain(c.UserContext(), u.ID, d.Channel, policies.Permission(d.Permission))
			d.Allowed, d.Rule, d.Why = e.Allowed, strings.Join(e.Rule, ", "), e.Why
		} else if isNotFoundErr(err) {
			err = model.Invalid("user", "No such user.")
		}
		if err != nil {
			status = web.StatusOf(err)
			if status >= 500 {
				return err
			}
			_, d.Error = web.PublicMessage(err, status)
		}
	}
	return web.Render(c, status, views.AdminPermissionsPage(h.Page(c, "Permissions", "/admin/users"), d))
}

func isNotFoundErr(err error) bool { return errors.Is(err, model.ErrNotFound) }
