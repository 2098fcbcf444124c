package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/filters"
	"backchannel/handlers/web"
	"backchannel/views"
)

// filterInput is the rule of the add form; "enabled" is "off" for a rule
// added turned off.
func filterInput(f views.Form) filters.Input {
	on := f.Value("enabled") != "off"
	return filters.Input{Pattern: f.Value("pattern"), Kind: f.Value("kind"), Action: f.Value("action"),
		Allow: splitList(f.Value("allow")), Guideline: f.Value("guideline"), Enabled: &on}
}

// AdminFilterTry runs the dry run on the rule typed in the add form, without
// adding it: the page comes back with the form as typed and what the rule
// would have caught.
func (h *Pages) AdminFilterTry(c *fiber.Ctx) error {
	scope, _, _, err := h.adminFilterScope(c)
	if err != nil {
		return err
	}
	f, imp, dry := newFilterForms(c)
	res, err := h.Filters.DryRun(c.UserContext(), filters.DryRunInput{Scope: scope, Rules: []filters.Input{filterInput(f)}})
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderAdminFilters(c, status, f, imp, dry, nil)
	}
	v := toViewDryRun(res, true)
	v.Tried = f.Value("pattern")
	return h.renderAdminFilters(c, fiber.StatusOK, f, imp, dry, func(d *views.AdminFilters) {
		d.DryRun = &v
		d.DrySessions = res.Sessions
	})
}
