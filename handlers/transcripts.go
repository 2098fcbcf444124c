package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/transcripts"
	"backchannel/views"
)

// transcripts lists the channels whose transcripts the viewer can read, with
// their number of sessions and the newest one.
func (h *Handlers) transcripts(c *fiber.Ctx) error {
	ctx := c.UserContext()
	user := viewerOf(c).User
	cs, err := h.Chat.Channels(ctx, user.ID)
	if err != nil {
		return err
	}
	var d views.TranscriptsIndex
	for i := range cs {
		ch := &cs[i].Channel
		_, ok, err := h.transcriptReader(c, ch)
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
		last := sessionRow(ss[0], false)
		d.Channels = append(d.Channels, views.TranscriptChannel{Slug: ch.Slug, Title: ch.Title, Sessions: len(ss), Last: &last})
	}
	return render(c, fiber.StatusOK, views.TranscriptsIndexPage(h.page(c, "Transcripts", "/transcripts"), d))
}

// transcriptReader reports whether the signed-in user may read ch's
// transcripts (staff: transcript:staff there; others: transcript:view and
// let into the channel, not banned) and whether as staff.
func (h *Handlers) transcriptReader(c *fiber.Ctx, ch *model.Channel) (staff, ok bool, err error) {
	ctx := c.UserContext()
	user := viewerOf(c).User
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

// transcriptChannel loads the channel of a transcript route and checks that
// the viewer may read its transcripts; staff says whether as staff.
func (h *Handlers) transcriptChannel(c *fiber.Ctx) (*model.Channel, bool, error) {
	ch, err := h.Chat.Channel(c.UserContext(), c.Params("slug"))
	if err != nil {
		return nil, false, err
	}
	staff, ok, err := h.transcriptReader(c, ch)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, model.Refuse(model.ErrForbidden, "not_a_member", "Join this channel to read its transcripts.")
	}
	return ch, staff, nil
}

// transcriptSession reads :session.
func transcriptSession(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("session"), 10, 64)
	if err != nil || id <= 0 {
		return 0, model.ErrNotFound
	}
	return id, nil
}

// transcriptView reads ?view=: staff by default for staff, participant for
// everyone else; the staff version for anyone else is model.ErrForbidden.
func transcriptView(c *fiber.Ctx, staff bool) (transcripts.TranscriptView, error) {
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

// transcriptSessions lists a channel's sessions, newest first.
func (h *Handlers) transcriptSessions(c *fiber.Ctx) error {
	ch, staff, err := h.transcriptChannel(c)
	if err != nil {
		return err
	}
	ss, err := h.Transcripts.Sessions(c.UserContext(), ch)
	if err != nil {
		return err
	}
	d := views.TranscriptSessions{Slug: ch.Slug, Title: ch.Title, Staff: staff}
	for _, s := range ss {
		d.Sessions = append(d.Sessions, sessionRow(s, staff))
	}
	return render(c, fiber.StatusOK, views.TranscriptSessionsPage(h.page(c, ch.Title+" · Transcripts", "/transcripts"), d))
}

// sessionRow is a session for a list: staff count every message, others
// the visible ones.
func sessionRow(s transcripts.SessionSummary, staff bool) views.SessionRow {
	n := s.Visible
	if staff {
		n = s.Messages
	}
	return views.SessionRow{ID: s.ID, Title: s.Title, Start: s.StartedAt, End: s.EndedAt, Messages: n}
}

// transcript shows one session's transcript.
func (h *Handlers) transcript(c *fiber.Ctx) error {
	ch, staff, err := h.transcriptChannel(c)
	if err != nil {
		return err
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
	names := h.auditNamer(c)
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
	return render(c, fiber.StatusOK, views.TranscriptPageView(h.page(c, tr.Session.Title+" · "+ch.Title, "/transcripts"), d))
}

func transcriptMessage(e transcripts.TranscriptEntry, view transcripts.TranscriptView, names *auditNames) views.TranscriptMessage {
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
	for _, r := range e.Replies {
		out.Replies = append(out.Replies, transcriptMessage(r, view, names))
	}
	return out
}

func transcriptAction(a model.AuditEntry, names *auditNames, target bool) views.TranscriptAction {
	out := views.TranscriptAction{When: a.CreatedAt, Actor: names.actor(a.ActorID), Action: a.Action, Rule: a.Guideline, Reason: a.Reason}
	if target && a.TargetType != "" {
		out.Target = a.TargetType + ":" + a.TargetID
	}
	return out
}
