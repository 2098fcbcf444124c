package model

import "time"

// SanctionKind is what a moderator did to a person.
type SanctionKind string

// Sanction kinds.
const (
	SanctionWarn       SanctionKind = "warn"
	SanctionMute       SanctionKind = "mute"        // cannot post until it expires
	SanctionBan        SanctionKind = "ban"         // cannot see or post in the channel (or anywhere, site-wide)
	SanctionShadowMute SanctionKind = "shadow_mute" // posts are seen only by themselves and staff
)

// Sanction is a warning, mute, ban or shadow-mute of a person, in a channel
// (ChannelID set) or site-wide.
type Sanction struct {
	ID        int64        `bun:"id,pk,autoincrement" json:"id"`
	ChannelID *int64       `bun:"channel_id" json:"channel_id,omitempty"`
	Subject   string       `bun:"subject,notnull" json:"subject"` // actor key: u:<id> or g:<id>
	Kind      SanctionKind `bun:"kind,notnull" json:"kind"`
	Reason    string       `bun:"reason,notnull" json:"reason,omitempty"`
	Guideline string       `bun:"guideline,notnull" json:"guideline,omitempty"`
	CreatedBy *int64       `bun:"created_by" json:"created_by,omitempty"`
	CreatedAt time.Time    `bun:"created_at,notnull" json:"created_at"`
	ExpiresAt *time.Time   `bun:"expires_at" json:"expires_at,omitempty"`
	SessionID *int64       `bun:"session_id" json:"session_id,omitempty"` // "rest of session": ends with it
	RevokedAt *time.Time   `bun:"revoked_at" json:"revoked_at,omitempty"`
	RevokedBy *int64       `bun:"revoked_by" json:"revoked_by,omitempty"`
}

// Report is a participant's report of a message.
type Report struct {
	ID         int64      `bun:"id,pk,autoincrement" json:"id"`
	ChannelID  int64      `bun:"channel_id,notnull" json:"channel_id"`
	MessageID  int64      `bun:"message_id,notnull" json:"message_id"`
	Reporter   string     `bun:"reporter,notnull" json:"-"`
	Reason     string     `bun:"reason,notnull" json:"reason"`
	CreatedAt  time.Time  `bun:"created_at,notnull" json:"created_at"`
	ResolvedAt *time.Time `bun:"resolved_at" json:"resolved_at,omitempty"`
	ResolvedBy *int64     `bun:"resolved_by" json:"resolved_by,omitempty"`
	// Resolution is why moderators closed the report without acting on
	// the message (dismissed); empty when an action resolved it.
	Resolution string `bun:"resolution,notnull" json:"resolution,omitempty"`
	// AttachmentID is the file of the message the report points at (nil:
	// the message as a whole).
	AttachmentID *int64 `bun:"attachment_id" json:"attachment_id,omitempty"`
}

// ModNote is a note staff keep about a person.
type ModNote struct {
	ID        int64     `bun:"id,pk,autoincrement" json:"id"`
	Subject   string    `bun:"subject,notnull" json:"subject"`
	Body      string    `bun:"body,notnull" json:"body"`
	CreatedBy *int64    `bun:"created_by" json:"created_by,omitempty"`
	CreatedAt time.Time `bun:"created_at,notnull" json:"created_at"`
}

// StaffMessage is a message of the moderators' side chat of a channel.
type StaffMessage struct {
	ID         int64     `bun:"id,pk,autoincrement" json:"id"`
	ChannelID  int64     `bun:"channel_id,notnull" json:"channel_id"`
	AuthorID   *int64    `bun:"author_id" json:"author_id,omitempty"`
	AuthorName string    `bun:"author_name,notnull" json:"author_name"`
	Body       string    `bun:"body,notnull" json:"body"`
	CreatedAt  time.Time `bun:"created_at,notnull" json:"created_at"`
}

// FilterRule is a stored filter rule (see package moderation for matching).
type FilterRule struct {
	ID        int64     `bun:"id,pk,autoincrement" json:"id"`
	Scope     string    `bun:"scope,notnull" json:"scope"` // "site" or "channel:<id>"
	Pattern   string    `bun:"pattern,notnull" json:"pattern"`
	Kind      string    `bun:"kind,notnull" json:"kind"`
	Action    string    `bun:"action,notnull" json:"action"`
	Allow     string    `bun:"allow,notnull" json:"allow"` // |-separated exceptions
	Enabled   bool      `bun:"enabled,notnull" json:"enabled"`
	Guideline string    `bun:"guideline,notnull" json:"guideline"`
	CreatedBy *int64    `bun:"created_by" json:"created_by,omitempty"`
	CreatedAt time.Time `bun:"created_at,notnull" json:"created_at"`
	UpdatedAt time.Time `bun:"updated_at,notnull" json:"updated_at"`
}

// Event kinds of moderation.
const (
	EventStaffMessage EventKind = "staff.message" // staff side chat; staff streams only
	EventReport       EventKind = "report"        // a new report; staff streams only
)

// ModAction is a moderator's action on a message.
type ModAction string

// Actions on messages, in the order the triage wall offers them.
const (
	ActApprove     ModAction = "approve"
	ActDeny        ModAction = "deny"
	ActHide        ModAction = "hide"
	ActUnhide      ModAction = "unhide"
	ActDelete      ModAction = "delete"
	ActPin         ModAction = "pin"
	ActUnpin       ModAction = "unpin"
	ActAnswer      ModAction = "answer"
	ActUnanswer    ModAction = "unanswer"
	ActHighlight   ModAction = "highlight"
	ActUnhighlight ModAction = "unhighlight"
)
