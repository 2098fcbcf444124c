package views

import (
	"net/url"
	"strconv"
	"time"
)

// TranscriptChannel is a channel on the transcripts index.
type TranscriptChannel struct {
	Slug     string
	Title    string
	Sessions int
	Last     *SessionRow // the newest session; nil when none
}

// TranscriptsIndex is /transcripts.
type TranscriptsIndex struct {
	Channels []TranscriptChannel
}

// SessionRow is a session in a list.
type SessionRow struct {
	ID       int64
	Title    string
	Start    time.Time
	End      *time.Time // nil while live
	Messages int
}

// TranscriptSessions is /transcripts/:slug.
type TranscriptSessions struct {
	Slug     string
	Title    string
	Staff    bool // may read the staff version and analytics
	Sessions []SessionRow
}

// TranscriptAction is a moderation action from the audit log.
type TranscriptAction struct {
	When   time.Time
	Actor  string
	Action string
	Target string
	Rule   string // the guideline rule id it cites
	Reason string
}

// TranscriptReaction is the count of one emoji.
type TranscriptReaction struct {
	Emoji string
	Count int
}

// TranscriptMessage is one message of a transcript.
type TranscriptMessage struct {
	ID        int64
	ParentID  int64
	Author    string
	Anonymous bool // staff view: posted anonymously
	Question  bool
	State     string // staff view: its moderation state
	Body      string
	Removed   bool // retention removed the body
	When      time.Time
	Votes     int
	Reactions []TranscriptReaction
	Answered  bool
	Pinned    bool
	Tags      []TagChip
	Actions   []TranscriptAction // staff view
	// Attachments are its files, shown as thumbnails or named download
	// links.
	Attachments []Attachment
	Replies     []TranscriptMessage
}

// TranscriptExport is a download link.
type TranscriptExport struct {
	Label string
	Href  string
}

// TranscriptPage is /transcripts/:slug/:session.
type TranscriptPage struct {
	Slug     string
	Channel  string
	Session  SessionRow
	View     string // participant or staff
	Staff    bool   // may switch to the staff view
	Count    int
	Messages []TranscriptMessage
	Activity []TranscriptAction // staff view: other moderation in the session
	Exports  []TranscriptExport
}

// AnalyticsQuestion is one of the top questions.
type AnalyticsQuestion struct {
	ID       int64
	Author   string
	Body     string
	Votes    int
	Answered bool
	Link     string
}

// AnalyticsCount is a labelled number (a tag, a rule id).
type AnalyticsCount struct {
	Label string
	Class string // tags: the colour class
	Count int
}

// AnalyticsPage is /transcripts/:slug/:session/analytics.
type AnalyticsPage struct {
	Slug          string
	Channel       string
	Session       SessionRow
	Messages      int
	Replies       int
	Questions     int
	Answered      int
	Posters       int
	Participants  int
	Actions       int
	Files         int // files shared, images included
	Images        int
	Chart         Chart
	TopQuestions  []AnalyticsQuestion
	Tags          []AnalyticsCount
	ActionsByRule []AnalyticsCount
}

func transcriptsURL(slug string) string { return "/transcripts/" + url.PathEscape(slug) }

func sessionURL(slug string, id int64, rest string) string {
	return transcriptsURL(slug) + "/" + strconv.FormatInt(id, 10) + rest
}

func tmID(id int64) string { return "m-" + strconv.FormatInt(id, 10) }

func clock(t time.Time) string { return t.UTC().Format("15:04") }

func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func dateTime(t time.Time) string { return t.UTC().Format("Mon 2 Jan 2006, 15:04 UTC") }

// sessionSpan is "Mon 2 Jan 2006, 10:00–11:05 UTC", or "… (live)".
func sessionSpan(s SessionRow) string {
	start := s.Start.UTC()
	if s.End == nil {
		return start.Format("Mon 2 Jan 2006, 15:04 UTC") + " – still live"
	}
	end := s.End.UTC()
	if end.Format("2006-01-02") == start.Format("2006-01-02") {
		return start.Format("Mon 2 Jan 2006, 15:04") + "–" + end.Format("15:04 UTC")
	}
	return start.Format("Mon 2 Jan 2006, 15:04") + " – " + end.Format("Mon 2 Jan 2006, 15:04 UTC")
}

func itoa(n int) string { return strconv.Itoa(n) }

func transcriptStateLabel(s string) string {
	switch s {
	case "held":
		return "Held for review"
	case "hidden":
		return "Hidden"
	case "deleted":
		return "Deleted"
	case "denied":
		return "Denied"
	case "shadow":
		return "Shadow-muted"
	}
	return s
}

func percent(part, whole int) string {
	if whole == 0 {
		return "—"
	}
	return strconv.Itoa(part*100/whole) + "%"
}

// imagesWord is "image" or "images" after a count.
func imagesWord(n int) string {
	if n == 1 {
		return "image"
	}
	return "images"
}
