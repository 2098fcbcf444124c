package pages

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"strconv"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/live"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/views"
)

// wallFeed is one channel merged into the wall's stream.
type wallFeed struct {
	ch     model.Channel
	viewer chat.Viewer
	last   int64 // the last seq delivered
}

// ModEvents is the triage wall's live stream: one SSE connection that merges
// the events of every channel the person moderates. Each event's data is a
// set of <hx-partial> fragments for the wall (items added to or updated in
// the held, reports, flagged and incoming lists, the counts, the staff
// chat); its id is the wall cursor (see wallCursor: "chanID:seq,…"), so a
// reconnect with Last-Event-ID (or ?since=) replays exactly what was missed
// in every channel. Staff-only events (reports, staff chat) travel here and
// never on the channel page's stream.
func (h *Pages) ModEvents(c *fiber.Ctx) error {
	ctx := c.UserContext()
	raw := c.Get("Last-Event-ID")
	if raw == "" {
		raw = c.Query("since")
	}
	cursor, err := parseWallCursor(raw)
	if err != nil {
		return err
	}
	user := web.ViewerOf(c).User
	chans, err := h.Moderation.ModChannels(ctx, user.ID)
	if err != nil {
		return err
	}
	if len(chans) == 0 {
		return notModerator()
	}
	feeds := make([]*wallFeed, 0, len(chans))
	for _, cs := range chans {
		f := &wallFeed{ch: cs.Channel, last: cs.LastSeq}
		if seq, ok := cursor[cs.ID]; ok {
			f.last = seq
		}
		if f.viewer, err = h.Chat.ViewerFor(ctx, &f.ch, user, nil); err != nil {
			return err
		}
		feeds = append(feeds, f)
	}
	ws := &wallStream{svc: h.Chat, mod: h.Moderation, csrf: web.CSRFOf(c), feeds: feeds}
	log := h.Log
	subs := make([]*live.Subscription, len(feeds))
	slugs := make([]string, len(feeds))
	for i, f := range feeds {
		subs[i] = h.Hub.Subscribe(f.ch.ID)
		slugs[i] = f.ch.Slug
	}
	// When access changes, the wall's stream ends unless its person still
	// moderates every channel on it: a demoted moderator's wall stops
	// receiving held posts and staff chat (and, reconnecting, is refused or
	// gets the channels they still moderate).
	return h.ServeStream(c, 0, subs, func(ctx context.Context, w *bufio.Writer, i int) error {
		if err := ws.flush(ctx, w, i); err != nil {
			log.Warn("wall stream", "channel", feeds[i].ch.ID, "err", err)
			return err
		}
		return nil
	}, h.ModRecheck(c, slugs))
}

// wallStream renders the wall's events for one connection.
type wallStream struct {
	svc   *chat.Service
	mod   *moderation.Service
	csrf  string
	feeds []*wallFeed
}

// cursor is the stream's position in every channel.
func (ws *wallStream) cursor() string {
	wc := wallCursor{}
	for _, f := range ws.feeds {
		wc[f.ch.ID] = f.last
	}
	return wc.String()
}

// flush writes every event of feed i after its position.
func (ws *wallStream) flush(ctx context.Context, w *bufio.Writer, i int) error {
	f := ws.feeds[i]
	for {
		changes, err := ws.svc.Changes(ctx, &f.ch, f.viewer, f.last, web.StreamBatch)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil
		}
		// Once per batch: the queue (for reports and counts) and the staff
		// chat, when the batch needs them.
		var q *moderation.Queue
		var staff []model.StaffMessage
		for _, ch := range changes {
			switch {
			case ch.Event.Kind == model.EventStaffMessage && staff == nil:
				if staff, err = ws.mod.StaffChat(ctx, &f.ch, f.viewer, wallStaffLines); err != nil {
					return err
				}
			case ch.Item != nil && q == nil:
				if q, err = ws.mod.Queue(ctx, &f.ch, f.viewer, wallIncoming); err != nil {
					return err
				}
			}
		}
		reports := map[int64][]model.Report{}
		if q != nil {
			for _, r := range q.Reports {
				reports[r.Item.Message.ID] = r.Reports
			}
		}
		files, err := ws.mod.FilesOf(ctx, changedMessages(changes)) // one query a batch
		if err != nil {
			return err
		}
		for j, change := range changes {
			var buf bytes.Buffer
			if err := ws.encode(ctx, &buf, f, change, reports, staff, files); err != nil {
				return err
			}
			if j == len(changes)-1 && q != nil {
				counts := views.PartialOf(views.WallCountsID(f.ch.ID), "outerHTML", views.WallCountsView(wallCounts(f.ch.ID, q)))
				if err := counts.Render(ctx, &buf); err != nil {
					return err
				}
			}
			f.last = change.Event.Seq
			if err := live.WriteEventID(w, ws.cursor(), "", buf.Bytes()); err != nil {
				return err
			}
		}
		if len(changes) < web.StreamBatch {
			return nil
		}
	}
}

// encode writes the partials of one change. The wall's "upsert" swap (see
// static/js/app.js) replaces an element with the same id or appends the new
// one; "upsert existing" only replaces. So replays and the answers to a
// moderator's own actions never duplicate an item, and nothing is inserted
// above what the moderator is looking at. The Incoming list's "incoming"
// swap (static/js/mod_incoming.js) is the same with new messages on top,
// held back while the moderator is in the list.
func (ws *wallStream) encode(ctx context.Context, buf *bytes.Buffer, f *wallFeed, change chat.Change,
	reports map[int64][]model.Report, staff []model.StaffMessage, files map[int64][]model.Attachment) error {
	ch := &f.ch
	put := func(list, swap string, it views.WallItem) error {
		it = withFiles(it, files[it.ID])
		return views.PartialOf(views.WallListID(list, ch.ID), swap, views.WallItemView(ws.csrf, it)).Render(ctx, buf)
	}
	switch {
	case change.Event.Kind == model.EventStaffMessage:
		lines := make([]templ.Component, len(staff))
		for i, m := range staff {
			lines[i] = views.StaffLineView(staffLine(m))
		}
		return views.PartialOf(views.StaffListID(ch.ID), "upsert", lines...).Render(ctx, buf)
	case change.Event.Kind == model.EventChannelUpdated:
		// Settings or session changed: the header (title, badges, counts).
		fresh, err := ws.svc.Channel(ctx, ch.Slug)
		if errors.Is(err, model.ErrNotFound) || (err == nil && fresh.ID != ch.ID) {
			return nil // its slug changed: the wall shows it after a reload
		}
		if err != nil {
			return err
		}
		session, err := ws.svc.LiveSession(ctx, fresh)
		if err != nil {
			return err
		}
		q, err := ws.mod.Queue(ctx, fresh, f.viewer, 1)
		if err != nil {
			return err
		}
		head := views.WallChannel{ID: ch.ID, Slug: fresh.Slug, Title: fresh.Title, Live: session != nil,
			Premod: string(fresh.PremodMode), Counts: wallCounts(ch.ID, q)}
		target := "wc-" + strconv.FormatInt(ch.ID, 10) + "-head"
		return views.PartialOf(target, "outerHTML", views.WallChannelHead(head)).Render(ctx, buf)
	case change.Item == nil:
		return nil
	}
	it := *change.Item
	m := &it.Message
	rs := reports[m.ID]
	if change.Event.Kind == model.EventMessageCreated {
		if err := put(views.ListIncoming, "incoming", wallItem(views.ListIncoming, ch, it, nil)); err != nil {
			return err
		}
		for _, list := range []string{views.ListHeld, views.ListFlagged, views.ListReports} {
			if belongsTo(list, m, len(rs) > 0) {
				if err := put(list, "upsert", wallItem(list, ch, it, rs)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// Updated or reported: refresh it wherever it is shown; add it to the
	// lists it now belongs to (a report, an undone approval).
	if err := put(views.ListIncoming, "incoming existing", wallItem(views.ListIncoming, ch, it, nil)); err != nil {
		return err
	}
	for _, list := range []string{views.ListHeld, views.ListFlagged, views.ListReports} {
		swap := "upsert existing"
		if belongsTo(list, m, len(rs) > 0) {
			swap = "upsert"
		}
		if err := put(list, swap, wallItem(list, ch, it, rs)); err != nil {
			return err
		}
	}
	return nil
}
