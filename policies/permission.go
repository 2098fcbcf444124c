package policies

import "strings"

// Permission is what a route or use case needs, written "obj:act" (Casbin's
// object and action). Public is the one permission that is never enforced.
type Permission string

// Permissions. Who holds which is in default_policy.csv.
const (
	// Public needs no sign-in; Can always allows it.
	Public Permission = "public"

	// AccountUse: any signed-in user (participant and up, held site-wide).
	AccountUse Permission = "account:use"

	// Participant and up, in any channel where the role is held.
	ChannelList Permission = "channel:list"
	ChannelView Permission = "channel:view"
	MessagePost Permission = "message:post"

	// ChannelCreate: host or admin, held site-wide.
	ChannelCreate Permission = "channel:create"

	// Host (and admin) in that channel, or held site-wide.
	ChannelManage Permission = "channel:manage"
	SessionManage Permission = "session:manage"

	// Moderator (and admin) in that channel, or held site-wide.
	MessageModerate Permission = "message:moderate"
	UserSanction    Permission = "user:sanction"
	ModView         Permission = "mod:view"

	// TranscriptView: participant and up, in channels they can see (the
	// participant-safe transcript). TranscriptStaff (moderator or host)
	// adds everything staff saw, analytics, and MessageTag lets them tag.
	TranscriptView  Permission = "transcript:view"
	TranscriptStaff Permission = "transcript:staff"
	MessageTag      Permission = "message:tag"

	// ChannelPresent: host or moderator (and admin) of the channel: the
	// presenter view, and marking questions answered or pinned from it.
	ChannelPresent Permission = "channel:present"

	// Admin only, held site-wide.
	AdminView      Permission = "admin:view"
	UserManage     Permission = "user:manage"
	RoleManage     Permission = "role:manage"
	SettingsManage Permission = "settings:manage"
	AuditView      Permission = "audit:view"
)

// All lists every enforced permission (not Public).
func All() []Permission {
	return []Permission{
		AccountUse,
		ChannelList, ChannelView, MessagePost,
		ChannelCreate, ChannelManage, SessionManage,
		MessageModerate, UserSanction, ModView,
		TranscriptView, TranscriptStaff, MessageTag,
		ChannelPresent,
		AdminView, UserManage, RoleManage, SettingsManage, AuditView,
	}
}

// Valid reports whether p is Public or one of All.
func (p Permission) Valid() bool {
	if p == Public {
		return true
	}
	for _, x := range All() {
		if p == x {
			return true
		}
	}
	return false
}

// split returns p's Casbin object and action.
func (p Permission) split() (obj, act string) {
	obj, act, _ = strings.Cut(string(p), ":")
	return obj, act
}
