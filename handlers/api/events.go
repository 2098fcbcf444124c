package api

import (
	"context"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/live"
)

// Events streams a channel's events as Server-Sent Events for API
// clients: each event's id is its seq and its data one JSON object
// {"type", "seq", "message"?} (the message as this viewer sees it, as the
// server read it at or after the event; later changes come as later
// events). An
// event the viewer may not see goes out as its id alone, so the client's
// position still advances. Reconnect with Last-Event-ID (or ?since=) to get
// exactly what was missed.
func (h *API) Events(c *fiber.Ctx) error {
	if _, err := live.LastEventID(c.Get("Last-Event-ID"), c.Query("since")); err != nil {
		return web.BadRequest("Last-Event-ID and ?since= are a non-negative event id (a seq).")
	}
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	// Copied now: the stream outlives the request's fiber context.
	slug, staff, channelID, frames := cc.Channel.Slug, cc.Viewer.Staff, cc.Channel.ID, h.Frames
	encode := func(_ context.Context, ch chat.Change) (web.Frame, bool, error) {
		if ch.Event.MessageID != nil && ch.Item == nil {
			return web.Frame{}, false, nil
		}
		// Encoded once per audience: every stream whose viewer sees the
		// event the same way gets the same bytes.
		key := live.FrameKey{Channel: channelID, Seq: ch.Event.Seq, Audience: "json|" + audienceOf(ch.Item, staff)}
		data, err := frames.Get(key, func() ([]byte, error) {
			ev := apiEvent{Type: ch.Event.Kind, Seq: ch.Event.Seq}
			if ch.Item != nil {
				m := toAPIMessage(ch.Item, slug, staff)
				ev.Message = &m
			}
			return json.Marshal(ev)
		})
		if err != nil {
			return web.Frame{}, false, err
		}
		return web.Frame{Data: data}, true, nil
	}
	return h.Stream(c, cc, encode)
}

// audienceOf is what about the viewer changes an event's JSON: staff or not,
// and the item as the viewer sees it (chat.Item.Audience). Viewers with the
// same audience get the same bytes.
func audienceOf(it *chat.Item, staff bool) string {
	if it == nil {
		return string(chat.Bit(staff))
	}
	return string(chat.Bit(staff)) + it.Audience()
}
