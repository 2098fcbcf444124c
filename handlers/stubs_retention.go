package handlers

import "github.com/gofiber/fiber/v2"

// Placeholders until the handlers are written; each answers 501.
func (h *Handlers) adminRetention(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) adminRetentionPreview(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) adminRetentionSave(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) apiRetention(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) apiRetentionSave(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) apiRetentionPreview(c *fiber.Ctx) error   { return fiber.ErrNotImplemented }
