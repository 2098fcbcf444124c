package pages

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/views"
)

// wallIncoming is how many of each channel's newest messages the wall shows.
const wallIncoming = 30

// wallStaffLines is how many staff chat messages the wall shows per channel.
const wallStaffLines = 50

// notModerator answers people who moderate no channel.
func notModerator() error {
	return model.Refuse(model.ErrForbidden, "not_a_moderator",
		"You do not moderate any channel. An admin can make you a moderator of the channels you look after.")
}

// ModWall shows the triage wall: every channel the signed-in person
// moderates, with its queues, kept live by /mod/events.
func (h *Pages) ModWall(c *fiber.Ctx) error {
	ctx := c.UserContext()
	user := web.ViewerOf(c).User
	chans, err := h.Moderation.ModChannels(ctx, user.ID)
	if err != nil {
		return err
	}
	dm, err := h.wallDMReports(ctx, user.ID) // site moderators: reports of direct messages
	if err != nil {
		return err
	}
	if len(chans) == 0 && dm == nil {
		return notModerator()
	}
	d := views.ModWall{Undo: undoParam(c), DM: dm}
	cursor := wallCursor{}
	for _, cs := range chans {
		ch := cs.Channel
		// The position is read before the queues: whatever happens in
		// between reaches the page again through the stream, and the
		// wall's swaps replace what is there already.
		cursor[ch.ID] = ch.LastSeq
		v, err := h.Chat.ViewerFor(ctx, &ch, user, nil)
		if err != nil {
			return err
		}
		q, err := h.Moderation.Queue(ctx, &ch, v, wallIncoming)
		if err != nil {
			return err
		}
		staff, err := h.Moderation.StaffChat(ctx, &ch, v, wallStaffLines)
		if err != nil {
			return err
		}
		d.Channels = append(d.Channels, wallChannelView(&ch, cs.Live, q, staff))
	}
	d.Since = cursor.String()
	if err := h.wallMedia(ctx, user.ID, &d); err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, views.ModWallView(h.Page(c, "Moderation", "/mod"), d))
}

// undoParam reads ?undo=<slug>:<audit id>, set after an action made without
// JavaScript, so that the page can offer to take it back.
func undoParam(c *fiber.Ctx) *views.WallUndo {
	slug, id, ok := strings.Cut(c.Query("undo"), ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || slug == "" {
		return nil
	}
	return &views.WallUndo{Slug: slug, AuditID: n, Label: "Done. You can take it back for 10 seconds."}
}

func wallChannelView(ch *model.Channel, live bool, q *moderation.Queue, staff []model.StaffMessage) views.WallChannel {
	wc := views.WallChannel{ID: ch.ID, Slug: ch.Slug, Title: ch.Title, Live: live, Premod: string(ch.PremodMode),
		Counts: wallCounts(ch.ID, q)}
	for _, it := range q.Held {
		wc.Held = append(wc.Held, wallItem(views.ListHeld, ch, it, nil))
	}
	for _, r := range q.Reports {
		wc.Reports = append(wc.Reports, wallItem(views.ListReports, ch, r.Item, r.Reports))
	}
	for _, it := range q.Flagged {
		wc.Flagged = append(wc.Flagged, wallItem(views.ListFlagged, ch, it, nil))
	}
	for i := len(q.Incoming) - 1; i >= 0; i-- { // newest first
		wc.Incoming = append(wc.Incoming, wallItem(views.ListIncoming, ch, q.Incoming[i], nil))
	}
	for _, m := range staff {
		wc.Staff = append(wc.Staff, staffLine(m))
	}
	return wc
}

func wallCounts(channelID int64, q *moderation.Queue) views.WallCounts {
	return views.WallCounts{ChannelID: channelID, Held: len(q.Held), Reports: len(q.Reports), Flagged: len(q.Flagged)}
}

// wallItem is a message as one list of the wall shows it; one that no
// longer belongs to the list is marked resolved (a compact line).
func wallItem(list string, ch *model.Channel, it chat.Item, reports []model.Report) views.WallItem {
	m := it.Message
	w := views.WallItem{List: list, ID: m.ID, ChannelID: ch.ID, Slug: ch.Slug, Author: it.Author,
		Subject: m.AuthorKey(), Anonymous: m.Anonymous, Question: m.Kind == model.KindQuestion,
		Reply: m.ParentID != nil, RawBody: m.Body, State: string(m.State), Flagged: m.Flagged, Pinned: m.Pinned,
		Highlighted: m.Highlighted, Answered: m.Answered, Reason: m.ModReason, CreatedAt: m.CreatedAt}
	if m.Body != "" {
		w.Body = web.Segments(m.Body, m.Links)
	}
	if m.Original != nil {
		w.Original = *m.Original
	}
	for _, r := range reports {
		w.Reports = append(w.Reports, views.WallReport{Reason: r.Reason, CreatedAt: r.CreatedAt, FileID: reportedFileID(r)})
	}
	w.Resolved = !belongsTo(list, &m, len(reports) > 0)
	for _, a := range moderation.WallActions(&m) {
		w.Actions = append(w.Actions, string(a))
	}
	return w
}

// belongsTo reports whether m is (still) part of a wall list.
func belongsTo(list string, m *model.Message, reported bool) bool {
	switch list {
	case views.ListHeld:
		return m.State == model.StateHeld
	case views.ListFlagged:
		return m.Flagged && m.State == model.StateVisible
	case views.ListReports:
		return reported
	}
	return true
}

func staffLine(m model.StaffMessage) views.StaffLine {
	return views.StaffLine{ID: m.ID, ChannelID: m.ChannelID, Author: m.AuthorName, Body: m.Body, CreatedAt: m.CreatedAt}
}

// wallRow is message id as list shows it now, for the answer to an action.
func (h *Pages) wallRow(ctx context.Context, cc *web.ChannelCtx, list string, id int64) (views.WallItem, error) {
	it, err := h.Chat.MessageItem(ctx, cc.Channel, cc.Viewer, id)
	if err != nil {
		return views.WallItem{}, err
	}
	var reports []model.Report
	if list == views.ListReports {
		q, err := h.Moderation.Queue(ctx, cc.Channel, cc.Viewer, 1)
		if err != nil {
			return views.WallItem{}, err
		}
		for _, r := range q.Reports {
			if r.Item.Message.ID == id {
				reports = r.Reports
			}
		}
	}
	row := wallItem(list, cc.Channel, *it, reports)
	files, err := h.Moderation.FilesOf(ctx, []int64{id})
	if err != nil {
		return row, err
	}
	return withFiles(row, files[id]), nil
}

// wallList returns list when it names a wall list, else the incoming list.
func wallList(list string) string {
	switch list {
	case views.ListHeld, views.ListReports, views.ListFlagged:
		return list
	}
	return views.ListIncoming
}
