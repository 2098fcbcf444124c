package handlers

import "github.com/gofiber/fiber/v2"

// Handlers still being written.
func (h *Handlers) adminRoles(c *fiber.Ctx) error             { return fiber.ErrNotImplemented }
func (h *Handlers) adminRoleGrant(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) adminRoleRevoke(c *fiber.Ctx) error        { return fiber.ErrNotImplemented }
func (h *Handlers) adminPermissions(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
func (h *Handlers) adminUser(c *fiber.Ctx) error              { return fiber.ErrNotImplemented }
func (h *Handlers) adminUserResetPassword(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) adminAudit(c *fiber.Ctx) error             { return fiber.ErrNotImplemented }
func (h *Handlers) adminAuditCSV(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) apiUsers(c *fiber.Ctx) error               { return fiber.ErrNotImplemented }
func (h *Handlers) apiUser(c *fiber.Ctx) error                { return fiber.ErrNotImplemented }
func (h *Handlers) apiRoleGrant(c *fiber.Ctx) error           { return fiber.ErrNotImplemented }
func (h *Handlers) apiRoleRevoke(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) apiPermissionExplain(c *fiber.Ctx) error   { return fiber.ErrNotImplemented }
