package handlers

import (
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

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
		return safeNext(back)
	}
	if ref, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && ref.Path != "" {
		return safeNext(ref.RequestURI())
	}
	return "/c/" + url.PathEscape(slug)
}

// messageTag is POST /c/:slug/messages/:id/tags (staff): tag a message or its
// whole thread.
func (h *Handlers) messageTag(c *fiber.Ctx) error { return h.messageTagForm(c, true) }

// messageUntag is POST /c/:slug/messages/:id/tags/:tag/remove.
func (h *Handlers) messageUntag(c *fiber.Ctx) error { return h.messageTagForm(c, false) }

func (h *Handlers) messageTagForm(c *fiber.Ctx, on bool) error {
	cc, err := h.channelContext(c)
	if err != nil {
		return err
	}
	id, err := messageIDParam(c)
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
		res, err = h.Transcripts.Tag(c.UserContext(), viewerOf(c).User.ID, cc.Channel, in)
	} else {
		res, err = h.Transcripts.Untag(c.UserContext(), viewerOf(c).User.ID, cc.Channel, in)
	}
	var fe *model.FieldError
	switch {
	case errors.As(err, &fe):
		h.flash(c, "error", fe.Message)
		return seeOther(c, back)
	case err != nil:
		return err
	}
	indexed := h.Transcripts.WaitIndexed(c.UserContext(), res.Changed, 3*time.Second)
	if on {
		h.flash(c, "success", "Tagged "+plural(len(res.Changed), "message", "messages")+" with "+res.Tag.Name+"."+notYetIndexed(indexed))
	} else {
		h.flash(c, "success", "Removed "+res.Tag.Name+" from "+plural(len(res.Changed), "message", "messages")+"."+notYetIndexed(indexed))
	}
	return seeOther(c, back)
}

type apiTagBody struct {
	Tag    string `json:"tag"`
	Colour string `json:"colour"`
	Thread bool   `json:"thread"`
}

// apiMessageTag is POST /api/v1/channels/:slug/messages/:id/tags
// {"tag":"follow-up","colour":"#fde68a","thread":false}.
func (h *Handlers) apiMessageTag(c *fiber.Ctx) error {
	cc, err := h.channelContext(c)
	if err != nil {
		return err
	}
	id, err := messageIDParam(c)
	if err != nil {
		return err
	}
	var body apiTagBody
	if err := decodeJSON(c, &body, false); err != nil {
		return err
	}
	res, err := h.Transcripts.Tag(c.UserContext(), viewerOf(c).User.ID, cc.Channel,
		transcripts.TagInput{MessageIDs: []int64{id}, Tag: body.Tag, Colour: body.Colour, Thread: body.Thread})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tag": fiber.Map{"name": res.Tag.Name, "colour": res.Tag.Colour}, "tagged": orEmpty(res.Changed)})
}

// apiMessageUntag is DELETE /api/v1/channels/:slug/messages/:id/tags/:tag
// (?thread=true for the whole thread).
func (h *Handlers) apiMessageUntag(c *fiber.Ctx) error {
	cc, err := h.channelContext(c)
	if err != nil {
		return err
	}
	id, err := messageIDParam(c)
	if err != nil {
		return err
	}
	res, err := h.Transcripts.Untag(c.UserContext(), viewerOf(c).User.ID, cc.Channel,
		transcripts.TagInput{MessageIDs: []int64{id}, Tag: c.Params("tag"), Thread: c.QueryBool("thread", false)})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tag": fiber.Map{"name": res.Tag.Name, "colour": res.Tag.Colour}, "untagged": orEmpty(res.Changed)})
}

func orEmpty(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}
