package views

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The view models of direct messages: the inbox, the requests inbox, a new
// conversation and a conversation. What differs per viewer inside a live
// fragment ("mine", "seen", reactions pressed, blocked authors) is not in
// them: static/js/inbox.js marks it from data attributes and the viewer id
// on the page (#inbox-live).

// DMPerson is someone shown in the inbox: name, handle, initials.
type DMPerson struct {
	ID     int64
	Name   string
	Handle string
}

// Initials are up to two letters of the person's name, for their avatar.
func (p DMPerson) Initials() string { return initials(p.Name) }

// DMRow is one conversation in the inbox or the requests inbox, as its
// viewer sees it.
type DMRow struct {
	ID      int64
	Title   string
	Group   bool
	Members []DMPerson // the others
	Excerpt string     // the last message, shortened ("" when none)
	By      string     // who wrote it ("You" for the viewer)
	At      time.Time
	Unread  int
}

// InboxPage is /inbox.
type InboxPage struct {
	Rows     []DMRow
	Requests int
	Standing DMWarningsNotice // site moderators' warnings and a DM suspension, if any
}

// RequestsPage is /inbox/requests.
type RequestsPage struct {
	Rows []DMRow
}

// NewDMPage is /inbox/new: the people picked so far (To), a search and its
// matches, an optional group title and the first message.
type NewDMPage struct {
	Form     Form
	To       []DMPerson
	Query    string
	Matches  []DMPerson
	Searched bool
}

// DMMessage is one message of a conversation, viewer-neutral: the same
// HTML for every member (see the package comment).
type DMMessage struct {
	ID             int64
	ConversationID int64
	AuthorID       int64
	Author         string
	AuthorHandle   string
	System         bool
	Body           []Segment
	Deleted        bool
	Edited         bool
	At             time.Time
	ReplyTo        *DMQuote
	Reactions      []DMReaction // every emoji of the set, with who put it there
	Attachments    []Attachment
}

// DMQuote is the message a reply answers.
type DMQuote struct {
	ID      int64
	Author  string
	Excerpt string
	Deleted bool
}

// DMReaction is one emoji of a message: how many put it there and who
// (space-separated ids, for the page to mark the viewer's own).
type DMReaction struct {
	Emoji string
	Count int
	Users string
	Mine  bool // pressed on the viewer's own page (live fragments: false, the script presses)
}

// DMMember is one current member of a conversation.
type DMMember struct {
	DMPerson
	Admin      bool
	LastReadID int64
}

// DMConversation is the head of a conversation: what the members event
// refreshes.
type DMConversation struct {
	ID      int64
	Group   bool
	Title   string // the group's own title ("" when none)
	AdminID int64
	Members []DMMember
}

// ConversationPage is /inbox/{id}.
type ConversationPage struct {
	ViewerID int64
	Conv     DMConversation
	Name     string // its title for the viewer
	Messages []DMMessage
	Earlier  bool // older messages exist
	Request  bool // it is in the viewer's requests
	// Blocked are the people the viewer has blocked (all of them: someone
	// blocked may be added later, and the page warns at once).
	Blocked []int64
	Compose Form
	Edit    *DMMessage // the message being edited (no-JavaScript edit)
	Reply   *DMMessage // the message being answered (no-JavaScript reply)
}

// BlockedHere are the members the viewer blocked.
func (p ConversationPage) BlockedHere() []DMPerson {
	var out []DMPerson
	for _, m := range p.Conv.Members {
		for _, b := range p.Blocked {
			if m.ID == b {
				out = append(out, m.DMPerson)
			}
		}
	}
	return out
}

func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = append(out, unicode.ToUpper(r))
				break
			}
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

func dmID(id int64) string { return strconv.FormatInt(id, 10) }
func dmURL(id int64, rest string) string {
	return "/inbox/" + strconv.FormatInt(id, 10) + rest
}
func dmMsgURL(m DMMessage, rest string) string {
	return dmURL(m.ConversationID, "/messages/"+strconv.FormatInt(m.ID, 10)+rest)
}

func idList(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

func memberIDs(ms []DMMember) string {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return idList(ids)
}

func unreadLabel(n int) string {
	if n == 0 {
		return "Inbox"
	}
	return "Inbox, " + strconv.Itoa(n) + " unread"
}

// addToURL is /inbox/new with handle added to the people picked.
func addToURL(d NewDMPage, handle string) string {
	q := url.Values{}
	for _, t := range d.To {
		q.Add("to", t.Handle)
	}
	q.Add("to", handle)
	return "/inbox/new?" + q.Encode()
}

// plainText joins segments back into text (system lines have no links).
func plainText(ss []Segment) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(s.Text)
	}
	return b.String()
}

// composeText is what the compose box starts with: the message being
// edited, or what was typed before an error.
func composeText(d ConversationPage) string {
	if v := d.Compose.Values["body"]; v != "" {
		return v
	}
	if d.Edit != nil {
		return plainText(d.Edit.Body)
	}
	return ""
}
