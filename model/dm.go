package model

import "time"

// Direct messages: the private side of the backchannel. The tables are
// conversations, conversation_members, dm_messages, dm_reactions, dm_events
// and dm_event_recipients; follows and blocks sit beside users.

// DMPolicy is who may message a person directly (users.dm_policy).
type DMPolicy string

// DM policies. People outside the policy's reach land in Requests
// (everyone), are refused (following: unless followed; nobody: always),
// except staff of a channel both are in, writing about that channel.
const (
	DMPolicyEveryone  DMPolicy = "everyone"  // people I don't follow go to Requests
	DMPolicyFollowing DMPolicy = "following" // only people I follow
	DMPolicyNobody    DMPolicy = "nobody"    // nobody (channel staff still can, about their channel)
)

// MaxGroupMembers is the most people a conversation holds, its creator
// included.
const MaxGroupMembers = 15

// ConversationKind tells a 1:1 from a group.
type ConversationKind string

// Conversation kinds.
const (
	ConversationDirect ConversationKind = "direct" // exactly two people, one per pair (pair_key)
	ConversationGroup  ConversationKind = "group"  // 2–15 people, with an admin
)

// Conversation is a 1:1 or group direct-message thread.
type Conversation struct {
	ID             int64            `bun:"id,pk,autoincrement" json:"id"`
	Kind           ConversationKind `bun:"kind,notnull" json:"kind"`
	Title          string           `bun:"title,notnull" json:"title"`
	PairKey        *string          `bun:"pair_key" json:"-"` // "<lower id>:<higher id>" for direct conversations
	CreatedBy      *int64           `bun:"created_by" json:"created_by,omitempty"`
	AdminID        *int64           `bun:"admin_id" json:"admin_id,omitempty"`
	AboutChannelID *int64           `bun:"about_channel_id" json:"about_channel_id,omitempty"` // staff writing about their channel
	LastMessageID  int64            `bun:"last_message_id,notnull" json:"last_message_id"`
	CreatedAt      time.Time        `bun:"created_at,notnull" json:"created_at"`
	LastActivityAt time.Time        `bun:"last_activity_at,notnull" json:"last_activity_at"`
}

// Folder is where a conversation sits for one member.
type Folder string

// Folders.
const (
	FolderInbox    Folder = "inbox"
	FolderRequests Folder = "requests" // a first message from someone the member does not follow
)

// ConversationMember is one person's place in a conversation. A member who
// left keeps the row (LeftAt set) so their history and the system lines stay
// right. ClearedThrough hides messages with id <= it from this member: it is
// set on joining (a newcomer sees history from then on) and by "delete chat
// for me"; Hidden keeps the conversation out of the member's lists until a
// later message arrives.
type ConversationMember struct {
	ConversationID int64      `bun:"conversation_id,pk" json:"conversation_id"`
	UserID         int64      `bun:"user_id,pk" json:"user_id"`
	Folder         Folder     `bun:"folder,notnull" json:"folder"`
	JoinedAt       time.Time  `bun:"joined_at,notnull" json:"joined_at"`
	LeftAt         *time.Time `bun:"left_at" json:"left_at,omitempty"`
	ClearedThrough int64      `bun:"cleared_through,notnull" json:"-"`
	Hidden         bool       `bun:"hidden,notnull" json:"-"`
	LastReadID     int64      `bun:"last_read_id,notnull" json:"last_read_id"`
}

// DMKind tells a person's message from a system line.
type DMKind string

// DM message kinds.
const (
	DMText   DMKind = "text"
	DMSystem DMKind = "system" // membership changes, renames: body is the line to show
)

// DirectMessage is one message in a conversation.
type DirectMessage struct {
	ID             int64      `bun:"id,pk,autoincrement" json:"id"`
	ConversationID int64      `bun:"conversation_id,notnull" json:"conversation_id"`
	AuthorID       *int64     `bun:"author_id" json:"author_id,omitempty"`
	Kind           DMKind     `bun:"kind,notnull" json:"kind"`
	Body           string     `bun:"body,notnull" json:"body"`
	ReplyToID      *int64     `bun:"reply_to_id" json:"reply_to_id,omitempty"`
	FlaggedRules   string     `bun:"flagged_rules,notnull" json:"-"` // rule ids of "flag" verdicts, recorded, never shown
	CreatedAt      time.Time  `bun:"created_at,notnull" json:"created_at"`
	EditedAt       *time.Time `bun:"edited_at" json:"edited_at,omitempty"`
	DeletedAt      *time.Time `bun:"deleted_at" json:"deleted_at,omitempty"`
}

// DMEditWindow is how long after posting its author may edit a message.
const DMEditWindow = 15 * time.Minute

// DMReaction is one person's emoji on a direct message.
type DMReaction struct {
	MessageID int64     `bun:"message_id,pk" json:"message_id"`
	UserID    int64     `bun:"user_id,pk" json:"user_id"`
	Emoji     string    `bun:"emoji,pk" json:"emoji"`
	CreatedAt time.Time `bun:"created_at,notnull" json:"created_at"`
}

// DMEventKind names what a per-person stream event carries.
type DMEventKind string

// DM event kinds.
const (
	DMEventMessage  DMEventKind = "message"  // a new message or system line
	DMEventEdit     DMEventKind = "edit"     // a message's text changed
	DMEventDelete   DMEventKind = "delete"   // a message became a tombstone
	DMEventReaction DMEventKind = "reaction" // a message's reactions changed
	DMEventRead     DMEventKind = "read"     // a member's read marker moved
	DMEventMembers  DMEventKind = "members"  // members, title or admin changed
	DMEventFolder   DMEventKind = "folder"   // a request was accepted or deleted, a chat deleted for me
)

// DMEvent is one row of the direct-message event log. Its id is the
// Last-Event-ID of every per-person stream; dm_event_recipients names the
// people it goes to (the members at the time), so a stream replays exactly
// its own events.
type DMEvent struct {
	ID             int64       `bun:"id,pk,autoincrement" json:"id"`
	ConversationID int64       `bun:"conversation_id,notnull" json:"conversation_id"`
	Kind           DMEventKind `bun:"kind,notnull" json:"kind"`
	MessageID      *int64      `bun:"message_id" json:"message_id,omitempty"`
	ActorID        *int64      `bun:"actor_id" json:"actor_id,omitempty"`
	CreatedAt      time.Time   `bun:"created_at,notnull" json:"created_at"`
}

// Follow is one person following another.
type Follow struct {
	FollowerID int64     `bun:"follower_id,pk" json:"follower_id"`
	FolloweeID int64     `bun:"followee_id,pk" json:"followee_id"`
	CreatedAt  time.Time `bun:"created_at,notnull" json:"created_at"`
}

// Block is one person blocking another.
type Block struct {
	BlockerID int64     `bun:"blocker_id,pk" json:"blocker_id"`
	BlockedID int64     `bun:"blocked_id,pk" json:"blocked_id"`
	CreatedAt time.Time `bun:"created_at,notnull" json:"created_at"`
}

// Site settings for direct messages (store.Setting keys).
const (
	SettingDMMode          = "dm.mode"             // DMModeOn (default), DMModeStaff, DMModeOff
	SettingDMGroups        = "dm.groups"           // who may start groups: "everyone" (default) or "staff"
	SettingDMRequestMinAge = "dm.request_min_days" // accounts younger than this many days cannot send requests ("0": no limit, default)
	SettingDMRetentionDays = "dm.retention_days"   // direct messages older than this are removed ("0": kept, default)
)

// Site-wide direct-message modes.
const (
	DMModeOn    = "on"
	DMModeStaff = "staff" // only people with a staff role somewhere (host, moderator, admin) may send
	DMModeOff   = "off"
)

// SanctionDMSuspend stops a person's direct messages (site-wide, until it
// expires); site-wide mutes and bans stop them too, channel sanctions don't.
const SanctionDMSuspend SanctionKind = "dm_suspend"
