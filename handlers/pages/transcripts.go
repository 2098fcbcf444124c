package pages

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/transcripts"
	"backchannel/views"
)

// TranscriptList lists the channels whose transcripts the viewer can read, with
// their number of sessions and the newest one.
func (h *Pages) TranscriptList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	user := web.ViewerOf(c).User
	cs, err := h.Chat.Channels(ctx, user.ID)
	if err != nil {
		return err
	}
	var d views.TranscriptsIndex
	for i := range cs {
		ch := &cs[i].Channel
		_, ok, err := h.TranscriptReader(c, ch)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		ss, err := h.Transcripts.Sessions(ctx, ch)
		if err != nil {
			return err
		}
		if len(ss) == 0 {
			continue
		}
		last := web.SessionRow(ss[0], false)
		d.Channels = append(d.Channels, views.TranscriptChannel{Slug: ch.Slug, Title: ch.Title, Sessions: len(ss), Last: &last})
	}
	return web.Render(c, fiber.StatusOK, views.TranscriptsIndexPage(h.Page(c, "Transcripts", "/transcripts"), d))
}

// TranscriptSessions lists a channel's sessions, newest first.
func (h *Pages) TranscriptSessions(c *fiber.Ctx) error {
	ch, staff, ss, err := h.SessionsOf(c)
	if err != nil {
		return err
	}
	d := views.TranscriptSessions{Slug: ch.Slug, Title: ch.Title, Staff: staff}
	for _, s := range ss {
		d.Sessions = append(d.Sessions, web.SessionRow(s, staff))
	}
	return web.Render(c, fiber.StatusOK, views.TranscriptSessionsPage(h.Page(c, ch.Title+" · Transcripts", "/transcripts"), d))
}

// Transcript shows one session's transcript.
func (h *Pages) Transcript(c *fiber.Ctx) error {
	ch, staff, err := h.TranscriptChannel(c)
	if err != nil {
		return err
	}
	id, err := web.IDParam(c, "session")
	if err != nil {
		return err
	}
	view, err := web.TranscriptView(c, staff)
	if err != nil {
		return err
	}
	tr, err := h.Transcripts.Transcript(c.UserContext(), ch, id, view)
	if err != nil {
		return err
	}
	names := h.AuditNamer(c)
	d := views.TranscriptPage{Slug: ch.Slug, Channel: ch.Title, View: string(view), Staff: staff, Count: tr.Count,
		Session: views.SessionRow{ID: tr.Session.ID, Title: tr.Session.Title, Start: tr.Session.StartedAt, End: tr.Session.EndedAt, Messages: tr.Count}}
	for _, e := range tr.Entries {
		d.Messages = append(d.Messages, transcriptMessage(e, view, names))
	}
	for _, a := range tr.Activity {
		d.Activity = append(d.Activity, transcriptAction(a, names, true))
	}
	for _, f := range []struct{ label, ext string }{{"Markdown", "md"}, {"CSV", "csv"}, {"JSON", "json"}} {
		d.Exports = append(d.Exports, views.TranscriptExport{Label: f.label,
			Href: "/transcripts/" + ch.Slug + "/" + strconv.FormatInt(id, 10) + "/export/" + f.ext + "?view=" + string(view)})
	}
	return web.Render(c, fiber.StatusOK, views.TranscriptPageView(h.Page(c, tr.Session.Title+" · "+ch.Title, "/transcripts"), d))
}

func transcriptMessage(e transcripts.TranscriptEntry, view transcripts.TranscriptView, names *web.AuditNames) views.TranscriptMessage {
	m := e.Message
	out := views.TranscriptMessage{ID: m.ID, Author: e.Author, Question: m.Kind == model.KindQuestion && m.ParentID == nil,
		Body: m.Body, Removed: e.Removed, When: m.CreatedAt, Votes: m.VoteCount, Answered: m.Answered, Pinned: m.Pinned}
	if m.ParentID != nil {
		out.ParentID = *m.ParentID
	}
	if view == transcripts.ViewStaff {
		out.State, out.Anonymous = string(m.State), m.Anonymous
	}
	for _, r := range e.Reactions {
		out.Reactions = append(out.Reactions, views.TranscriptReaction{Emoji: r.Emoji, Count: r.Count})
	}
	for _, t := range e.Tags {
		out.Tags = append(out.Tags, views.TagChip{Name: t.Name, Class: tagClass(t.Colour)})
	}
	for _, a := range e.Actions {
		out.Actions = append(out.Actions, transcriptAction(a, names, false))
	}
	out.Attachments = web.AttachmentViews(e.Attachments)
	for _, r := range e.Replies {
		out.Replies = append(out.Replies, transcriptMessage(r, view, names))
	}
	return out
}

func transcriptAction(a model.AuditEntry, names *web.AuditNames, target bool) views.TranscriptAction {
	x := web.ExportAction(&a, names, target && a.TargetType != "")
	return views.TranscriptAction{When: x.When, Actor: x.Who, Action: x.What, Target: x.Target, Rule: x.Guideline, Reason: x.Reason}
}
