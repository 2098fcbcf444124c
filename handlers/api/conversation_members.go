package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
)

// personBody reads {"handle"} and looks the person up.
func (h *API) personBody(c *fiber.Ctx, me int64) (int64, error) {
	var body struct {
		Handle string `json:"handle"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return 0, err
	}
	p, err := h.Inbox.Person(c.UserContext(), me, body.Handle)
	return p.ID, err
}

// ConversationMemberAdd adds someone to a group (its admin): {"handle"}.
func (h *API) ConversationMemberAdd(c *fiber.Ctx) error { return h.toMember(c, h.Inbox.AddMember) }

// ConversationAdmin hands the group's admin role to another member:
// {"handle"}.
func (h *API) ConversationAdmin(c *fiber.Ctx) error { return h.toMember(c, h.Inbox.HandOver) }

// toMember does what the admin asks about the person {"handle"} names and
// answers with the conversation.
func (h *API) toMember(c *fiber.Ctx, do func(ctx context.Context, me, id, who int64) error) error {
	me, id, err := conversationID(c)
	if err != nil {
		return err
	}
	who, err := h.personBody(c, me)
	if err != nil {
		return err
	}
	if err := do(c.UserContext(), me, id, who); err != nil {
		return err
	}
	return h.sendConversation(c, me, id)
}

// ConversationMemberRemove takes :handle out of a group (its admin), or
// is leaving when :handle is you.
func (h *API) ConversationMemberRemove(c *fiber.Ctx) error {
	me, id, err := conversationID(c)
	if err != nil {
		return err
	}
	p, err := h.Inbox.Person(c.UserContext(), me, c.Params("handle"))
	if err != nil {
		return err
	}
	if err := h.Inbox.RemoveMember(c.UserContext(), me, id, p.ID); err != nil {
		return err
	}
	if p.ID == me {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return h.sendConversation(c, me, id)
}
