package inbox

import (
	"time"

	"backchannel/model"
)

// The view types the use cases answer with: what one viewer sees of
// conversations and messages. Pages and the API build their own shapes from
// them.

// Member is a current member of a conversation.
type Member struct {
	Person
	Admin      bool      `json:"admin"`
	JoinedAt   time.Time `json:"joined_at"`
	LastReadID int64     `json:"last_read_id"` // "seen": the newest message they have read
}

// ConversationView is one conversation as its member sees it.
type ConversationView struct {
	Conversation model.Conversation
	Me           model.ConversationMember // the viewer's own row
	Members      []Member                 // current members, longest-standing first
	// BlockedMembers are the members the viewer has blocked (their ids,
	// ascending): pages warn "You blocked X, who is in this group".
	BlockedMembers []int64
}

// Title is what to call the conversation: its title, or its other members'
// names.
func (v *ConversationView) Title() string {
	return titleOf(v.Conversation, v.Members, v.Me.UserID)
}

// Member returns the member with id, if they are one.
func (v *ConversationView) Member(id int64) (Member, bool) {
	for _, m := range v.Members {
		if m.ID == id {
			return m, true
		}
	}
	return Member{}, false
}

// IsAdmin reports whether the viewer is the group's admin.
func (v *ConversationView) IsAdmin() bool {
	return v.Conversation.AdminID != nil && *v.Conversation.AdminID == v.Me.UserID
}

// Summary is one line of a conversation list.
type Summary struct {
	Conversation model.Conversation
	Folder       model.Folder
	Title        string   // its title, or the other members' names
	Members      []Person // current members, longest-standing first
	Unread       int      // people's messages after the viewer's read marker
	Last         *MessageView
}

// Reaction is the tally of one emoji on a message.
type Reaction struct {
	Emoji string `json:"emoji"`
	Count int    `json:"count"`
	Mine  bool   `json:"mine"` // the viewer is one of them
}

// Quote is the message a reply answers, as shown above it.
type Quote struct {
	ID      int64   `json:"id"`
	Author  *Person `json:"author,omitempty"`
	Excerpt string  `json:"excerpt"`
	Deleted bool    `json:"deleted"`     // deleted for everyone since
	Hidden  bool    `json:"unavailable"` // before the viewer's history starts
}

// MessageView is a message as one member sees it.
type MessageView struct {
	model.DirectMessage
	Author    *Person    // nil for system lines and deleted accounts
	ReplyTo   *Quote     // the quoted message, for a reply
	Reactions []Reaction // in the palette's order
	Mine      bool       // the viewer wrote it
	Editable  bool       // the viewer may still edit it (within model.DMEditWindow)
	// Attachments are the message's files (none once it is deleted).
	Attachments []model.Attachment
	// Pending: the message sits in the viewer's Requests, not accepted
	// yet; its images are shown as files (no thumbnail is loaded).
	Pending bool
}

// MessagePage is a page of a conversation's messages, oldest first.
type MessagePage struct {
	Messages []MessageView
	HasMore  bool // there are more in the direction asked for
}

// excerptLen is how many characters of a quoted message a reply shows.
const excerptLen = 140

// excerpt shortens body to n characters.
func excerpt(body string, n int) string {
	r := []rune(body)
	if len(r) <= n {
		return body
	}
	return string(r[:n-1]) + "…"
}

// titleOf names a conversation for viewer: its title, or the names of the
// others.
func titleOf(c model.Conversation, members []Member, viewer int64) string {
	if c.Title != "" {
		return c.Title
	}
	var names []string
	for _, m := range members {
		if m.ID != viewer {
			names = append(names, m.DisplayName)
		}
	}
	return joinNames(names)
}

// joinNames lists names in words: "A", "A and B", "A, B and C".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return "Only you"
	case 1:
		return names[0]
	}
	out := ""
	for i, n := range names[:len(names)-1] {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out + " and " + names[len(names)-1]
}
