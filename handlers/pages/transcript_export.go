package pages

import (
	"github.com/gofiber/fiber/v2"
)

// TranscriptExport downloads a session's transcript as Markdown, CSV or
// JSON, in the version ?view= asks for.
func (h *Pages) TranscriptExport(c *fiber.Ctx) error {
	ch, staff, err := h.TranscriptChannel(c)
	if err != nil {
		return err
	}
	return h.SendTranscript(c, ch, staff, c.Params("format"))
}
