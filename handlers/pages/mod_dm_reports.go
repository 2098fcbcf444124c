package pages

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/views"
)

// Site moderators and reports of direct messages: the wall's list, a report
// opened (audited) with its actions, and the actions themselves (warn,
// suspend direct messages, ban site-wide, dismiss, undo).

// wallDMReports is the wall's list of open DM reports for userID, nil when
// they do not moderate site-wide.
func (h *Pages) wallDMReports(ctx context.Context, userID int64) (*views.WallDMReports, error) {
	ok, err := h.Moderation.IsSiteModerator(ctx, userID)
	if err != nil || !ok {
		return nil, err
	}
	rs, err := h.Moderation.DMReports(ctx, userID, true, 0)
	if err != nil {
		return nil, err
	}
	d := &views.WallDMReports{}
	for i := range rs {
		d.Reports = append(d.Reports, dmSummary(&rs[i]))
	}
	return d, nil
}

// personDM is the person card's DM part for site moderator modID, nil for
// others and for guests.
func (h *Pages) personDM(ctx context.Context, modID int64, subject, name string) (*views.PersonDM, error) {
	userID, ok := strings.CutPrefix(subject, "u:")
	id, err := strconv.ParseInt(userID, 10, 64)
	if !ok || err != nil {
		return nil, nil
	}
	site, err := h.Moderation.IsSiteModerator(ctx, modID)
	if err != nil || !site {
		return nil, err
	}
	rs, err := h.Moderation.DMReports(ctx, modID, false, id)
	if err != nil {
		return nil, err
	}
	d := &views.PersonDM{UserID: id, Name: name, Presets: dmPresets()}
	for i := len(rs) - 1; i >= 0; i-- { // newest first
		d.Reports = append(d.Reports, dmSummary(&rs[i]))
	}
	return d, nil
}

func dmSummary(v *moderation.DMReportView) views.DMReportSummary {
	r := &v.Report
	s := views.DMReportSummary{ID: r.ID, Reporter: v.Name(r.ReporterID), Reason: r.Reason, Guideline: r.Guideline,
		Message: r.MessageID != nil, CreatedAt: r.CreatedAt, Resolved: r.ResolvedAt != nil, Resolution: r.Resolution}
	for _, id := range v.People {
		s.People = append(s.People, v.Name(id))
	}
	return s
}

func dmPresets() []views.DMSuspendOption {
	labels := map[moderation.DMSuspendPreset]string{moderation.Suspend1h: "1 hour", moderation.Suspend24h: "24 hours",
		moderation.Suspend7d: "7 days", moderation.Suspend30d: "30 days"}
	var out []views.DMSuspendOption
	for _, p := range moderation.DMSuspendPresets() {
		out = append(out, views.DMSuspendOption{Value: string(p), Label: labels[p]})
	}
	return out
}

// ModDMReport opens a DM report with its excerpt: a fragment for the
// wall's side panel with htmx, a page without. Every opening is audited.
func (h *Pages) ModDMReport(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	v, err := h.Moderation.OpenDMReport(ctx, web.ViewerOf(c).User.ID, id)
	if err != nil {
		return err
	}
	rules, err := h.Moderation.SiteRules(ctx)
	if err != nil {
		return err
	}
	d := views.DMReportPanel{Report: dmSummary(v), Lines: excerptLines(v.Lines), Presets: dmPresets()}
	for _, r := range rules {
		d.Rules = append(d.Rules, views.GuidelineOption{ID: r.ID, Text: r.Text})
	}
	for _, p := range v.People {
		d.People = append(d.People, views.DMReportedPerson{ID: p, Name: v.Name(p)})
	}
	if web.IsHTMX(c) {
		return web.Render(c, fiber.StatusOK, views.DMReportPanelView(web.CSRFOf(c), d))
	}
	return web.Render(c, fiber.StatusOK, views.ModDMReportPage(h.Page(c, "Direct message report", "/mod"), d))
}

// ModDMReportDismiss closes a DM report without acting on anyone.
func (h *Pages) ModDMReportDismiss(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	done, err := h.Moderation.DismissDMReport(c.UserContext(), web.ViewerOf(c).User.ID, id,
		moderation.ModInput{Reason: c.FormValue("reason"), Guideline: c.FormValue("guideline")})
	return h.dmActionResult(c, done, err, "Dismissed the report", views.DMReportURL(id))
}

// ModDMSanction warns a person, suspends their direct messages or bans
// them site-wide (from a report: the form's "report" field, or from the
// person card).
func (h *Pages) ModDMSanction(c *fiber.Ctx) error {
	ctx := c.UserContext()
	userID, err := web.IDParam(c, "user")
	if err != nil {
		return err
	}
	in := moderation.DMSanctionInput{UserID: userID, Kind: model.SanctionKind(c.FormValue("do")),
		Duration: moderation.DMSuspendPreset(c.FormValue("duration")),
		ModInput: moderation.ModInput{Reason: c.FormValue("reason"), Guideline: c.FormValue("guideline")}}
	back := "/mod"
	if r := c.FormValue("report"); r != "" {
		if in.ReportID, err = strconv.ParseInt(r, 10, 64); err != nil || in.ReportID <= 0 {
			return model.Invalid("report", "Name the report by its number.")
		}
		back = views.DMReportURL(in.ReportID)
	}
	done, err := h.Moderation.DMSanction(ctx, web.ViewerOf(c).User.ID, in)
	if err != nil {
		return h.dmActionResult(c, nil, err, "", back)
	}
	name := "them"
	if u, err := h.Accounts.User(ctx, userID); err == nil {
		name = u.DisplayName
	}
	return h.dmActionResult(c, done, nil, dmSanctionLabel(in, name), back)
}

func dmSanctionLabel(in moderation.DMSanctionInput, name string) string {
	switch in.Kind {
	case model.SanctionWarn:
		return "Warned " + name
	case model.SanctionBan:
		return "Banned " + name + " site-wide"
	}
	for _, p := range dmPresets() {
		if p.Value == string(in.Duration) {
			return "Suspended " + name + "'s direct messages for " + p.Label
		}
	}
	return "Suspended " + name + "'s direct messages"
}

// dmActionResult answers a DM action: what was done with Undo (a fragment
// with htmx, a page without), or the refusal (a toast with htmx, a flash
// on the page to go back to without).
func (h *Pages) dmActionResult(c *fiber.Ctx, done *moderation.Done, err error, label, back string) error {
	if err != nil {
		return h.modFailed(c, err, back)
	}
	d := views.DMActionDone{Label: label, Undo: views.DMUndo{AuditID: done.AuditID, Back: back}}
	if !web.IsHTMX(c) {
		return web.Render(c, fiber.StatusOK, views.ModDMDonePage(h.Page(c, "Done", "/mod"), d))
	}
	setTrigger(c, "mod:done", map[string]any{"audit": done.AuditID, "label": label, "undo": views.DMUndoURL(d.Undo)})
	return web.Render(c, fiber.StatusOK, views.DMActionDoneView(web.CSRFOf(c), d))
}

// ModDMUndo takes back the moderator's own DM action within 10 seconds.
func (h *Pages) ModDMUndo(c *fiber.Ctx) error {
	auditID, err := web.IDParam(c, "audit")
	if err != nil {
		return err
	}
	back := backTo(c)
	if err := h.Moderation.UndoDM(c.UserContext(), web.ViewerOf(c).User.ID, auditID); err != nil {
		return h.modFailed(c, err, back)
	}
	if !web.IsHTMX(c) {
		h.Flash(c, "success", "Undone.")
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	setTrigger(c, "mod:undone", map[string]any{"audit": auditID, "label": "Undone"})
	return web.Render(c, fiber.StatusOK, views.DMUndoneView(back))
}

// ModDMReports is the wall's list of open DM reports as a fragment (the
// list asks for it again every 10 seconds); no excerpt, so not audited.
func (h *Pages) ModDMReports(c *fiber.Ctx) error {
	d, err := h.wallDMReports(c.UserContext(), web.ViewerOf(c).User.ID)
	if err != nil {
		return err
	}
	if d == nil {
		return model.Refuse(model.ErrForbidden, "not_site_moderator", "Only site-wide moderators see reports of direct messages.")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, views.WallDMReportsView(*d))
}
