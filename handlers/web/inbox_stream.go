package web

import (
	"bufio"
	"context"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/inbox"
	"backchannel/live"
	"backchannel/model"
)

// InboxEncodeFunc turns one event of the direct-message log into the frame
// a person's stream writes. Frames are viewer-neutral (one per audience:
// format, and whether the conversation is a request for the viewer), so
// encoders take them from h.Frames.
type InboxEncodeFunc func(ctx context.Context, e *inbox.FeedEntry, viewerID int64) (Frame, error)

// InboxSince is where an inbox stream starts: the client's Last-Event-ID
// or ?since=, or, when it names neither, the log's newest event (a new
// stream starts now). ok is false for a malformed id.
func (h *Base) InboxSince(c *fiber.Ctx) (int64, bool, error) {
	if strings.TrimSpace(c.Get("Last-Event-ID")) == "" && strings.TrimSpace(c.Query("since")) == "" {
		head, err := h.InboxFeed.Head(c.UserContext())
		return head, true, err
	}
	after, err := live.LastEventID(c.Get("Last-Event-ID"), c.Query("since"))
	if err != nil {
		return 0, false, nil
	}
	return after, true, nil
}

// InboxStream serves the signed-in person's direct-message events as
// Server-Sent Events after after: each event's id is its id in the log, so
// a client reconnecting with Last-Event-ID (or ?since=) gets exactly what
// it missed, from the instance's ring or, when older, from the database
// (inbox.Feed). Events of conversations the person is not a recipient of
// never reach the stream, not even their ids. The loop, caps, heartbeats,
// write deadline and backlog drop are the channel streams' (ServeStream);
// when access changes, the stream ends if its credential no longer holds.
func (h *Base) InboxStream(c *fiber.Ctx, after int64, encode InboxEncodeFunc) error {
	v := ViewerOf(c)
	if v.User == nil {
		return model.ErrUnauthorized
	}
	userID, feed, log := v.User.ID, h.InboxFeed, h.Log
	id := h.IdentityOf(c)
	recheck := func(ctx context.Context) (bool, error) {
		u, err := id.User(ctx)
		if errors.Is(err, model.ErrUnauthorized) || (err == nil && (u == nil || u.Disabled())) {
			return false, nil
		}
		return err == nil, err
	}
	last := after
	flush := func(ctx context.Context, w *bufio.Writer, _ int) error {
		for {
			b, err := feed.After(ctx, userID, last)
			if err != nil {
				log.Warn("inbox stream: read", "user", userID, "err", err)
				return err
			}
			for _, e := range b.Entries {
				f, err := encode(ctx, e, userID)
				if err != nil {
					log.Warn("inbox stream: encode", "user", userID, "event", e.Event.ID, "err", err)
					return err
				}
				live.BufferEvent(w, e.Event.ID, f.Event, f.Data)
			}
			last = b.Last
			if err := w.Flush(); err != nil {
				return err
			}
			if !b.More {
				return nil
			}
		}
	}
	// Woken only by the events for this person (inbox.Feed.Start).
	return h.ServeStream(c, 0, []*live.Subscription{feed.Subscribe(userID)}, flush, recheck)
}

// InboxFrame returns the frame of e for an audience, encoding it the first
// time any stream of that audience asks (live.Frames): never once per
// stream.
func (h *Base) InboxFrame(ctx context.Context, e *inbox.FeedEntry, audience string, build func(ctx context.Context) ([]byte, error)) (Frame, error) {
	key := live.FrameKey{Channel: live.InboxStreamID, Seq: e.Event.ID, Audience: audience}
	// Built without this stream's cancellation: the frame is shared.
	data, err := h.Frames.Get(key, func() ([]byte, error) { return build(context.WithoutCancel(ctx)) })
	if err != nil {
		return Frame{}, err
	}
	return Frame{Data: data}, nil
}
