package pages

import (
	"errors"
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
	var m *model.Message
	in.Attachments, err = web.FormAttachmentIDs(c)
	if err == nil {
		m, err = h.Chat.Post(c.UserContext(), ch, cc.Viewer, in)
	}
	if err != nil && web.StatusOf(err) >= 500 {
		return err
	}
	// The fresh form tells where the poster stands now (slow mode's wait
	// after this post, a mute given meanwhile).
	form, serr := h.composeFor(c.UserContext(), ch, cc.Viewer)
	if serr != nil {
		return serr
	}
	form.ParentID = parentID
	if parentID != 0 {
		form.MaxLength = ch.MaxLength
		form.Muted, form.Wait = nil, 0
	}
	if err != nil {
		status := web.StatusOf(err)
		web.SetRetryAfter(c, err)
		_, msg := web.PublicMessage(err, status)
		form.Body, form.Kind, form.Anonymous, form.Error = in.Body, string(in.Kind), in.Anonymous, msg
		var rl *model.RateLimitError
		if errors.As(err, &rl) && parentID == 0 {
			form.Wait = rl.RetryAfter
		}
		if refusedFor(err, "guidelines_not_accepted") {
			// A new version came out since the page was opened: the banner
			// above shows it, and the post goes out once it is accepted.
			form.AwaitGuidelines = true
			form.Error = "The guidelines changed. Read what changed above and accept them: your message is sent right after."
			c.Set("HX-Trigger", `{"guidelineschanged": {"target": "#guidelines-notice"}}`)
		}
		if !web.IsHTMX(c) {
			h.Flash(c, "error", msg)
			return c.Redirect("/c/"+ch.Slug, fiber.StatusSeeOther)
		}
		return web.Render(c, status, views.ComposeForm(web.CSRFOf(c), form))
	}
	if !web.IsHTMX(c) {
		return c.Redirect("/c/"+ch.Slug+"#m-"+strconv.FormatInt(m.ID, 10), fiber.StatusSeeOther)
	}
	// Kind and anonymity go back to their defaults, as the text does: the
	// next message is a comment under the poster's name unless they choose.
	// The message itself comes over the stream; the page's script shows it
	// to its author when it lands (static/js/feed.js).
	setTrigger(c, "bc:posted", map[string]any{"id": "m-" + strconv.FormatInt(m.ID, 10)})
	return web.Render(c, fiber.StatusOK, views.ComposeForm(web.CSRFOf(c), form))
}
