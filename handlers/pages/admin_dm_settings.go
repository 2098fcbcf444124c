package pages

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/views"
)

// dmSettingFields are the fields of the direct-message settings form.
var dmSettingFields = []string{"mode", "groups", "request_min_days", "retention_days"} //nolint:gochecknoglobals // read-only

// AdminDMSettings shows the site's direct-message settings.
func (h *Pages) AdminDMSettings(c *fiber.Ctx) error {
	d, err := h.Moderation.DMSettingsOf(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, views.AdminDMSettingsPage(h.Page(c, "Direct messages", "/admin/users"),
		views.AdminDMSettings{Form: dmSettingsForm(d)}))
}

// AdminDMSettingsSave changes them; a refused value shows the form again
// with the message beside its field, and nothing changes.
func (h *Pages) AdminDMSettingsSave(c *fiber.Ctx) error {
	f := web.FormOf(c, dmSettingFields...)
	in := moderation.DMSettingsIn{Mode: ptrTo(f.Value("mode")), Groups: ptrTo(f.Value("groups"))}
	var err error
	if in.RequestMinDays, err = formDays(f.Value("request_min_days"), "request_min_days"); err == nil {
		in.RetentionDays, err = formDays(f.Value("retention_days"), "retention_days")
	}
	if err == nil {
		_, err = h.Moderation.SaveDMSettings(c.UserContext(), web.ViewerOf(c).User.ID, in)
	}
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return web.Render(c, status, views.AdminDMSettingsPage(h.Page(c, "Direct messages", "/admin/users"), views.AdminDMSettings{Form: f}))
	}
	h.Flash(c, "success", "Direct-message settings saved.")
	return web.SeeOther(c, "/admin/direct-messages")
}

func dmSettingsForm(d *moderation.DMSettings) views.Form {
	return views.Form{Errors: map[string]string{}, Values: map[string]string{"mode": d.Mode, "groups": d.Groups,
		"request_min_days": strconv.Itoa(d.RequestMinDays), "retention_days": strconv.Itoa(d.RetentionDays)}}
}

func ptrTo(s string) *string { return &s }

// formDays reads a whole number of days from a form field.
func formDays(v, field string) (*int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return nil, model.Invalid(field, "Give a whole number of days.")
	}
	return &n, nil
}
