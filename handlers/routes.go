package handlers

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/model"
	"backchannel/policies"
)

// route is one entry of the route table: method, path, the permission it
// needs (policies.Public for none), the Casbin domain it is checked in, and
// the handler.
type route struct {
	Method  string
	Path    string
	Perm    policies.Permission
	Domain  func(c *fiber.Ctx) string // nil: site-wide
	Handler fiber.Handler
}

// routes is the one table of every route and its permission. A route missing
// here is not served; a route here without a permission fails the tests.
func (h *Handlers) routes() []route {
	return []route{
		{Method: "GET", Path: "/", Perm: policies.Public, Handler: h.home},
		{Method: "GET", Path: "/healthz", Perm: policies.Public, Handler: h.healthz},
		{Method: "GET", Path: "/readyz", Perm: policies.Public, Handler: h.readyz},
		{Method: "GET", Path: "/static/*", Perm: policies.Public, Handler: h.static},

		{Method: "GET", Path: "/setup", Perm: policies.Public, Handler: h.setupForm},
		{Method: "POST", Path: "/setup", Perm: policies.Public, Handler: h.setupSubmit},
		{Method: "GET", Path: "/login", Perm: policies.Public, Handler: h.loginForm},
		{Method: "POST", Path: "/login", Perm: policies.Public, Handler: h.loginSubmit},
		{Method: "POST", Path: "/logout", Perm: policies.Public, Handler: h.logout},
		{Method: "GET", Path: "/signup", Perm: policies.Public, Handler: h.signupForm},
		{Method: "POST", Path: "/signup", Perm: policies.Public, Handler: h.signupSubmit},

		{Method: "GET", Path: "/account", Perm: policies.AccountUse, Handler: h.account},
		{Method: "POST", Path: "/account/password", Perm: policies.AccountUse, Handler: h.accountPassword},
		{Method: "POST", Path: "/account/tokens", Perm: policies.AccountUse, Handler: h.accountTokenCreate},
		{Method: "POST", Path: "/account/tokens/:id/revoke", Perm: policies.AccountUse, Handler: h.accountTokenRevoke},

		{Method: "GET", Path: "/channels", Perm: policies.ChannelList, Handler: h.channels},

		{Method: "GET", Path: "/admin", Perm: policies.AdminView, Handler: h.adminHome},
		{Method: "GET", Path: "/admin/users", Perm: policies.UserManage, Handler: h.adminUsers},
		{Method: "POST", Path: "/admin/users/:id/role", Perm: policies.RoleManage, Handler: h.adminUserRole},
		{Method: "POST", Path: "/admin/users/:id/disable", Perm: policies.UserManage, Handler: h.adminUserDisable},
		{Method: "POST", Path: "/admin/users/:id/enable", Perm: policies.UserManage, Handler: h.adminUserEnable},
		{Method: "GET", Path: "/admin/settings", Perm: policies.SettingsManage, Handler: h.adminSettings},
		{Method: "POST", Path: "/admin/settings", Perm: policies.SettingsManage, Handler: h.adminSettingsSave},
		{Method: "POST", Path: "/admin/invitations", Perm: policies.UserManage, Handler: h.adminInvitationCreate},

		{Method: "GET", Path: "/api/v1/me", Perm: policies.AccountUse, Handler: h.apiMe},
	}
}

// guard wraps a route's handler with its permission check: deny by default.
func (h *Handlers) guard(r route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if r.Perm == policies.Public {
			return r.Handler(c)
		}
		v := viewerOf(c)
		if v.User == nil {
			return model.ErrUnauthorized
		}
		domain := model.SiteWide
		if r.Domain != nil {
			domain = r.Domain(c)
		}
		ok, err := h.Authz.Can(c.UserContext(), v.User.ID, domain, r.Perm)
		if err != nil {
			return err
		}
		if !ok {
			return model.ErrForbidden
		}
		return r.Handler(c)
	}
}

// RouteInfo is a route table entry as tests and documentation see it.
type RouteInfo struct {
	Method string
	Path   string
	Perm   policies.Permission
}

// RouteTable lists every route with its permission.
func RouteTable() []RouteInfo {
	h := &Handlers{}
	rs := h.routes()
	out := make([]RouteInfo, 0, len(rs))
	for _, r := range rs {
		out = append(out, RouteInfo{Method: r.Method, Path: r.Path, Perm: r.Perm})
	}
	return out
}
