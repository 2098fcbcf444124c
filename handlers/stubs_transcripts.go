package handlers

import "github.com/gofiber/fiber/v2"

// Placeholders until the handlers are written; each answers 501.
func (h *Handlers) transcripts(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) transcriptSessions(c *fiber.Ctx) error  { return fiber.ErrNotImplemented }
func (h *Handlers) transcript(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) transcriptExport(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) transcriptAnalytics(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) apiSessions(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) apiTranscript(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
func (h *Handlers) apiAnalytics(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
