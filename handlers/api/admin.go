package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

type apiUserJSON struct {
	*model.User
	Roles    []roleJSON `json:"roles,omitempty"`
	Channels []string   `json:"channels,omitempty"`
}

type roleJSON struct {
	Role    string `json:"role"`
	Channel string `json:"channel"` // "*": site-wide
}

// Users searches users: ?q=, limit, offset.
func (h *API) Users(c *fiber.Ctx) error {
	limit, _ := strconv.Atoi(c.Query("limit"))
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	us, total, err := h.Accounts.ListUsers(c.UserContext(), store.UserFilter{Query: c.Query("q"), Limit: limit, Offset: max(offset, 0)})
	if err != nil {
		return err
	}
	if us == nil {
		us = []model.User{}
	}
	return c.JSON(fiber.Map{"users": us, "total": total, "limit": limit, "offset": max(offset, 0)})
}

// User returns one user with roles and channels.
func (h *API) User(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u, err := h.UserOf(c)
	if err != nil {
		return err
	}
	out := apiUserJSON{User: u, Roles: []roleJSON{}, Channels: []string{}}
	gs, err := h.Accounts.Grants(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, g := range gs {
		out.Roles = append(out.Roles, roleJSON{Role: string(g.Role), Channel: g.Domain})
	}
	chs, err := h.Accounts.UserChannels(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, ch := range chs {
		out.Channels = append(out.Channels, ch.Slug)
	}
	return c.JSON(out)
}

type roleBody struct {
	UserID  int64  `json:"user_id"`
	Role    string `json:"role"`
	Channel string `json:"channel"`
}

// RoleGrant grants a role: {"user_id","role","channel"?}.
func (h *API) RoleGrant(c *fiber.Ctx) error {
	var b roleBody
	if err := web.DecodeJSON(c, &b, false); err != nil {
		return err
	}
	if err := h.Accounts.GrantRole(c.UserContext(), web.ViewerOf(c).User.ID, b.UserID, model.Role(b.Role), b.Channel); err != nil {
		return err
	}
	return h.apiRolesOf(c, fiber.StatusCreated, b.UserID)
}

// RoleRevoke revokes a role (same body).
func (h *API) RoleRevoke(c *fiber.Ctx) error {
	var b roleBody
	if err := web.DecodeJSON(c, &b, false); err != nil {
		return err
	}
	if err := h.Accounts.RevokeRole(c.UserContext(), web.ViewerOf(c).User.ID, b.UserID, model.Role(b.Role), b.Channel); err != nil {
		return err
	}
	return h.apiRolesOf(c, fiber.StatusOK, b.UserID)
}

func (h *API) apiRolesOf(c *fiber.Ctx, status int, userID int64) error {
	gs, err := h.Accounts.Grants(c.UserContext(), userID)
	if err != nil {
		return err
	}
	out := []roleJSON{}
	for _, g := range gs {
		out = append(out, roleJSON{Role: string(g.Role), Channel: g.Domain})
	}
	return c.Status(status).JSON(fiber.Map{"user_id": userID, "roles": out})
}

// PermissionExplain answers ?user_id=&permission=&channel= with the
// deciding rule.
func (h *API) PermissionExplain(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Query("user_id"), 10, 64)
	if err != nil || id <= 0 {
		return web.BadRequest("user_id is required.")
	}
	p := policies.Permission(c.Query("permission"))
	e, err := h.Accounts.Explain(c.UserContext(), id, c.Query("channel"), p)
	if err != nil {
		return err
	}
	rule := e.Rule
	if rule == nil {
		rule = []string{}
	}
	var grant *roleJSON
	if e.Grant != nil {
		grant = &roleJSON{Role: string(e.Grant.Role), Channel: e.Grant.Domain}
	}
	return c.JSON(fiber.Map{"user_id": id, "permission": p, "channel": c.Query("channel"), "allowed": e.Allowed, "rule": rule,
		"grant": grant, "why": e.Why})
}
