package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/moderation"
)

// Reports of direct messages: a member's preview and report, and what site
// moderators do with them. Every opening of a report's excerpt by a
// moderator is written to the audit log.

// apiDMPerson is a person a report is about.
type apiDMPerson struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// apiDMReport is a report with its excerpt (omitted in lists).
type apiDMReport struct {
	ID             int64                 `json:"id"`
	ConversationID int64                 `json:"conversation_id"`
	MessageID      *int64                `json:"message_id"`
	Reporter       *apiDMPerson          `json:"reporter,omitempty"` // moderators only
	People         []apiDMPerson         `json:"people"`
	Reason         string                `json:"reason"`
	Guideline      string                `json:"guideline"`
	CreatedAt      time.Time             `json:"created_at"`
	ResolvedAt     *time.Time            `json:"resolved_at,omitempty"`
	Resolution     string                `json:"resolution,omitempty"`
	Excerpt        []model.DMExcerptLine `json:"excerpt,omitempty"`
}

func toAPIDMReport(v *moderation.DMReportView, staff bool) apiDMReport {
	r := &v.Report
	out := apiDMReport{ID: r.ID, ConversationID: r.ConversationID, MessageID: r.MessageID, Reason: r.Reason, Guideline: r.Guideline,
		CreatedAt: r.CreatedAt, ResolvedAt: r.ResolvedAt, Resolution: r.Resolution, Excerpt: v.Lines, People: []apiDMPerson{}}
	if staff {
		out.Reporter = &apiDMPerson{ID: r.ReporterID, Name: v.Name(r.ReporterID)}
	}
	for _, id := range v.People {
		out.People = append(out.People, apiDMPerson{ID: id, Name: v.Name(id)})
	}
	return out
}

// dmMessageQuery reads ?message_id= (absent: the whole conversation).
func dmMessageQuery(c *fiber.Ctx) (*int64, error) {
	q := strings.TrimSpace(c.Query("message_id"))
	if q == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(q, 10, 64)
	if err != nil || id <= 0 {
		return nil, web.BadRequest("?message_id= is a message id.")
	}
	return &id, nil
}

// DMReportPreview shows what reporting the conversation (or
// ?message_id=) would share: 200 with the excerpt and the people reported.
// Non-members get 404.
func (h *API) DMReportPreview(c *fiber.Ctx) error {
	convID, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	mid, err := dmMessageQuery(c)
	if err != nil {
		return err
	}
	p, err := h.Moderation.PreviewDMReport(c.UserContext(), web.ViewerOf(c).User.ID, convID, mid)
	if err != nil {
		return err
	}
	v := moderation.DMReportView{Report: model.DMReport{ConversationID: convID, MessageID: mid}, Lines: p.Lines, People: p.People, Names: p.Names}
	out := toAPIDMReport(&v, false)
	guidelines := make([]fiber.Map, 0, len(p.Rules))
	for _, r := range p.Rules {
		guidelines = append(guidelines, fiber.Map{"id": r.ID, "text": r.Text})
	}
	return c.JSON(fiber.Map{"conversation_id": convID, "message_id": mid, "people": out.People, "excerpt": p.Lines, "guidelines": guidelines})
}

// DMReport sends a report of the conversation or one of its messages:
// 201 with the report and the excerpt it shares.
func (h *API) DMReport(c *fiber.Ctx) error {
	var body struct {
		MessageID *int64 `json:"message_id"`
		Reason    string `json:"reason"`
		Guideline string `json:"guideline"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	convID, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	userID := web.ViewerOf(c).User.ID
	r, err := h.Moderation.ReportDM(ctx, userID, convID, moderation.DMReportInput{MessageID: body.MessageID, Reason: body.Reason, Guideline: body.Guideline})
	if err != nil {
		return err
	}
	lines, err := r.Lines()
	if err != nil {
		return err
	}
	p, err := h.Moderation.PreviewDMReport(ctx, userID, convID, body.MessageID)
	if err != nil {
		return err
	}
	v := moderation.DMReportView{Report: *r, Lines: lines, People: p.People, Names: p.Names}
	return c.Status(fiber.StatusCreated).JSON(toAPIDMReport(&v, false))
}

// ModDMReports lists reports of direct messages for site moderators,
// without excerpts: ?status=open (default) or all, ?about=<user id>.
func (h *API) ModDMReports(c *fiber.Ctx) error {
	open := true
	switch c.Query("status", "open") {
	case "open":
	case "all":
		open = false
	default:
		return web.BadRequest("?status= is open or all.")
	}
	var about int64
	if a := c.Query("about"); a != "" {
		var err error
		if about, err = strconv.ParseInt(a, 10, 64); err != nil || about <= 0 {
			return web.BadRequest("?about= is a user id.")
		}
	}
	vs, err := h.Moderation.DMReports(c.UserContext(), web.ViewerOf(c).User.ID, open, about)
	if err != nil {
		return err
	}
	out := make([]apiDMReport, 0, len(vs))
	for i := range vs {
		out = append(out, toAPIDMReport(&vs[i], true))
	}
	return c.JSON(fiber.Map{"reports": out})
}

// ModDMReport opens one report with its excerpt; the opening is audited
// ("dm_report.view").
func (h *API) ModDMReport(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	v, err := h.Moderation.OpenDMReport(c.UserContext(), web.ViewerOf(c).User.ID, id)
	if err != nil {
		return err
	}
	return c.JSON(toAPIDMReport(v, true))
}

// ModDMReportDismiss closes a report without acting on anyone (reason
// required): 200 with the audit id, which undo takes within 10 seconds.
func (h *API) ModDMReportDismiss(c *fiber.Ctx) error {
	var body modBody
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	d, err := h.Moderation.DismissDMReport(c.UserContext(), web.ViewerOf(c).User.ID, id, body.input())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"audit_id": d.AuditID})
}

// ModDMSanction warns a person, suspends their direct messages for a
// duration or bans them site-wide, optionally resolving a report: 201 with
// the sanction and the audit id.
func (h *API) ModDMSanction(c *fiber.Ctx) error {
	var body struct {
		UserID   int64              `json:"user_id"`
		Kind     model.SanctionKind `json:"kind"`
		Duration string             `json:"duration"`
		ReportID int64              `json:"report_id"`
		modBody
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	d, err := h.Moderation.DMSanction(c.UserContext(), web.ViewerOf(c).User.ID, moderation.DMSanctionInput{UserID: body.UserID,
		Kind: body.Kind, Duration: moderation.DMSuspendPreset(strings.TrimSpace(body.Duration)), ReportID: body.ReportID, ModInput: body.input()})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"sanction": toAPISanction(d.Sanction), "audit_id": d.AuditID})
}

// ModSiteSanctionLift lifts a site-wide sanction before it ends: 200 with
// it.
func (h *API) ModSiteSanctionLift(c *fiber.Ctx) error {
	var body modBody
	if err := web.DecodeJSON(c, &body, true); err != nil {
		return err
	}
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	d, err := h.Moderation.LiftSiteSanction(c.UserContext(), web.ViewerOf(c).User.ID, id, body.input())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"sanction": toAPISanction(d.Sanction), "audit_id": d.AuditID})
}

// ModDMUndo takes back the moderator's own site-wide action within 10
// seconds: 204.
func (h *API) ModDMUndo(c *fiber.Ctx) error {
	var body struct {
		AuditID int64 `json:"audit_id"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	if body.AuditID <= 0 {
		return model.Invalid("audit_id", "Name the action to undo by the audit_id its answer gave.")
	}
	if err := h.Moderation.UndoDM(c.UserContext(), web.ViewerOf(c).User.ID, body.AuditID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// DMSettings reads the site's direct-message settings.
func (h *API) DMSettings(c *fiber.Ctx) error {
	d, err := h.Moderation.DMSettingsOf(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// DMSettingsSave changes them (fields left out stay): 200 with all of
// them; a refused value is 422 naming its field, and nothing changes.
func (h *API) DMSettingsSave(c *fiber.Ctx) error {
	var body moderation.DMSettingsIn
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	d, err := h.Moderation.SaveDMSettings(c.UserContext(), web.ViewerOf(c).User.ID, body)
	if err != nil {
		return err
	}
	return c.JSON(d)
}
