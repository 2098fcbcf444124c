package web

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/export"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/transcripts"
	"backchannel/views"
)

// TranscriptChannel loads the channel of a transcript route and checks that
// the viewer may read its transcripts; staff says whether as staff.
func (h *Base) TranscriptChannel(c *fiber.Ctx) (*model.Channel, bool, error) {
	ch, err := h.Chat.Channel(c.UserContext(), c.Params("slug"))
	if err != nil {
		return nil, false, err
	}
	staff, ok, err := h.TranscriptReader(c, ch)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, model.Refuse(model.ErrForbidden, "not_a_member", "Join this channel to read its transcripts.")
	}
	return ch, staff, nil
}

// SessionRow is a session for a list: staff count every message, others
// the visible ones.
func SessionRow(s transcripts.SessionSummary, staff bool) views.SessionRow {
	n := s.Visible
	if staff {
		n = s.Messages
	}
	return views.SessionRow{ID: s.ID, Title: s.Title, Start: s.StartedAt, End: s.EndedAt, Messages: n}
}

// SendTranscript writes the transcript of :session in format as an
// attachment.
func (h *Base) SendTranscript(c *fiber.Ctx, ch *model.Channel, staff bool, format string) error {
	if !ValidExport(format) {
		return model.Invalid("format", "Export as md, csv or json.")
	}
	id, err := IDParam(c, "session")
	if err != nil {
		return err
	}
	view, err := TranscriptView(c, staff)
	if err != nil {
		return err
	}
	tr, err := h.Transcripts.Transcript(c.UserContext(), ch, id, view)
	if err != nil {
		return err
	}
	name := ch.Slug + "-session-" + strconv.FormatInt(id, 10) + "-" + string(view) + "." + format
	return SendExport(c, format, name, transcriptDocument(tr, h.AuditNamer(c), h.BaseURL))
}

func ValidExport(format string) bool {
	for _, f := range export.Formats() {
		if f == format {
			return true
		}
	}
	return false
}

// SendExport writes doc in format (md, csv or json) as a download named
// filename.
func SendExport(c *fiber.Ctx, format, filename string, doc export.Document) error {
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
// The staff version carries the moderation the staff page shows: each
// message's actions and the session's other activity. Files link to base
// (the site's public address) + their download path.
func transcriptDocument(tr *transcripts.Transcript, names *AuditNames, base string) export.Document {
	s := tr.Session
	doc := export.Document{Title: tr.Channel.Title + " — " + s.Title,
		Channel: &export.Channel{Slug: tr.Channel.Slug, Title: tr.Channel.Title},
		Session: &export.Session{ID: s.ID, Title: s.Title, StartedAt: s.StartedAt, EndedAt: s.EndedAt},
		View:    string(tr.View), Messages: []export.Message{}}
	for _, e := range tr.Entries {
		doc.Messages = append(doc.Messages, exportMessage(tr.Channel.Slug, e, names, base))
	}
	for i := range tr.Activity {
		doc.Activity = append(doc.Activity, ExportAction(&tr.Activity[i], names, true))
	}
	return doc
}

// TranscriptReader reports whether the signed-in user may read ch's
// transcripts (staff: transcript:staff there; others: transcript:view and
// let into the channel, not banned) and whether as staff.
func (h *Base) TranscriptReader(c *fiber.Ctx, ch *model.Channel) (staff, ok bool, err error) {
	ctx := c.UserContext()
	user := ViewerOf(c).User
	if user == nil {
		return false, false, nil
	}
	if staff, err = h.Authz.Can(ctx, user.ID, ch.Slug, policies.TranscriptStaff); err != nil || staff {
		return staff, staff, err
	}
	if ok, err = h.Authz.Can(ctx, user.ID, ch.Slug, policies.TranscriptView); err != nil || !ok {
		return false, false, err
	}
	v, err := h.Chat.ViewerFor(ctx, ch, user, nil)
	if err != nil {
		return false, false, err
	}
	ok, err = h.Chat.CanView(ctx, ch, v)
	return false, ok, err
}

// TranscriptView reads ?view=: staff by default for staff, participant for
// everyone else; the staff version for anyone else is model.ErrForbidden.
func TranscriptView(c *fiber.Ctx, staff bool) (transcripts.TranscriptView, error) {
	def := transcripts.ViewParticipant
	if staff {
		def = transcripts.ViewStaff
	}
	v, err := transcripts.ParseTranscriptView(c.Query("view"), def)
	if err != nil {
		return "", err
	}
	if v == transcripts.ViewStaff && !staff {
		return "", model.Refuse(model.ErrForbidden, "not_staff", "Only the channel's hosts and moderators can read the staff version.")
	}
	return v, nil
}

// ExportAction is an audit entry as a staff export lists it; target says
// whether to name what it was about.
func ExportAction(e *model.AuditEntry, names *AuditNames, target bool) export.Action {
	a := export.Action{When: e.CreatedAt, Who: names.ActorOf(e).Label(), What: e.Action, Reason: e.Reason, Guideline: e.Guideline}
	if target {
		a.Target = names.TargetOf(e).Label()
	}
	return a
}

func exportMessage(slug string, e transcripts.TranscriptEntry, names *AuditNames, base string) export.Message {
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
	for i := range e.Actions {
		out.Actions = append(out.Actions, ExportAction(&e.Actions[i], names, false))
	}
	out.Files = ExportFiles(e.Attachments, base)
	for _, r := range e.Replies {
		out.Replies = append(out.Replies, exportMessage(slug, r, names, base))
	}
	return out
}

// SessionsOf is the route's channel, whether the viewer reads the staff
// version of its transcripts, and its class sessions, newest first.
func (h *Base) SessionsOf(c *fiber.Ctx) (*model.Channel, bool, []transcripts.SessionSummary, error) {
	ch, staff, err := h.TranscriptChannel(c)
	if err != nil {
		return nil, false, nil, err
	}
	ss, err := h.Transcripts.Sessions(c.UserContext(), ch)
	return ch, staff, ss, err
}

// AnalyticsOf is the route's channel and the class analytics of its
// :session.
func (h *Base) AnalyticsOf(c *fiber.Ctx) (*model.Channel, *transcripts.Analytics, error) {
	ch, _, err := h.TranscriptChannel(c)
	if err != nil {
		return nil, nil, err
	}
	id, err := IDParam(c, "session")
	if err != nil {
		return nil, nil, err
	}
	a, err := h.Transcripts.Analytics(c.UserContext(), ch, id)
	return ch, a, err
}

// ExportFiles are a message's attachments as an export lists them, linked
// to base + their download path.
func ExportFiles(list []model.Attachment, base string) []export.File {
	var out []export.File
	base = strings.TrimRight(base, "/")
	for i := range list {
		a := &list[i]
		out = append(out, export.File{Name: a.Name, Type: a.MediaType, Size: a.Size, URL: base + FileURL(a)})
	}
	return out
}
