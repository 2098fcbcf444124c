package api

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/policies"
)

// What moderators read through the API: a channel's queue, a person's card
// and the audit log.

// queueIncoming is how many of the newest messages the queue looks through
// for flagged ones.
const queueIncoming = 200

// apiQueueReport is a reported message with its open reports.
type apiQueueReport struct {
	Message apiStaffMessage `json:"message"`
	Reports []apiReportJSON `json:"reports"`
}

// Queue lists what waits for moderators: held messages, flagged ones
// (among the newest 200) and open reports with their reasons, oldest first.
func (h *API) Queue(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	q, err := h.Moderation.Queue(c.UserContext(), cc.Channel, cc.Viewer, queueIncoming)
	if err != nil {
		return err
	}
	slug := cc.Channel.Slug
	items := func(its []chat.Item) []apiStaffMessage {
		out := make([]apiStaffMessage, 0, len(its))
		for i := range its {
			out = append(out, toAPIStaffMessage(&its[i], slug))
		}
		return out
	}
	reports := make([]apiQueueReport, 0, len(q.Reports))
	for i := range q.Reports {
		ri := &q.Reports[i]
		r := apiQueueReport{Message: toAPIStaffMessage(&ri.Item, slug), Reports: make([]apiReportJSON, 0, len(ri.Reports))}
		for _, rp := range ri.Reports {
			r.Reports = append(r.Reports, apiReportJSON{ID: rp.ID, MessageID: rp.MessageID, Reason: rp.Reason, CreatedAt: rp.CreatedAt})
		}
		reports = append(reports, r)
	}
	return c.JSON(fiber.Map{"held": items(q.Held), "flagged": items(q.Flagged), "reports": reports})
}

// apiPersonMessage is one of a person's messages on their card.
type apiPersonMessage struct {
	ID        int64              `json:"id"`
	Channel   string             `json:"channel"`
	Seq       int64              `json:"seq"`
	Kind      model.MessageKind  `json:"kind"`
	Body      string             `json:"body"`
	State     model.MessageState `json:"state"`
	Anonymous bool               `json:"anonymous"`
	Flagged   bool               `json:"flagged"`
	ModReason string             `json:"mod_reason"`
	CreatedAt time.Time          `json:"created_at"`
}

// apiNoteJSON is a note staff keep about a person.
type apiNoteJSON struct {
	ID        int64     `json:"id"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	CreatedBy *int64    `json:"created_by"`
	Author    string    `json:"author"` // the name of who wrote it
	CreatedAt time.Time `json:"created_at"`
}

func toAPINote(n *model.ModNote, author string) apiNoteJSON {
	return apiNoteJSON{ID: n.ID, Subject: n.Subject, Body: n.Body, CreatedBy: n.CreatedBy, Author: author, CreatedAt: n.CreatedAt}
}

// Person is a person's card: their recent messages in the channels the
// user moderates, their sanctions (those in force here as "active"), and
// staff notes. The email address is for site admins only.
func (h *API) Person(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	p, err := h.Moderation.PersonCard(ctx, cc.Channel, cc.Viewer, c.Params("subject"))
	if err != nil {
		return err
	}
	uid := web.ViewerOf(c).User.ID
	mine, err := h.Moderation.ModChannels(ctx, uid)
	if err != nil {
		return err
	}
	slugs := map[int64]string{}
	for _, s := range mine {
		slugs[s.Channel.ID] = s.Channel.Slug
	}
	msgs := make([]apiPersonMessage, 0, len(p.Messages))
	for _, m := range p.Messages {
		slug, ok := slugs[m.ChannelID]
		if !ok {
			continue // a channel this moderator does not moderate
		}
		msgs = append(msgs, apiPersonMessage{ID: m.ID, Channel: slug, Seq: m.Seq, Kind: m.Kind, Body: m.Body, State: m.State,
			Anonymous: m.Anonymous, Flagged: m.Flagged, ModReason: m.ModReason, CreatedAt: m.CreatedAt})
	}
	notes := make([]apiNoteJSON, 0, len(p.Notes))
	for i := range p.Notes {
		notes = append(notes, toAPINote(&p.Notes[i], p.NoteAuthor(&p.Notes[i])))
	}
	out := fiber.Map{"subject": p.Subject, "name": p.Name, "messages": msgs, "sanctions": toAPISanctions(p.Sanctions),
		"active": toAPISanctions(p.Active), "notes": notes}
	if p.Email != "" {
		admin, err := h.Authz.Can(ctx, uid, model.SiteWide, policies.UserManage)
		if err != nil {
			return err
		}
		if admin {
			out["email"] = p.Email
		}
	}
	return c.JSON(out)
}

// Note adds a note about a person, shared among staff: 201.
func (h *API) Note(c *fiber.Ctx) error {
	var body struct {
		Body string `json:"body"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	n, err := h.Moderation.AddNote(c.UserContext(), cc.Viewer, c.Params("subject"), body.Body)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPINote(n, cc.Viewer.Actor.Name))
}

// Page sizes of the audit log.
const (
	apiAuditDefault = 50
	apiAuditMax     = 200
)

// apiAuditEntry is one entry of the audit log. before and after are JSON
// as recorded (a string for entries that recorded plain text).
type apiAuditEntry struct {
	ID         int64            `json:"id"`
	CreatedAt  time.Time        `json:"created_at"`
	ActorID    *int64           `json:"actor_id"`  // null: the system (filters) or a guest
	Actor      string           `json:"actor"`     // the display name; "system"
	ActorRef   string           `json:"actor_ref"` // "user:3", "guest:5" or "system"
	Action     string           `json:"action"`
	TargetType string           `json:"target_type"`
	TargetID   string           `json:"target_id"`
	TargetName string           `json:"target_name,omitempty"` // a person's display name
	Channel    *string          `json:"channel"`               // slug; null for site-wide entries
	Before     json.RawMessage  `json:"before"`
	After      json.RawMessage  `json:"after"`
	Reason     string           `json:"reason"`
	Guideline  string           `json:"guideline"`
	UndoneAt   *time.Time       `json:"undone_at"`
	Changes    []apiAuditChange `json:"changes"` // the fields that changed, read from before and after
}

// apiAuditChange is one field an audited action changed.
type apiAuditChange struct {
	Field  string `json:"field,omitempty"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// auditValue is a recorded before or after as JSON.
func auditValue(s string) json.RawMessage {
	switch {
	case s == "":
		return json.RawMessage("null")
	case json.Valid([]byte(s)):
		return json.RawMessage(s)
	}
	b, _ := json.Marshal(s)
	return b
}

// Audit reads the whole audit log (admins): ?actor= (user id),
// ?action=, ?channel= (slug), ?target= (type or type:id), ?limit=, ?offset=.
func (h *API) Audit(c *fiber.Ctx) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	if slug := strings.TrimSpace(c.Query("channel")); slug != "" {
		ch, err := h.Chat.Channel(c.UserContext(), slug)
		if err != nil {
			return web.BadRequest("?channel= names no channel.")
		}
		f.ChannelID = ch.ID
	}
	return h.sendAudit(c, f)
}

// ChannelAudit reads the audit log of one channel (its staff), with the
// same filters as apiAudit but ?channel=.
func (h *API) ChannelAudit(c *fiber.Ctx) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	f.ChannelID = cc.Channel.ID
	return h.sendAudit(c, f)
}

// auditFilter reads the audit log's query parameters.
func auditFilter(c *fiber.Ctx) (accounts.AuditQuery, error) {
	var f accounts.AuditQuery
	var actor int64
	if g, ok := strings.CutPrefix(c.Query("actor"), "guest:"); ok { // a guest; guests and users are numbered apart
		id, err := strconv.ParseInt(g, 10, 64)
		if err != nil || id <= 0 {
			return f, web.BadRequest("?actor= is a user id or guest:<id>.")
		}
		f.ActorGuestID = id
	} else if a, err := queryInt(c, "actor", 0); err != nil {
		return f, err
	} else {
		actor = a
	}
	limit, err := queryInt(c, "limit", apiAuditDefault)
	if err != nil {
		return f, err
	}
	offset, err := queryInt(c, "offset", 0)
	if err != nil {
		return f, err
	}
	f.ActorID, f.Limit, f.Offset = actor, int(min(max(limit, 1), apiAuditMax)), int(offset)
	f.Action = strings.TrimSpace(c.Query("action"))
	if t := strings.TrimSpace(c.Query("target")); t != "" {
		typ, id, _ := strings.Cut(t, ":")
		if typ == "" {
			return f, web.BadRequest("?target= is a target type, such as message, or type:id, such as message:17.")
		}
		f.TargetType, f.TargetID = typ, id
	}
	return f, nil
}

// sendAudit writes a page of entries, newest first; has_more says whether
// the next ?offset= holds more.
func (h *API) sendAudit(c *fiber.Ctx, f accounts.AuditQuery) error {
	ctx := c.UserContext()
	limit := f.Limit
	f.Limit++
	es, _, err := h.Accounts.Audit(ctx, f)
	if err != nil {
		return err
	}
	more := len(es) > limit
	if more {
		es = es[:limit]
	}
	names := h.AuditNamer(c)
	out := make([]apiAuditEntry, 0, len(es))
	for i := range es {
		e := &es[i]
		actor := names.ActorOf(e)
		a := apiAuditEntry{ID: e.ID, CreatedAt: e.CreatedAt, ActorID: e.ActorID, Actor: actor.Name, ActorRef: actor.Ref,
			Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, TargetName: names.TargetOf(e).Name,
			Before: auditValue(e.Before), After: auditValue(e.After), Reason: e.Reason,
			Guideline: e.Guideline, UndoneAt: e.UndoneAt, Changes: []apiAuditChange{}}
		for _, c := range web.AuditChanges(e.Before, e.After) {
			a.Changes = append(a.Changes, apiAuditChange(c))
		}
		if e.ChannelID != nil {
			slug := names.Channel(e.ChannelID)
			a.Channel = &slug
		}
		out = append(out, a)
	}
	return c.JSON(fiber.Map{"entries": out, "has_more": more})
}
