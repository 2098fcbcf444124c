package pages

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/retention"
	"backchannel/views"
)

// The retention page: /admin/retention sets how long message bodies are
// kept, site-wide and per channel, and previews what a change would remove.

// AdminRetention shows the retention in force.
func (h *Pages) AdminRetention(c *fiber.Ctx) error {
	pol, err := h.Retention.Policy(c.UserContext())
	if err != nil {
		return err
	}
	d := retentionPageOf(pol)
	for i, ch := range pol.Channels {
		d.Channels[i].Mode, d.Channels[i].Days = retentionMode(ch.Days)
	}
	d.SiteDays = strconv.Itoa(pol.SiteDays)
	return web.Render(c, fiber.StatusOK, views.AdminRetentionPage(h.Page(c, "Retention", "/admin/users"), d))
}

// AdminRetentionPreview shows what the form's settings would remove now,
// as a fragment for htmx or as the page with the preview without it.
// Nothing is changed.
func (h *Pages) AdminRetentionPreview(c *fiber.Ctx) error {
	ctx := c.UserContext()
	pol, err := h.Retention.Policy(ctx)
	if err != nil {
		return err
	}
	d, in := retentionForm(c, pol)
	var prev *retention.Preview
	if !retentionFormFailed(d) {
		if prev, err = h.Retention.Preview(ctx, in); err != nil {
			if err := retentionFormError(&d, err); err != nil {
				return err
			}
		}
	}
	if retentionFormFailed(d) {
		if web.IsHTMX(c) {
			return web.Render(c, fiber.StatusUnprocessableEntity, views.RetentionPreviewResult(views.RetentionPreview{}, retentionProblem(d)))
		}
		return web.Render(c, fiber.StatusUnprocessableEntity, views.AdminRetentionPage(h.Page(c, "Retention", "/admin/users"), d))
	}
	v := toViewRetentionPreview(prev)
	if web.IsHTMX(c) {
		return web.Render(c, fiber.StatusOK, views.RetentionPreviewResult(v, ""))
	}
	d.Preview = &v
	return web.Render(c, fiber.StatusOK, views.AdminRetentionPage(h.Page(c, "Retention", "/admin/users"), d))
}

// AdminRetentionSave stores the form's settings; invalid input changes
// nothing and shows the form again with the errors.
func (h *Pages) AdminRetentionSave(c *fiber.Ctx) error {
	ctx := c.UserContext()
	pol, err := h.Retention.Policy(ctx)
	if err != nil {
		return err
	}
	d, in := retentionForm(c, pol)
	if !retentionFormFailed(d) {
		if _, err := h.Retention.Save(ctx, web.ViewerOf(c).User.ID, in); err != nil {
			if err := retentionFormError(&d, err); err != nil {
				return err
			}
		}
	}
	if retentionFormFailed(d) {
		return web.Render(c, fiber.StatusUnprocessableEntity, views.AdminRetentionPage(h.Page(c, "Retention", "/admin/users"), d))
	}
	h.Flash(c, "success", "Retention saved.")
	return web.SeeOther(c, "/admin/retention")
}

// retentionPageOf is the page's data for pol, with the form left empty.
func retentionPageOf(pol *retention.Policy) views.AdminRetention {
	d := views.AdminRetention{MaxDays: retention.MaxRetentionDays}
	for _, ch := range pol.Channels {
		d.Channels = append(d.Channels, views.AdminRetentionChannel{Slug: ch.Slug, Title: ch.Title,
			InForce: retentionInForce(ch, pol.SiteDays)})
	}
	return d
}

// retentionMode is how the page shows an override.
func retentionMode(days *int) (mode, value string) {
	switch {
	case days == nil:
		return views.RetentionFollowSite, ""
	case *days == 0:
		return views.RetentionForever, ""
	}
	return views.RetentionDays, strconv.Itoa(*days)
}

// retentionInForce describes what applies to a channel now.
func retentionInForce(ch retention.ChannelRetention, siteDays int) string {
	days := ch.Effective(siteDays)
	s := "kept forever"
	if days > 0 {
		s = strconv.Itoa(days) + " days"
		if days == 1 {
			s = "1 day"
		}
	}
	if ch.Days == nil {
		s += " (site)"
	}
	return s
}

// retentionForm reads the form into a change of retention. Values that are
// not numbers are marked on the returned page data (see
// retentionFormFailed); the range is chat's to check.
func retentionForm(c *fiber.Ctx, pol *retention.Policy) (views.AdminRetention, retention.Input) {
	d := retentionPageOf(pol)
	var in retention.Input
	d.SiteDays = strings.TrimSpace(c.FormValue("site_days"))
	if n, msg := parseRetentionDays(d.SiteDays); msg != "" {
		d.SiteError = msg
	} else {
		in.SiteDays = &n
	}
	for i, ch := range pol.Channels {
		row := &d.Channels[i]
		row.Mode = c.FormValue("mode-" + ch.Slug)
		row.Days = strings.TrimSpace(c.FormValue("days-" + ch.Slug))
		switch row.Mode {
		case "":
			// Not on the form (made after the page was loaded): unchanged.
			row.Mode, row.Days = retentionMode(ch.Days)
		case views.RetentionFollowSite:
			in.Channels = append(in.Channels, retention.ChannelDays{Slug: ch.Slug})
		case views.RetentionForever:
			in.Channels = append(in.Channels, retention.ChannelDays{Slug: ch.Slug, Days: new(int)})
		case views.RetentionDays:
			n, msg := parseRetentionDays(row.Days)
			if msg != "" {
				row.Error = msg
				continue
			}
			in.Channels = append(in.Channels, retention.ChannelDays{Slug: ch.Slug, Days: &n})
		default:
			row.Error = "Choose follow the site, keep forever or a number of days."
		}
	}
	return d, in
}

// parseRetentionDays reads a typed number of days.
func parseRetentionDays(s string) (int, string) {
	if s == "" {
		return 0, "Enter a number of days (0 keeps bodies forever)."
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, "Enter a whole number of days, such as 30 (0 keeps bodies forever)."
	}
	return n, ""
}

func retentionFormFailed(d views.AdminRetention) bool {
	if d.SiteError != "" || d.Error != "" {
		return true
	}
	for _, ch := range d.Channels {
		if ch.Error != "" {
			return true
		}
	}
	return false
}

// retentionFormError puts a refusal of chat beside its field; other errors
// are returned.
func retentionFormError(d *views.AdminRetention, err error) error {
	var fe *model.FieldError
	if !errors.As(err, &fe) {
		if web.StatusOf(err) >= 500 {
			return err
		}
		_, d.Error = web.PublicMessage(err, web.StatusOf(err))
		return nil
	}
	if fe.Field == "site_days" {
		d.SiteError = fe.Message
		return nil
	}
	for i := range d.Channels {
		if retention.ChannelField(d.Channels[i].Slug) == fe.Field {
			d.Channels[i].Error = fe.Message
			return nil
		}
	}
	d.Error = fe.Message
	return nil
}

// retentionProblem is the form's first error in one sentence, for the
// preview region.
func retentionProblem(d views.AdminRetention) string {
	switch {
	case d.Error != "":
		return d.Error
	case d.SiteError != "":
		return "Days for every channel: " + d.SiteError
	}
	for _, ch := range d.Channels {
		if ch.Error != "" {
			return ch.Title + ": " + ch.Error
		}
	}
	return ""
}

func toViewRetentionPreview(p *retention.Preview) views.RetentionPreview {
	v := views.RetentionPreview{Total: p.Total, Files: p.Files}
	for _, c := range p.Channels {
		vc := views.RetentionPreviewChannel{Slug: c.Slug, Title: c.Title, Days: c.Days, Site: c.ChannelRetention.Days == nil, Count: c.Count, Files: c.Files}
		if c.Cutoff != nil {
			vc.Cutoff = *c.Cutoff
		}
		if c.Oldest != nil {
			vc.Oldest, vc.Newest = *c.Oldest, *c.Newest
		}
		for _, s := range c.Samples {
			vc.Samples = append(vc.Samples, views.RetentionPreviewSample{ID: s.ID, Created: s.CreatedAt, Author: s.Author, Excerpt: s.Excerpt})
		}
		v.Channels = append(v.Channels, vc)
	}
	return v
}
