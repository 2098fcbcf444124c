package handlers

import "github.com/gofiber/fiber/v2"

// Triage wall handlers still being written.
func (h *Handlers) modWall(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) modEvents(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) modMessageAction(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) modPerson(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) modSanction(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) modPurge(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) modNote(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) modUndo(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) modStaffChat(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
func (h *Handlers) messageReport(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
