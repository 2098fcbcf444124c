package pages

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/inbox"
)

// The actions of a conversation page: each a plain form post (the page's
// script sends it with fetch and lets the stream bring the change), which
// calls one inbox use case. Who may do what (members only, the admin, the
// author, the edit window) is the use case's to decide.

// dmTarget is the conversation (and message) a post names, and where the
// page goes back to.
type dmTarget struct {
	me, conv, msg int64
	back          string
}

func (h *Pages) dmTarget(c *fiber.Ctx, withMessage bool) (dmTarget, error) {
	t := dmTarget{me: web.ViewerOf(c).User.ID}
	var err error
	if t.conv, err = web.IDParam(c, "id"); err != nil {
		return t, err
	}
	t.back = "/inbox/" + strconv.FormatInt(t.conv, 10)
	if withMessage {
		if t.msg, err = web.IDParam(c, "mid"); err != nil {
			return t, err
		}
	}
	return t, nil
}

// InboxPost posts a message (reply_to: quoting one; attachments: upload
// ids, repeated).
func (h *Pages) InboxPost(c *fiber.Ctx) error {
	t, err := h.dmTarget(c, false)
	if err != nil {
		return err
	}
	replyTo, _ := strconv.ParseInt(c.FormValue("reply_to"), 10, 64)
	files, err := web.FormAttachmentIDs(c)
	if err != nil {
		return h.dmRefused(c, t.back, err)
	}
	if _, err := h.Inbox.Post(c.UserContext(), t.me, t.conv, inbox.PostInput{Body: c.FormValue("body"), ReplyToID: max(replyTo, 0),
		Attachments: files}); err != nil {
		return h.dmRefused(c, t.back, err)
	}
	return h.dmDone(c, t.back+"#dm-compose", "")
}

// InboxEdit changes the text of the viewer's own message (within the edit
// window).
func (h *Pages) InboxEdit(c *fiber.Ctx) error {
	t, err := h.dmTarget(c, true)
	if err != nil {
		return err
	}
	if _, err := h.Inbox.Edit(c.UserContext(), t.me, t.conv, t.msg, c.FormValue("body")); err != nil {
		return h.dmRefused(c, t.back, err)
	}
	return h.dmDone(c, t.back, "")
}

// InboxDelete deletes the viewer's own message for everyone (a tombstone).
func (h *Pages) InboxDelete(c *fiber.Ctx) error {
	t, err := h.dmTarget(c, true)
	if err != nil {
		return err
	}
	if err := h.Inbox.Delete(c.UserContext(), t.me, t.conv, t.msg); err != nil {
		return h.dmRefused(c, t.back, err)
	}
	return h.dmDone(c, t.back, "")
}

// InboxReact toggles the viewer's reaction with an emoji of the set.
func (h *Pages) InboxReact(c *fiber.Ctx) error {
	t, err := h.dmTarget(c, true)
	if err != nil {
		return err
	}
	ctx, emoji := c.UserContext(), c.FormValue("emoji")
	m, err := h.Inbox.Message(ctx, t.me, t.conv, t.msg)
	if err != nil {
		return h.dmRefused(c, t.back, err)
	}
	on := true
	for _, r := range m.Reactions {
		if r.Emoji == emoji && r.Mine {
			on = false
		}
	}
	if err := h.Inbox.React(ctx, t.me, t.conv, t.msg, emoji, on); err != nil {
		return h.dmRefused(c, t.back, err)
	}
	return h.dmDone(c, t.back, "")
}

// InboxRead moves the viewer's read marker to a message (through).
func (h *Pages) InboxRead(c *fiber.Ctx) error {
	t, err := h.dmTarget(c, false)
	if err != nil {
		return err
	}
	through, _ := strconv.ParseInt(c.FormValue("through"), 10, 64)
	if err := h.Inbox.MarkRead(c.UserContext(), t.me, t.conv, through); err != nil {
		return h.dmRefused(c, t.back, err)
	}
	return h.dmDone(c, t.back, "")
}

// InboxLeave leaves a group (the admin's role passes on).
func (h *Pages) InboxLeave(c *fiber.Ctx) error {
	t, err := h.dmTarget(c, false)
	if err != nil {
		return err
	}
	if err := h.Inbox.Leave(c.UserContext(), t.me, t.conv); err != nil {
		return h.dmRefused(c, t.back, err)
	}
	h.Flash(c, "success", "You left the conversation.")
	return web.SeeOther(c, "/inbox")
}

// InboxDeleteChat deletes the conversation from the viewer's own view.
func (h *Pages) InboxDeleteChat(c *fiber.Ctx) error {
	t, err := h.dmTarget(c, false)
	if err != nil {
		return err
	}
	if err := h.Inbox.DeleteForMe(c.UserContext(), t.me, t.conv); err != nil {
		return h.dmRefused(c, t.back, err)
	}
	h.Flash(c, "success", "Chat deleted from your inbox. Others keep theirs.")
	return web.SeeOther(c, "/inbox")
}

// InboxMemberAdd adds someone (by handle) to a group: the admin only, up
// to the group's limit.
func (h *Pages) InboxMemberAdd(c *fiber.Ctx) error {
	t, err := h.dmTarget(c, false)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	p, err := h.Inbox.Person(ctx, t.me, c.FormValue("handle"))
	if err == nil {
		err = h.Inbox.AddMember(ctx, t.me, t.conv, p.ID)
	}
	if err != nil {
		return h.dmRefused(c, t.back, err)
	}
	return h.dmDone(c, t.back, p.DisplayName+" was added.")
}

// InboxMemberRemove removes a member from a group (the admin only).
func (h *Pages) InboxMemberRemove(c *fiber.Ctx) error {
	return h.dmMemberAction(c, h.Inbox.RemoveMember)
}

// InboxHandOver makes another member the group's admin.
func (h *Pages) InboxHandOver(c *fiber.Ctx) error {
	return h.dmMemberAction(c, h.Inbox.HandOver)
}

func (h *Pages) dmMemberAction(c *fiber.Ctx, act func(ctx context.Context, me, conv, who int64) error) error {
	t, err := h.dmTarget(c, false)
	if err != nil {
		return err
	}
	who, err := web.IDParam(c, "user")
	if err != nil {
		return err
	}
	if err := act(c.UserContext(), t.me, t.conv, who); err != nil {
		return h.dmRefused(c, t.back, err)
	}
	return h.dmDone(c, t.back, "")
}

// InboxRename renames a group (the admin only).
func (h *Pages) InboxRename(c *fiber.Ctx) error {
	t, err := h.dmTarget(c, false)
	if err != nil {
		return err
	}
	if err := h.Inbox.Rename(c.UserContext(), t.me, t.conv, strings.TrimSpace(c.FormValue("title"))); err != nil {
		return h.dmRefused(c, t.back, err)
	}
	return h.dmDone(c, t.back, "Renamed.")
}

// InboxAccept moves a request to the inbox.
func (h *Pages) InboxAccept(c *fiber.Ctx) error {
	t, err := h.dmTarget(c, false)
	if err != nil {
		return err
	}
	if err := h.Inbox.Accept(c.UserContext(), t.me, t.conv); err != nil {
		return h.dmRefused(c, "/inbox/requests", err)
	}
	return web.SeeOther(c, t.back)
}

// InboxDecline deletes a request (the sender is not told); with block=1
// it also blocks the sender.
func (h *Pages) InboxDecline(c *fiber.Ctx) error {
	t, err := h.dmTarget(c, false)
	if err != nil {
		return err
	}
	block := c.FormValue("block") != ""
	if err := h.Inbox.DeleteRequest(c.UserContext(), t.me, t.conv, block); err != nil {
		return h.dmRefused(c, "/inbox/requests", err)
	}
	msg := "Request deleted."
	if block {
		msg = "Request deleted and its sender blocked."
	}
	h.Flash(c, "success", msg)
	return web.SeeOther(c, "/inbox/requests")
}
