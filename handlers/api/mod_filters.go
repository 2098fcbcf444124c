package api

import (
	"bytes"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/filters"
	"backchannel/handlers/web"
	"backchannel/model"
)

// The word and link filters: the site's rules under /api/v1/filters (admins),
// a channel's own under /api/v1/channels/:slug/filters (its hosts). Both
// apply in a channel; staff and hosts are never filtered.

// apiFilterRule is a filter rule in the API.
type apiFilterRule struct {
	ID        int64     `json:"id"`
	Scope     string    `json:"scope"`
	Pattern   string    `json:"pattern"`
	Kind      string    `json:"kind"`
	Action    string    `json:"action"`
	Allow     []string  `json:"allow"`
	Enabled   bool      `json:"enabled"`
	Guideline string    `json:"guideline"`
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toAPIFilterRule(r *model.FilterRule) apiFilterRule {
	out := apiFilterRule{ID: r.ID, Scope: r.Scope, Pattern: r.Pattern, Kind: r.Kind, Action: r.Action, Allow: []string{},
		Enabled: r.Enabled, Guideline: r.Guideline, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	for _, a := range strings.Split(r.Allow, "|") {
		if a = strings.TrimSpace(a); a != "" {
			out.Allow = append(out.Allow, a)
		}
	}
	return out
}

func toAPIFilterRules(rs []model.FilterRule) []apiFilterRule {
	out := make([]apiFilterRule, 0, len(rs))
	for i := range rs {
		out = append(out, toAPIFilterRule(&rs[i]))
	}
	return out
}

// filterScope is the scope of a filter route: the site's, or the :slug
// channel's.
func (h *API) filterScope(c *fiber.Ctx, channel bool) (scope, name string, err error) {
	if !channel {
		return filters.Site, "site", nil
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return "", "", err
	}
	return filters.ChannelScope(cc.Channel.ID), cc.Channel.Slug, nil
}

func (h *API) SiteFilters(c *fiber.Ctx) error { return h.apiFilterList(c, false) }

func (h *API) ChannelFilters(c *fiber.Ctx) error { return h.apiFilterList(c, true) }

// apiFilterList lists the rules of a scope, oldest first.
func (h *API) apiFilterList(c *fiber.Ctx, channel bool) error {
	scope, _, err := h.filterScope(c, channel)
	if err != nil {
		return err
	}
	rs, err := h.Filters.Rules(c.UserContext(), scope)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"rules": toAPIFilterRules(rs)})
}

func (h *API) FilterCreate(c *fiber.Ctx) error { return h.apiFilterAdd(c, false) }

func (h *API) ChannelFilterCreate(c *fiber.Ctx) error { return h.apiFilterAdd(c, true) }

// apiFilterAdd creates a rule: 201 with it.
func (h *API) apiFilterAdd(c *fiber.Ctx, channel bool) error {
	var body struct {
		Pattern   string   `json:"pattern"`
		Kind      string   `json:"kind"`
		Action    string   `json:"action"`
		Allow     []string `json:"allow"`
		Enabled   *bool    `json:"enabled"`
		Guideline string   `json:"guideline"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	scope, _, err := h.filterScope(c, channel)
	if err != nil {
		return err
	}
	r, err := h.Filters.Create(c.UserContext(), web.ViewerOf(c).User.ID, scope, filters.Input{Pattern: body.Pattern,
		Kind: body.Kind, Action: body.Action, Allow: body.Allow, Enabled: body.Enabled, Guideline: body.Guideline})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIFilterRule(r))
}

func (h *API) FilterUpdate(c *fiber.Ctx) error { return h.apiFilterPatch(c, false) }

func (h *API) ChannelFilterUpdate(c *fiber.Ctx) error { return h.apiFilterPatch(c, true) }

// apiFilterPatch changes the fields given: 200 with the rule.
func (h *API) apiFilterPatch(c *fiber.Ctx, channel bool) error {
	var body struct {
		Pattern   *string   `json:"pattern"`
		Kind      *string   `json:"kind"`
		Action    *string   `json:"action"`
		Allow     *[]string `json:"allow"`
		Enabled   *bool     `json:"enabled"`
		Guideline *string   `json:"guideline"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	scope, _, err := h.filterScope(c, channel)
	if err != nil {
		return err
	}
	r, err := h.Filters.Update(c.UserContext(), web.ViewerOf(c).User.ID, scope, id, filters.Patch{Pattern: body.Pattern,
		Kind: body.Kind, Action: body.Action, Allow: body.Allow, Enabled: body.Enabled, Guideline: body.Guideline})
	if err != nil {
		return err
	}
	return c.JSON(toAPIFilterRule(r))
}

func (h *API) FilterDelete(c *fiber.Ctx) error { return h.apiFilterRemove(c, false) }

func (h *API) ChannelFilterDelete(c *fiber.Ctx) error { return h.apiFilterRemove(c, true) }

// apiFilterRemove deletes a rule: 204.
func (h *API) apiFilterRemove(c *fiber.Ctx, channel bool) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	scope, _, err := h.filterScope(c, channel)
	if err != nil {
		return err
	}
	if err := h.Filters.Delete(c.UserContext(), web.ViewerOf(c).User.ID, scope, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *API) FilterImport(c *fiber.Ctx) error { return h.apiFilterLoad(c, false) }

func (h *API) ChannelFilterImport(c *fiber.Ctx) error { return h.apiFilterLoad(c, true) }

// apiFilterLoad imports rules: the body is CSV (Content-Type text/csv or
// text/plain, or any body not starting with "{"), or JSON {"csv": "..."}.
// With ?action= the text is a plain word list, one word or phrase a line.
func (h *API) apiFilterLoad(c *fiber.Ctx, channel bool) error {
	text := bytes.TrimSpace(c.Body())
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	raw := strings.HasPrefix(ct, "text/csv") || strings.HasPrefix(ct, "text/plain")
	if !raw && bytes.HasPrefix(text, []byte("{")) {
		var body struct {
			CSV string `json:"csv"`
		}
		if err := web.DecodeJSON(c, &body, false); err != nil {
			return err
		}
		text = []byte(body.CSV)
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return web.BadRequest("Send the rules as CSV (Content-Type: text/csv) or as JSON {\"csv\": \"...\"}.")
	}
	scope, _, err := h.filterScope(c, channel)
	if err != nil {
		return err
	}
	res, err := h.Filters.Import(c.UserContext(), web.ViewerOf(c).User.ID, scope, text, strings.TrimSpace(c.Query("action")))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"created": len(res.Created), "skipped": res.Skipped, "rules": toAPIFilterRules(res.Created)})
}

func (h *API) FilterExport(c *fiber.Ctx) error { return h.apiFilterCSV(c, false) }

func (h *API) ChannelFilterExport(c *fiber.Ctx) error { return h.apiFilterCSV(c, true) }

// apiFilterCSV writes the rules of a scope as CSV that import reads back.
func (h *API) apiFilterCSV(c *fiber.Ctx, channel bool) error {
	scope, name, err := h.filterScope(c, channel)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := h.Filters.Export(c.UserContext(), scope, &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="filters-`+name+`.csv"`)
	return c.Send(buf.Bytes())
}
