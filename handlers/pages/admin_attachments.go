package pages

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/attachments"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// attachmentFields are the number fields of the attachments settings form
// (sizes in MB); the allowed types are the repeated field "types".
var attachmentFields = []string{"image_max_mb", "file_max_mb", "daily_count", "daily_mb"} //nolint:gochecknoglobals // read-only

// AdminAttachments shows the site's rules for files and images.
func (h *Pages) AdminAttachments(c *fiber.Ctx) error {
	p, err := attachments.LoadPolicy(c.UserContext(), h.Attachments.DB)
	if err != nil {
		return err
	}
	f := views.Form{Errors: map[string]string{}, Values: map[string]string{
		"image_max_mb": strconv.FormatInt(p.ImageMaxBytes>>20, 10), "file_max_mb": strconv.FormatInt(p.FileMaxBytes>>20, 10),
		"daily_count": strconv.Itoa(p.DailyCount), "daily_mb": strconv.FormatInt(p.DailyBytes>>20, 10)}}
	return h.renderAdminAttachments(c, fiber.StatusOK, f, p.Types)
}

// AdminAttachmentsSave changes them; a refused value shows the form again
// with the message beside its field, and nothing changes.
func (h *Pages) AdminAttachmentsSave(c *fiber.Ctx) error {
	f := web.FormOf(c, attachmentFields...)
	var types []string
	for _, v := range c.Request().PostArgs().PeekMulti("types") {
		types = append(types, string(v))
	}
	p := attachments.Policy{Types: types}
	err := formMB(f.Value("image_max_mb"), "image_max_mb", attachments.MaxImageBytes>>20, 1, &p.ImageMaxBytes)
	if err == nil {
		err = formMB(f.Value("file_max_mb"), "file_max_mb", attachments.MaxFileBytes>>20, 1, &p.FileMaxBytes)
	}
	if err == nil {
		err = formMB(f.Value("daily_mb"), "daily_mb", 100000, 0, &p.DailyBytes)
	}
	if err == nil {
		var n int64
		err = formWhole(f.Value("daily_count"), "daily_count", 100000, 0, &n)
		p.DailyCount = int(n)
	}
	if err == nil {
		err = h.Attachments.SetPolicy(c.UserContext(), web.ViewerOf(c).User.ID, p)
	}
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderAdminAttachments(c, status, f, types)
	}
	h.Flash(c, "success", "Attachment settings saved.")
	return web.SeeOther(c, "/admin/attachments")
}

func (h *Pages) renderAdminAttachments(c *fiber.Ctx, status int, f views.Form, allowed []string) error {
	d := views.AdminAttachments{Form: f}
	for _, t := range attachments.Types() {
		on := false
		for _, a := range allowed {
			on = on || a == t.Name
		}
		d.Types = append(d.Types, views.AttachmentTypeOption{Name: t.Name, Label: strings.ToUpper(t.Name),
			MediaType: t.MediaType, Image: t.Image, Allowed: on})
	}
	return web.Render(c, status, views.AdminAttachmentsPage(h.Page(c, "Attachments", "/admin/users"), d))
}

// formWhole reads a whole number from lo to hi from a form field.
func formWhole(v, field string, hi, lo int64, out *int64) error {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < lo || n > hi {
		return model.Invalid(field, "Give a whole number from "+strconv.FormatInt(lo, 10)+" to "+strconv.FormatInt(hi, 10)+".")
	}
	*out = n
	return nil
}

// formMB reads a whole number of megabytes (MiB) into bytes.
func formMB(v, field string, hi, lo int64, out *int64) error {
	var n int64
	if err := formWhole(v, field, hi, lo, &n); err != nil {
		return err
	}
	*out = n << 20
	return nil
}
