package pages

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/filters"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// The admin pages of the word and link filters: /admin/filters lists the
// site's rules, or with ?channel=slug a channel's own.

var (
	filterKinds   = []string{"word", "phrase", "wildcard", "regex", "domain"}
	filterActions = []string{"block", "hold", "mask", "flag"}
)

// adminFilterScope is the scope of ?channel= (the site's when empty).
func (h *Pages) adminFilterScope(c *fiber.Ctx) (scope, slug, label string, err error) {
	slug = strings.TrimSpace(c.Query("channel"))
	if slug == "" {
		return filters.Site, "", "site", nil
	}
	ch, err := h.Chat.Channel(c.UserContext(), slug)
	if err != nil {
		return "", "", "", err
	}
	return filters.ChannelScope(ch.ID), ch.Slug, ch.Title, nil
}

// adminFiltersURL is the page of a scope.
func adminFiltersURL(slug string) string {
	if slug == "" {
		return "/admin/filters"
	}
	return "/admin/filters?channel=" + slug
}

func newFilterForms(c *fiber.Ctx) (views.Form, views.Form, views.Form) {
	return web.FormOf(c, "pattern", "kind", "action", "allow", "guideline", "enabled"), web.FormOf(c, "csv", "format", "word_action", "action"),
		web.FormOf(c, "rules_csv", "sessions")
}

// AdminFilters shows the rules of a scope.
func (h *Pages) AdminFilters(c *fiber.Ctx) error {
	f, imp, dry := newFilterForms(c)
	return h.renderAdminFilters(c, fiber.StatusOK, f, imp, dry, nil)
}

// renderAdminFilters renders the page; extra fills in results (an import, a
// dry run).
func (h *Pages) renderAdminFilters(c *fiber.Ctx, status int, f, imp, dry views.Form, extra func(*views.AdminFilters)) error {
	ctx := c.UserContext()
	scope, slug, label, err := h.adminFilterScope(c)
	if err != nil {
		return err
	}
	rules, err := h.Filters.Rules(ctx, scope)
	if err != nil {
		return err
	}
	chans, err := h.Chat.AllChannels(ctx)
	if err != nil {
		return err
	}
	d := views.AdminFilters{Channel: slug, ScopeLabel: label, Query: strings.TrimSpace(c.Query("q")),
		Kinds: filterKinds, Actions: filterActions, DrySessions: filters.DefaultDryRunSessions, DryRunCSV: dry.Value("rules_csv")}
	if n, err := strconv.Atoi(dry.Value("sessions")); err == nil {
		d.DrySessions = n
	}
	d.Scopes = append(d.Scopes, views.AdminFilterScope{Slug: "", Label: "Site (every channel)"})
	for _, ch := range chans {
		d.Scopes = append(d.Scopes, views.AdminFilterScope{Slug: ch.Slug, Label: "Channel: " + ch.Title})
	}
	q := strings.ToLower(d.Query)
	for i := range rules {
		if q != "" && !strings.Contains(strings.ToLower(rules[i].Pattern), q) {
			continue
		}
		d.Rules = append(d.Rules, toAdminFilterRule(&rules[i]))
	}
	d.Total = len(d.Rules)
	if extra != nil {
		extra(&d)
	}
	return web.Render(c, status, views.AdminFiltersPage(h.Page(c, "Filters", "/admin/users"), d, f, imp, dry))
}

func toAdminFilterRule(r *model.FilterRule) views.AdminFilterRule {
	return views.AdminFilterRule{ID: r.ID, Pattern: r.Pattern, Kind: r.Kind, Action: r.Action,
		Allow: strings.ReplaceAll(r.Allow, "|", ", "), Guideline: r.Guideline, Enabled: r.Enabled}
}

// splitList reads a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// AdminFilterCreate adds a rule to the scope.
func (h *Pages) AdminFilterCreate(c *fiber.Ctx) error {
	scope, slug, _, err := h.adminFilterScope(c)
	if err != nil {
		return err
	}
	f, imp, dry := newFilterForms(c)
	r, err := h.Filters.Create(c.UserContext(), web.ViewerOf(c).User.ID, scope, filterInput(f))
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderAdminFilters(c, status, f, imp, dry, nil)
	}
	if r.Enabled {
		h.Flash(c, "success", fmt.Sprintf("Rule %q added.", r.Pattern))
	} else {
		h.Flash(c, "success", fmt.Sprintf("Rule %q added, turned off: it acts on no post until you enable it.", r.Pattern))
	}
	return web.SeeOther(c, adminFiltersURL(slug))
}

// AdminFilterImport adds the rules of a CSV or a word list, typed or
// uploaded.
func (h *Pages) AdminFilterImport(c *fiber.Ctx) error {
	scope, slug, _, err := h.adminFilterScope(c)
	if err != nil {
		return err
	}
	f, imp, dry := newFilterForms(c)
	text := []byte(imp.Value("csv"))
	if fh, ferr := c.FormFile("file"); ferr == nil && fh.Size > 0 {
		file, err := fh.Open()
		if err != nil {
			return fmt.Errorf("handlers: import: %w", err)
		}
		text, err = io.ReadAll(io.LimitReader(file, int64(h.BodyLimit)+1))
		_ = file.Close()
		if err != nil {
			return fmt.Errorf("handlers: import: %w", err)
		}
	}
	refuse := func(err error) error {
		status, err := web.FormError(&imp, err)
		if err != nil {
			return err
		}
		return h.renderAdminFilters(c, status, f, imp, dry, nil)
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return refuse(model.Invalid("csv", "Paste rules or choose a file."))
	}
	wordAction := ""
	if imp.Value("format") == "words" {
		if wordAction = strings.TrimSpace(imp.Value("word_action")); wordAction == "" {
			wordAction = "hold"
		}
	}
	res, err := h.Filters.Import(c.UserContext(), web.ViewerOf(c).User.ID, scope, text, wordAction)
	if err != nil {
		return refuse(err)
	}
	msg := fmt.Sprintf("Imported %d rules", len(res.Created))
	if res.Skipped > 0 {
		msg += fmt.Sprintf("; %d were here already", res.Skipped)
	}
	h.Flash(c, "success", msg+".")
	return web.SeeOther(c, adminFiltersURL(slug))
}

// AdminFilterExport downloads the rules of the scope as CSV.
func (h *Pages) AdminFilterExport(c *fiber.Ctx) error {
	scope, slug, _, err := h.adminFilterScope(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := h.Filters.Export(c.UserContext(), scope, &buf); err != nil {
		return err
	}
	name := "site"
	if slug != "" {
		name = slug
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="filters-`+name+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// adminFilterRule is the :id rule of the scope.
func (h *Pages) adminFilterRule(c *fiber.Ctx) (scope, slug string, r *model.FilterRule, err error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return "", "", nil, err
	}
	scope, slug, _, err = h.adminFilterScope(c)
	if err != nil {
		return "", "", nil, err
	}
	r, err = h.Filters.Rule(c.UserContext(), scope, id)
	return scope, slug, r, err
}

// AdminFilterToggle enables or disables a rule: htmx gets the row back.
func (h *Pages) AdminFilterToggle(c *fiber.Ctx) error {
	scope, slug, r, err := h.adminFilterRule(c)
	if err != nil {
		return err
	}
	on := !r.Enabled
	r, err = h.Filters.Update(c.UserContext(), web.ViewerOf(c).User.ID, scope, r.ID, filters.Patch{Enabled: &on})
	if err != nil {
		return err
	}
	if web.IsHTMX(c) {
		return web.Render(c, fiber.StatusOK, views.AdminFilterRow(web.CSRFOf(c), slug, toAdminFilterRule(r)))
	}
	state := "disabled"
	if on {
		state = "enabled"
	}
	h.Flash(c, "success", fmt.Sprintf("Rule %q %s.", r.Pattern, state))
	return web.SeeOther(c, adminFiltersURL(slug))
}

// AdminFilterDelete removes a rule: htmx gets an empty row.
func (h *Pages) AdminFilterDelete(c *fiber.Ctx) error {
	scope, slug, r, err := h.adminFilterRule(c)
	if err != nil {
		return err
	}
	if err := h.Filters.Delete(c.UserContext(), web.ViewerOf(c).User.ID, scope, r.ID); err != nil {
		return err
	}
	if web.IsHTMX(c) {
		c.Type("html", "utf-8")
		return c.SendString("")
	}
	h.Flash(c, "success", fmt.Sprintf("Rule %q deleted.", r.Pattern))
	return web.SeeOther(c, adminFiltersURL(slug))
}
