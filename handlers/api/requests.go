package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
)

// RequestAccept moves a message request to your inbox.
func (h *API) RequestAccept(c *fiber.Ctx) error {
	me, id, err := conversationID(c)
	if err != nil {
		return err
	}
	if err := h.Inbox.Accept(c.UserContext(), me, id); err != nil {
		return err
	}
	return h.sendConversation(c, me, id)
}

// RequestDelete deletes a message request from your view (the sender is
// not told); ?block=true also blocks the sender.
func (h *API) RequestDelete(c *fiber.Ctx) error {
	me, id, err := conversationID(c)
	if err != nil {
		return err
	}
	var block bool
	switch c.Query("block") {
	case "", "false":
	case "true":
		block = true
	default:
		return web.BadRequest("?block= is true or false.")
	}
	if err := h.Inbox.DeleteRequest(c.UserContext(), me, id, block); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
