package handlers

import "github.com/gofiber/fiber/v2"

// Moderation API handlers still being written.
func (h *Handlers) apiFilters(c *fiber.Ctx) error             { return fiber.ErrNotImplemented }
func (h *Handlers) apiFilterCreate(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) apiFilterImport(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) apiFilterExport(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) apiFilterUpdate(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) apiFilterDelete(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) apiChannelFilters(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) apiChannelFilterCreate(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) apiChannelFilterImport(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) apiChannelFilterUpdate(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) apiChannelFilterDelete(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) apiQueue(c *fiber.Ctx) error               { return fiber.ErrNotImplemented }
func (h *Handlers) apiModerate(c *fiber.Ctx) error            { return fiber.ErrNotImplemented }
func (h *Handlers) apiReport(c *fiber.Ctx) error              { return fiber.ErrNotImplemented }
func (h *Handlers) apiSanction(c *fiber.Ctx) error            { return fiber.ErrNotImplemented }
func (h *Handlers) apiSanctionRevoke(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) apiPurge(c *fiber.Ctx) error               { return fiber.ErrNotImplemented }
func (h *Handlers) apiUndo(c *fiber.Ctx) error                { return fiber.ErrNotImplemented }
func (h *Handlers) apiPerson(c *fiber.Ctx) error              { return fiber.ErrNotImplemented }
func (h *Handlers) apiNote(c *fiber.Ctx) error                { return fiber.ErrNotImplemented }
func (h *Handlers) apiChannelAudit(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) apiAudit(c *fiber.Ctx) error               { return fiber.ErrNotImplemented }
