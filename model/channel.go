package model

import "time"

// Channel is the text channel beside one class, talk or room.
type Channel struct {
	ID          int64  `bun:"id,pk,autoincrement" json:"id"`
	Slug        string `bun:"slug,notnull" json:"slug"`
	Title       string `bun:"title,notnull" json:"title"`
	Description string `bun:"description,notnull" json:"description"`
	ChannelSettings
	LastSeq int64 `bun:"last_seq,notnull" json:"last_seq"`
	// RetentionDays overrides the site's retention for this channel: nil
	// follows the site, 0 keeps bodies forever, N removes bodies older
	// than N days.
	RetentionDays *int      `bun:"retention_days" json:"retention_days,omitempty"`
	CreatedBy     *int64    `bun:"created_by" json:"created_by,omitempty"`
	CreatedAt     time.Time `bun:"created_at,notnull" json:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at,notnull" json:"updated_at"`
}

// ChannelSettings are what a host sets on a channel.
type ChannelSettings struct {
	Visibility      Visibility  `bun:"visibility,notnull" json:"visibility"`
	JoinCode        string      `bun:"join_code,notnull" json:"join_code,omitempty"`
	PostingMode     PostingMode `bun:"posting_mode,notnull" json:"posting_mode"`
	AllowAnonymous  bool        `bun:"allow_anonymous,notnull" json:"allow_anonymous"`
	AllowGuests     bool        `bun:"allow_guests,notnull" json:"allow_guests"`
	SlowModeSeconds int         `bun:"slow_mode_seconds,notnull" json:"slow_mode_seconds"`
	MaxLength       int         `bun:"max_length,notnull" json:"max_length"`
	PremodMode      PremodMode  `bun:"premod_mode,notnull" json:"premod_mode"`
	FilterCaps      bool        `bun:"filter_caps,notnull" json:"filter_caps"`
	FilterRepeats   bool        `bun:"filter_repeats,notnull" json:"filter_repeats"`
	FilterMentions  bool        `bun:"filter_mentions,notnull" json:"filter_mentions"`
	FilterLinks     bool        `bun:"filter_links,notnull" json:"filter_links"`
	AllowedDomains  string      `bun:"allowed_domains,notnull" json:"allowed_domains"` // comma-separated; empty: any
	// AttachmentsMode says who may attach files to messages here.
	AttachmentsMode AttachmentsMode `bun:"attachments_mode,notnull,default:'allowed'" json:"attachments_mode"`
}

// PremodMode says which messages wait for a moderator before others see them.
type PremodMode string

// Pre-moderation modes.
const (
	PremodOff   PremodMode = "off"   // nothing is held (filters may still hold)
	PremodFirst PremodMode = "first" // a participant's first posts in the channel, until one is approved
	PremodAll   PremodMode = "all"   // every participant message
)

// Valid reports whether m is known.
func (m PremodMode) Valid() bool { return m == PremodOff || m == PremodFirst || m == PremodAll }

// Visibility says who may see and join a channel.
type Visibility string

// Visibilities.
const (
	VisibilityPublic   Visibility = "public"    // anyone who can reach the site
	VisibilityMembers  Visibility = "members"   // only people added by its hosts
	VisibilityJoinCode Visibility = "join-code" // anyone who knows the join code
)

// Valid reports whether v is known.
func (v Visibility) Valid() bool {
	return v == VisibilityPublic || v == VisibilityMembers || v == VisibilityJoinCode
}

// PostingMode says what participants may post.
type PostingMode string

// Posting modes.
const (
	PostingOpen      PostingMode = "open"      // comments and questions
	PostingQuestions PostingMode = "questions" // questions only
	PostingLocked    PostingMode = "locked"    // read-only
)

// Valid reports whether m is known.
func (m PostingMode) Valid() bool {
	return m == PostingOpen || m == PostingQuestions || m == PostingLocked
}

// Limits on channel settings.
const (
	DefaultMaxLength = 500
	MaxMaxLength     = 4000
	MaxSlowMode      = 3600
)

// ChannelSession is one class meeting or talk within a channel.
type ChannelSession struct {
	ID        int64      `bun:"id,pk,autoincrement" json:"id"`
	ChannelID int64      `bun:"channel_id,notnull" json:"channel_id"`
	Title     string     `bun:"title,notnull" json:"title"`
	StartedBy *int64     `bun:"started_by" json:"started_by,omitempty"`
	StartedAt time.Time  `bun:"started_at,notnull" json:"started_at"`
	EndedAt   *time.Time `bun:"ended_at" json:"ended_at,omitempty"`
}

// Membership says a person belongs to a channel.
type Membership struct {
	ChannelID int64     `bun:"channel_id,pk" json:"channel_id"`
	UserID    int64     `bun:"user_id,pk" json:"user_id"`
	JoinedAt  time.Time `bun:"joined_at,notnull" json:"joined_at"`
}

// AuditEntry records one action: who did what to what, before and after.
type AuditEntry struct {
	ID        int64     `bun:"id,pk,autoincrement" json:"id"`
	CreatedAt time.Time `bun:"created_at,notnull" json:"created_at"`
	ActorID   *int64    `bun:"actor_id" json:"actor_id,omitempty"`
	// ActorGuestID is the guest who acted (ActorID is then nil): guests and
	// users are numbered apart, so the same number may name both.
	ActorGuestID *int64     `bun:"actor_guest_id" json:"actor_guest_id,omitempty"`
	Action       string     `bun:"action,notnull" json:"action"`
	TargetType   string     `bun:"target_type,notnull" json:"target_type"`
	TargetID     string     `bun:"target_id,notnull" json:"target_id"`
	ChannelID    *int64     `bun:"channel_id" json:"channel_id,omitempty"`
	Before       string     `bun:"before,notnull" json:"before,omitempty"`
	After        string     `bun:"after,notnull" json:"after,omitempty"`
	Reason       string     `bun:"reason,notnull" json:"reason,omitempty"`
	Guideline    string     `bun:"guideline,notnull" json:"guideline,omitempty"`
	UndoneAt     *time.Time `bun:"undone_at" json:"undone_at,omitempty"`
	IP           string     `bun:"ip,notnull" json:"ip,omitempty"`
}
