package model

import "time"

// User is a person with an account.
type User struct {
	ID                int64      `bun:"id,pk,autoincrement" json:"id"`
	Email             string     `bun:"email,notnull" json:"email"`
	DisplayName       string     `bun:"display_name,notnull" json:"display_name"`
	Handle            string     `bun:"handle,notnull" json:"handle"` // unique, lowercase, for /u/{handle}
	Bio               string     `bun:"bio,notnull" json:"bio"`
	DMPolicy          DMPolicy   `bun:"dm_policy,notnull,default:'everyone'" json:"dm_policy"`
	PasswordHash      string     `bun:"password_hash,notnull" json:"-"`
	MustResetPassword bool       `bun:"must_reset_password,notnull" json:"must_reset_password"`
	DisabledAt        *time.Time `bun:"disabled_at" json:"disabled_at,omitempty"`
	CreatedAt         time.Time  `bun:"created_at,notnull" json:"created_at"`
	UpdatedAt         time.Time  `bun:"updated_at,notnull" json:"updated_at"`
}

// Disabled reports whether the account may no longer sign in.
func (u *User) Disabled() bool { return u.DisabledAt != nil }

// SignIn is a server-side sign-in session of an account (stored in table
// "sessions"; not to be confused with a ChannelSession, a class meeting).
// Only the SHA-256 of its token is stored.
type SignIn struct {
	ID         int64     `bun:"id,pk,autoincrement"`
	TokenHash  string    `bun:"token_hash,notnull"`
	UserID     int64     `bun:"user_id,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	LastSeenAt time.Time `bun:"last_seen_at,notnull"`
	ExpiresAt  time.Time `bun:"expires_at,notnull"`
	IP         string    `bun:"ip,notnull"`
	UserAgent  string    `bun:"user_agent,notnull"`
}

// APIToken is a personal access token for the JSON API. Only its hash is stored.
type APIToken struct {
	ID         int64      `bun:"id,pk,autoincrement" json:"id"`
	UserID     int64      `bun:"user_id,notnull" json:"user_id"`
	Name       string     `bun:"name,notnull" json:"name"`
	TokenHash  string     `bun:"token_hash,notnull" json:"-"`
	CreatedAt  time.Time  `bun:"created_at,notnull" json:"created_at"`
	LastUsedAt *time.Time `bun:"last_used_at" json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `bun:"revoked_at" json:"revoked_at,omitempty"`
}

// LoginAttempt records one sign-in try, for rate limiting per account and per
// address across every instance.
type LoginAttempt struct {
	ID        int64     `bun:"id,pk,autoincrement"`
	Email     string    `bun:"email,notnull"`
	IP        string    `bun:"ip,notnull"`
	Succeeded bool      `bun:"succeeded,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	DeviceID  *int64    `bun:"device_id"` // the trusted device it came from; nil: an unknown client
}

// SignInDevice is a browser that signed in to an account successfully: its
// device cookie lets the owner past the limits that unknown clients meet.
// Only the SHA-256 of the cookie is stored.
type SignInDevice struct {
	ID         int64     `bun:"id,pk,autoincrement"`
	UserID     int64     `bun:"user_id,notnull"`
	TokenHash  string    `bun:"token_hash,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	LastUsedAt time.Time `bun:"last_used_at,notnull"`
}

// PasswordReset is a one-time link an admin hands to a person whose password
// they reset. Only the SHA-256 of its token is stored.
type PasswordReset struct {
	ID        int64      `bun:"id,pk,autoincrement"`
	UserID    int64      `bun:"user_id,notnull"`
	TokenHash string     `bun:"token_hash,notnull"`
	CreatedBy int64      `bun:"created_by,notnull"`
	CreatedAt time.Time  `bun:"created_at,notnull"`
	ExpiresAt time.Time  `bun:"expires_at,notnull"`
	UsedAt    *time.Time `bun:"used_at"`
}

// Invitation lets one person sign up while sign-up is invite-only.
type Invitation struct {
	ID        int64      `bun:"id,pk,autoincrement" json:"id"`
	TokenHash string     `bun:"token_hash,notnull" json:"-"`
	Email     string     `bun:"email,notnull" json:"email"`
	Role      string     `bun:"role,notnull" json:"role"`
	CreatedBy int64      `bun:"created_by,notnull" json:"created_by"`
	CreatedAt time.Time  `bun:"created_at,notnull" json:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at,notnull" json:"expires_at"`
	UsedAt    *time.Time `bun:"used_at" json:"used_at,omitempty"`
	UsedBy    *int64     `bun:"used_by" json:"used_by,omitempty"`
}

// SignupMode says who may create an account.
type SignupMode string

// Sign-up modes.
const (
	SignupOpen       SignupMode = "open"
	SignupInviteOnly SignupMode = "invite-only"
	SignupClosed     SignupMode = "closed"
)

// Valid reports whether m is a known mode.
func (m SignupMode) Valid() bool {
	return m == SignupOpen || m == SignupInviteOnly || m == SignupClosed
}
