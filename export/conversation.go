package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Conversation is a direct-message conversation as one member exports it:
// only what that member can see (after what they deleted for themselves),
// system lines included, deleted messages as tombstones.
type Conversation struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"` // direct or group
	Title      string    `json:"title"`
	Members    []Person  `json:"members"`
	ExportedBy Person    `json:"exported_by"`
	ExportedAt time.Time `json:"exported_at"`
	Messages   []DM      `json:"messages"`
}

// Person is a member or author: display name and handle.
type Person struct {
	Name   string `json:"name"`
	Handle string `json:"handle"`
}

// DM is one message of a Conversation. A deleted message has Deleted set
// and DeletedBody as its body; a system line has Kind "system" and no
// author.
type DM struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"` // text or system
	Author    *Person    `json:"author,omitempty"`
	Body      string     `json:"body"`
	ReplyToID int64      `json:"reply_to_id,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	Edited    bool       `json:"edited"`
	EditedAt  *time.Time `json:"edited_at,omitempty"`
	Deleted   bool       `json:"deleted"`
	Reactions []Tally    `json:"reactions"`
	// Attachments are the message's files (none for a deleted one).
	Attachments []File `json:"attachments"`
}

// Tally is how many people reacted with an emoji.
type Tally struct {
	Emoji string `json:"emoji"`
	Count int    `json:"count"`
}

// DeletedBody stands for the text of a deleted message.
const DeletedBody = "(deleted)"

// ConversationFormats lists the export formats of a conversation.
func ConversationFormats() []string { return []string{"md", "json"} }

// WriteConversationJSON writes c as one indented JSON object.
func WriteConversationJSON(w io.Writer, c Conversation) error {
	if c.Members == nil {
		c.Members = []Person{}
	}
	if c.Messages == nil {
		c.Messages = []DM{}
	}
	for i := range c.Messages {
		if c.Messages[i].Reactions == nil {
			c.Messages[i].Reactions = []Tally{}
		}
		if c.Messages[i].Attachments == nil {
			c.Messages[i].Attachments = []File{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return fmt.Errorf("export: json: %w", err)
	}
	return nil
}

// WriteConversationMarkdown writes c readably: a heading, the members, then
// one list item per message,
//
//   - **Ada** (@ada) · 2026-12-06 10:02 UTC: body 📎 [notes.pdf](/files/7/notes.pdf) — edited · 👍 2
//
// with a message's files as named links, a reply's quoted target on the line before it, system lines in
// italics and deleted messages as "(deleted)". Everything people wrote is
// escaped as in transcripts. Times are UTC.
func WriteConversationMarkdown(w io.Writer, c Conversation) error {
	var b strings.Builder
	b.WriteString("# " + mdText(c.Title) + "\n\n")
	names := make([]string, len(c.Members))
	for i, m := range c.Members {
		names[i] = mdPerson(m)
	}
	b.WriteString("- Members: " + strings.Join(names, ", ") + "\n")
	b.WriteString("- Exported by " + mdPerson(c.ExportedBy) + " on " + mdTime(c.ExportedAt) + "\n")
	b.WriteString("- Messages: " + strconv.Itoa(len(c.Messages)) + "\n\n")
	if len(c.Messages) == 0 {
		b.WriteString("_No messages._\n")
	}
	byID := make(map[int64]DM, len(c.Messages))
	for _, m := range c.Messages {
		byID[m.ID] = m
		if m.ReplyToID != 0 {
			b.WriteString("  > ↩ " + replyQuote(byID, m.ReplyToID) + "\n")
		}
		b.WriteString(conversationLine(m) + "\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("export: markdown: %w", err)
	}
	return nil
}

// conversationLine is the list item of one message.
func conversationLine(m DM) string {
	if m.Kind == "system" {
		return "- _" + mdText(m.Body) + "_ · " + mdTime(m.CreatedAt)
	}
	var b strings.Builder
	b.WriteString("- ")
	if m.Author != nil {
		b.WriteString("**" + mdText(m.Author.Name) + "** (@" + mdText(m.Author.Handle) + ") · ")
	}
	b.WriteString(mdTime(m.CreatedAt) + ": ")
	if m.Deleted {
		b.WriteString("_" + DeletedBody + "_")
		return b.String()
	}
	b.WriteString(mdText(m.Body))
	if links := fileLinks(m.Attachments); links != "" {
		if m.Body != "" {
			b.WriteString(" ")
		}
		b.WriteString(links)
	}
	var notes []string
	if m.Edited {
		notes = append(notes, "edited")
	}
	for _, r := range m.Reactions {
		notes = append(notes, mdText(r.Emoji)+" "+strconv.Itoa(r.Count))
	}
	if len(notes) > 0 {
		b.WriteString(" — " + strings.Join(notes, " · "))
	}
	return b.String()
}

// fileLinks are a message's files as named links ("" when none): the name
// escaped as people's text is, and whatever in the path could end the
// link's destination percent-encoded.
func fileLinks(fs []File) string {
	if len(fs) == 0 {
		return ""
	}
	links := make([]string, len(fs))
	for i, f := range fs {
		links[i] = "[" + mdText(f.Name) + "](" + mdURL(f.URL) + ")"
	}
	return "📎 " + strings.Join(links, ", ")
}

// replyQuote names the message a reply answers, with the start of its text.
func replyQuote(byID map[int64]DM, id int64) string {
	m, ok := byID[id]
	if !ok {
		return "in reply to an earlier message"
	}
	who := "a message"
	if m.Author != nil {
		who = "**" + mdText(m.Author.Name) + "**"
	}
	body := m.Body
	if m.Deleted {
		body = DeletedBody
	}
	if r := []rune(oneLine(body)); len(r) > 80 {
		body = string(r[:80]) + "…"
	}
	return "in reply to " + who + ": " + mdText(body)
}

func mdPerson(p Person) string { return mdText(p.Name) + " (@" + mdText(p.Handle) + ")" }

func mdTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
