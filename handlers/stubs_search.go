package handlers

import "github.com/gofiber/fiber/v2"

// Placeholder until the handler is written; it answers 501.
func (h *Handlers) searchExport(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
