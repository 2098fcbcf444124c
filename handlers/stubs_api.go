package handlers

import "github.com/gofiber/fiber/v2"

// Handlers of the JSON API still being written.
func (h *Handlers) apiChannels(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) apiChannelCreate(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) apiChannel(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) apiChannelUpdate(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) apiChannelJoin(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) apiGuidelines(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
func (h *Handlers) apiGuidelinesAccept(c *fiber.Ctx) error { return fiber.ErrNotImplemented }
func (h *Handlers) apiSessionStart(c *fiber.Ctx) error     { return fiber.ErrNotImplemented }
func (h *Handlers) apiSessionEnd(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
func (h *Handlers) apiMessages(c *fiber.Ctx) error         { return fiber.ErrNotImplemented }
func (h *Handlers) apiMessagePost(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) apiMessageEdit(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) apiMessageDelete(c *fiber.Ctx) error    { return fiber.ErrNotImplemented }
func (h *Handlers) apiReactionPut(c *fiber.Ctx) error      { return fiber.ErrNotImplemented }
func (h *Handlers) apiReactionDelete(c *fiber.Ctx) error   { return fiber.ErrNotImplemented }
func (h *Handlers) apiVotePut(c *fiber.Ctx) error          { return fiber.ErrNotImplemented }
func (h *Handlers) apiVoteDelete(c *fiber.Ctx) error       { return fiber.ErrNotImplemented }
func (h *Handlers) apiEvents(c *fiber.Ctx) error           { return fiber.ErrNotImplemented }
