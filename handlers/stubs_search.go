package handlers

import "github.com/gofiber/fiber/v2"

// Placeholders until the handlers are written; each answers 501.
func (h *Handlers) searchPage(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) searchExport(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) searchTag(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
func (h *Handlers) apiSearch(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
func (h *Handlers) apiTags(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) messageTag(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) messageUntag(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) apiMessageTag(c *fiber.Ctx) error   { return fiber.ErrNotImplemented }
func (h *Handlers) apiMessageUntag(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
