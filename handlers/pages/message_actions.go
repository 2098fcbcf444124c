package pages

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/views"
)

// messageResult answers an action on one message: the message as it is now
// (htmx swaps it in place; the stream brings the same to everyone else), or a
// redirect back to it without JavaScript. A refusal shows on the message.
func (h *Pages) messageResult(c *fiber.Ctx, cc *web.ChannelCtx, id int64, actErr error) error {
	ctx := c.UserContext()
	status := fiber.StatusOK
	msg := ""
	if actErr != nil {
		status = web.StatusOf(actErr)
		if status >= 500 || status == fiber.StatusNotFound || status == fiber.StatusUnauthorized {
			return actErr
		}
		web.SetRetryAfter(c, actErr)
		_, msg = web.PublicMessage(actErr, status)
	}
	if !web.IsHTMX(c) {
		if msg != "" {
			h.Flash(c, "error", msg)
		}
		return c.Redirect("/c/"+cc.Channel.Slug+"#m-"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
	}
	items, err := h.Chat.MessageItem(ctx, cc.Channel, cc.Viewer, id)
	if err != nil {
		return err
	}
	vm := messageView(cc.Channel.Slug, cc.Viewer, *items)
	if msg != "" {
		vm.EditError = msg
		if !vm.CanEdit {
			return web.Render(c, status, views.ErrorFragment(views.ErrorPage{Status: status, Heading: "That did not work", Message: msg}))
		}
	}
	return web.Render(c, status, views.MessageView(vm))
}

func (h *Pages) messageAction(c *fiber.Ctx, act func(cc *web.ChannelCtx, id int64) error) error {
	cc, id, err := h.ViewableMessage(c)
	if err != nil {
		return err
	}
	return h.messageResult(c, cc, id, act(cc, id))
}

// MessageEdit changes the text of one's own message.
func (h *Pages) MessageEdit(c *fiber.Ctx) error {
	return h.messageAction(c, func(cc *web.ChannelCtx, id int64) error {
		_, err := h.Chat.Edit(c.UserContext(), cc.Channel, cc.Viewer, id, c.FormValue("body"))
		return err
	})
}

// MessageDelete removes one's own message (or any, for staff).
func (h *Pages) MessageDelete(c *fiber.Ctx) error {
	return h.messageAction(c, func(cc *web.ChannelCtx, id int64) error {
		_, err := h.Chat.Delete(c.UserContext(), cc.Channel, cc.Viewer, id)
		return err
	})
}

// MessageReact toggles an emoji reaction.
func (h *Pages) MessageReact(c *fiber.Ctx) error {
	return h.messageAction(c, func(cc *web.ChannelCtx, id int64) error {
		_, err := h.Chat.React(c.UserContext(), cc.Channel, cc.Viewer, id, c.FormValue("emoji"))
		return err
	})
}

// MessageVote toggles an upvote on a question.
func (h *Pages) MessageVote(c *fiber.Ctx) error {
	return h.messageAction(c, func(cc *web.ChannelCtx, id int64) error {
		_, err := h.Chat.ToggleVote(c.UserContext(), cc.Channel, cc.Viewer, id)
		return err
	})
}
