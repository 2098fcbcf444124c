package web

import (
	"mime"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/attachments"
	"backchannel/model"
	"backchannel/views"
)

// FileURL is the path an attachment's original is served at.
func FileURL(a *model.Attachment) string {
	return a.Path()
}

// ThumbURL is the path of an image attachment's thumbnail: a path of its
// own, which no file's name can take (a file may be named "thumb").
func ThumbURL(a *model.Attachment) string {
	return "/files/thumbs/" + strconv.FormatInt(a.ID, 10)
}

// inlineTypes are the only types served inline: raster images the site
// re-encoded itself.
var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true}

// ServeAttachment streams a variant of a to the client with the headers
// that keep a file from running as a page: nosniff, a CSP allowing
// nothing, and Content-Disposition (inline only for re-encoded images).
func ServeAttachment(c *fiber.Ctx, svc *attachments.Service, a *model.Attachment, variant string) error {
	rc, err := svc.Open(c.UserContext(), a, variant)
	if err != nil {
		return err
	}
	typ, size, name := a.MediaType, a.Size, a.Name
	if variant == attachments.Thumb {
		typ, size = attachments.ThumbType(a), a.ThumbSize
		name = strings.TrimSuffix(name, extOf(name)) + "-thumb" + map[bool]string{true: ".jpg", false: ".png"}[typ == "image/jpeg"]
	}
	disposition := "attachment"
	if inlineTypes[typ] && a.Kind == model.AttachmentImage {
		disposition = "inline"
	}
	if strings.HasPrefix(typ, "text/") {
		typ += "; charset=utf-8"
	}
	c.Set(fiber.HeaderContentType, typ)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	c.Set(fiber.HeaderETag, `"`+a.SHA256+"-"+variant+`"`)
	return c.SendStream(rc, int(size))
}

func extOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

// AttachmentViews turns a message's attachments into their view models.
func AttachmentViews(list []model.Attachment) []views.Attachment {
	out := make([]views.Attachment, 0, len(list))
	for i := range list {
		a := &list[i]
		v := views.Attachment{ID: a.ID, Name: a.Name, Type: a.MediaType, Image: a.Kind == model.AttachmentImage,
			Size: a.Size, URL: FileURL(a), Width: a.Width, Height: a.Height}
		if v.Image {
			v.ThumbURL = ThumbURL(a)
		}
		out = append(out, v)
	}
	return out
}
