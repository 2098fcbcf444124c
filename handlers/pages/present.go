package pages

import (
	"bytes"
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/live"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/views"
)

// Present is the presenter view of a channel: its join link and QR code,
// the open questions by votes and the highlighted message, kept live by
// PresentEvents.
func (h *Pages) Present(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	ch := cc.Channel
	board, err := h.presentBoard(ctx, ch)
	if err != nil {
		return err
	}
	d := views.PresentPage{Slug: ch.Slug, JoinURL: h.JoinURL(ch.Slug), LastSeq: ch.LastSeq, Board: board}
	if ch.Visibility == model.VisibilityJoinCode {
		d.JoinCode = ch.JoinCode
	}
	qr, err := qrcode.New(d.JoinURL, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("pages: join link QR code: %w", err)
	}
	d.QR = qr.Bitmap()
	return web.Render(c, fiber.StatusOK, views.PresentPageView(h.Page(c, ch.Title, ""), d))
}

// presentBoard reads the live part of ch's presenter view.
func (h *Pages) presentBoard(ctx context.Context, ch *model.Channel) (views.PresentBoard, error) {
	b, err := h.Chat.Board(ctx, ch)
	if err != nil {
		return views.PresentBoard{}, err
	}
	live, err := h.Chat.LiveSession(ctx, ch)
	if err != nil {
		return views.PresentBoard{}, err
	}
	vb := views.PresentBoard{Slug: ch.Slug, Title: ch.Title, Live: live != nil}
	if live != nil {
		vb.SessionTitle = live.Title
	}
	for _, q := range b.Questions {
		vb.Questions = append(vb.Questions, presentItem(q))
	}
	if b.Highlighted != nil {
		it := presentItem(*b.Highlighted)
		vb.Highlighted = &it
	}
	return vb, nil
}

func presentItem(it chat.Item) views.PresentItem {
	m := it.Message
	return views.PresentItem{ID: m.ID, Author: it.Author, AuthorRole: string(m.AuthorRole), Body: m.Body,
		Votes: m.VoteCount, Pinned: m.Pinned, Highlighted: m.Highlighted, Attachments: web.AttachmentViews(it.Attachments)}
}

// PresentEvents is the presenter view's live stream: each event that may
// change the board (a new question, a vote, an answer, a pin, a highlight,
// the channel's title or session) brings the whole board again, rendered
// once for every presenter of the channel.
func (h *Pages) PresentEvents(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	// Copied now: the stream outlives the request's fiber context.
	enc := presentEncoder{pages: h, channelID: cc.Channel.ID, frames: h.Frames}
	return h.Stream(c, cc, enc.encode)
}

type presentEncoder struct {
	pages     *Pages
	channelID int64
	frames    *live.Frames
}

func (e presentEncoder) encode(ctx context.Context, change chat.Change) (web.Frame, bool, error) {
	if !boardChange(change) {
		return web.Frame{}, false, nil
	}
	key := live.FrameKey{Channel: e.channelID, Seq: change.Event.Seq, Audience: "present"}
	data, err := e.frames.Get(key, func() ([]byte, error) { return e.render(context.WithoutCancel(ctx)) })
	if err != nil {
		return web.Frame{}, false, err
	}
	return web.Frame{Data: data}, true, nil
}

// boardChange reports whether change may change the board: not a new
// comment or reply (most of a channel's traffic), nor staff's own events.
func boardChange(change chat.Change) bool {
	switch change.Event.Kind {
	case model.EventChannelUpdated, model.EventMessageUpdated:
		return true
	case model.EventMessageCreated:
		it := change.Item
		return it != nil && it.Message.ParentID == nil && (it.Message.Kind == model.KindQuestion || it.Message.Highlighted)
	}
	return false
}

func (e presentEncoder) render(ctx context.Context) ([]byte, error) {
	ch, err := e.pages.Chat.ChannelByID(ctx, e.channelID)
	if err != nil {
		return nil, err
	}
	b, err := e.pages.presentBoard(ctx, ch)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := views.PartialOf("present-board", "outerHTML", views.PresentBoardView(b)).Render(ctx, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// PresentAction marks a question answered, pins or highlights it (or takes
// that back) from the presenter view: with htmx the answer is empty (the
// stream brings the new board to every presenter) and the outcome travels
// in the HX-Trigger header; without JavaScript it returns to the view.
func (h *Pages) PresentAction(c *fiber.Ctx) error {
	cc, id, err := h.ChannelMessage(c)
	if err != nil {
		return err
	}
	// The wall's actions that hosts may take (pin, highlight, answered).
	label, ok := wallActions[c.Params("action")]
	if !ok || !moderation.HostAction(model.ModAction(c.Params("action"))) {
		return model.ErrNotFound
	}
	back := "/c/" + cc.Channel.Slug + "/present"
	if _, err := h.Moderation.Moderate(c.UserContext(), cc.Channel, cc.Viewer, id, model.ModAction(c.Params("action")), moderation.ModInput{}); err != nil {
		return h.modFailed(c, err, back)
	}
	if !web.IsHTMX(c) {
		h.Flash(c, "success", label+".")
		return web.SeeOther(c, back)
	}
	setTrigger(c, "present:done", map[string]any{"label": label})
	return c.SendStatus(fiber.StatusNoContent)
}
