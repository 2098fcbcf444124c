package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/inbox"
	"backchannel/model"
)

// Conversations lists your conversations in the inbox, newest activity
// first, with unread counts and the total.
func (h *API) Conversations(c *fiber.Ctx) error {
	return h.conversationList(c, model.FolderInbox)
}

// Requests lists your message requests (conversations from people you
// don't follow), newest first.
func (h *API) Requests(c *fiber.Ctx) error {
	return h.conversationList(c, model.FolderRequests)
}

func (h *API) conversationList(c *fiber.Ctx, folder model.Folder) error {
	ctx, me := c.UserContext(), web.ViewerOf(c).User.ID
	ss, err := h.Inbox.Conversations(ctx, me, folder)
	if err != nil {
		return err
	}
	out := fiber.Map{"conversations": toAPISummaries(ss)}
	if folder == model.FolderInbox {
		n, err := h.Inbox.UnreadTotal(ctx, me)
		if err != nil {
			return err
		}
		out["unread"] = n
	}
	return c.JSON(out)
}

// ConversationCreate starts a conversation: {"members": [handles], "title",
// "body", "attachments": [upload ids], "about_channel"}. One other person and no title: your 1:1 with
// them (the same one each time); more, or a title: a group you administer.
func (h *API) ConversationCreate(c *fiber.Ctx) error {
	var body struct {
		Members      []string `json:"members"`
		Title        string   `json:"title"`
		Body         string   `json:"body"`
		Group        bool     `json:"group"`
		AboutChannel string   `json:"about_channel"`
		Attachments  []int64  `json:"attachments"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	v, m, err := h.Inbox.Start(c.UserContext(), web.ViewerOf(c).User.ID, inbox.StartInput{Handles: body.Members,
		Title: body.Title, Group: body.Group, Body: body.Body, AboutChannel: body.AboutChannel,
		Attachments: body.Attachments})
	if err != nil {
		return err
	}
	out := fiber.Map{"conversation": toAPIConversation(v), "message": nil}
	if m != nil {
		out["message"] = toAPIDM(m)
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}
