package web

import (
	"bufio"
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/live"
	"backchannel/model"
)

// streamBatch is how many events a stream reads from the database at once.
const StreamBatch = 200

// frame is one SSE event to write: its data and optional event name.
type Frame struct {
	Event string
	Data  []byte
}

// encodeFunc turns a change into the frame a stream writes (ok false: send
// only the id, so the client's position still advances).
type encodeFunc func(ctx context.Context, ch chat.Change) (Frame, bool, error)

// stream serves a channel's events as Server-Sent Events from after (the
// client's Last-Event-ID or ?since=): first what it missed, read from the
// database, then each new event as the live hub wakes it. A heartbeat
// comment goes out every 15 s so that dead clients are noticed. Everything
// the closure needs is copied out of the fiber context first.
func (h *Base) Stream(c *fiber.Ctx, cc *ChannelCtx, encode encodeFunc) error {
	after, err := live.LastEventID(c.Get("Last-Event-ID"), c.Query("since"))
	if err != nil {
		return err
	}
	ch, viewer := cc.Channel, cc.Viewer
	svc, hub, log := h.Chat, h.Hub, h.Log
	c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache, no-store")
	c.Set(fiber.HeaderConnection, "keep-alive")
	c.Set("X-Accel-Buffering", "no")
	sub := hub.Subscribe(ch.ID)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer sub.Close()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		last := after
		// flushChanges writes every change after last; false when the client is gone.
		flushChanges := func() bool {
			for {
				changes, err := svc.Changes(ctx, ch, viewer, last, StreamBatch)
				if err != nil {
					log.Warn("stream: read changes", "channel", ch.ID, "err", err)
					return false
				}
				for _, change := range changes {
					if staffOnly(change.Event.Kind) && !viewer.Staff {
						// Not even the event's number: it would tell that
						// staff were at work.
						last = change.Event.Seq
						continue
					}
					f, ok, err := encode(ctx, change)
					if err != nil {
						log.Warn("stream: encode", "channel", ch.ID, "err", err)
						return false
					}
					if !ok {
						f = Frame{}
					}
					if err := live.WriteEvent(w, change.Event.Seq, f.Event, f.Data); err != nil {
						return false
					}
					last = change.Event.Seq
				}
				if len(changes) < StreamBatch {
					return true
				}
			}
		}
		if err := live.WriteRetry(w, 2000); err != nil {
			return
		}
		if !flushChanges() {
			return
		}
		heartbeat := time.NewTicker(live.HeartbeatInterval)
		defer heartbeat.Stop()
		for {
			select {
			case _, open := <-sub.C():
				if !open { // the hub closed: the server is shutting down
					return
				}
				if !flushChanges() {
					return
				}
			case <-heartbeat.C:
				if err := live.WriteComment(w, "ping"); err != nil {
					return
				}
			}
		}
	})
	return nil
}

// staffOnly reports whether events of kind k are for staff streams alone.
func staffOnly(k model.EventKind) bool {
	return k == model.EventStaffMessage || k == model.EventReport
}
