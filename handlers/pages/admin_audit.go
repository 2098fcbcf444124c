package pages

import (
	"encoding/csv"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
	"backchannel/export"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

const auditPerPage = 50

// auditFilter reads the audit viewer's filters from the query string.
func (h *Pages) auditFilter(c *fiber.Ctx) (views.AuditFilterForm, accounts.AuditQuery, string, error) {
	f := views.AuditFilterForm{Actor: strings.TrimSpace(c.Query("actor")), Action: strings.TrimSpace(c.Query("action")),
		Channel: strings.TrimSpace(c.Query("channel")), Target: strings.TrimSpace(c.Query("target")),
		From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to"))}
	qs := url.Values{}
	for k, v := range map[string]string{"actor": f.Actor, "action": f.Action, "channel": f.Channel, "target": f.Target, "from": f.From, "to": f.To} {
		if v != "" {
			qs.Set(k, v)
		}
	}
	q := accounts.AuditQuery{Action: f.Action}
	if f.Actor != "" {
		kind, num, _ := strings.Cut(f.Actor, ":")
		if id, err := strconv.ParseInt(num, 10, 64); err == nil && kind == "guest" {
			q.ActorGuestID = id
		} else if err == nil && kind == "user" {
			q.ActorID = id
		} else if id, err := strconv.ParseInt(f.Actor, 10, 64); err == nil {
			q.ActorID = id
		} else {
			q.ActorEmail = f.Actor
		}
	}
	if f.Channel != "" {
		ch, err := h.Chat.Channel(c.UserContext(), f.Channel)
		if err != nil {
			if isNotFoundErr(err) {
				return f, q, qs.Encode(), model.Invalid("channel", "No such channel.")
			}
			return f, q, qs.Encode(), err
		}
		q.ChannelID = ch.ID
	}
	if f.Target != "" {
		if typ, id, ok := strings.Cut(f.Target, ":"); ok {
			q.TargetType, q.TargetID = typ, id
		} else {
			q.TargetID = f.Target
		}
	}
	if f.From != "" {
		t, err := time.Parse("2006-01-02", f.From)
		if err != nil {
			return f, q, qs.Encode(), model.Invalid("from", "Dates are written YYYY-MM-DD.")
		}
		q.From = t
	}
	if f.To != "" {
		t, err := time.Parse("2006-01-02", f.To)
		if err != nil {
			return f, q, qs.Encode(), model.Invalid("to", "Dates are written YYYY-MM-DD.")
		}
		q.To = t.Add(24 * time.Hour) // the whole day
	}
	return f, q, qs.Encode(), nil
}

// AdminAudit is the audit log viewer: filters and pages.
func (h *Pages) AdminAudit(c *fiber.Ctx) error {
	form, q, qs, ferr := h.auditFilter(c)
	offset, _ := strconv.Atoi(c.Query("offset"))
	d := views.AdminAudit{Filter: form, Query: qs, Offset: max(offset, 0), Limit: auditPerPage}
	status := fiber.StatusOK
	if ferr != nil {
		status = web.StatusOf(ferr)
		if status >= 500 {
			return ferr
		}
		_, d.Error = web.PublicMessage(ferr, status)
	} else {
		q.Limit, q.Offset = auditPerPage, d.Offset
		es, total, err := h.Accounts.Audit(c.UserContext(), q)
		if err != nil {
			return err
		}
		d.Total = total
		names := h.AuditNamer(c)
		for i := range es {
			e := &es[i]
			d.Rows = append(d.Rows, views.AuditRow{ID: e.ID, When: e.CreatedAt, Actor: names.ActorOf(e), Action: e.Action,
				Target: names.TargetOf(e), Channel: names.Channel(e.ChannelID), Changes: web.AuditChanges(e.Before, e.After),
				Reason: e.Reason, Guideline: e.Guideline})
		}
	}
	return web.Render(c, status, views.AdminAuditPage(h.Page(c, "Audit log", "/admin/users"), d))
}

// AdminAuditCSV exports the entries matching the same filters as CSV.
func (h *Pages) AdminAuditCSV(c *fiber.Ctx) error {
	_, q, _, err := h.auditFilter(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="audit.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	w := csv.NewWriter(c.Response().BodyWriter())
	_ = w.Write([]string{"id", "created_at", "actor_id", "actor", "action", "target_type", "target_id", "channel", "before", "after", "reason", "ip",
		"actor_ref", "target_name", "guideline"})
	names := h.AuditNamer(c)
	const batch = 1000
	for off := 0; ; off += batch {
		q.Limit, q.Offset = batch, off
		es, _, err := h.Accounts.Audit(c.UserContext(), q)
		if err != nil {
			return err
		}
		for i := range es {
			e := &es[i]
			actorID := ""
			if e.ActorID != nil {
				actorID = strconv.FormatInt(*e.ActorID, 10)
			}
			actor, target := names.ActorOf(e), names.TargetOf(e)
			_ = w.Write([]string{strconv.FormatInt(e.ID, 10), e.CreatedAt.UTC().Format(time.RFC3339), actorID, csvSafe(actor.Name),
				e.Action, e.TargetType, e.TargetID, names.Channel(e.ChannelID), csvSafe(e.Before), csvSafe(e.After), csvSafe(e.Reason), e.IP,
				actor.Ref, csvSafe(target.Name), csvSafe(e.Guideline)})
		}
		if len(es) < batch {
			break
		}
	}
	w.Flush()
	return w.Error()
}

// csvSafe keeps spreadsheet programs from reading a cell as a formula.
func csvSafe(s string) string { return export.CSVSafe(s) }
