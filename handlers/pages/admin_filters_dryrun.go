package pages

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/filters"
	"backchannel/handlers/web"
	"backchannel/views"
	"backchannel/wordfilter"
)

// dryRunContext is how many bytes of text a dry run shows around a match.
const dryRunContext = 60

// AdminFilterDryRun tries the rules in the form (or the scope's) on recent
// sessions and shows what they would have caught. Nothing is stored.
func (h *Pages) AdminFilterDryRun(c *fiber.Ctx) error {
	scope, _, _, err := h.adminFilterScope(c)
	if err != nil {
		return err
	}
	f, imp, dry := newFilterForms(c)
	n := 0
	if s := strings.TrimSpace(dry.Value("sessions")); s != "" {
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			n = -1
		}
	}
	csv := dry.Value("rules_csv")
	res, err := h.Filters.DryRun(c.UserContext(), filters.DryRunInput{Scope: scope, CSV: []byte(csv), Sessions: n})
	if err != nil {
		status, err := web.FormError(&dry, err)
		if err != nil {
			return err
		}
		return h.renderAdminFilters(c, status, f, imp, dry, nil)
	}
	v := toViewDryRun(res, strings.TrimSpace(csv) != "")
	return h.renderAdminFilters(c, fiber.StatusOK, f, imp, dry, func(d *views.AdminFilters) {
		d.DryRun = &v
		d.DrySessions = res.Sessions
		if n > 0 {
			d.DrySessions = n
		}
	})
}

func toViewDryRun(res *filters.DryRunResult, fromCSV bool) views.DryRun {
	v := views.DryRun{FromCSV: fromCSV, Sessions: res.Sessions, Checked: res.Checked}
	for _, r := range res.Rules {
		v.Counts = append(v.Counts, views.DryRunCount{Pattern: r.Pattern, Kind: r.Kind, Action: r.Action, Caught: r.Caught})
	}
	for _, hit := range res.Hits {
		vh := views.DryRunHit{MessageID: hit.Message.ID, Channel: hit.Channel, Author: hit.Message.AuthorName,
			State: string(hit.Message.State), Action: hit.Action, Rules: strings.Join(matchPatterns(hit.Matches), ", ")}
		for _, s := range filters.Highlight(hit.Message.Body, hit.Matches, dryRunContext) {
			vh.Excerpt = append(vh.Excerpt, views.HighlightSegment{Text: s.Text, Match: s.Match})
		}
		v.Hits = append(v.Hits, vh)
	}
	return v
}

// matchPatterns lists the patterns that matched, once each.
func matchPatterns(ms []wordfilter.Match) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range ms {
		if !seen[m.Pattern] {
			seen[m.Pattern] = true
			out = append(out, m.Pattern)
		}
	}
	return out
}
