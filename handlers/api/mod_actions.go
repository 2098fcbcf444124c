package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/moderation"
)

// Moderator actions through the API: on messages (approve, deny, hide,
// unhide, delete, pin, highlight, answer and their opposites), on people
// (warn, mute, ban, shadow-mute, purge, lifting a sanction), and undo. Every
// action is audited; the answer carries the audit entry's id, which undo
// takes within 10 seconds.

// apiStaffMessage is a message as moderators see it: the participant shape
// plus where it stands in moderation.
type apiStaffMessage struct {
	apiMessage
	Pinned      bool    `json:"pinned"`
	Highlighted bool    `json:"highlighted"`
	Answered    bool    `json:"answered"`
	Flagged     bool    `json:"flagged"`
	ModReason   string  `json:"mod_reason"`
	RuleIDs     []int64 `json:"rule_ids"`
	// Original is the text as written when a filter masked words in it.
	Original *string `json:"original,omitempty"`
}

func toAPIStaffMessage(it *chat.Item, slug string) apiStaffMessage {
	m := &it.Message
	out := apiStaffMessage{apiMessage: toAPIMessage(it, slug, true), Pinned: m.Pinned, Highlighted: m.Highlighted,
		Answered: m.Answered, Flagged: m.Flagged, ModReason: m.ModReason, RuleIDs: []int64{}, Original: m.Original}
	for _, s := range strings.Split(m.RuleIDs, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			out.RuleIDs = append(out.RuleIDs, id)
		}
	}
	return out
}

// Sanction is a sanction in the API.
type Sanction struct {
	model.Sanction
	SiteWide bool `json:"site_wide"`
}

func toAPISanction(s *model.Sanction) Sanction {
	return Sanction{Sanction: *s, SiteWide: s.ChannelID == nil}
}

func toAPISanctions(ss []model.Sanction) []Sanction {
	out := make([]Sanction, 0, len(ss))
	for i := range ss {
		out = append(out, toAPISanction(&ss[i]))
	}
	return out
}

// modBody is the reason and guideline every action may cite.
type modBody struct {
	Reason    string `json:"reason"`
	Guideline string `json:"guideline"`
}

func (b modBody) input() moderation.ModInput {
	return moderation.ModInput{Reason: b.Reason, Guideline: b.Guideline}
}

// Moderate applies an action to a message: 200 with the message as staff
// see it and the audit entry's id.
func (h *API) Moderate(c *fiber.Ctx) error {
	var body struct {
		Action string `json:"action"`
		modBody
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	cc, id, err := h.ViewableMessage(c)
	if err != nil {
		return err
	}
	d, err := h.Moderation.Moderate(c.UserContext(), cc.Channel, cc.Viewer, id, model.ModAction(strings.TrimSpace(body.Action)), body.input())
	if err != nil {
		return err
	}
	return h.moderated(c, cc, id, d.AuditID)
}

// moderated answers an action on message id: the message as staff see it
// now and the action's audit id.
func (h *API) moderated(c *fiber.Ctx, cc *web.ChannelCtx, id, auditID int64) error {
	it, err := h.Chat.MessageItem(c.UserContext(), cc.Channel, cc.Viewer, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"message": toAPIStaffMessage(it, cc.Channel.Slug), "audit_id": auditID})
}

// Sanction warns, mutes, bans or shadow-mutes a person: 201 with the
// sanction and the audit entry's id.
func (h *API) Sanction(c *fiber.Ctx) error {
	var body struct {
		Subject  string             `json:"subject"`
		Kind     model.SanctionKind `json:"kind"`
		Duration string             `json:"duration"`
		SiteWide bool               `json:"site_wide"`
		modBody
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	d, err := h.Moderation.Sanction(c.UserContext(), cc.Channel, cc.Viewer, moderation.SanctionInput{Subject: strings.TrimSpace(body.Subject),
		Kind: body.Kind, Duration: moderation.MutePreset(strings.TrimSpace(body.Duration)), SiteWide: body.SiteWide, ModInput: body.input()})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"sanction": toAPISanction(d.Sanction), "audit_id": d.AuditID})
}

// SanctionRevoke lifts a sanction before it ends: 200 with it.
func (h *API) SanctionRevoke(c *fiber.Ctx) error {
	var body modBody
	if err := web.DecodeJSON(c, &body, true); err != nil {
		return err
	}
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	d, err := h.Moderation.RevokeSanction(c.UserContext(), cc.Channel, cc.Viewer, id, body.input())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"sanction": toAPISanction(d.Sanction), "audit_id": d.AuditID})
}

// Purge hides every message of a person in the channel.
func (h *API) Purge(c *fiber.Ctx) error {
	var body struct {
		Subject string `json:"subject"`
		modBody
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	d, n, err := h.Moderation.Purge(c.UserContext(), cc.Channel, cc.Viewer, strings.TrimSpace(body.Subject), body.input())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"hidden": n, "audit_id": d.AuditID})
}

// Undo takes back the user's own action within 10 seconds: 204.
func (h *API) Undo(c *fiber.Ctx) error {
	var body struct {
		AuditID int64 `json:"audit_id"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	if body.AuditID <= 0 {
		return model.Invalid("audit_id", "Name the action to undo by the audit_id its answer gave.")
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	if err := h.Moderation.Undo(c.UserContext(), cc.Channel, cc.Viewer, body.AuditID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiReportJSON is a report as its reporter sees it.
type apiReportJSON struct {
	ID        int64     `json:"id"`
	MessageID int64     `json:"message_id"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
	// AttachmentID is the file of the message the report points at.
	AttachmentID *int64 `json:"attachment_id,omitempty"`
}

// Report lets a participant report a message to the moderators: 201.
func (h *API) Report(c *fiber.Ctx) error {
	var body struct {
		Reason       string `json:"reason"`
		AttachmentID int64  `json:"attachment_id"` // optional: a file of the message
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	cc, id, err := h.ViewableMessage(c)
	if err != nil {
		return err
	}
	r, err := h.Moderation.ReportFile(c.UserContext(), cc.Channel, cc.Viewer, id, body.Reason, body.AttachmentID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(apiReportJSON{ID: r.ID, MessageID: r.MessageID, Reason: r.Reason, CreatedAt: r.CreatedAt,
		AttachmentID: r.AttachmentID})
}
