package api

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
)

// Page sizes of GET /api/v1/channels/:slug/messages.
const (
	apiMessagesDefault = 50
	apiMessagesMax     = 200
)

// Messages lists a channel's messages created after ?after= (a seq),
// oldest first, or with ?before= (a seq) those created before it, newest
// first; ?limit= at a time (clamped to 1…200). last_seq is the seq to pass
// as after (or before) for the next page; has_more says whether there is one.
func (h *API) Messages(c *fiber.Ctx) error {
	after, err := queryInt(c, "after", 0)
	if err != nil {
		return err
	}
	before, err := queryInt(c, "before", 0)
	if err != nil {
		return err
	}
	if before > 0 && after > 0 {
		return web.BadRequest("Give ?after= or ?before=, not both.")
	}
	limit, err := queryInt(c, "limit", apiMessagesDefault)
	if err != nil {
		return err
	}
	limit = min(max(limit, 1), apiMessagesMax)
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	// One more than asked tells whether another page follows.
	var items []chat.Item
	if before > 0 {
		after = before
		items, err = h.Chat.MessagesBefore(c.UserContext(), cc.Channel, cc.Viewer, before, int(limit)+1)
	} else {
		items, err = h.Chat.Messages(c.UserContext(), cc.Channel, cc.Viewer, after, int(limit)+1)
	}
	if err != nil {
		return err
	}
	more := len(items) > int(limit)
	if more {
		items = items[:limit]
	}
	out := make([]apiMessage, 0, len(items))
	last := after
	for i := range items {
		out = append(out, toAPIMessage(&items[i], cc.Channel.Slug, cc.Viewer.Staff))
		last = items[i].Message.Seq
	}
	return c.JSON(fiber.Map{"messages": out, "last_seq": last, "has_more": more})
}

// queryInt reads a non-negative integer query parameter.
func queryInt(c *fiber.Ctx, name string, def int64) (int64, error) {
	v := strings.TrimSpace(c.Query(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, web.BadRequest("?" + name + "= must be a non-negative integer.")
	}
	return n, nil
}

// MessagePost posts a comment, a question or a reply.
func (h *API) MessagePost(c *fiber.Ctx) error {
	var body struct {
		Body      string            `json:"body"`
		Kind      model.MessageKind `json:"kind"`
		ParentID  *int64            `json:"parent_id"`
		Anonymous bool              `json:"anonymous"`
		// Attachments are ids of one's own uploads (POST /api/v1/uploads).
		Attachments []int64 `json:"attachments"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	in := chat.PostInput{Body: body.Body, Kind: body.Kind, Anonymous: body.Anonymous, Attachments: body.Attachments}
	if body.ParentID != nil {
		if *body.ParentID <= 0 {
			return model.Invalid("parent_id", "The message you reply to does not exist here.")
		}
		in.ParentID = *body.ParentID
	}
	ctx := c.UserContext()
	m, err := h.Chat.Post(ctx, cc.Channel, cc.Viewer, in)
	if err != nil {
		return err
	}
	it := h.Chat.PostedItem(cc.Viewer, m)
	out := toAPIMessage(&it, cc.Channel.Slug, cc.Viewer.Staff)
	if err := h.withAttachments(ctx, &out); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// sendMessage writes message id as the viewer sees it now.
func (h *API) sendMessage(c *fiber.Ctx, cc *web.ChannelCtx, id int64) error {
	it, err := h.Chat.MessageItem(c.UserContext(), cc.Channel, cc.Viewer, id)
	if err != nil {
		return err
	}
	return c.JSON(toAPIMessage(it, cc.Channel.Slug, cc.Viewer.Staff))
}

// MessageEdit changes the body of the author's own message within the
// edit window.
func (h *API) MessageEdit(c *fiber.Ctx) error {
	var body struct {
		Body string `json:"body"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	cc, id, err := h.ViewableMessage(c)
	if err != nil {
		return err
	}
	if _, err := h.Chat.Edit(c.UserContext(), cc.Channel, cc.Viewer, id, body.Body); err != nil {
		return err
	}
	return h.sendMessage(c, cc, id)
}

// MessageDelete removes a message (its author or staff).
func (h *API) MessageDelete(c *fiber.Ctx) error {
	cc, id, err := h.ViewableMessage(c)
	if err != nil {
		return err
	}
	if _, err := h.Chat.Delete(c.UserContext(), cc.Channel, cc.Viewer, id); err != nil {
		return err
	}
	return h.sendMessage(c, cc, id)
}

func (h *API) ReactionPut(c *fiber.Ctx) error    { return h.apiReactionSet(c, true) }
func (h *API) ReactionDelete(c *fiber.Ctx) error { return h.apiReactionSet(c, false) }

// apiReactionSet puts the user's :emoji (URL-escaped) on a message or takes
// it off; either is idempotent.
func (h *API) apiReactionSet(c *fiber.Ctx, on bool) error {
	cc, id, err := h.ViewableMessage(c)
	if err != nil {
		return err
	}
	emoji, err := url.PathUnescape(c.Params("emoji"))
	if err != nil {
		return web.BadRequest("The emoji in the address is not properly escaped.")
	}
	if err := h.Chat.SetReaction(c.UserContext(), cc.Channel, cc.Viewer, id, paletteEmoji(emoji), on); err != nil {
		return err
	}
	return h.sendMessage(c, cc, id)
}

// paletteEmoji maps e to the palette's spelling, so that a client may leave
// out (or add) the emoji variation selector: ❤ is ❤️.
func paletteEmoji(e string) string {
	bare := strings.TrimSuffix(e, "\uFE0F")
	for _, p := range model.Reactions() {
		if strings.TrimSuffix(p, "\uFE0F") == bare {
			return p
		}
	}
	return e
}

func (h *API) VotePut(c *fiber.Ctx) error    { return h.apiVoteSet(c, true) }
func (h *API) VoteDelete(c *fiber.Ctx) error { return h.apiVoteSet(c, false) }

// apiVoteSet upvotes a question or takes the vote back; one vote per person.
func (h *API) apiVoteSet(c *fiber.Ctx, up bool) error {
	cc, id, err := h.ViewableMessage(c)
	if err != nil {
		return err
	}
	n, err := h.Chat.Vote(c.UserContext(), cc.Channel, cc.Viewer, id, up)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"vote_count": n, "voted": up})
}
