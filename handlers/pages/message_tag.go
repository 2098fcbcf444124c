package pages

import (
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/transcripts"
)

// tagInputFromForm reads a tag form: tag, colour, thread.
func tagInputFromForm(c *fiber.Ctx, id int64) transcripts.TagInput {
	return transcripts.TagInput{MessageIDs: []int64{id}, Tag: c.FormValue("tag"), Colour: c.FormValue("colour"),
		Thread: c.FormValue("thread") != ""}
}

// tagBack is where a tag form returns: the page it came from (a transcript,
// the wall, search results), or the channel.
func tagBack(c *fiber.Ctx, slug string) string {
	if back := c.FormValue("back"); back != "" {
		return web.SafeNext(back)
	}
	if ref, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && ref.Path != "" {
		return web.SafeNext(ref.RequestURI())
	}
	return "/c/" + url.PathEscape(slug)
}

// MessageTag is POST /c/:slug/messages/:id/tags (staff): tag a message or its
// whole thread.
func (h *Pages) MessageTag(c *fiber.Ctx) error { return h.messageTagForm(c, true) }

// MessageUntag is POST /c/:slug/messages/:id/tags/:tag/remove.
func (h *Pages) MessageUntag(c *fiber.Ctx) error { return h.messageTagForm(c, false) }

func (h *Pages) messageTagForm(c *fiber.Ctx, on bool) error {
	cc, id, err := h.ChannelMessage(c)
	if err != nil {
		return err
	}
	in := tagInputFromForm(c, id)
	if !on {
		in.Tag = c.Params("tag")
	}
	back := tagBack(c, cc.Channel.Slug)
	var res *transcripts.TagResult
	if on {
		res, err = h.Transcripts.Tag(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel, in)
	} else {
		res, err = h.Transcripts.Untag(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel, in)
	}
	var fe *model.FieldError
	switch {
	case errors.As(err, &fe):
		h.Flash(c, "error", fe.Message)
		return web.SeeOther(c, back)
	case err != nil:
		return err
	}
	indexed := h.Transcripts.WaitIndexed(c.UserContext(), res.Changed, 3*time.Second)
	if on {
		h.Flash(c, "success", "Tagged "+plural(len(res.Changed), "message", "messages")+" with "+res.Tag.Name+"."+notYetIndexed(indexed))
	} else {
		h.Flash(c, "success", "Removed "+res.Tag.Name+" from "+plural(len(res.Changed), "message", "messages")+"."+notYetIndexed(indexed))
	}
	return web.SeeOther(c, back)
}
