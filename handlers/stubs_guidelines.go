package handlers

import "github.com/gofiber/fiber/v2"

// Handlers still being written.
func (h *Handlers) adminGuidelines(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) adminGuidelinesSave(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) channelGuidelines(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) channelGuidelinesSave(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) apiSiteGuidelines(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) apiSiteGuidelinesSave(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) apiChannelGuidelinesSave(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
