package handlers

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/api"
	"backchannel/handlers/pages"
	"backchannel/handlers/web"
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
func (h *server) routes() []route {
	p, a := &pages.Pages{Base: h.Base}, &api.API{Base: h.Base}
	return []route{
		// HTML: the site, sign-in and sign-up.
		{Method: "GET", Path: "/", Perm: policies.Public, Handler: p.Home},
		{Method: "GET", Path: "/static/*", Perm: policies.Public, Handler: p.Static},
		{Method: "GET", Path: "/setup", Perm: policies.Public, Handler: p.SetupForm},
		{Method: "POST", Path: "/setup", Perm: policies.Public, Handler: p.SetupSubmit},
		{Method: "GET", Path: "/login", Perm: policies.Public, Handler: p.LoginForm},
		{Method: "POST", Path: "/login", Perm: policies.Public, Handler: p.LoginSubmit},
		{Method: "POST", Path: "/logout", Perm: policies.Public, Handler: p.Logout},
		{Method: "GET", Path: "/signup", Perm: policies.Public, Handler: p.SignupForm},
		{Method: "POST", Path: "/signup", Perm: policies.Public, Handler: p.SignupSubmit},
		// HTML: the one-time link of an admin's password reset.
		{Method: "GET", Path: "/reset/:token", Perm: policies.Public, Handler: p.PasswordResetForm},
		{Method: "POST", Path: "/reset/:token", Perm: policies.Public, Handler: p.PasswordResetSubmit},

		// HTML and API: direct messages' live streams (one per person: every conversation's events).
		{Method: "GET", Path: "/inbox/events", Perm: policies.AccountUse, Handler: p.InboxEvents},
		// HTML: direct messages: the inbox (a visitor is told it needs an account), requests, a new conversation, a conversation and its actions.
		{Method: "GET", Path: "/inbox", Perm: policies.Public, Handler: p.InboxHome},
		{Method: "GET", Path: "/inbox/requests", Perm: policies.AccountUse, Handler: p.InboxRequests},
		{Method: "GET", Path: "/inbox/unread", Perm: policies.AccountUse, Handler: p.InboxUnread},
		{Method: "GET", Path: "/inbox/new", Perm: policies.AccountUse, Handler: p.InboxNewForm},
		{Method: "POST", Path: "/inbox/new", Perm: policies.AccountUse, Handler: p.InboxNewSubmit},
		// Searching one's own direct messages, exporting a conversation one is in (404 to
		// anyone else); /inbox/search before /inbox/:id.
		{Method: "GET", Path: "/inbox/search", Perm: policies.AccountUse, Handler: p.InboxSearch},
		{Method: "GET", Path: "/inbox/:id/export.:format", Perm: policies.AccountUse, Handler: p.InboxExport},
		{Method: "GET", Path: "/inbox/:id", Perm: policies.AccountUse, Handler: p.InboxConversation},
		{Method: "POST", Path: "/inbox/:id/messages", Perm: policies.AccountUse, Handler: p.InboxPost},
		{Method: "POST", Path: "/inbox/:id/messages/:mid/edit", Perm: policies.AccountUse, Handler: p.InboxEdit},
		{Method: "POST", Path: "/inbox/:id/messages/:mid/delete", Perm: policies.AccountUse, Handler: p.InboxDelete},
		{Method: "POST", Path: "/inbox/:id/messages/:mid/react", Perm: policies.AccountUse, Handler: p.InboxReact},
		{Method: "POST", Path: "/inbox/:id/read", Perm: policies.AccountUse, Handler: p.InboxRead},
		{Method: "POST", Path: "/inbox/:id/leave", Perm: policies.AccountUse, Handler: p.InboxLeave},
		{Method: "POST", Path: "/inbox/:id/delete", Perm: policies.AccountUse, Handler: p.InboxDeleteChat},
		{Method: "POST", Path: "/inbox/:id/members", Perm: policies.AccountUse, Handler: p.InboxMemberAdd},
		{Method: "POST", Path: "/inbox/:id/members/:user/remove", Perm: policies.AccountUse, Handler: p.InboxMemberRemove},
		{Method: "POST", Path: "/inbox/:id/members/:user/admin", Perm: policies.AccountUse, Handler: p.InboxHandOver},
		{Method: "POST", Path: "/inbox/:id/rename", Perm: policies.AccountUse, Handler: p.InboxRename},
		{Method: "POST", Path: "/inbox/:id/accept", Perm: policies.AccountUse, Handler: p.InboxAccept},
		{Method: "POST", Path: "/inbox/:id/decline", Perm: policies.AccountUse, Handler: p.InboxDecline},
		{Method: "GET", Path: "/api/v1/me/inbox/events", Perm: policies.AccountUse, Handler: a.InboxEvents},
		// HTML: people: profiles (open to all; the buttons need an account), follows,
		// blocks, your profile and who may message you, the "New message" lookup.
		{Method: "GET", Path: "/u/:handle", Perm: policies.Public, Handler: p.Profile},
		{Method: "GET", Path: "/u/:handle/followers", Perm: policies.Public, Handler: p.Followers},
		{Method: "GET", Path: "/u/:handle/following", Perm: policies.Public, Handler: p.Following},
		{Method: "POST", Path: "/u/:handle/follow", Perm: policies.AccountUse, Handler: p.ProfileFollow},
		{Method: "POST", Path: "/u/:handle/unfollow", Perm: policies.AccountUse, Handler: p.ProfileUnfollow},
		{Method: "POST", Path: "/u/:handle/block", Perm: policies.AccountUse, Handler: p.ProfileBlock},
		{Method: "POST", Path: "/u/:handle/unblock", Perm: policies.AccountUse, Handler: p.ProfileUnblock},
		{Method: "POST", Path: "/account/profile", Perm: policies.AccountUse, Handler: p.AccountProfile},
		{Method: "POST", Path: "/account/messages", Perm: policies.AccountUse, Handler: p.AccountMessages},
		{Method: "POST", Path: "/account/blocks/:handle/unblock", Perm: policies.AccountUse, Handler: p.AccountUnblock},
		{Method: "GET", Path: "/people/search", Perm: policies.AccountUse, Handler: p.PeopleSearch},

		// HTML: your account.
		{Method: "GET", Path: "/account", Perm: policies.AccountUse, Handler: p.Account},
		{Method: "POST", Path: "/account/password", Perm: policies.AccountUse, Handler: p.AccountPassword},
		{Method: "POST", Path: "/account/tokens", Perm: policies.AccountUse, Handler: p.AccountTokenCreate},
		{Method: "POST", Path: "/account/tokens/:id/revoke", Perm: policies.AccountUse, Handler: p.AccountTokenRevoke},

		// HTML: channels: the list, the page and its live stream, joining, guidelines, settings, members and class sessions.
		{Method: "GET", Path: "/channels", Perm: policies.ChannelList, Handler: p.Channels},
		{Method: "POST", Path: "/channels", Perm: policies.ChannelCreate, Handler: p.ChannelCreate},
		{Method: "GET", Path: "/c/:slug", Perm: policies.Public, Handler: p.ChannelPage},
		{Method: "POST", Path: "/c/:slug/join", Perm: policies.Public, Handler: p.ChannelJoin},
		{Method: "POST", Path: "/c/:slug/guidelines/accept", Perm: policies.ChannelView, Domain: slug, Guests: true, Handler: p.GuidelinesAccept},
		{Method: "GET", Path: "/c/:slug/guidelines/notice", Perm: policies.ChannelView, Domain: slug, Guests: true, Handler: p.GuidelinesNotice},
		{Method: "GET", Path: "/c/:slug/earlier", Perm: policies.ChannelView, Domain: slug, Guests: true, Handler: p.ChannelEarlier},
		{Method: "GET", Path: "/c/:slug/events", Perm: policies.ChannelView, Domain: slug, Guests: true, Handler: p.ChannelEvents},
		{Method: "GET", Path: "/c/:slug/settings", Perm: policies.ChannelManage, Domain: slug, Handler: p.ChannelSettings},
		{Method: "POST", Path: "/c/:slug/settings", Perm: policies.ChannelManage, Domain: slug, Handler: p.ChannelSettingsSave},
		{Method: "POST", Path: "/c/:slug/members", Perm: policies.ChannelManage, Domain: slug, Handler: p.MemberAdd},
		{Method: "POST", Path: "/c/:slug/members/:user/remove", Perm: policies.ChannelManage, Domain: slug, Handler: p.MemberRemove},
		{Method: "POST", Path: "/c/:slug/sessions/start", Perm: policies.SessionManage, Domain: slug, Handler: p.SessionStart},
		{Method: "POST", Path: "/c/:slug/sessions/end", Perm: policies.SessionManage, Domain: slug, Handler: p.SessionEnd},
		// HTML: a session's steps as pages: name it when starting, rename it, confirm its end.
		{Method: "GET", Path: "/c/:slug/sessions/start", Perm: policies.SessionManage, Domain: slug, Handler: p.SessionStartForm},
		{Method: "GET", Path: "/c/:slug/sessions/rename", Perm: policies.SessionManage, Domain: slug, Handler: p.SessionRenameForm},
		{Method: "POST", Path: "/c/:slug/sessions/rename", Perm: policies.SessionManage, Domain: slug, Handler: p.SessionRename},
		{Method: "GET", Path: "/c/:slug/sessions/end", Perm: policies.SessionManage, Domain: slug, Handler: p.SessionEndConfirm},
		{Method: "GET", Path: "/c/:slug/guidelines/edit", Perm: policies.ChannelManage, Domain: slug, Handler: p.ChannelGuidelines},
		{Method: "POST", Path: "/c/:slug/guidelines", Perm: policies.ChannelManage, Domain: slug, Handler: p.ChannelGuidelinesSave},

		// HTML: messages in a channel: post, edit, delete, react, vote, report, tag.
		{Method: "POST", Path: "/c/:slug/messages", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: p.MessagePost},
		{Method: "POST", Path: "/c/:slug/messages/:id/edit", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: p.MessageEdit},
		{Method: "POST", Path: "/c/:slug/messages/:id/delete", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: p.MessageDelete},
		{Method: "POST", Path: "/c/:slug/messages/:id/react", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: p.MessageReact},
		{Method: "POST", Path: "/c/:slug/messages/:id/vote", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: p.MessageVote},
		{Method: "POST", Path: "/c/:slug/messages/:id/report", Perm: policies.MessagePost, Domain: slug, Guests: true, Handler: p.MessageReport},
		{Method: "POST", Path: "/c/:slug/messages/:id/tags", Perm: policies.MessageTag, Domain: slug, Handler: p.MessageTag},
		{Method: "POST", Path: "/c/:slug/messages/:id/tags/:tag/remove", Perm: policies.MessageTag, Domain: slug, Handler: p.MessageUntag},

		// HTML: the presenter view (projector or second screen) and the host's actions from it.
		{Method: "GET", Path: "/c/:slug/present", Perm: policies.ChannelPresent, Domain: slug, Handler: p.Present},
		{Method: "GET", Path: "/c/:slug/present/events", Perm: policies.ChannelPresent, Domain: slug, Handler: p.PresentEvents},
		{Method: "POST", Path: "/c/:slug/present/messages/:id/:action", Perm: policies.ChannelPresent, Domain: slug, Handler: p.PresentAction},

		// HTML: the triage wall. /mod and its stream need only a signed-in user; they
		// show the channels the person moderates and answer 403 when there is
		// none. Every action names its channel and is checked there..
		{Method: "GET", Path: "/mod", Perm: policies.AccountUse, Handler: p.ModWall},
		{Method: "GET", Path: "/mod/events", Perm: policies.AccountUse, Handler: p.ModEvents},
		{Method: "POST", Path: "/mod/c/:slug/messages/:id/:action", Perm: policies.MessageModerate, Domain: slug, Handler: p.ModMessageAction},
		{Method: "GET", Path: "/mod/c/:slug/people/:subject", Perm: policies.ModView, Domain: slug, Handler: p.ModPerson},
		{Method: "POST", Path: "/mod/c/:slug/people/:subject/sanctions", Perm: policies.UserSanction, Domain: slug, Handler: p.ModSanction},
		{Method: "POST", Path: "/mod/c/:slug/people/:subject/purge", Perm: policies.UserSanction, Domain: slug, Handler: p.ModPurge},
		{Method: "POST", Path: "/mod/c/:slug/people/:subject/notes", Perm: policies.ModView, Domain: slug, Handler: p.ModNote},
		{Method: "POST", Path: "/mod/c/:slug/undo/:audit", Perm: policies.MessageModerate, Domain: slug, Handler: p.ModUndo},
		{Method: "POST", Path: "/mod/c/:slug/staff-chat", Perm: policies.ModView, Domain: slug, Handler: p.ModStaffChat},
		// A reported message that breaks no rule is kept: its reports are dismissed.
		{Method: "POST", Path: "/mod/c/:slug/messages/:id/reports/dismiss", Perm: policies.MessageModerate, Domain: slug, Handler: p.ModReportDismiss},
		// Bulk actions name messages in any channel: each is checked in its own.
		{Method: "POST", Path: "/mod/messages/bulk", Perm: policies.AccountUse, Handler: p.ModBulk},
		// HTML: attachments on the wall: a moderator removes one file (the text stays); each person's "Blur images on the wall".
		{Method: "POST", Path: "/mod/c/:slug/attachments/:id/remove", Perm: policies.MessageModerate, Domain: slug, Handler: p.ModAttachmentRemove},
		{Method: "POST", Path: "/mod/settings/blur", Perm: policies.AccountUse, Handler: p.ModWallBlur},

		// HTML: search and tagging across channels (each person sees what their roles
		// let them see; tagging is checked per channel).
		{Method: "GET", Path: "/search", Perm: policies.AccountUse, Handler: p.SearchPage},
		{Method: "GET", Path: "/search/export/:format", Perm: policies.AccountUse, Handler: p.SearchExport},
		{Method: "POST", Path: "/search/tag", Perm: policies.AccountUse, Handler: p.SearchTag},

		// HTML: transcripts and class analytics.
		{Method: "GET", Path: "/transcripts", Perm: policies.AccountUse, Handler: p.TranscriptList},
		{Method: "GET", Path: "/transcripts/:slug", Perm: policies.TranscriptView, Domain: slug, Handler: p.TranscriptSessions},
		{Method: "GET", Path: "/transcripts/:slug/:session", Perm: policies.TranscriptView, Domain: slug, Handler: p.Transcript},
		{Method: "GET", Path: "/transcripts/:slug/:session/export/:format", Perm: policies.TranscriptView, Domain: slug, Handler: p.TranscriptExport},
		{Method: "GET", Path: "/transcripts/:slug/:session/analytics", Perm: policies.TranscriptStaff, Domain: slug, Handler: p.TranscriptAnalytics},

		// HTML: admin: users and invitations, roles and permissions, settings.
		{Method: "GET", Path: "/admin", Perm: policies.AdminView, Handler: p.AdminHome},
		{Method: "GET", Path: "/admin/users", Perm: policies.UserManage, Handler: p.AdminUsers},
		{Method: "POST", Path: "/admin/users/:id/role", Perm: policies.RoleManage, Handler: p.AdminUserRole},
		{Method: "POST", Path: "/admin/users/:id/disable", Perm: policies.UserManage, Handler: p.AdminUserDisable},
		{Method: "POST", Path: "/admin/users/:id/enable", Perm: policies.UserManage, Handler: p.AdminUserEnable},
		{Method: "GET", Path: "/admin/settings", Perm: policies.SettingsManage, Handler: p.AdminSettings},
		{Method: "POST", Path: "/admin/settings", Perm: policies.SettingsManage, Handler: p.AdminSettingsSave},
		{Method: "POST", Path: "/admin/invitations", Perm: policies.UserManage, Handler: p.AdminInvitationCreate},
		{Method: "GET", Path: "/admin/roles", Perm: policies.RoleManage, Handler: p.AdminRoles},
		{Method: "POST", Path: "/admin/roles/grant", Perm: policies.RoleManage, Handler: p.AdminRoleGrant},
		{Method: "POST", Path: "/admin/roles/revoke", Perm: policies.RoleManage, Handler: p.AdminRoleRevoke},
		{Method: "GET", Path: "/admin/permissions", Perm: policies.RoleManage, Handler: p.AdminPermissions},
		{Method: "GET", Path: "/admin/users/:id", Perm: policies.UserManage, Handler: p.AdminUser},
		{Method: "POST", Path: "/admin/users/:id/reset-password", Perm: policies.UserManage, Handler: p.AdminUserResetPassword},

		// HTML: admin: guidelines, filters, audit log, retention.
		{Method: "GET", Path: "/admin/guidelines", Perm: policies.SettingsManage, Handler: p.AdminGuidelines},
		{Method: "POST", Path: "/admin/guidelines", Perm: policies.SettingsManage, Handler: p.AdminGuidelinesSave},
		{Method: "GET", Path: "/admin/filters", Perm: policies.SettingsManage, Handler: p.AdminFilters},
		{Method: "POST", Path: "/admin/filters", Perm: policies.SettingsManage, Handler: p.AdminFilterCreate},
		{Method: "POST", Path: "/admin/filters/import", Perm: policies.SettingsManage, Handler: p.AdminFilterImport},
		{Method: "GET", Path: "/admin/filters/export", Perm: policies.SettingsManage, Handler: p.AdminFilterExport},
		{Method: "POST", Path: "/admin/filters/dry-run", Perm: policies.SettingsManage, Handler: p.AdminFilterDryRun},
		{Method: "POST", Path: "/admin/filters/try", Perm: policies.SettingsManage, Handler: p.AdminFilterTry},
		{Method: "POST", Path: "/admin/filters/:id/toggle", Perm: policies.SettingsManage, Handler: p.AdminFilterToggle},
		{Method: "POST", Path: "/admin/filters/:id/delete", Perm: policies.SettingsManage, Handler: p.AdminFilterDelete},
		{Method: "GET", Path: "/admin/audit", Perm: policies.AuditView, Handler: p.AdminAudit},
		{Method: "GET", Path: "/admin/audit.csv", Perm: policies.AuditView, Handler: p.AdminAuditCSV},
		{Method: "GET", Path: "/admin/retention", Perm: policies.SettingsManage, Handler: p.AdminRetention},
		{Method: "POST", Path: "/admin/retention/preview", Perm: policies.SettingsManage, Handler: p.AdminRetentionPreview},
		{Method: "POST", Path: "/admin/retention", Perm: policies.SettingsManage, Handler: p.AdminRetentionSave},
		{Method: "POST", Path: "/admin/retention/run", Perm: policies.SettingsManage, Handler: p.AdminRetentionRun},

		// API: health and who is asking.
		{Method: "GET", Path: "/healthz", Perm: policies.Public, Handler: a.Healthz},
		{Method: "GET", Path: "/readyz", Perm: policies.Public, Handler: a.Readyz},
		{Method: "GET", Path: "/api/v1/me", Perm: policies.AccountUse, Handler: a.Me},

		// API: people: your profile, profiles, follows, blocks, the lookup. Before the
		// admin's /api/v1/users/:id, to which a numeric :handle is passed on.
		{Method: "PATCH", Path: "/api/v1/me", Perm: policies.AccountUse, Handler: a.MeUpdate},
		{Method: "GET", Path: "/api/v1/users/search", Perm: policies.AccountUse, Handler: a.PeopleSearch},
		{Method: "GET", Path: "/api/v1/users/:handle", Perm: policies.AccountUse, Handler: a.Profile},
		{Method: "POST", Path: "/api/v1/users/:handle/follow", Perm: policies.AccountUse, Handler: a.Follow},
		{Method: "DELETE", Path: "/api/v1/users/:handle/follow", Perm: policies.AccountUse, Handler: a.Unfollow},
		{Method: "GET", Path: "/api/v1/users/:handle/followers", Perm: policies.AccountUse, Handler: a.Followers},
		{Method: "GET", Path: "/api/v1/users/:handle/following", Perm: policies.AccountUse, Handler: a.Following},
		{Method: "GET", Path: "/api/v1/blocks", Perm: policies.AccountUse, Handler: a.Blocks},
		{Method: "POST", Path: "/api/v1/blocks", Perm: policies.AccountUse, Handler: a.BlockCreate},
		{Method: "DELETE", Path: "/api/v1/blocks/:handle", Perm: policies.AccountUse, Handler: a.BlockDelete},
		// Attachments: files served from their own path, to whoever may see
		// the message they belong to (their uploader until then; 404 to
		// everyone else, signed out included); uploads through the API, read
		// as a stream (streamedBodies); the site's upload rules. Thumbnails
		// come first: "thumbs" is no id, and everything under /files gets a
		// guest's files cookie.
		{Method: "GET", Path: "/files/thumbs/:id", Perm: policies.Public, Handler: p.FileThumb},
		{Method: "GET", Path: "/files/:id/:name", Perm: policies.Public, Handler: p.File},
		{Method: "POST", Path: "/api/v1/uploads", Perm: policies.AccountUse, Handler: a.UploadCreate},
		{Method: "GET", Path: "/api/v1/uploads/:id", Perm: policies.AccountUse, Handler: a.UploadGet},
		{Method: "DELETE", Path: "/api/v1/uploads/:id", Perm: policies.AccountUse, Handler: a.UploadDelete},
		{Method: "GET", Path: "/api/v1/upload-settings", Perm: policies.SettingsManage, Handler: a.UploadPolicy},
		{Method: "PUT", Path: "/api/v1/upload-settings", Perm: policies.SettingsManage, Handler: a.UploadPolicySave},

		// API: users, roles and permissions.
		{Method: "GET", Path: "/api/v1/users", Perm: policies.UserManage, Handler: a.Users},
		{Method: "GET", Path: "/api/v1/users/:id", Perm: policies.UserManage, Handler: a.User},
		{Method: "POST", Path: "/api/v1/roles", Perm: policies.RoleManage, Handler: a.RoleGrant},
		{Method: "DELETE", Path: "/api/v1/roles", Perm: policies.RoleManage, Handler: a.RoleRevoke},
		{Method: "GET", Path: "/api/v1/permissions/explain", Perm: policies.RoleManage, Handler: a.PermissionExplain},
		// API: an admin's password reset, answering the one-time link.
		{Method: "POST", Path: "/api/v1/users/:id/reset-password", Perm: policies.UserManage, Handler: a.UserResetPassword},

		// API: channels, members, class sessions, guidelines and the event stream.
		{Method: "GET", Path: "/api/v1/guidelines", Perm: policies.AccountUse, Handler: a.SiteGuidelines},
		{Method: "PUT", Path: "/api/v1/guidelines", Perm: policies.SettingsManage, Handler: a.SiteGuidelinesSave},
		{Method: "PUT", Path: "/api/v1/channels/:slug/guidelines", Perm: policies.ChannelManage, Domain: slug, Handler: a.ChannelGuidelinesSave},
		{Method: "GET", Path: "/api/v1/channels", Perm: policies.ChannelList, Handler: a.Channels},
		{Method: "POST", Path: "/api/v1/channels", Perm: policies.ChannelCreate, Handler: a.ChannelCreate},
		{Method: "GET", Path: "/api/v1/channels/:slug", Perm: policies.ChannelView, Domain: slug, Handler: a.Channel},
		{Method: "PATCH", Path: "/api/v1/channels/:slug", Perm: policies.ChannelManage, Domain: slug, Handler: a.ChannelUpdate},
		{Method: "POST", Path: "/api/v1/channels/:slug/join", Perm: policies.ChannelView, Domain: slug, Handler: a.ChannelJoin},
		{Method: "GET", Path: "/api/v1/channels/:slug/guidelines", Perm: policies.ChannelView, Domain: slug, Handler: a.Guidelines},
		{Method: "POST", Path: "/api/v1/channels/:slug/guidelines/accept", Perm: policies.ChannelView, Domain: slug, Handler: a.GuidelinesAccept},
		{Method: "GET", Path: "/api/v1/channels/:slug/members", Perm: policies.ChannelManage, Domain: slug, Handler: a.Members},
		{Method: "POST", Path: "/api/v1/channels/:slug/members", Perm: policies.ChannelManage, Domain: slug, Handler: a.MemberAdd},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/members/:user", Perm: policies.ChannelManage, Domain: slug, Handler: a.MemberRemove},
		{Method: "POST", Path: "/api/v1/channels/:slug/sessions", Perm: policies.SessionManage, Domain: slug, Handler: a.SessionStart},
		{Method: "POST", Path: "/api/v1/channels/:slug/sessions/current/end", Perm: policies.SessionManage, Domain: slug, Handler: a.SessionEnd},
		{Method: "PATCH", Path: "/api/v1/channels/:slug/sessions/:session", Perm: policies.SessionManage, Domain: slug, Handler: a.SessionRename},
		{Method: "GET", Path: "/api/v1/channels/:slug/events", Perm: policies.ChannelView, Domain: slug, Handler: a.Events},

		// API: messages, reactions, votes, reports and tags.
		{Method: "GET", Path: "/api/v1/channels/:slug/messages", Perm: policies.ChannelView, Domain: slug, Handler: a.Messages},
		{Method: "POST", Path: "/api/v1/channels/:slug/messages", Perm: policies.MessagePost, Domain: slug, Handler: a.MessagePost},
		{Method: "PATCH", Path: "/api/v1/channels/:slug/messages/:id", Perm: policies.MessagePost, Domain: slug, Handler: a.MessageEdit},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/messages/:id", Perm: policies.MessagePost, Domain: slug, Handler: a.MessageDelete},
		{Method: "PUT", Path: "/api/v1/channels/:slug/messages/:id/reactions/:emoji", Perm: policies.MessagePost, Domain: slug, Handler: a.ReactionPut},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/messages/:id/reactions/:emoji", Perm: policies.MessagePost, Domain: slug, Handler: a.ReactionDelete},
		{Method: "PUT", Path: "/api/v1/channels/:slug/messages/:id/vote", Perm: policies.MessagePost, Domain: slug, Handler: a.VotePut},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/messages/:id/vote", Perm: policies.MessagePost, Domain: slug, Handler: a.VoteDelete},
		{Method: "POST", Path: "/api/v1/channels/:slug/messages/:id/report", Perm: policies.MessagePost, Domain: slug, Handler: a.Report},
		{Method: "POST", Path: "/api/v1/channels/:slug/messages/:id/tags", Perm: policies.MessageTag, Domain: slug, Handler: a.MessageTag},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/messages/:id/tags/:tag", Perm: policies.MessageTag, Domain: slug, Handler: a.MessageUntag},

		// API: the presenter view's board and the host's actions from it.
		{Method: "GET", Path: "/api/v1/channels/:slug/present", Perm: policies.ChannelPresent, Domain: slug, Handler: a.Present},
		{Method: "POST", Path: "/api/v1/channels/:slug/present/messages/:id", Perm: policies.ChannelPresent, Domain: slug, Handler: a.PresentAction},

		// API: moderation: the queue, actions, sanctions, purge, undo, people, notes, audit.
		{Method: "GET", Path: "/api/v1/channels/:slug/queue", Perm: policies.ModView, Domain: slug, Handler: a.Queue},
		{Method: "POST", Path: "/api/v1/channels/:slug/messages/:id/moderate", Perm: policies.MessageModerate, Domain: slug, Handler: a.Moderate},
		{Method: "POST", Path: "/api/v1/channels/:slug/sanctions", Perm: policies.UserSanction, Domain: slug, Handler: a.Sanction},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/sanctions/:id", Perm: policies.UserSanction, Domain: slug, Handler: a.SanctionRevoke},
		{Method: "POST", Path: "/api/v1/channels/:slug/purge", Perm: policies.UserSanction, Domain: slug, Handler: a.Purge},
		{Method: "POST", Path: "/api/v1/channels/:slug/undo", Perm: policies.MessageModerate, Domain: slug, Handler: a.Undo},
		{Method: "GET", Path: "/api/v1/channels/:slug/people/:subject", Perm: policies.ModView, Domain: slug, Handler: a.Person},
		{Method: "POST", Path: "/api/v1/channels/:slug/people/:subject/notes", Perm: policies.ModView, Domain: slug, Handler: a.Note},
		{Method: "GET", Path: "/api/v1/channels/:slug/audit", Perm: policies.ModView, Domain: slug, Handler: a.ChannelAudit},
		// API: moderation: dismissing a message's reports; the text of a masked message as written.
		{Method: "POST", Path: "/api/v1/channels/:slug/messages/:id/reports/dismiss", Perm: policies.MessageModerate, Domain: slug, Handler: a.DismissReports},
		{Method: "GET", Path: "/api/v1/channels/:slug/messages/:id/original", Perm: policies.ModView, Domain: slug, Handler: a.MessageOriginal},
		{Method: "GET", Path: "/api/v1/audit", Perm: policies.AuditView, Handler: a.Audit},
		{Method: "POST", Path: "/api/v1/mod/messages/bulk", Perm: policies.AccountUse, Handler: a.ModBulk},
		// API: a moderator removes one file of a message; each person's moderator settings (wall blur).
		{Method: "POST", Path: "/api/v1/channels/:slug/attachments/:id/remove", Perm: policies.MessageModerate, Domain: slug, Handler: a.ModAttachmentRemove},
		{Method: "GET", Path: "/api/v1/mod/settings", Perm: policies.AccountUse, Handler: a.ModSettings},
		{Method: "PUT", Path: "/api/v1/mod/settings", Perm: policies.AccountUse, Handler: a.ModSettingsUpdate},

		// API: word and link filters (site and channel).
		{Method: "POST", Path: "/api/v1/filters/dry-run", Perm: policies.SettingsManage, Handler: a.FilterDryRun},
		{Method: "GET", Path: "/api/v1/filters", Perm: policies.SettingsManage, Handler: a.SiteFilters},
		{Method: "POST", Path: "/api/v1/filters", Perm: policies.SettingsManage, Handler: a.FilterCreate},
		{Method: "POST", Path: "/api/v1/filters/import", Perm: policies.SettingsManage, Handler: a.FilterImport},
		{Method: "GET", Path: "/api/v1/filters/export", Perm: policies.SettingsManage, Handler: a.FilterExport},
		{Method: "PATCH", Path: "/api/v1/filters/:id", Perm: policies.SettingsManage, Handler: a.FilterUpdate},
		{Method: "DELETE", Path: "/api/v1/filters/:id", Perm: policies.SettingsManage, Handler: a.FilterDelete},
		{Method: "GET", Path: "/api/v1/channels/:slug/filters", Perm: policies.ChannelManage, Domain: slug, Handler: a.ChannelFilters},
		{Method: "POST", Path: "/api/v1/channels/:slug/filters", Perm: policies.ChannelManage, Domain: slug, Handler: a.ChannelFilterCreate},
		{Method: "POST", Path: "/api/v1/channels/:slug/filters/import", Perm: policies.ChannelManage, Domain: slug, Handler: a.ChannelFilterImport},
		{Method: "GET", Path: "/api/v1/channels/:slug/filters/export", Perm: policies.ChannelManage, Domain: slug, Handler: a.ChannelFilterExport},
		{Method: "PATCH", Path: "/api/v1/channels/:slug/filters/:id", Perm: policies.ChannelManage, Domain: slug, Handler: a.ChannelFilterUpdate},
		{Method: "DELETE", Path: "/api/v1/channels/:slug/filters/:id", Perm: policies.ChannelManage, Domain: slug, Handler: a.ChannelFilterDelete},

		// API: retention.
		{Method: "GET", Path: "/api/v1/retention", Perm: policies.SettingsManage, Handler: a.RetentionPolicy},
		{Method: "PUT", Path: "/api/v1/retention", Perm: policies.SettingsManage, Handler: a.RetentionSave},
		{Method: "POST", Path: "/api/v1/retention/preview", Perm: policies.SettingsManage, Handler: a.RetentionPreview},

		// API: search and tags.
		{Method: "GET", Path: "/api/v1/search", Perm: policies.AccountUse, Handler: a.SearchMessages},
		{Method: "GET", Path: "/api/v1/tags", Perm: policies.AccountUse, Handler: a.Tags},

		// API: direct messages: conversations, their members and messages, message requests.
		// Every conversation route answers 404 to anyone not in the conversation.
		{Method: "GET", Path: "/api/v1/conversations", Perm: policies.AccountUse, Handler: a.Conversations},
		{Method: "POST", Path: "/api/v1/conversations", Perm: policies.AccountUse, Handler: a.ConversationCreate},
		{Method: "GET", Path: "/api/v1/conversations/:id", Perm: policies.AccountUse, Handler: a.Conversation},
		{Method: "PATCH", Path: "/api/v1/conversations/:id", Perm: policies.AccountUse, Handler: a.ConversationRename},
		{Method: "DELETE", Path: "/api/v1/conversations/:id", Perm: policies.AccountUse, Handler: a.ConversationDelete},
		{Method: "POST", Path: "/api/v1/conversations/:id/members", Perm: policies.AccountUse, Handler: a.ConversationMemberAdd},
		{Method: "DELETE", Path: "/api/v1/conversations/:id/members/:handle", Perm: policies.AccountUse, Handler: a.ConversationMemberRemove},
		{Method: "POST", Path: "/api/v1/conversations/:id/admin", Perm: policies.AccountUse, Handler: a.ConversationAdmin},
		{Method: "GET", Path: "/api/v1/conversations/:id/messages", Perm: policies.AccountUse, Handler: a.ConversationMessages},
		{Method: "POST", Path: "/api/v1/conversations/:id/messages", Perm: policies.AccountUse, Handler: a.ConversationMessagePost},
		{Method: "PATCH", Path: "/api/v1/conversations/:id/messages/:mid", Perm: policies.AccountUse, Handler: a.ConversationMessageEdit},
		{Method: "DELETE", Path: "/api/v1/conversations/:id/messages/:mid", Perm: policies.AccountUse, Handler: a.ConversationMessageDelete},
		{Method: "POST", Path: "/api/v1/conversations/:id/messages/:mid/reactions/:emoji", Perm: policies.AccountUse, Handler: a.ConversationReactionPut},
		{Method: "DELETE", Path: "/api/v1/conversations/:id/messages/:mid/reactions/:emoji", Perm: policies.AccountUse, Handler: a.ConversationReactionDelete},
		{Method: "POST", Path: "/api/v1/conversations/:id/read", Perm: policies.AccountUse, Handler: a.ConversationRead},
		{Method: "GET", Path: "/api/v1/requests", Perm: policies.AccountUse, Handler: a.Requests},
		{Method: "POST", Path: "/api/v1/requests/:id/accept", Perm: policies.AccountUse, Handler: a.RequestAccept},
		{Method: "DELETE", Path: "/api/v1/requests/:id", Perm: policies.AccountUse, Handler: a.RequestDelete},

		// API: searching one's own direct messages, exporting a conversation one is in.
		{Method: "GET", Path: "/api/v1/inbox/search", Perm: policies.AccountUse, Handler: a.InboxSearch},
		{Method: "GET", Path: "/api/v1/conversations/:id/export", Perm: policies.AccountUse, Handler: a.ConversationExport},

		// API: transcripts and class analytics.
		{Method: "GET", Path: "/api/v1/channels/:slug/sessions", Perm: policies.TranscriptView, Domain: slug, Handler: a.Sessions},
		{Method: "GET", Path: "/api/v1/channels/:slug/sessions/:session/transcript", Perm: policies.TranscriptView, Domain: slug, Handler: a.Transcript},
		{Method: "GET", Path: "/api/v1/channels/:slug/sessions/:session/analytics", Perm: policies.TranscriptStaff, Domain: slug, Handler: a.Analytics},

		// Direct messages, moderation: a member reports a message or conversation (the
		// use case answers 404 to non-members); site-wide moderators open reports (each
		// opening audited) and warn, suspend direct messages, ban site-wide, dismiss,
		// undo; admins set the direct-message settings.
		{Method: "GET", Path: "/inbox/:id/report", Perm: policies.AccountUse, Handler: p.DMReportForm},
		{Method: "POST", Path: "/inbox/:id/report", Perm: policies.AccountUse, Handler: p.DMReportSubmit},
		{Method: "GET", Path: "/mod/dm-reports", Perm: policies.UserSanction, Handler: p.ModDMReports},
		{Method: "GET", Path: "/mod/dm-reports/:id", Perm: policies.UserSanction, Handler: p.ModDMReport},
		{Method: "POST", Path: "/mod/dm-reports/:id/dismiss", Perm: policies.UserSanction, Handler: p.ModDMReportDismiss},
		{Method: "POST", Path: "/mod/dm/people/:user/sanctions", Perm: policies.UserSanction, Handler: p.ModDMSanction},
		{Method: "POST", Path: "/mod/dm/undo/:audit", Perm: policies.UserSanction, Handler: p.ModDMUndo},
		{Method: "GET", Path: "/admin/direct-messages", Perm: policies.SettingsManage, Handler: p.AdminDMSettings},
		{Method: "POST", Path: "/admin/direct-messages", Perm: policies.SettingsManage, Handler: p.AdminDMSettingsSave},
		{Method: "GET", Path: "/admin/attachments", Perm: policies.SettingsManage, Handler: p.AdminAttachments},
		{Method: "POST", Path: "/admin/attachments", Perm: policies.SettingsManage, Handler: p.AdminAttachmentsSave},
		{Method: "GET", Path: "/api/v1/conversations/:id/report", Perm: policies.AccountUse, Handler: a.DMReportPreview},
		{Method: "POST", Path: "/api/v1/conversations/:id/report", Perm: policies.AccountUse, Handler: a.DMReport},
		{Method: "GET", Path: "/api/v1/mod/dm-reports", Perm: policies.UserSanction, Handler: a.ModDMReports},
		{Method: "GET", Path: "/api/v1/mod/dm-reports/:id", Perm: policies.UserSanction, Handler: a.ModDMReport},
		{Method: "POST", Path: "/api/v1/mod/dm-reports/:id/dismiss", Perm: policies.UserSanction, Handler: a.ModDMReportDismiss},
		{Method: "POST", Path: "/api/v1/mod/dm-sanctions", Perm: policies.UserSanction, Handler: a.ModDMSanction},
		{Method: "DELETE", Path: "/api/v1/mod/site-sanctions/:id", Perm: policies.UserSanction, Handler: a.ModSiteSanctionLift},
		{Method: "POST", Path: "/api/v1/mod/dm-undo", Perm: policies.UserSanction, Handler: a.ModDMUndo},
		{Method: "GET", Path: "/api/v1/settings/dm", Perm: policies.SettingsManage, Handler: a.DMSettings},
		{Method: "PUT", Path: "/api/v1/settings/dm", Perm: policies.SettingsManage, Handler: a.DMSettingsSave},
	}
}

// guard wraps a route's handler with its permission check: deny by default.
func (h *server) guard(r route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		// run runs the handler unless the request failed its CSRF check:
		// a refusal the CSRF middleware leaves to here so that a request
		// that needs a sign-in it no longer has answers 401 first.
		run := func() error {
			if err := web.CSRFRefused(c); err != nil {
				return err
			}
			return r.Handler(c)
		}
		if r.Perm == policies.Public {
			return run()
		}
		v := web.ViewerOf(c)
		domain := model.SiteWide
		if r.Domain != nil {
			domain = r.Domain(c)
		}
		if v.User == nil {
			if !r.Guests {
				return model.ErrUnauthorized
			}
			cc, err := h.ChannelContext(c)
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
			return run()
		}
		if v.User.MustResetPassword && !v.ViaToken && r.Path != "/account" && r.Path != "/account/password" {
			// An admin forced a password reset: nothing else until it is done.
			h.Flash(c, "error", "Choose a new password to continue.")
			return web.SeeOther(c, "/account")
		}
		ok, err := h.Authz.Can(c.UserContext(), v.User.ID, domain, r.Perm)
		if err != nil {
			return err
		}
		if !ok {
			return model.ErrForbidden
		}
		return run()
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
	h := &server{Base: &web.Base{}}
	rs := h.routes()
	out := make([]RouteInfo, 0, len(rs))
	for _, r := range rs {
		out = append(out, RouteInfo{Method: r.Method, Path: r.Path, Perm: r.Perm})
	}
	return out
}
