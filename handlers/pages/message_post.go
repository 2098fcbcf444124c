package pages

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// MessagePost posts a comment, question or reply. With htmx the answer is a
// fresh compose form (the message itself arrives over the stream, as it
// does for everyone); without JavaScript, a redirect back to the channel.
// A refused post comes back in the form, with what was typed kept.
func (h *Pages) MessagePost(c *fiber.Ctx) error {
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	ch := cc.Channel
	parentID, _ := strconv.ParseInt(c.FormValue("parent_id"), 10, 64)
	in := chat.PostInput{Body: c.FormValue("body"), Kind: model.MessageKind(c.FormValue("kind")),
		ParentID: parentID, Anonymous: c.FormValue("anonymous") != ""}
	m, err := h.Chat.Post(c.UserContext(), ch, cc.Viewer, in)
	form := compose(ch)
	form.ParentID = parentID
	if parentID != 0 {
		form.MaxLength = ch.MaxLength
	}
	if err != nil {
		status := web.StatusOf(err)
		if status >= 500 {
			return err
		}
		web.SetRetryAfter(c, err)
		_, msg := web.PublicMessage(err, status)
		form.Body, form.Kind, form.Anonymous, form.Error = in.Body, string(in.Kind), in.Anonymous, msg
		if !web.IsHTMX(c) {
			h.Flash(c, "error", msg)
			return c.Redirect("/c/"+ch.Slug, fiber.StatusSeeOther)
		}
		return web.Render(c, status, views.ComposeForm(web.CSRFOf(c), form))
	}
	if !web.IsHTMX(c) {
		return c.Redirect("/c/"+ch.Slug+"#m-"+strconv.FormatInt(m.ID, 10), fiber.StatusSeeOther)
	}
	form.Kind = string(in.Kind)
	form.Anonymous = in.Anonymous
	return web.Render(c, fiber.StatusOK, views.ComposeForm(web.CSRFOf(c), form))
}
