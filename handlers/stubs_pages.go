package handlers

import "github.com/gofiber/fiber/v2"

// Page handlers still being written.
func (h *Handlers) channelCreate(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
func (h *Handlers) channelPage(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) channelJoin(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) guidelinesAccept(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) channelEvents(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
func (h *Handlers) messagePost(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) messageEdit(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) messageDelete(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
func (h *Handlers) messageReact(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) messageVote(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) channelSettings(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
func (h *Handlers) channelSettingsSave(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) sessionStart(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) sessionEnd(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
