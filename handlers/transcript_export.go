package handlers

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/export"
	"backchannel/model"
	"backchannel/transcripts"
)

// transcriptExport downloads a session's transcript as Markdown, CSV or
// JSON, in the version ?view= asks for.
func (h *Handlers) transcriptExport(c *fiber.Ctx) error {
	ch, staff, err := h.transcriptChannel(c)
	if err != nil {
		return err
	}
	return h.sendTranscript(c, ch, staff, c.Params("format"))
}

// sendTranscript writes the transcript of :session in format as an
// attachment.
func (h *Handlers) sendTranscript(c *fiber.Ctx, ch *model.Channel, staff bool, format string) error {
	if !validExport(format) {
		return model.Invalid("format", "Export as md, csv or json.")
	}
	id, err := transcriptSession(c)
	if err != nil {
		return err
	}
	view, err := transcriptView(c, staff)
	if err != nil {
		return err
	}
	tr, err := h.Transcripts.Transcript(c.UserContext(), ch, id, view)
	if err != nil {
		return err
	}
	name := ch.Slug + "-session-" + strconv.FormatInt(id, 10) + "-" + string(view) + "." + format
	return sendExport(c, format, name, transcriptDocument(tr))
}

func validExport(format string) bool {
	for _, f := range export.Formats() {
		if f == format {
			return true
		}
	}
	return false
}

// sendExport writes doc in format (md, csv or json) as a download named
// filename.
func sendExport(c *fiber.Ctx, format, filename string, doc export.Document) error {
	var buf bytes.Buffer
	var err error
	switch format {
	case "md":
		c.Set(fiber.HeaderContentType, "text/markdown; charset=utf-8")
		err = export.WriteMarkdown(&buf, doc)
	case "csv":
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		err = export.WriteCSV(&buf, doc)
	default:
		c.Set(fiber.HeaderContentType, "application/json; charset=utf-8")
		err = export.WriteJSON(&buf, doc)
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// transcriptDocument turns a transcript into an export document: what the
// transcript's version shows, names as it shows them.
func transcriptDocument(tr *transcripts.Transcript) export.Document {
	s := tr.Session
	doc := export.Document{Title: tr.Channel.Title + " — " + s.Title,
		Channel: &export.Channel{Slug: tr.Channel.Slug, Title: tr.Channel.Title},
		Session: &export.Session{ID: s.ID, Title: s.Title, StartedAt: s.StartedAt, EndedAt: s.EndedAt},
		View:    string(tr.View), Messages: []export.Message{}}
	for _, e := range tr.Entries {
		doc.Messages = append(doc.Messages, exportMessage(tr.Channel.Slug, e))
	}
	return doc
}

func exportMessage(slug string, e transcripts.TranscriptEntry) export.Message {
	m := e.Message
	out := export.Message{ID: m.ID, Channel: slug, Author: e.Author, Anonymous: m.Anonymous, Kind: string(m.Kind), State: string(m.State),
		Body: m.Body, Removed: e.Removed, CreatedAt: m.CreatedAt, Votes: m.VoteCount, Answered: m.Answered, Pinned: m.Pinned}
	if m.ParentID != nil {
		out.ParentID = *m.ParentID
	}
	if m.SessionID != nil {
		out.SessionID = *m.SessionID
	}
	for _, r := range e.Reactions {
		out.Reactions += r.Count
	}
	for _, t := range e.Tags {
		out.Tags = append(out.Tags, t.Name)
	}
	for _, r := range e.Replies {
		out.Replies = append(out.Replies, exportMessage(slug, r))
	}
	return out
}
