package handlers

import "github.com/gofiber/fiber/v2"

// Handlers still being written.
func (h *Handlers) adminFilters(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) adminFilterCreate(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) adminFilterImport(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) adminFilterExport(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) adminFilterDryRun(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) adminFilterToggle(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) adminFilterDelete(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) apiFilterDryRun(c *fiber.Ctx) error   { return fiber.ErrNotImplemented }
