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
// does for everyone) and an HX-Trigger naming it, for the page to bring it
// into view; without JavaScript, a redirect back to the channel at it.
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
	// The message itself comes over the stream; the page's script shows it
	// to its author when it lands (static/js/feed.js).
	setTrigger(c, "bc:posted", map[string]any{"id": "m-" + strconv.FormatInt(m.ID, 10)})
	return web.Render(c, fiber.StatusOK, views.ComposeForm(web.CSRFOf(c), form))
}
