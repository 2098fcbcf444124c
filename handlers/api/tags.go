package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/transcripts"
)

type apiTagBody struct {
	Tag    string `json:"tag"`
	Colour string `json:"colour"`
	Thread bool   `json:"thread"`
}

// MessageTag is POST /api/v1/channels/:slug/messages/:id/tags
// {"tag":"follow-up","colour":"#fde68a","thread":false}.
func (h *API) MessageTag(c *fiber.Ctx) error {
	cc, id, err := h.ChannelMessage(c)
	if err != nil {
		return err
	}
	var body apiTagBody
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	res, err := h.Transcripts.Tag(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel,
		transcripts.TagInput{MessageIDs: []int64{id}, Tag: body.Tag, Colour: body.Colour, Thread: body.Thread})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tag": fiber.Map{"name": res.Tag.Name, "colour": res.Tag.Colour}, "tagged": web.OrEmpty(res.Changed)})
}

// MessageUntag is DELETE /api/v1/channels/:slug/messages/:id/tags/:tag
// (?thread=true for the whole thread).
func (h *API) MessageUntag(c *fiber.Ctx) error {
	cc, id, err := h.ChannelMessage(c)
	if err != nil {
		return err
	}
	res, err := h.Transcripts.Untag(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel,
		transcripts.TagInput{MessageIDs: []int64{id}, Tag: c.Params("tag"), Thread: c.QueryBool("thread", false)})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tag": fiber.Map{"name": res.Tag.Name, "colour": res.Tag.Colour}, "untagged": web.OrEmpty(res.Changed)})
}
