package views

import (
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"
)

// ModWall is the moderators' triage wall: every channel the person
// moderates, kept live by one stream.
type ModWall struct {
	Channels []WallChannel
	Since    string // the stream's starting cursor: "chanID:seq,chanID:seq"
	Undo     *WallUndo
	DM       *WallDMReports // open reports of direct messages, for site moderators (nil: not one)
	// Blur is the moderator's own setting: images on the wall are blurred
	// until clicked (a class on the wall; the live cards stay the same for
	// every moderator).
	Blur bool
}

// WallUndo offers to take back the action just done (pages without
// JavaScript; with it, a toast does the same).
type WallUndo struct {
	Slug    string
	AuditID int64
	Label   string
}

// WallChannel is one channel on the wall.
type WallChannel struct {
	ID       int64
	Slug     string
	Title    string
	Live     bool
	Premod   string // off, first, all
	Counts   WallCounts
	Held     []WallItem
	Reports  []WallItem
	Flagged  []WallItem
	Incoming []WallItem
	Staff    []StaffLine
}

// WallCounts are a channel's queue sizes, shown in its header.
type WallCounts struct {
	ChannelID int64
	Held      int
	Reports   int
	Flagged   int
}

// Wall lists.
const (
	ListHeld     = "held"
	ListReports  = "reports"
	ListFlagged  = "flagged"
	ListIncoming = "incoming"
)

// WallItem is a message in one list of the wall.
type WallItem struct {
	List        string // ListHeld, ListReports, ListFlagged or ListIncoming
	ID          int64
	ChannelID   int64
	Slug        string
	Author      string
	Subject     string // the author's actor key (u:<id> or g:<id>)
	Anonymous   bool
	Question    bool
	Reply       bool
	Body        []Segment
	RawBody     string
	State       string
	Flagged     bool
	Pinned      bool
	Highlighted bool
	Answered    bool
	Reason      string // why it was held or flagged
	CreatedAt   time.Time
	Reports     []WallReport
	// Original is the text as written when a filter masked words in it
	// (the wall is for staff only); empty otherwise.
	Original string
	// Resolved: the message has left this list (approved, denied, hidden,
	// reports dealt with); it stays as one compact line so that nothing
	// moves under the moderator's cursor.
	Resolved bool
	Error    string
	// Actions are the moderator actions the wall offers for the message, in
	// button order (the handlers take them from moderation.WallActions).
	Actions []string
	// Attachments are the message's files not removed.
	Attachments []Attachment
	// ReportedFile is the file reports point at (reports list only).
	ReportedFile *Attachment
}

// WallReport is one open report of a message.
type WallReport struct {
	Reason    string
	CreatedAt time.Time
	FileID    int64 // the file of the message it points at; 0: the message
}

// StaffLine is a message of a channel's moderator side chat.
type StaffLine struct {
	ID        int64
	ChannelID int64
	Author    string
	Body      string
	CreatedAt time.Time
}

// StaffForm is the side chat's compose form.
type StaffForm struct {
	ChannelID int64
	Slug      string
	Title     string
	Body      string
	Error     string
}

// PersonCard is what moderators see about one person.
type PersonCard struct {
	Slug         string // the channel the card was opened from
	ChannelTitle string
	Subject      string
	Name         string
	Email        string
	Handle       string // an account's: the card's Profile and Message links
	Guest        bool
	Active       []SanctionLine // in force in this channel
	Sanctions    []SanctionLine // history, newest first
	Notes        []NoteLine
	Messages     []PersonMessage
	Elsewhere    int  // recent messages in channels this moderator does not moderate
	CanSiteWide  bool // may ban site-wide
	LiveSession  bool // "rest of session" mutes need a running session
	Self         bool // the moderator's own card: no sanctions
	NoteForm     Form
	Notice       string
	Error        string
	Undo         *WallUndo
	DM           *PersonDM // direct messages: reports and actions, for site moderators (nil: not one)
}

// SanctionLine is one sanction on a person card.
type SanctionLine struct {
	Kind      string
	Reason    string
	Guideline string
	SiteWide  bool
	CreatedAt time.Time
	ExpiresAt *time.Time
	Session   bool
	Revoked   bool
}

// NoteLine is one staff note about a person.
type NoteLine struct {
	Body      string
	Author    string // the staff member who wrote it
	CreatedAt time.Time
}

// PersonMessage is one of a person's recent messages.
type PersonMessage struct {
	ID           int64
	Slug         string
	ChannelTitle string
	Body         string
	State        string
	CreatedAt    time.Time
}

// ModPersonPage is a person card as a page of its own (without JavaScript).
type ModPersonPage struct {
	Card PersonCard
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func wallListID(list string, channelID int64) string { return list + "-" + i64(channelID) }

// WallItemID is the element id of a message in one list of the wall.
func WallItemID(list string, id int64) string {
	p := "wi-"
	switch list {
	case ListHeld:
		p = "wh-"
	case ListReports:
		p = "wr-"
	case ListFlagged:
		p = "wf-"
	}
	return p + i64(id)
}

// WallListID is the element id of a list of a channel on the wall.
func WallListID(list string, channelID int64) string { return wallListID(list, channelID) }

// WallCountsID is the element id of a channel's counts.
func WallCountsID(channelID int64) string { return "counts-" + i64(channelID) }

// StaffListID is the element id of a channel's staff chat list.
func StaffListID(channelID int64) string { return "staff-" + i64(channelID) }

// StaffLineID is the element id of a staff chat message.
func StaffLineID(id int64) string { return "sm-" + i64(id) }

func dismissURL(it WallItem) string {
	return "/mod/c/" + it.Slug + "/messages/" + i64(it.ID) + "/reports/dismiss"
}

func modActionURL(it WallItem, act string) string {
	return "/mod/c/" + it.Slug + "/messages/" + i64(it.ID) + "/" + act
}

// PersonURL is the address of a person card.
func PersonURL(slug, subject string) string {
	return "/mod/c/" + slug + "/people/" + url.PathEscape(subject)
}

func undoURL(u WallUndo) string { return "/mod/c/" + u.Slug + "/undo/" + i64(u.AuditID) }

func listTitle(list string) string {
	switch list {
	case ListHeld:
		return "Held for review"
	case ListReports:
		return "Reports"
	case ListFlagged:
		return "Flagged by filters"
	}
	return "Incoming"
}

func listEmpty(list string) string {
	switch list {
	case ListHeld:
		return "Nothing waiting for review."
	case ListReports:
		return "No open reports."
	case ListFlagged:
		return "Nothing flagged."
	}
	return "No messages yet."
}

// stateLabel names a moderation state for staff.
func stateLabel(state string) string {
	switch state {
	case "held":
		return "held"
	case "hidden":
		return "hidden"
	case "deleted":
		return "deleted"
	case "denied":
		return "denied"
	case "shadow":
		return "shadow-muted"
	}
	return state
}

// resolvedLabel says what became of a message that left a list.
func resolvedLabel(it WallItem) string {
	switch it.State {
	case "visible":
		if it.List == ListReports {
			return "Reports resolved"
		}
		return "Approved"
	case "shadow":
		return "Approved (author shadow-muted)"
	case "denied":
		return "Denied"
	case "hidden":
		return "Hidden"
	case "deleted":
		return "Deleted"
	case "held":
		return "Held"
	}
	return "Done"
}

// excerpt shortens a message body to one short line.
func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func sanctionLabel(s SanctionLine) string {
	switch s.Kind {
	case "warn":
		return "Warning"
	case "mute":
		switch {
		case s.Session:
			return "Muted for the session"
		case s.ExpiresAt != nil:
			return "Muted until " + s.ExpiresAt.UTC().Format("15:04") + " UTC"
		}
		return "Muted"
	case "ban":
		if s.SiteWide {
			return "Banned site-wide"
		}
		return "Banned from the channel"
	case "shadow_mute":
		return "Shadow-muted"
	case "dm_suspend":
		if s.ExpiresAt != nil {
			return "Direct messages suspended until " + s.ExpiresAt.UTC().Format("Jan 2, 15:04") + " UTC"
		}
		return "Direct messages suspended"
	}
	return s.Kind
}

func utcTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func shortTime(t time.Time) string { return t.UTC().Format("15:04") }

func dayTime(t time.Time) string { return t.UTC().Format("Jan 2, 15:04") }

func channelCount(n int) string {
	if n == 1 {
		return "1 channel"
	}
	return strconv.Itoa(n) + " channels"
}

// wallAction is one button on a wall item.
type wallAction struct {
	Act     string
	Label   string
	Key     string
	Primary bool
	Danger  bool
}

// wallButtons are the label, key and look of each action's button.
var wallButtons = map[string]wallAction{
	"approve":     {Act: "approve", Label: "Approve", Key: "a", Primary: true},
	"deny":        {Act: "deny", Label: "Deny", Key: "d"},
	"hide":        {Act: "hide", Label: "Hide", Key: "h", Danger: true},
	"unhide":      {Act: "unhide", Label: "Unhide", Key: "h"},
	"delete":      {Act: "delete", Label: "Delete", Danger: true},
	"pin":         {Act: "pin", Label: "Pin", Key: "p"},
	"unpin":       {Act: "unpin", Label: "Unpin", Key: "p"},
	"answer":      {Act: "answer", Label: "Answered", Key: "x"},
	"unanswer":    {Act: "unanswer", Label: "Not answered", Key: "x"},
	"highlight":   {Act: "highlight", Label: "Highlight"},
	"unhighlight": {Act: "unhighlight", Label: "Unhighlight"},
}

// itemActions are the buttons of the item's actions, in order.
func itemActions(it WallItem) []wallAction {
	out := make([]wallAction, 0, len(it.Actions))
	for _, a := range it.Actions {
		if b, ok := wallButtons[a]; ok {
			out = append(out, b)
		}
	}
	return out
}

// firstAction is where the item's form goes when submitted with Enter.
func firstAction(it WallItem) string {
	if as := itemActions(it); len(as) > 0 {
		return as[0].Act
	}
	return "hide"
}

// IncomingCap is how many messages a channel's Incoming list keeps as
// new ones arrive; the oldest go.
const IncomingCap = 300

// removeFileURL is where a moderator removes one file of a wall card's
// message.
func removeFileURL(it WallItem, a Attachment) string {
	return "/mod/c/" + it.Slug + "/attachments/" + i64(a.ID) + "/remove"
}
