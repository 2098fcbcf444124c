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
// {"type", "seq", "message"?} (the message as this viewer sees it now). An
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
	slug, staff := cc.Channel.Slug, cc.Viewer.Staff
	encode := func(_ context.Context, ch chat.Change) (web.Frame, bool, error) {
		ev := apiEvent{Type: ch.Event.Kind, Seq: ch.Event.Seq}
		if ch.Event.MessageID != nil {
			if ch.Item == nil {
				return web.Frame{}, false, nil
			}
			m := toAPIMessage(ch.Item, slug, staff)
			ev.Message = &m
		}
		data, err := json.Marshal(ev)
		if err != nil {
			return web.Frame{}, false, err
		}
		return web.Frame{Data: data}, true, nil
	}
	return h.Stream(c, cc, encode)
}
