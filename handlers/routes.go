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
	// Guests lets a guest of the route's channel (joined with a display
	// name, no account) through when the guest role holds Perm there.
	Guests bool
}

// slug is the Casbin domain of channel routes.
func slug(c *fiber.Ctx) string { return c.Params("slug") }

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
		{Method: "POST", Path: "/channels", Perm: policies.ChannelCreate, Handler: h.channelCreate},

		{Method: "GET", Path: "/c/:slug", Perm: policies.Public, Handler: h.channelPage},
		{Method: "POST", Path: "/c/:slug/join", Perm: policies.Public, Handler: h.channelJoin},
		{Method: "POST", Path: "/c/:slug/guidelines/accept", Perm: policies.ChannelView, Domain: slug, Guests: true, Handler: h.guidelinesAccept},
		{Method: "GET", Path: "/c/:slug/events", Perm: policies.ChannelView, Domain: slug, Guests: true, Handler: h.channelEvents},
		{Method: "POST", Path: "/c/:slug/messages", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: h.messagePost},
		{Method: "POST", Path: "/c/:slug/messages/:id/edit", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: h.messageEdit},
		{Method: "POST", Path: "/c/:slug/messages/:id/delete", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: h.messageDelete},
		{Method: "POST", Path: "/c/:slug/messages/:id/react", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: h.messageReact},
		{Method: "POST", Path: "/c/:slug/messages/:id/vote", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: h.messageVote},
		{Method: "POST", Path: "/c/:slug/messages/:id/report", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: h.messageReport},
		{Method: "GET", Path: "/c/:slug/settings", Perm: policies.ChannelManage, Domain: slug, Handler: h.channelSettings},
		{Method: "POST", Path: "/c/:slug/settings", Perm: policies.ChannelManage, Domain: slug, Handler: h.channelSettingsSave},
		{Method: "POST", Path: "/c/:slug/members", Perm: policies.ChannelManage, Domain: slug, Handler: h.memberAdd},
		{Method: "POST", Path: "/c/:slug/members/:user/remove", Perm: policies.ChannelManage, Domain: slug, Handler: h.memberRemove},
		{Method: "POST", Path: "/c/:slug/sessions/start", Perm: policies.SessionManage, Domain: slug, Handler: h.sessionStart},
		{Method: "POST", Path: "/c/:slug/sessions/end", Perm: policies.SessionManage, Domain: slug, Handler: h.sessionEnd},

		// The triage wall: /mod and its stream need only a signed-in user; they
		// show the channels the person moderates and answer 403 when there is
		// none. Every action names its channel and is checked there.
		{Method: "GET", Path: "/mod", Perm: policies.AccountUse, Handler: h.modWall},
		{Method: "GET", Path: "/mod/events", Perm: policies.AccountUse, Handler: h.modEvents},
		{Method: "POST", Path: "/mod/c/:slug/messages/:id/:action", Perm: policies.MessageModerate, Domain: slug, Handler: h.modMessageAction},
		{Method: "GET", Path: "/mod/c/:slug/people/:subject", Perm: policies.ModView, Domain: slug, Handler: h.modPerson},
		{Method: "POST", Path: "/mod/c/:slug/people/:subject/sanctions", Perm: policies.UserSanction, Domain: slug, Handler: h.modSanction},
		{Method: "POST", Path: "/mod/c/:slug/people/:subject/purge", Perm: policies.UserSanction, Domain: slug, Handler: h.modPurge},
		{Method: "POST", Path: "/mod/c/:slug/people/:subject/notes", Perm: policies.ModView, Domain: slug, Handler: h.modNote},
		{Method: "POST", Path: "/mod/c/:slug/undo/:audit", Perm: policies.MessageModerate, Domain: slug, Handler: h.modUndo},
		{Method: "POST", Path: "/mod/c/:slug/staff-chat", Perm: policies.ModView, Domain: slug, Handler: h.modStaffChat},

		{Method: "GET", Path: "/admin", Perm: policies.AdminView, Handler: h.adminHome},
		{Method: "GET", Path: "/admin/users", Perm: policies.UserManage, Handler: h.adminUsers},
		{Method: "POST", Path: "/admin/users/:id/role", Perm: policies.RoleManage, Handler: h.adminUserRole},
		{Method: "POST", Path: "/admin/users/:id/disable", Perm: policies.UserManage, Handler: h.adminUserDisable},
		{Method: "POST", Path: "/admin/users/:id/enable", Perm: policies.UserManage, Handler: h.adminUserEnable},
		{Method: "GET", Path: "/admin/settings", Perm: policies.SettingsManage, Handler: h.adminSettings},
		{Method: "POST", Path: "/admin/settings", Perm: policies.SettingsManage, Handler: h.adminSettingsSave},
		{Method: "POST", Path: "/admin/invitations", Perm: policies.UserManage, Handler: h.adminInvitationCreate},

		// Issue 5: guidelines.
		{Method: "GET", Path: "/admin/guidelines", Perm: policies.SettingsManage, Handler: h.adminGuidelines},
		{Method: "POST", Path: "/admin/guidelines", Perm: policies.SettingsManage, Handler: h.adminGuidelinesSave},
		{Method: "GET", Path: "/c/:slug/guidelines/edit", Perm: policies.ChannelManage, Domain: slug, Handler: h.channelGuidelines},
		{Method: "POST", Path: "/c/:slug/guidelines", Perm: policies.ChannelManage, Domain: slug, Handler: h.channelGuidelinesSave},
		{Method: "GET", Path: "/api/v1/guidelines", Perm: policies.AccountUse, Handler: h.apiSiteGuidelines},
		{Method: "PUT", Path: "/api/v1/guidelines", Perm: policies.SettingsManage, Handler: h.apiSiteGuidelinesSave},
		{Method: "PUT", Path: "/api/v1/channels/:slug/guidelines", Perm: policies.ChannelManage, Domain: slug, Handler: h.apiChannelGuidelinesSave},
		// Issue 5: filter management.
		{Method: "GET", Path: "/admin/filters", Perm: policies.SettingsManage, Handler: h.adminFilters},
		{Method: "POST", Path: "/admin/filters", Perm: policies.SettingsManage, Handler: h.adminFilterCreate},
		{Method: "POST", Path: "/admin/filters/import", Perm: policies.SettingsManage, Handler: h.adminFilterImport},
		{Method: "GET", Path: "/admin/filters/export", Perm: policies.SettingsManage, Handler: h.adminFilterExport},
		{Method: "POST", Path: "/admin/filters/dry-run", Perm: policies.SettingsManage, Handler: h.adminFilterDryRun},
		{Method: "POST", Path: "/admin/filters/:id/toggle", Perm: policies.SettingsManage, Handler: h.adminFilterToggle},
		{Method: "POST", Path: "/admin/filters/:id/delete", Perm: policies.SettingsManage, Handler: h.adminFilterDelete},
		{Method: "POST", Path: "/api/v1/filters/dry-run", Perm: policies.SettingsManage, Handler: h.apiFilterDryRun},
		// Issue 5: roles, users, audit.
		{Method: "GET", Path: "/admin/roles", Perm: policies.RoleManage, Handler: h.adminRoles},
		{Method: "POST", Path: "/admin/roles/grant", Perm: policies.RoleManage, Handler: h.adminRoleGrant},
		{Method: "POST", Path: "/admin/roles/revoke", Perm: policies.RoleManage, Handler: h.adminRoleRevoke},
		{Method: "GET", Path: "/admin/permissions", Perm: policies.RoleManage, Handler: h.adminPermissions},
		{Method: "GET", Path: "/admin/users/:id", Perm: policies.UserManage, Handler: h.adminUser},
		{Method: "POST", Path: "/admin/users/:id/reset-password", Perm: policies.UserManage, Handler: h.adminUserResetPassword},
		{Method: "GET", Path: "/admin/audit", Perm: policies.AuditView, Handler: h.adminAudit},
		{Method: "GET", Path: "/admin/audit.csv", Perm: policies.AuditView, Handler: h.adminAuditCSV},
		{Method: "GET", Path: "/api/v1/users", Perm: policies.UserManage, Handler: h.apiUsers},
		{Method: "GET", Path: "/api/v1/users/:id", Perm: policies.UserManage, Handler: h.apiUser},
		{Method: "POST", Path: "/api/v1/roles", Perm: policies.RoleManage, Handler: h.apiRoleGrant},
		{Method: "DELETE", Path: "/api/v1/roles", Perm: policies.RoleManage, Handler: h.apiRoleRevoke},
		{Method: "GET", Path: "/api/v1/permissions/explain", Perm: policies.RoleManage, Handler: h.apiPermissionExplain},
		{Method: "GET", Path: "/api/v1/me", Perm: policies.AccountUse, Handler: h.apiMe},
		{Method: "GET", Path: "/api/v1/channels", Perm: policies.ChannelList, Handler: h.apiChannels},
		{Method: "POST", Path: "/api/v1/channels", Perm: policies.ChannelCreate, Handler: h.apiChannelCreate},
		{Method: "GET", Path: "/api/v1/channels/:slug", Perm: policies.ChannelView, Domain: slug, Handler: h.apiChannel},
		{Method: "PATCH", Path: "/api/v1/channels/:slug", Perm: policies.ChannelManage, Domain: slug, Handler: h.apiChannelUpdate},
		{Method: "POST", Path: "/api/v1/channels/:slug/join", Perm: policies.ChannelView, Domain: slug, Handler: h.apiChannelJoin},
		{Method: "GET", Path: "/api/v1/channels/:slug/guidelines", Perm: policies.ChannelView, Domain: slug, Handler: h.apiGuidelines},
		{Method: "POST", Path: "/api/v1/channels/:slug/guidelines/accept", Perm: policies.ChannelView, Domain: slug, Handler: h.apiGuidelinesAccept},
		{Method: "GET", Path: "/api/v1/channels/:slug/members", Perm: policies.ChannelManage, Domain: slug, Handler: h.apiMembers},
		{Method: "POST", Path: "/api/v1/channels/:slug/members", Perm: policies.ChannelManage, Domain: slug, Handler: h.apiMemberAdd},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/members/:user", Perm: policies.ChannelManage, Domain: slug, Handler: h.apiMemberRemove},
		{Method: "POST", Path: "/api/v1/channels/:slug/sessions", Perm: policies.SessionManage, Domain: slug, Handler: h.apiSessionStart},
		{Method: "POST", Path: "/api/v1/channels/:slug/sessions/current/end", Perm: policies.SessionManage, Domain: slug, Handler: h.apiSessionEnd},
		{Method: "GET", Path: "/api/v1/channels/:slug/messages", Perm: policies.ChannelView, Domain: slug, Handler: h.apiMessages},
		{Method: "POST", Path: "/api/v1/channels/:slug/messages", Perm: policies.MessagePost, Domain: slug, Handler: h.apiMessagePost},
		{Method: "PATCH", Path: "/api/v1/channels/:slug/messages/:id", Perm: policies.MessagePost, Domain: slug, Handler: h.apiMessageEdit},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/messages/:id", Perm: policies.MessagePost, Domain: slug, Handler: h.apiMessageDelete},
		{Method: "PUT", Path: "/api/v1/channels/:slug/messages/:id/reactions/:emoji", Perm: policies.MessagePost, Domain: slug, Handler: h.apiReactionPut},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/messages/:id/reactions/:emoji", Perm: policies.MessagePost, Domain: slug, Handler: h.apiReactionDelete},
		{Method: "PUT", Path: "/api/v1/channels/:slug/messages/:id/vote", Perm: policies.MessagePost, Domain: slug, Handler: h.apiVotePut},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/messages/:id/vote", Perm: policies.MessagePost, Domain: slug, Handler: h.apiVoteDelete},
		{Method: "GET", Path: "/api/v1/filters", Perm: policies.SettingsManage, Handler: h.apiFilters},
		{Method: "POST", Path: "/api/v1/filters", Perm: policies.SettingsManage, Handler: h.apiFilterCreate},
		{Method: "POST", Path: "/api/v1/filters/import", Perm: policies.SettingsManage, Handler: h.apiFilterImport},
		{Method: "GET", Path: "/api/v1/filters/export", Perm: policies.SettingsManage, Handler: h.apiFilterExport},
		{Method: "PATCH", Path: "/api/v1/filters/:id", Perm: policies.SettingsManage, Handler: h.apiFilterUpdate},
		{Method: "DELETE", Path: "/api/v1/filters/:id", Perm: policies.SettingsManage, Handler: h.apiFilterDelete},
		{Method: "GET", Path: "/api/v1/channels/:slug/filters", Perm: policies.ChannelManage, Domain: slug, Handler: h.apiChannelFilters},
		{Method: "POST", Path: "/api/v1/channels/:slug/filters", Perm: policies.ChannelManage, Domain: slug, Handler: h.apiChannelFilterCreate},
		{Method: "POST", Path: "/api/v1/channels/:slug/filters/import", Perm: policies.ChannelManage, Domain: slug, Handler: h.apiChannelFilterImport},
		{Method: "GET", Path: "/api/v1/channels/:slug/filters/export", Perm: policies.ChannelManage, Domain: slug, Handler: h.apiChannelFilterExport},
		{Method: "PATCH", Path: "/api/v1/channels/:slug/filters/:id", Perm: policies.ChannelManage, Domain: slug, Handler: h.apiChannelFilterUpdate},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/filters/:id", Perm: policies.ChannelManage, Domain: slug, Handler: h.apiChannelFilterDelete},
		{Method: "GET", Path: "/api/v1/channels/:slug/queue", Perm: policies.ModView, Domain: slug, Handler: h.apiQueue},
		{Method: "POST", Path: "/api/v1/channels/:slug/messages/:id/moderate", Perm: policies.MessageModerate, Domain: slug, Handler: h.apiModerate},
		{Method: "POST", Path: "/api/v1/channels/:slug/messages/:id/report", Perm: policies.MessagePost, Domain: slug, Handler: h.apiReport},
		{Method: "POST", Path: "/api/v1/channels/:slug/sanctions", Perm: policies.UserSanction, Domain: slug, Handler: h.apiSanction},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/sanctions/:id", Perm: policies.UserSanction, Domain: slug, Handler: h.apiSanctionRevoke},
		{Method: "POST", Path: "/api/v1/channels/:slug/purge", Perm: policies.UserSanction, Domain: slug, Handler: h.apiPurge},
		{Method: "POST", Path: "/api/v1/channels/:slug/undo", Perm: policies.MessageModerate, Domain: slug, Handler: h.apiUndo},
		{Method: "GET", Path: "/api/v1/channels/:slug/people/:subject", Perm: policies.ModView, Domain: slug, Handler: h.apiPerson},
		{Method: "POST", Path: "/api/v1/channels/:slug/people/:subject/notes", Perm: policies.ModView, Domain: slug, Handler: h.apiNote},
		{Method: "GET", Path: "/api/v1/channels/:slug/audit", Perm: policies.ModView, Domain: slug, Handler: h.apiChannelAudit},
		{Method: "GET", Path: "/api/v1/audit", Perm: policies.AuditView, Handler: h.apiAudit},
		{Method: "GET", Path: "/api/v1/channels/:slug/events", Perm: policies.ChannelView, Domain: slug, Handler: h.apiEvents},

		// Issue 5: retention.
		{Method: "GET", Path: "/admin/retention", Perm: policies.SettingsManage, Handler: h.adminRetention},
		{Method: "POST", Path: "/admin/retention/preview", Perm: policies.SettingsManage, Handler: h.adminRetentionPreview},
		{Method: "POST", Path: "/admin/retention", Perm: policies.SettingsManage, Handler: h.adminRetentionSave},
		{Method: "POST", Path: "/admin/retention/run", Perm: policies.SettingsManage, Handler: h.adminRetentionRun},
		{Method: "GET", Path: "/api/v1/retention", Perm: policies.SettingsManage, Handler: h.apiRetention},
		{Method: "PUT", Path: "/api/v1/retention", Perm: policies.SettingsManage, Handler: h.apiRetentionSave},
		{Method: "POST", Path: "/api/v1/retention/preview", Perm: policies.SettingsManage, Handler: h.apiRetentionPreview},

		// Issue 6: search and tags. /search answers every signed-in user
		// with what their roles let them see; tagging is checked per channel.
		{Method: "GET", Path: "/search", Perm: policies.AccountUse, Handler: h.searchPage},
		{Method: "GET", Path: "/search/export/:format", Perm: policies.AccountUse, Handler: h.searchExport},
		{Method: "POST", Path: "/search/tag", Perm: policies.AccountUse, Handler: h.searchTag},
		{Method: "GET", Path: "/api/v1/search", Perm: policies.AccountUse, Handler: h.apiSearch},
		{Method: "GET", Path: "/api/v1/tags", Perm: policies.AccountUse, Handler: h.apiTags},
		{Method: "POST", Path: "/c/:slug/messages/:id/tags", Perm: policies.MessageTag, Domain: slug, Handler: h.messageTag},
		{Method: "POST", Path: "/c/:slug/messages/:id/tags/:tag/remove", Perm: policies.MessageTag, Domain: slug, Handler: h.messageUntag},
		{Method: "POST", Path: "/api/v1/channels/:slug/messages/:id/tags", Perm: policies.MessageTag, Domain: slug, Handler: h.apiMessageTag},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/messages/:id/tags/:tag", Perm: policies.MessageTag, Domain: slug, Handler: h.apiMessageUntag},

		// Issue 6: transcripts and class analytics.
		{Method: "GET", Path: "/transcripts", Perm: policies.AccountUse, Handler: h.transcripts},
		{Method: "GET", Path: "/transcripts/:slug", Perm: policies.TranscriptView, Domain: slug, Handler: h.transcriptSessions},
		{Method: "GET", Path: "/transcripts/:slug/:session", Perm: policies.TranscriptView, Domain: slug, Handler: h.transcript},
		{Method: "GET", Path: "/transcripts/:slug/:session/export/:format", Perm: policies.TranscriptView, Domain: slug, Handler: h.transcriptExport},
		{Method: "GET", Path: "/transcripts/:slug/:session/analytics", Perm: policies.TranscriptStaff, Domain: slug, Handler: h.transcriptAnalytics},
		{Method: "GET", Path: "/api/v1/channels/:slug/sessions", Perm: policies.TranscriptView, Domain: slug, Handler: h.apiSessions},
		{Method: "GET", Path: "/api/v1/channels/:slug/sessions/:session/transcript", Perm: policies.TranscriptView, Domain: slug, Handler: h.apiTranscript},
		{Method: "GET", Path: "/api/v1/channels/:slug/sessions/:session/analytics", Perm: policies.TranscriptStaff, Domain: slug, Handler: h.apiAnalytics},
	}
}

// guard wraps a route's handler with its permission check: deny by default.
func (h *Handlers) guard(r route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if r.Perm == policies.Public {
			return r.Handler(c)
		}
		v := viewerOf(c)
		domain := model.SiteWide
		if r.Domain != nil {
			domain = r.Domain(c)
		}
		if v.User == nil {
			if !r.Guests {
				return model.ErrUnauthorized
			}
			cc, err := h.channelContext(c)
			if err != nil {
				return err
			}
			if cc.Viewer.Actor.GuestID == 0 {
				return model.ErrUnauthorized
			}
			ok, err := h.Authz.CanGuest(c.UserContext(), domain, r.Perm)
			if err != nil {
				return err
			}
			if !ok {
				return model.ErrForbidden
			}
			return r.Handler(c)
		}
		if v.User.MustResetPassword && !v.ViaToken && r.Path != "/account" && r.Path != "/account/password" {
			// An admin forced a password reset: nothing else until it is done.
			h.flash(c, "error", "Choose a new password to continue.")
			return seeOther(c, "/account")
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
