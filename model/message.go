package model

import (
	"strconv"
	"time"
)

// Actor is who acts in a channel: a signed-in user or a guest.
type Actor struct {
	UserID  int64  // 0 for a guest
	GuestID int64  // 0 for a user
	Name    string // display name
	Handle  string // an account's handle (/u/{handle}); "" for a guest
}

// Key identifies the actor in reactions, votes and guideline acceptances:
// "u:<id>" or "g:<id>".
func (a Actor) Key() string {
	if a.UserID != 0 {
		return "u:" + strconv.FormatInt(a.UserID, 10)
	}
	return "g:" + strconv.FormatInt(a.GuestID, 10)
}

// IsZero reports whether nobody acts.
func (a Actor) IsZero() bool { return a.UserID == 0 && a.GuestID == 0 }

// Guest is a person who joined one channel with a display name only.
type Guest struct {
	ID          int64     `bun:"id,pk,autoincrement" json:"id"`
	ChannelID   int64     `bun:"channel_id,notnull" json:"channel_id"`
	DisplayName string    `bun:"display_name,notnull" json:"display_name"`
	TokenHash   string    `bun:"token_hash,notnull" json:"-"`
	CreatedAt   time.Time `bun:"created_at,notnull" json:"created_at"`
}

// MessageKind is what a message is.
type MessageKind string

// Message kinds.
const (
	KindComment  MessageKind = "comment"
	KindQuestion MessageKind = "question"
)

// Valid reports whether k is known.
func (k MessageKind) Valid() bool { return k == KindComment || k == KindQuestion }

// MessageState is where a message stands in moderation.
type MessageState string

// Message states. Participants see only visible messages (and their own).
const (
	StateVisible MessageState = "visible"
	StateHeld    MessageState = "held"
	StateHidden  MessageState = "hidden"
	StateDeleted MessageState = "deleted"
	StateDenied  MessageState = "denied" // a held message a moderator turned down
	StateShadow  MessageState = "shadow" // from a shadow-muted person: shown to them and staff only
)

// Message is one post in a channel: a comment, a question, or a reply.
type Message struct {
	ID            int64        `bun:"id,pk,autoincrement" json:"id"`
	ChannelID     int64        `bun:"channel_id,notnull" json:"channel_id"`
	SessionID     *int64       `bun:"session_id" json:"session_id,omitempty"`
	Seq           int64        `bun:"seq,notnull" json:"seq"`
	ParentID      *int64       `bun:"parent_id" json:"parent_id,omitempty"`
	AuthorUserID  *int64       `bun:"author_user_id" json:"-"`
	AuthorGuestID *int64       `bun:"author_guest_id" json:"-"`
	AuthorName    string       `bun:"author_name,notnull" json:"-"`
	Kind          MessageKind  `bun:"kind,notnull" json:"kind"`
	Body          string       `bun:"body,notnull" json:"body"`
	Anonymous     bool         `bun:"anonymous,notnull" json:"anonymous"`
	State         MessageState `bun:"state,notnull" json:"state"`
	VoteCount     int          `bun:"vote_count,notnull" json:"vote_count"`
	ReplyCount    int          `bun:"reply_count,notnull" json:"reply_count"`
	CreatedAt     time.Time    `bun:"created_at,notnull" json:"created_at"`
	EditedAt      *time.Time   `bun:"edited_at" json:"edited_at,omitempty"`
	DeletedAt     *time.Time   `bun:"deleted_at" json:"deleted_at,omitempty"`
	Pinned        bool         `bun:"pinned,notnull" json:"pinned"`
	Highlighted   bool         `bun:"highlighted,notnull" json:"highlighted"`
	Answered      bool         `bun:"answered,notnull" json:"answered"`
	Flagged       bool         `bun:"flagged,notnull" json:"flagged"`
	ModReason     string       `bun:"mod_reason,notnull" json:"-"`
	RuleIDs       string       `bun:"rule_ids,notnull" json:"-"`
	// BodyRemovedAt is when retention removed the body; the row stays as
	// the record that the message existed.
	BodyRemovedAt *time.Time `bun:"body_removed_at" json:"body_removed_at,omitempty"`
	// Links are the places of the body's links, found when the body was
	// written (richtext.Encode); nil for rows written without them, whose
	// links are found when shown.
	Links *string `bun:"links" json:"-"`
	// Original is the body as written when a filter masked words in it;
	// for staff only, never shown to participants. Nil when nothing was
	// masked.
	Original *string `bun:"original" json:"-"`
	// AuthorRole is the staff role the author held in the channel when
	// posting (admin, moderator or host; "" for participants and guests):
	// the badge beside their name, the same for every viewer.
	AuthorRole Role `bun:"author_role,notnull" json:"-"`
	// AuthorHandle is the account author's handle, for the link from their
	// name to their profile ("" for guests); kept current when it changes.
	AuthorHandle string `bun:"author_handle,notnull" json:"-"`
	// Published says the message was visible to everyone at some time.
	// Only a published message leaves a tombstone for participants when it
	// is deleted: one that was never shown (held, denied, shadow) vanishes.
	Published bool `bun:"published,notnull" json:"-"`
}

// AuthoredBy reports whether a wrote m.
func (m *Message) AuthoredBy(a Actor) bool {
	if a.UserID != 0 {
		return m.AuthorUserID != nil && *m.AuthorUserID == a.UserID
	}
	return a.GuestID != 0 && m.AuthorGuestID != nil && *m.AuthorGuestID == a.GuestID
}

// Reaction is one actor's emoji on a message.
type Reaction struct {
	MessageID int64     `bun:"message_id,pk"`
	Actor     string    `bun:"actor,pk"`
	Emoji     string    `bun:"emoji,pk"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// Vote is one actor's upvote of a question.
type Vote struct {
	MessageID int64     `bun:"message_id,pk"`
	Actor     string    `bun:"actor,pk"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// EventKind says what changed in a channel.
type EventKind string

// Event kinds.
const (
	EventMessageCreated EventKind = "message.created"
	EventMessageUpdated EventKind = "message.updated" // edited, reacted, voted, removed, moderated
	EventChannelUpdated EventKind = "channel.updated" // settings, session started or ended
)

// ChannelEvent is one change in a channel, numbered by the channel's sequence.
type ChannelEvent struct {
	ChannelID int64     `bun:"channel_id,pk" json:"-"`
	Seq       int64     `bun:"seq,pk" json:"seq"`
	Kind      EventKind `bun:"kind,notnull" json:"type"`
	MessageID *int64    `bun:"message_id" json:"message_id,omitempty"`
	CreatedAt time.Time `bun:"created_at,notnull" json:"created_at"`
}

// Guideline is a version of the rules participants accept before posting.
type Guideline struct {
	ID      int64  `bun:"id,pk,autoincrement" json:"id"`
	Scope   string `bun:"scope,notnull" json:"scope"` // "site" or "channel:<id>"
	Version int    `bun:"version,notnull" json:"version"`
	Title   string `bun:"title,notnull" json:"title"`
	Body    string `bun:"body,notnull" json:"body"`
	// Material says whether this version changed the rules enough that
	// people who accepted an earlier version must accept again.
	Material  bool      `bun:"material,notnull" json:"material"`
	CreatedAt time.Time `bun:"created_at,notnull" json:"created_at"`
}

// EventGuidelinesChanged tells a channel's open pages that the guideline in
// force there has a new version: each page then asks whether its viewer must
// accept it again, so the event itself is the same for everyone.
const EventGuidelinesChanged EventKind = "guidelines.changed"

// GuidelineAcceptance records that an actor accepted a guideline version in a
// channel.
type GuidelineAcceptance struct {
	ChannelID   int64     `bun:"channel_id,pk"`
	Actor       string    `bun:"actor,pk"`
	GuidelineID int64     `bun:"guideline_id,pk"`
	AcceptedAt  time.Time `bun:"accepted_at,notnull"`
}

// Reactions is the fixed palette of emoji reactions.
func Reactions() []string { return []string{"👍", "❤️", "😂", "🎉", "😮", "👏"} }

// Tag is a label staff put on messages and threads.
type Tag struct {
	ID        int64     `bun:"id,pk,autoincrement" json:"id"`
	Name      string    `bun:"name,notnull" json:"name"`
	Colour    string    `bun:"colour,notnull" json:"colour"` // #rrggbb
	CreatedBy *int64    `bun:"created_by" json:"-"`
	CreatedAt time.Time `bun:"created_at,notnull" json:"created_at"`
}

// TagColours are the colours a tag may have: light enough for dark text
// on a chip, distinct from each other. Pages refer to them by position
// (tag-c0 … tag-c7), so none is ever written as an inline style.
func TagColours() []string {
	return []string{"#fde68a", "#bfdbfe", "#bbf7d0", "#fecaca", "#ddd6fe", "#fbcfe8", "#a5f3fc", "#fed7aa"}
}

// MessageTag puts a tag on a message.
type MessageTag struct {
	MessageID int64     `bun:"message_id,pk"`
	TagID     int64     `bun:"tag_id,pk"`
	TaggedBy  *int64    `bun:"tagged_by"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// AuthorKey is the actor key of the message's author ("u:<id>" or
// "g:<id>"; "" when neither is known).
func (m *Message) AuthorKey() string {
	if m.AuthorUserID != nil {
		return Actor{UserID: *m.AuthorUserID}.Key()
	}
	if m.AuthorGuestID != nil {
		return Actor{GuestID: *m.AuthorGuestID}.Key()
	}
	return ""
}
