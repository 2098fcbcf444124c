package pages

import (
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/static"
)

// Static serves the embedded files. URLs carry ?v=<hash of the files>, so
// responses may be cached for a year.
func (h *Pages) Static(c *fiber.Ctx) error {
	name := path.Clean(strings.TrimPrefix(c.Params("*"), "/"))
	if name == "." || strings.HasPrefix(name, "..") || strings.HasPrefix(path.Base(name), ".") {
		return fiber.ErrNotFound
	}
	b, err := fs.ReadFile(static.FS(), name)
	if err != nil {
		return fiber.ErrNotFound
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = fiber.MIMEOctetStream
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(b)
}
