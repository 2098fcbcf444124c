package policies

// Describe says what p allows in words, for sentences such as "which allows
// moderating messages there".
func Describe(p Permission) string {
	switch p {
	case AccountUse:
		return "using their account"
	case ChannelList:
		return "listing channels"
	case ChannelView:
		return "reading channels"
	case MessagePost:
		return "posting messages"
	case ChannelCreate:
		return "creating channels"
	case ChannelManage:
		return "managing channel settings and members"
	case SessionManage:
		return "starting and ending sessions"
	case MessageModerate:
		return "moderating messages"
	case UserSanction:
		return "warning, muting and banning people"
	case ModView:
		return "watching the moderation wall"
	case TranscriptView:
		return "reading transcripts"
	case TranscriptStaff:
		return "reading the staff transcripts and analytics"
	case MessageTag:
		return "tagging messages"
	case AdminView:
		return "opening the admin pages"
	case UserManage:
		return "managing users"
	case RoleManage:
		return "granting and revoking roles"
	case SettingsManage:
		return "changing site settings, guidelines and filters"
	case AuditView:
		return "reading the audit log"
	}
	return string(p)
}
