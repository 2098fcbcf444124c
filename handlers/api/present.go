package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/moderation"
)

// apiBoardMessage is a message on the presenter board: as participants see
// it, with whether it is pinned and highlighted.
type apiBoardMessage struct {
	apiMessage
	Pinned      bool `json:"pinned"`
	Highlighted bool `json:"highlighted"`
	Answered    bool `json:"answered"`
}

func toAPIBoardMessage(it *chat.Item, slug string) apiBoardMessage {
	m := &it.Message
	return apiBoardMessage{apiMessage: toAPIMessage(it, slug, false), Pinned: m.Pinned, Highlighted: m.Highlighted, Answered: m.Answered}
}

// Present is the presenter view's board as JSON, for hosts, moderators and
// admins of the channel: the join link (and code), the open questions
// (pinned first, then by votes) and the highlighted message, as the room
// sees them. The event stream says when to read it again.
func (h *API) Present(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	ch := cc.Channel
	b, err := h.Chat.Board(c.UserContext(), ch)
	if err != nil {
		return err
	}
	out := struct {
		Channel     string            `json:"channel"`
		Title       string            `json:"title"`
		JoinURL     string            `json:"join_url"`
		JoinCode    *string           `json:"join_code"`
		Questions   []apiBoardMessage `json:"questions"`
		Highlighted *apiBoardMessage  `json:"highlighted"`
	}{Channel: ch.Slug, Title: ch.Title, JoinURL: h.JoinURL(ch.Slug), Questions: make([]apiBoardMessage, 0, len(b.Questions))}
	if ch.Visibility == model.VisibilityJoinCode {
		out.JoinCode = &ch.JoinCode
	}
	for i := range b.Questions {
		out.Questions = append(out.Questions, toAPIBoardMessage(&b.Questions[i], ch.Slug))
	}
	if b.Highlighted != nil {
		m := toAPIBoardMessage(b.Highlighted, ch.Slug)
		out.Highlighted = &m
	}
	return c.JSON(out)
}

// PresentAction is what a host does from the presenter view: {"action"}
// one of answer, unanswer, pin, unpin, highlight, unhighlight. 200 with the
// message and the audit entry's id.
func (h *API) PresentAction(c *fiber.Ctx) error {
	var body struct {
		Action string `json:"action"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	act := model.ModAction(strings.TrimSpace(body.Action))
	if !moderation.HostAction(act) {
		return model.Invalid("action", "The action is one of answer, unanswer, pin, unpin, highlight and unhighlight.")
	}
	cc, id, err := h.ChannelMessage(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	d, err := h.Moderation.Moderate(ctx, cc.Channel, cc.Viewer, id, act, moderation.ModInput{})
	if err != nil {
		return err
	}
	it, err := h.Chat.MessageItem(ctx, cc.Channel, cc.Viewer, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"message": toAPIBoardMessage(it, cc.Channel.Slug), "audit_id": d.AuditID})
}
