package pages

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/policies"
	"backchannel/views"
)

// subjectParam is the person a /mod/c/:slug/people/:subject route names
// (an actor key, u:<id> or g:<id>).
func subjectParam(c *fiber.Ctx) string {
	s, err := url.PathUnescape(c.Params("subject"))
	if err != nil {
		return c.Params("subject")
	}
	return s
}

// ModPerson shows a person's card: a fragment for the wall's side panel
// with htmx, a page of its own without.
func (h *Pages) ModPerson(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	card, err := h.personCard(c.UserContext(), cc, subjectParam(c))
	if err != nil {
		return err
	}
	card.Undo = undoParam(c)
	return h.renderPerson(c, fiber.StatusOK, card)
}

func (h *Pages) renderPerson(c *fiber.Ctx, status int, card views.PersonCard) error {
	if web.IsHTMX(c) {
		return web.Render(c, status, views.PersonCardView(web.CSRFOf(c), card))
	}
	return web.Render(c, status, views.ModPersonView(h.Page(c, card.Name, "/mod"), views.ModPersonPage{Card: card}))
}

// personCard reads what staff see about subject. Recent messages are shown
// from the channels this moderator moderates only.
func (h *Pages) personCard(ctx context.Context, cc *web.ChannelCtx, subject string) (views.PersonCard, error) {
	ch, v := cc.Channel, cc.Viewer
	p, err := h.Moderation.PersonCard(ctx, ch, v, subject)
	if err != nil {
		return views.PersonCard{}, err
	}
	mods, err := h.Moderation.ModChannels(ctx, v.Actor.UserID)
	if err != nil {
		return views.PersonCard{}, err
	}
	titles := map[int64]chat.ChannelSummary{}
	for _, m := range mods {
		titles[m.ID] = m
	}
	siteWide, err := h.Authz.Can(ctx, v.Actor.UserID, model.SiteWide, policies.UserSanction)
	if err != nil {
		return views.PersonCard{}, err
	}
	session, err := h.Chat.LiveSession(ctx, ch)
	if err != nil {
		return views.PersonCard{}, err
	}
	card := views.PersonCard{Slug: ch.Slug, ChannelTitle: ch.Title, Subject: p.Subject, Name: p.Name, Email: p.Email,
		Guest: strings.HasPrefix(p.Subject, "g:"), CanSiteWide: siteWide, LiveSession: session != nil,
		Self: p.Subject == v.Actor.Key(), NoteForm: views.Form{Values: map[string]string{}, Errors: map[string]string{}}}
	if card.DM, err = h.personDM(ctx, v.Actor.UserID, p.Subject, p.Name); err != nil { // site moderators only
		return views.PersonCard{}, err
	}
	for _, s := range p.Active {
		card.Active = append(card.Active, sanctionLine(s))
	}
	for _, s := range p.Sanctions {
		card.Sanctions = append(card.Sanctions, sanctionLine(s))
	}
	for i := range p.Notes {
		n := &p.Notes[i]
		card.Notes = append(card.Notes, views.NoteLine{Body: n.Body, Author: p.NoteAuthor(n), CreatedAt: n.CreatedAt})
	}
	for _, m := range p.Messages {
		cs, ok := titles[m.ChannelID]
		if !ok {
			card.Elsewhere++
			continue
		}
		card.Messages = append(card.Messages, views.PersonMessage{ID: m.ID, Slug: cs.Slug, ChannelTitle: cs.Title,
			Body: m.Body, State: string(m.State), CreatedAt: m.CreatedAt})
	}
	if card.Handle, err = h.subjectHandle(ctx, p.Subject); err != nil {
		return views.PersonCard{}, err
	}
	return card, nil
}

func sanctionLine(s model.Sanction) views.SanctionLine {
	return views.SanctionLine{Kind: string(s.Kind), Reason: s.Reason, Guideline: s.Guideline, SiteWide: s.ChannelID == nil,
		CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt, Session: s.SessionID != nil, Revoked: s.RevokedAt != nil}
}

// sanctionInput reads what to do from a sanction form: the pressed
// button's do=<kind>[:<duration>|:site] (warn, mute:10m, ban, ban:site,
// shadow_mute), or the fields kind, duration and site_wide.
func sanctionInput(c *fiber.Ctx, subject string) moderation.SanctionInput {
	in := moderation.SanctionInput{Subject: subject,
		ModInput: moderation.ModInput{Reason: c.FormValue("reason"), Guideline: c.FormValue("guideline")}}
	if do := c.FormValue("do"); do != "" {
		kind, arg, _ := strings.Cut(do, ":")
		in.Kind = model.SanctionKind(kind)
		if arg == "site" {
			in.SiteWide = true
		} else {
			in.Duration = moderation.MutePreset(arg)
		}
		return in
	}
	in.Kind = model.SanctionKind(c.FormValue("kind"))
	in.Duration = moderation.MutePreset(c.FormValue("duration"))
	sw := c.FormValue("site_wide")
	in.SiteWide = sw == "1" || sw == "true" || sw == "on"
	return in
}

// sanctionDone says what a sanction did, for the moderator.
func sanctionDone(in moderation.SanctionInput, name string) string {
	switch in.Kind {
	case model.SanctionWarn:
		return "Warned " + name
	case model.SanctionMute:
		switch in.Duration {
		case moderation.Mute1m:
			return "Muted " + name + " for 1 minute"
		case moderation.Mute10m:
			return "Muted " + name + " for 10 minutes"
		case moderation.Mute1h:
			return "Muted " + name + " for 1 hour"
		case moderation.Mute24h:
			return "Muted " + name + " for 24 hours"
		}
		return "Muted " + name + " for the rest of the session"
	case model.SanctionBan:
		if in.SiteWide {
			return "Banned " + name + " site-wide"
		}
		return "Banned " + name + " from the channel"
	case model.SanctionShadowMute:
		return "Shadow-muted " + name
	}
	return "Done"
}

// ModSanction warns, mutes, bans or shadow-mutes a person.
func (h *Pages) ModSanction(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	subject := subjectParam(c)
	in := sanctionInput(c, subject)
	done, err := h.Moderation.Sanction(c.UserContext(), cc.Channel, cc.Viewer, in)
	return h.personResult(c, cc, subject, done, err, func(name string) string { return sanctionDone(in, name) })
}

// ModPurge hides every message of a person in the channel.
func (h *Pages) ModPurge(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	subject := subjectParam(c)
	done, n, err := h.Moderation.Purge(c.UserContext(), cc.Channel, cc.Viewer, subject,
		moderation.ModInput{Reason: c.FormValue("reason"), Guideline: c.FormValue("guideline")})
	return h.personResult(c, cc, subject, done, err, func(name string) string {
		if n == 1 {
			return "Hid 1 message by " + name
		}
		return fmt.Sprintf("Hid %d messages by %s", n, name)
	})
}

// personResult answers an action on a person: the card as it is now, with
// what was done and an Undo button (and the audit id in HX-Trigger for the
// wall's "u" key); without JavaScript a redirect to the card page.
func (h *Pages) personResult(c *fiber.Ctx, cc *web.ChannelCtx, subject string, done *moderation.Done, actErr error, label func(name string) string) error {
	ctx := c.UserContext()
	page := views.PersonURL(cc.Channel.Slug, subject)
	if actErr != nil {
		status := web.StatusOf(actErr)
		if status >= 500 || status == fiber.StatusUnauthorized || status == fiber.StatusNotFound {
			return actErr
		}
		_, msg := web.PublicMessage(actErr, status)
		if !web.IsHTMX(c) {
			h.Flash(c, "error", msg)
			return c.Redirect(page, fiber.StatusSeeOther)
		}
		card, err := h.personCard(ctx, cc, subject)
		if err != nil {
			return err
		}
		card.Error = msg
		setTrigger(c, "mod:error", map[string]any{"message": msg})
		return h.renderPerson(c, status, card)
	}
	card, err := h.personCard(ctx, cc, subject)
	if err != nil {
		return err
	}
	text := label(card.Name)
	if !web.IsHTMX(c) {
		h.Flash(c, "success", text+".")
		return c.Redirect(page+"?undo="+url.QueryEscape(cc.Channel.Slug+":"+fmt.Sprint(done.AuditID)), fiber.StatusSeeOther)
	}
	setModDone(c, cc.Channel.Slug, done.AuditID, text)
	card.Notice = text + "."
	card.Undo = &views.WallUndo{Slug: cc.Channel.Slug, AuditID: done.AuditID}
	return h.renderPerson(c, fiber.StatusOK, card)
}

// ModNote adds a note about a person, shared among staff.
func (h *Pages) ModNote(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	subject := subjectParam(c)
	body := c.FormValue("body")
	_, err = h.Moderation.AddNote(ctx, cc.Viewer, subject, body)
	if err == nil && !web.IsHTMX(c) {
		h.Flash(c, "success", "Note saved.")
		return c.Redirect(views.PersonURL(cc.Channel.Slug, subject), fiber.StatusSeeOther)
	}
	card, cerr := h.personCard(ctx, cc, subject)
	if cerr != nil {
		return cerr
	}
	if err != nil {
		f := views.Form{Values: map[string]string{"body": body}, Errors: map[string]string{}}
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		card.NoteForm = f
		return h.renderPerson(c, status, card)
	}
	card.Notice = "Note saved."
	return h.renderPerson(c, fiber.StatusOK, card)
}
