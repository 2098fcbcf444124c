package model

// Role is a named set of permissions, held site-wide or in one channel.
type Role string

// Roles, from most to least powerful.
const (
	RoleAdmin       Role = "admin"
	RoleModerator   Role = "moderator"
	RoleHost        Role = "host"
	RoleParticipant Role = "participant"
)

// Roles lists every role.
func Roles() []Role { return []Role{RoleAdmin, RoleModerator, RoleHost, RoleParticipant} }

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles() {
		if r == x {
			return true
		}
	}
	return false
}

// SiteWide is the Casbin domain of site-wide roles and permissions.
const SiteWide = "*"
