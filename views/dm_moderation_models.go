package views

import (
	"strconv"
	"time"
)

// The view models of direct-message moderation: a member's report of a
// message or conversation (with the excerpt it shares), site moderators'
// DM reports on the wall, a report opened with its actions, the
// person card's DM part, and the admin settings for direct messages.

// DMExcerptLine is one message of a report's excerpt.
type DMExcerptLine struct {
	ID        int64
	Author    string
	System    bool
	Body      string
	CreatedAt time.Time
	Edited    bool
	Deleted   bool
	Reported  bool
}

// GuidelineOption is one of the site's rules to cite.
type GuidelineOption struct {
	ID   string
	Text string
}

// DMReportForm is the report page: what will be shared, and the form.
type DMReportForm struct {
	ConversationID int64
	MessageID      int64 // 0: the whole conversation
	People         []string
	Lines          []DMExcerptLine
	Rules          []GuidelineOption
	Form           Form   // reason, guideline
	Sent           bool   // the report was sent
	Back           string // the conversation's page
}

// DMReportAction is where the report form posts.
func (d DMReportForm) DMReportAction() string {
	u := "/inbox/" + i64(d.ConversationID) + "/report"
	if d.MessageID != 0 {
		u += "?message=" + i64(d.MessageID)
	}
	return u
}

// DMReportSummary is a DM report in a list (no excerpt: opening it is
// audited).
type DMReportSummary struct {
	ID        int64
	Reporter  string
	People    []string
	Reason    string
	Guideline string
	Message   bool // a message was reported, not the whole conversation
	CreatedAt time.Time
	Resolved  bool
	// Resolution says what was done ("dm_suspend", "warn", "ban") or why it
	// was dismissed.
	Resolution string
}

// DMReportURL is the address of a report opened by a site moderator.
func DMReportURL(id int64) string { return "/mod/dm-reports/" + i64(id) }

// WallDMReports is the wall's list of open DM reports (site moderators).
type WallDMReports struct {
	Reports []DMReportSummary
}

// DMReportedPerson is one person a report is about, with their DM standing.
type DMReportedPerson struct {
	ID   int64
	Name string
}

// DMReportPanel is a report opened by a site moderator: the excerpt and
// what they can do.
type DMReportPanel struct {
	Report  DMReportSummary
	Lines   []DMExcerptLine
	People  []DMReportedPerson
	Presets []DMSuspendOption
	Rules   []GuidelineOption
	Notice  string
	Error   string
	Undo    *DMUndo
}

// DMSuspendOption is a suspension length offered.
type DMSuspendOption struct {
	Value string
	Label string
}

// DMUndo offers to take back a site-wide action just done.
type DMUndo struct {
	AuditID int64
	Back    string // where to go after undoing without JavaScript
}

// DMUndoURL is where a DM action's undo posts.
func DMUndoURL(u DMUndo) string { return "/mod/dm/undo/" + i64(u.AuditID) }

// DMSanctionURL is where DM actions on person id post.
func DMSanctionURL(id int64) string { return "/mod/dm/people/" + i64(id) + "/sanctions" }

// PersonDM is the person card's part about direct messages (site
// moderators only): reports about them and the actions.
type PersonDM struct {
	UserID  int64
	Name    string
	Reports []DMReportSummary
	Presets []DMSuspendOption
}

// DMActionDone is the answer to a DM action: what was done and Undo.
type DMActionDone struct {
	Label string
	Undo  DMUndo
}

// AdminDMSettings is the admin page of direct-message settings.
type AdminDMSettings struct {
	Form Form // mode, groups, request_min_days, retention_days
}

// DMWarningsNotice is what a person is told, on their inbox, about the
// site-wide warnings moderators gave them and a suspension of their direct
// messages.
type DMWarningsNotice struct {
	Warnings       []DMWarningLine
	Suspended      bool       // suspended, or muted or banned site-wide
	SuspendedUntil *time.Time // nil: until lifted
}

// DMWarningLine is one warning a person was given.
type DMWarningLine struct {
	Reason    string
	Guideline string
	CreatedAt time.Time
}

func dmModeLabel(m string) string {
	switch m {
	case "on":
		return "On for everyone"
	case "staff":
		return "Staff only (hosts, moderators, admins)"
	case "off":
		return "Off"
	}
	return m
}

func dmResolutionLabel(r DMReportSummary) string {
	switch r.Resolution {
	case "warn":
		return "Warned"
	case "dm_suspend":
		return "Direct messages suspended"
	case "ban":
		return "Banned site-wide"
	}
	return "Dismissed: " + r.Resolution
}

func dmReportCount(n int) string {
	if n == 1 {
		return "1 open report"
	}
	return strconv.Itoa(n) + " open reports"
}

func joinNames(ns []string) string {
	switch len(ns) {
	case 0:
		return "nobody"
	case 1:
		return ns[0]
	}
	out := ""
	for i, n := range ns {
		switch {
		case i == 0:
		case i == len(ns)-1:
			out += " and "
		default:
			out += ", "
		}
		out += n
	}
	return out
}
