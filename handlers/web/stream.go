package web

import (
	"bufio"
	"context"
	"net"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/live"
	"backchannel/model"
)

// StreamBatch is how many events a stream reads from the database at once.
const StreamBatch = 200

// Frame is one SSE event to write: its data and optional event name.
type Frame struct {
	Event string
	Data  []byte
}

// EncodeFunc turns a change into the Frame a stream writes (ok false: send
// only the id, so the client's position still advances).
type EncodeFunc func(ctx context.Context, ch chat.Change) (Frame, bool, error)

// Stream serves a channel's events as Server-Sent Events from after (the
// client's Last-Event-ID or ?since=): first what it missed, read from the
// database, then each new event as the live hub wakes it (live.Stream runs
// the loop: retry, heartbeat, wake-ups). Everything the stream needs is
// copied out of the fiber context first.
func (h *Base) Stream(c *fiber.Ctx, cc *ChannelCtx, encode EncodeFunc) error {
	after, err := live.LastEventID(c.Get("Last-Event-ID"), c.Query("since"))
	if err != nil {
		return err
	}
	ch, viewer := cc.Channel, cc.Viewer
	svc, log := h.Chat, h.Log
	// When access changes anywhere, the stream asks again whether its
	// viewer may still see the channel as it did, and reads their
	// standing afresh from then on.
	recheck := h.channelRecheck(c, cc, func(v chat.Viewer) { viewer = v })
	last := after
	// flush writes every change after last.
	flush := func(ctx context.Context, w *bufio.Writer, _ int) error {
		for {
			changes, err := svc.Changes(ctx, ch, viewer, last, StreamBatch)
			if err != nil {
				log.Warn("stream: read changes", "channel", ch.ID, "err", err)
				return err
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
					return err
				}
				if !ok {
					f = Frame{}
				}
				live.BufferEvent(w, change.Event.Seq, f.Event, f.Data)
				last = change.Event.Seq
			}
			// One write to the socket for the whole batch.
			if err := w.Flush(); err != nil {
				return err
			}
			if len(changes) < StreamBatch {
				return nil
			}
		}
	}
	return h.ServeStream(c, cc.Viewer.Actor.GuestID, []*live.Subscription{h.Hub.Subscribe(ch.ID)}, flush, recheck)
}

// ServeStream answers c with an event stream: it sets the SSE headers and
// runs live.Stream over subs (which it takes over and closes) with flush,
// and with recheck whenever access changes (h.Access; see
// live.Stream.Recheck). A person (guestID: a channel's guest) over their cap
// of open streams (h.Streams) has their oldest ended; an address over its
// cap is refused with 429 and Retry-After, and subs are closed.
// The stream takes the connection over from fasthttp (Hijack) and runs on
// it in one goroutine, holding no buffer while idle (live.Conns). When the
// server keeps hijacked connections (handlers.New sets it), that goroutine
// is the stream's own and fasthttp's request context goes back to its pool
// at once; the stream closes the connection when it ends. flush runs after
// the handler has returned, so it must use nothing of c: copy what it needs
// first.
func (h *Base) ServeStream(c *fiber.Ctx, guestID int64, subs []*live.Subscription, flush live.FlushFunc,
	recheck func(ctx context.Context) (bool, error)) error {
	// Ended by the person's stream cap when they open one too many.
	ctx, end := context.WithCancel(context.Background())
	release, err := h.openStream(c, guestID, end)
	if err != nil {
		end()
		for _, s := range subs {
			s.Close()
		}
		return err
	}
	for _, hd := range live.StreamHeaders() {
		c.Set(hd.Name, hd.Value)
	}
	c.Status(fiber.StatusOK)
	c.Response().Header.SetContentLength(-1) // chunked
	// A copy: the header's own bytes are reused once the handler returns.
	head := append([]byte(nil), c.Response().Header.Header()...)
	log, conns := h.Log, h.Conns
	st := live.Stream{Subs: subs, Flush: flush, Access: h.Access, Recheck: recheck}
	serve := func(conn net.Conn) {
		defer end()
		defer release()
		// A failed write is a client that has gone or stopped reading;
		// flush logs its own errors.
		if err := conns.Serve(ctx, conn, head, st); err != nil {
			log.Debug("stream ended", "err", err)
		}
	}
	c.Context().HijackSetNoResponse(true)
	if !c.App().Server().KeepHijackedConns {
		c.Context().Hijack(serve) // fasthttp closes conn once serve returns
		return nil
	}
	c.Context().Hijack(func(conn net.Conn) {
		go func() {
			defer conn.Close()
			serve(conn)
		}()
	})
	return nil
}

// staffOnly reports whether events of kind k are for staff streams alone.
func staffOnly(k model.EventKind) bool {
	return k == model.EventStaffMessage || k == model.EventReport
}
