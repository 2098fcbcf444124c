package api

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/inbox"
)

// ConversationMessages lists a conversation's messages you can see, oldest
// first: the newest page, or ?after= / ?before= a message id (keyset
// pages), ?limit= 1–200 (50).
func (h *API) ConversationMessages(c *fiber.Ctx) error {
	me, id, err := conversationID(c)
	if err != nil {
		return err
	}
	after, err := queryInt(c, "after", 0)
	if err != nil {
		return err
	}
	before, err := queryInt(c, "before", 0)
	if err != nil {
		return err
	}
	limit, err := web.QueryIntIn(c, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	p, err := h.Inbox.Messages(c.UserContext(), me, id, inbox.PageInput{Before: before, After: after, Limit: limit})
	if err != nil {
		return err
	}
	ms := make([]apiDM, len(p.Messages))
	for i := range p.Messages {
		ms[i] = toAPIDM(&p.Messages[i])
	}
	return c.JSON(fiber.Map{"messages": ms, "has_more": p.HasMore})
}

// ConversationMessagePost sends a message: {"body", "reply_to",
// "attachments": [upload ids]} (with files, the body may be empty).
func (h *API) ConversationMessagePost(c *fiber.Ctx) error {
	var body struct {
		Body        string  `json:"body"`
		ReplyTo     int64   `json:"reply_to"`
		Attachments []int64 `json:"attachments"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	me, id, err := conversationID(c)
	if err != nil {
		return err
	}
	m, err := h.Inbox.Post(c.UserContext(), me, id, inbox.PostInput{Body: body.Body, ReplyToID: body.ReplyTo,
		Attachments: body.Attachments})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIDM(m))
}

// messageIDs reads :id and :mid.
func messageIDs(c *fiber.Ctx) (me, id, mid int64, err error) {
	if me, id, err = conversationID(c); err != nil {
		return
	}
	mid, err = web.IDParam(c, "mid")
	return
}

// ConversationMessageEdit changes your message's text within 15 minutes of
// sending it: {"body"}.
func (h *API) ConversationMessageEdit(c *fiber.Ctx) error {
	var body struct {
		Body string `json:"body"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	me, id, mid, err := messageIDs(c)
	if err != nil {
		return err
	}
	m, err := h.Inbox.Edit(c.UserContext(), me, id, mid, body.Body)
	if err != nil {
		return err
	}
	return c.JSON(toAPIDM(m))
}

// ConversationMessageDelete deletes your message for everyone (a tombstone
// stays).
func (h *API) ConversationMessageDelete(c *fiber.Ctx) error {
	me, id, mid, err := messageIDs(c)
	if err != nil {
		return err
	}
	if err := h.Inbox.Delete(c.UserContext(), me, id, mid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ConversationReactionPut puts your :emoji (the channels' palette) on a
// message.
func (h *API) ConversationReactionPut(c *fiber.Ctx) error { return h.conversationReact(c, true) }

// ConversationReactionDelete takes your :emoji off a message.
func (h *API) ConversationReactionDelete(c *fiber.Ctx) error { return h.conversationReact(c, false) }

func (h *API) conversationReact(c *fiber.Ctx, on bool) error {
	me, id, mid, err := messageIDs(c)
	if err != nil {
		return err
	}
	emoji, err := emojiParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := h.Inbox.React(ctx, me, id, mid, emoji, on); err != nil {
		return err
	}
	m, err := h.Inbox.Message(ctx, me, id, mid)
	if err != nil {
		return err
	}
	return c.JSON(toAPIDM(m))
}

// ConversationRead moves your read marker to a message: {"message_id"}.
func (h *API) ConversationRead(c *fiber.Ctx) error {
	var body struct {
		MessageID int64 `json:"message_id"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	me, id, err := conversationID(c)
	if err != nil {
		return err
	}
	if err := h.Inbox.MarkRead(c.UserContext(), me, id, body.MessageID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// emojiParam reads :emoji, URL-escaped in the address.
func emojiParam(c *fiber.Ctx) (string, error) {
	emoji, err := url.PathUnescape(c.Params("emoji"))
	if err != nil {
		return "", web.BadRequest("The emoji in the address is not properly escaped.")
	}
	return paletteEmoji(emoji), nil
}
