// Package export writes messages as Markdown, CSV or JSON: transcripts of a
// session and search results alike. It only formats — the caller decides
// what goes in (which messages, whose names) and where it goes (any
// io.Writer).
//
// A Document holds messages either threaded (top-level messages with their
// Replies) or flat (each with its ParentID); every writer accepts both.
package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Formats lists the export formats by file extension.
func Formats() []string { return []string{"md", "csv", "json"} }

// Document is what one export holds.
type Document struct {
	Title    string    `json:"title"`             // heading of the Markdown export
	Channel  *Channel  `json:"channel,omitempty"` // nil when the messages span channels
	Session  *Session  `json:"session,omitempty"`
	View     string    `json:"view,omitempty"`  // "participant" or "staff"
	Query    string    `json:"query,omitempty"` // search results: what was searched
	Messages []Message `json:"messages"`
	// Activity (staff exports) is the session's moderation that is not about
	// one of its messages: sanctions, blocked posts, the session's start.
	Activity []Action `json:"activity,omitempty"`
}

// Action is one moderation action in a staff export: who did what, when,
// why and under which guideline.
type Action struct {
	When      time.Time `json:"when"`
	Who       string    `json:"who"`              // the name of who acted, or "system"
	What      string    `json:"what"`             // the action, such as message.hide or user.mute
	Target    string    `json:"target,omitempty"` // whom or what (activity only), such as "Sam (guest:5)"
	Reason    string    `json:"reason,omitempty"`
	Guideline string    `json:"guideline,omitempty"`
}

// Line is the action as one line of text: "2026-11-22 10:05 UTC message.hide
// by Mo — reason: off-topic · guideline: G2".
func (a Action) Line() string {
	s := a.When.UTC().Format("2006-01-02 15:04 UTC") + " " + oneLine(a.What)
	if a.Target != "" {
		s += " " + oneLine(a.Target)
	}
	s += " by " + oneLine(a.Who)
	var notes []string
	if a.Reason != "" {
		notes = append(notes, "reason: "+oneLine(a.Reason))
	}
	if a.Guideline != "" {
		notes = append(notes, "guideline: "+oneLine(a.Guideline))
	}
	if len(notes) > 0 {
		s += " — " + strings.Join(notes, " · ")
	}
	return s
}

// Channel names the channel of a Document.
type Channel struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// Session is the session of a Document.
type Session struct {
	ID        int64      `json:"id"`
	Title     string     `json:"title"`
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at"`
}

// Message is one exported message. Author is the name to show (already
// "Anonymous" where the reader may not know who wrote it).
type Message struct {
	ID        int64     `json:"id"`
	ParentID  int64     `json:"parent_id,omitempty"` // 0: starts a thread
	Channel   string    `json:"channel"`
	SessionID int64     `json:"session_id,omitempty"`
	Author    string    `json:"author"`
	Anonymous bool      `json:"anonymous,omitempty"` // posted anonymously (staff see the real name in Author)
	Kind      string    `json:"kind"`                // comment or question
	State     string    `json:"state"`               // visible, held, hidden, …
	Body      string    `json:"body"`
	Removed   bool      `json:"removed,omitempty"` // retention removed the body
	CreatedAt time.Time `json:"created_at"`
	Votes     int       `json:"votes"`
	Reactions int       `json:"reactions"`
	Answered  bool      `json:"answered"`
	Pinned    bool      `json:"pinned"`
	Tags      []string  `json:"tags"`
	Actions   []Action  `json:"actions,omitempty"` // staff exports: its moderation, oldest first
	Files     []File    `json:"attachments"`       // its files, as named links
	Replies   []Message `json:"replies,omitempty"`
}

// File is an attachment of an exported message: its name, media type, size
// in bytes and download path (absolute when the site's address is known).
type File struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
	URL  string `json:"url"`
}

// RemovedBody is shown in place of a body that retention removed.
const RemovedBody = "(removed by retention)"

// Flatten lists the messages of a Document in reading order: each message
// followed by its replies.
func (d Document) Flatten() []Message {
	var out []Message
	var walk func(ms []Message)
	walk = func(ms []Message) {
		for _, m := range ms {
			r := m.Replies
			m.Replies = nil
			out = append(out, m)
			walk(r)
		}
	}
	walk(d.Messages)
	return out
}

// WriteJSON writes the Document as one indented JSON object: title,
// channel, session, view, query and messages (replies nested under their
// thread's first message, each with its parent_id).
func WriteJSON(w io.Writer, d Document) error {
	if d.Messages == nil {
		d.Messages = []Message{}
	}
	fill(d.Messages)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("export: json: %w", err)
	}
	return nil
}

// fill gives nil tag and file lists an empty list, so JSON shows [] not
// null.
func fill(ms []Message) {
	for i := range ms {
		if ms[i].Tags == nil {
			ms[i].Tags = []string{}
		}
		if ms[i].Files == nil {
			ms[i].Files = []File{}
		}
		fill(ms[i].Replies)
	}
}

// CSVHeader is the header row of WriteCSV.
func CSVHeader() []string {
	return []string{"id", "parent_id", "channel", "session_id", "created_at", "author", "kind", "state", "body",
		"votes", "reactions", "answered", "pinned", "tags", "anonymous", "moderation", "attachments"}
}

// WriteCSV writes a header row and one row per message (replies right after
// their thread's first message). Times are RFC 3339 in UTC, tags and
// attachments' names are separated by "; ". A staff export's "moderation" cell lists the message's
// actions, one a line (Action.Line), and its Activity follows as rows of
// kind "moderation". Every text cell is passed through CSVSafe.
func WriteCSV(w io.Writer, d Document) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader()); err != nil {
		return fmt.Errorf("export: csv: %w", err)
	}
	for _, m := range d.Flatten() {
		parent, session := "", ""
		if m.ParentID != 0 {
			parent = strconv.FormatInt(m.ParentID, 10)
		}
		if m.SessionID != 0 {
			session = strconv.FormatInt(m.SessionID, 10)
		}
		body := m.Body
		if m.Removed {
			body = RemovedBody
		}
		row := []string{strconv.FormatInt(m.ID, 10), parent, CSVSafe(m.Channel), session,
			m.CreatedAt.UTC().Format(time.RFC3339), CSVSafe(m.Author), CSVSafe(m.Kind), CSVSafe(m.State), CSVSafe(body),
			strconv.Itoa(m.Votes), strconv.Itoa(m.Reactions), strconv.FormatBool(m.Answered), strconv.FormatBool(m.Pinned),
			CSVSafe(strings.Join(m.Tags, "; ")), strconv.FormatBool(m.Anonymous), CSVSafe(actionLines(m.Actions)),
			CSVSafe(fileNames(m.Files))}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("export: csv: %w", err)
		}
	}
	// The session's other moderation: one row each, kind "moderation".
	for _, a := range d.Activity {
		row := []string{"", "", "", "", a.When.UTC().Format(time.RFC3339), CSVSafe(a.Who), "moderation", "", CSVSafe(a.What + " " + a.Target),
			"", "", "", "", "", "", CSVSafe(a.Line()), ""}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("export: csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: csv: %w", err)
	}
	return nil
}

// CSVSafe keeps spreadsheet programs from reading a cell as a formula: a
// cell starting with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe (OWASP's advice for CSV injection).
func CSVSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CSVUnsafe undoes CSVSafe, for CSV files that are read back in (filter
// rules): the apostrophe before =, +, -, @, a tab or a carriage return is
// dropped.
func CSVUnsafe(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// WriteMarkdown writes a readable transcript: the title, the channel and
// session with their times, then one list item per message,
//
//   - **Author** (10:02): body 📎 [slides.pdf](/files/7/slides.pdf) — ✅ answered · 📌 pinned · 3 votes · tags: exam
//
// with replies indented under their thread's first message. Times are UTC.
// A staff export lists each message's moderation under it ("🛡 …") and the
// session's other moderation in a section at the end.
// Staff views mark each message that is not visible with its state, e.g.
// "[hidden]" before the body.
func WriteMarkdown(w io.Writer, d Document) error {
	var b strings.Builder
	title := d.Title
	if title == "" {
		title = "Transcript"
	}
	b.WriteString("# " + mdText(title) + "\n\n")
	if d.Channel != nil {
		b.WriteString("- Channel: " + mdText(d.Channel.Title) + " (" + mdText(d.Channel.Slug) + ")\n")
	}
	if d.Session != nil {
		b.WriteString("- Session: " + mdText(d.Session.Title) + "\n")
		b.WriteString("- Started: " + d.Session.StartedAt.UTC().Format("2006-01-02 15:04 UTC") + "\n")
		if d.Session.EndedAt != nil {
			b.WriteString("- Ended: " + d.Session.EndedAt.UTC().Format("2006-01-02 15:04 UTC") + "\n")
		} else {
			b.WriteString("- Ended: still live\n")
		}
	}
	if d.Query != "" {
		b.WriteString("- Search: " + mdText(d.Query) + "\n")
	}
	if d.View != "" {
		b.WriteString("- Version: " + d.View + "\n")
	}
	b.WriteString("- Messages: " + strconv.Itoa(len(d.Flatten())) + "\n\n")
	if len(d.Messages) == 0 {
		b.WriteString("_No messages._\n")
	}
	// Flat documents (search results) still indent a reply whose thread
	// start is in the document.
	threaded := nested(d.Messages)
	present := map[int64]bool{}
	for _, m := range d.Messages {
		present[m.ID] = true
	}
	var write func(ms []Message, depth int)
	write = func(ms []Message, depth int) {
		for _, m := range ms {
			indent := strings.Repeat("  ", depth)
			if !threaded && m.ParentID != 0 && present[m.ParentID] {
				indent = "  "
			}
			b.WriteString(indent + MarkdownLine(m) + "\n")
			for _, a := range m.Actions {
				b.WriteString(indent + "  - 🛡 " + escapeMD(a.Line()) + "\n")
			}
			write(m.Replies, depth+1)
		}
	}
	write(d.Messages, 0)
	if len(d.Activity) > 0 {
		b.WriteString("\n## Other moderation during the session\n\n")
		for _, a := range d.Activity {
			b.WriteString("- " + escapeMD(a.Line()) + "\n")
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("export: markdown: %w", err)
	}
	return nil
}

// nested reports whether any message carries its replies.
func nested(ms []Message) bool {
	for _, m := range ms {
		if len(m.Replies) > 0 {
			return true
		}
	}
	return false
}

// MarkdownLine is the list item of one message, without indentation and
// without a trailing newline. Line breaks in the body become " / ", so the
// item stays one line.
func MarkdownLine(m Message) string {
	var b strings.Builder
	b.WriteString("- **" + mdText(m.Author) + "**")
	if m.Anonymous && m.Author != "Anonymous" {
		b.WriteString(" (posted anonymously)")
	}
	b.WriteString(" (" + m.CreatedAt.UTC().Format("15:04") + "): ")
	if m.State != "" && m.State != "visible" {
		b.WriteString("[" + m.State + "] ")
	}
	if m.Kind == "question" && m.ParentID == 0 {
		b.WriteString("❓ ")
	}
	if m.Removed {
		b.WriteString("_" + RemovedBody + "_")
	} else {
		b.WriteString(mdText(m.Body))
	}
	if len(m.Files) > 0 {
		b.WriteString(" " + fileLinks(m.Files))
	}
	var notes []string
	if m.Answered {
		notes = append(notes, "✅ answered")
	}
	if m.Pinned {
		notes = append(notes, "📌 pinned")
	}
	if m.Votes > 0 {
		notes = append(notes, plural(m.Votes, "vote", "votes"))
	}
	if m.Reactions > 0 {
		notes = append(notes, plural(m.Reactions, "reaction", "reactions"))
	}
	if len(m.Tags) > 0 {
		notes = append(notes, "tags: "+mdText(strings.Join(m.Tags, ", ")))
	}
	if len(notes) > 0 {
		b.WriteString(" — " + strings.Join(notes, " · "))
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// oneLine folds line breaks into " / " so a body stays on its list item.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), " / ")
}

// escapeMD makes text that people wrote (bodies, names, titles, reasons)
// inert in Markdown: emphasis and code marks and the brackets of links and
// images are backslash-escaped, so "[x](javascript:…)" is not a link, and
// < and > become entities, so raw HTML and <autolinks> stay text in every
// Markdown renderer, including those that pass HTML through.
func escapeMD(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`,
		"<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

// mdText is a line of text that people wrote, folded onto one line and
// escaped for Markdown.
func mdText(s string) string { return escapeMD(oneLine(s)) }

// mdURL is a link destination that stays one: spaces, parentheses and angle
// brackets (and line breaks) percent-encoded.
func mdURL(u string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\n", "%0A", "\r", "%0D").Replace(u)
}

// fileNames is the names of files separated by "; ".
func fileNames(fs []File) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return strings.Join(names, "; ")
}

// actionLines is actions one a line.
func actionLines(as []Action) string {
	lines := make([]string, 0, len(as))
	for _, a := range as {
		lines = append(lines, a.Line())
	}
	return strings.Join(lines, "\n")
}
