package pages

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/views"
)

// renderSessionStep shows the host's page for step ("start", "rename" or
// "end") of the channel's session.
func (h *Pages) renderSessionStep(c *fiber.Ctx, status int, cc *web.ChannelCtx, step string, f views.Form) error {
	d := views.SessionStep{Slug: cc.Channel.Slug, Channel: cc.Channel.Title, Step: step, Form: f}
	if step != "start" {
		live, err := h.Chat.LiveSession(c.UserContext(), cc.Channel)
		if err != nil {
			return err
		}
		if live == nil {
			h.Flash(c, "info", "No session is running in this channel.")
			return web.SeeOther(c, "/c/"+cc.Channel.Slug)
		}
		d.Current = live.Title
		if _, typed := f.Values["title"]; !typed {
			d.Form.Values["title"] = live.Title
		}
	}
	title := map[string]string{"start": "Start a session", "rename": "Rename the session", "end": "End the session"}[step]
	return web.Render(c, status, views.SessionStepPage(h.Page(c, title+" · "+cc.Channel.Title, "/channels"), d))
}

// SessionStartForm asks for the name of the session to start.
func (h *Pages) SessionStartForm(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	return h.renderSessionStep(c, fiber.StatusOK, cc, "start", web.FormOf(c, "title"))
}

// SessionStart starts a session (a class meeting or talk) in the channel,
// named by the form's title.
func (h *Pages) SessionStart(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	f := web.FormOf(c, "title")
	sess, err := h.Chat.StartSession(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel, f.Value("title"))
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderSessionStep(c, status, cc, "start", f)
	}
	h.Flash(c, "success", "“"+sess.Title+"” is live.")
	return web.SeeOther(c, "/c/"+cc.Channel.Slug)
}

// SessionRenameForm asks for the live session's new name.
func (h *Pages) SessionRenameForm(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	return h.renderSessionStep(c, fiber.StatusOK, cc, "rename", views.Form{Values: map[string]string{}, Errors: map[string]string{}})
}

// SessionRename renames the live session.
func (h *Pages) SessionRename(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	f := web.FormOf(c, "title")
	live, err := h.Chat.LiveSession(c.UserContext(), cc.Channel)
	if err == nil && live == nil {
		return h.renderSessionStep(c, fiber.StatusOK, cc, "rename", f) // says that none is running
	}
	if err == nil {
		_, err = h.Chat.RenameSession(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel, live.ID, f.Value("title"))
	}
	if err != nil {
		status, err := web.FormError(&f, err)
		if err != nil {
			return err
		}
		return h.renderSessionStep(c, status, cc, "rename", f)
	}
	h.Flash(c, "success", "The session is now called “"+f.Value("title")+"”.")
	return web.SeeOther(c, "/c/"+cc.Channel.Slug)
}

// SessionEndConfirm asks whether to end the live session.
func (h *Pages) SessionEndConfirm(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	return h.renderSessionStep(c, fiber.StatusOK, cc, "end", views.Form{Values: map[string]string{}, Errors: map[string]string{}})
}

// SessionEnd ends the live session once the form confirms it (confirm=yes);
// without that it asks first and changes nothing.
func (h *Pages) SessionEnd(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		return h.renderSessionStep(c, fiber.StatusOK, cc, "end", views.Form{Values: map[string]string{}, Errors: map[string]string{}})
	}
	if _, err := h.Chat.EndSession(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel); err != nil {
		return err
	}
	h.Flash(c, "info", "The session has ended.")
	return web.SeeOther(c, "/c/"+cc.Channel.Slug)
}
