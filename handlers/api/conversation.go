package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
)

// conversationID reads :id; a conversation you are not in is a 404 like
// one that does not exist.
func conversationID(c *fiber.Ctx) (int64, int64, error) {
	id, err := web.IDParam(c, "id")
	return web.ViewerOf(c).User.ID, id, err
}

// sendConversation writes the conversation as you see it now.
func (h *API) sendConversation(c *fiber.Ctx, me, id int64) error {
	v, err := h.Inbox.Conversation(c.UserContext(), me, id)
	if err != nil {
		return err
	}
	return c.JSON(toAPIConversation(v))
}

// Conversation is one of your conversations: members (with their read
// markers), admin, title, and the members you have blocked.
func (h *API) Conversation(c *fiber.Ctx) error {
	me, id, err := conversationID(c)
	if err != nil {
		return err
	}
	return h.sendConversation(c, me, id)
}

// ConversationRename renames a group (its admin): {"title"}; "" clears it.
func (h *API) ConversationRename(c *fiber.Ctx) error {
	var body struct {
		Title *string `json:"title"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	me, id, err := conversationID(c)
	if err != nil {
		return err
	}
	if body.Title == nil {
		return model.Invalid("title", "Send the group's new title.")
	}
	if err := h.Inbox.Rename(c.UserContext(), me, id, *body.Title); err != nil {
		return err
	}
	return h.sendConversation(c, me, id)
}

// ConversationDelete deletes the conversation from your own view: the
// others keep theirs; a later message brings it back with only the new
// history.
func (h *API) ConversationDelete(c *fiber.Ctx) error {
	me, id, err := conversationID(c)
	if err != nil {
		return err
	}
	if err := h.Inbox.DeleteForMe(c.UserContext(), me, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
