package pages

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/store"
	"backchannel/views"
)

const usersPerPage = 50

func (h *Pages) AdminHome(c *fiber.Ctx) error {
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

// AdminUsers lists and searches users with their site role and state.
func (h *Pages) AdminUsers(c *fiber.Ctx) error {
	ctx := c.UserContext()
	q := c.Query("q")
	offset, _ := strconv.Atoi(c.Query("offset"))
	if offset < 0 {
		offset = 0
	}
	us, total, err := h.Accounts.ListUsers(ctx, store.UserFilter{Query: q, Limit: usersPerPage, Offset: offset})
	if err != nil {
		return err
	}
	d := views.AdminUsers{Query: q, Total: total, Roles: roleNames(), Offset: offset, Limit: usersPerPage}
	for i := range us {
		row, err := h.adminUserRow(c, &us[i])
		if err != nil {
			return err
		}
		d.Users = append(d.Users, row)
	}
	return web.Render(c, fiber.StatusOK, views.AdminUsersPage(h.Page(c, "Users", "/admin/users"), d))
}

func (h *Pages) adminUserRow(c *fiber.Ctx, u *model.User) (views.AdminUser, error) {
	role, err := h.Accounts.TopSiteRole(c.UserContext(), u.ID)
	if err != nil {
		return views.AdminUser{}, err
	}
	return views.AdminUser{ID: u.ID, Name: u.DisplayName, Email: u.Email, Role: string(role),
		Disabled: u.Disabled(), Created: u.CreatedAt, Self: u.ID == web.ViewerOf(c).User.ID}, nil
}

// adminUserResult answers a change to one user: the refreshed row for htmx,
// or a redirect back to the list with a flash message.
func (h *Pages) adminUserResult(c *fiber.Ctx, userID int64, changeErr error, okMsg string) error {
	status := fiber.StatusOK
	msg := ""
	if changeErr != nil {
		status = web.StatusOf(changeErr)
		if status >= 500 || status == fiber.StatusNotFound {
			return changeErr
		}
		_, msg = web.PublicMessage(changeErr, status)
	}
	if !web.IsHTMX(c) {
		if msg != "" {
			h.Flash(c, "error", msg)
		} else {
			h.Flash(c, "success", okMsg)
		}
		return c.Redirect("/admin/users", fiber.StatusSeeOther)
	}
	u, err := h.Accounts.User(c.UserContext(), userID)
	if err != nil {
		return err
	}
	row, err := h.adminUserRow(c, u)
	if err != nil {
		return err
	}
	row.Error, row.Saved = msg, changeErr == nil
	return web.Render(c, status, views.AdminUserRow(web.CSRFOf(c), row, roleNames()))
}

func roleNames() []string {
	out := make([]string, 0, 4)
	for _, r := range model.Roles() {
		out = append(out, string(r))
	}
	return out
}
