package pages

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/live"
	"backchannel/model"
	"backchannel/views"
)

// ChannelEvents is the channel page's live stream: each event is an HTML
// fragment of <hx-partial> elements that htmx 4's SSE extension swaps into
// the page — a new thread put in its place in the list, a reply to its thread, a
// changed message replaced in place, the title bar refreshed.
//
// Each event is rendered once per audience, not once per stream (live.Frames,
// as the JSON stream does): the fragments hold nothing of the viewer's
// session (the CSRF token lives on the page, see views.ActionForm), and what
// the viewer changes in them is named by htmlAudience. Every stream whose
// viewer falls in the same audience gets the same bytes.
func (h *Pages) ChannelEvents(c *fiber.Ctx) error {
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	// Copied now: the stream outlives the request's fiber context.
	enc := channelEncoder{pages: h, slug: cc.Channel.Slug, channelID: cc.Channel.ID, viewer: cc.Viewer, frames: h.Frames}
	return h.Stream(c, cc, enc.encode)
}

// channelEncoder turns a channel's changes into the HTML frames of one
// viewer's stream, from the frames cache when another stream of the same
// audience has rendered them already.
type channelEncoder struct {
	pages     *Pages
	slug      string
	channelID int64
	viewer    chat.Viewer
	frames    *live.Frames
}

func (e channelEncoder) encode(ctx context.Context, change chat.Change) (web.Frame, bool, error) {
	switch {
	case change.Event.Kind == model.EventReport || change.Event.Kind == model.EventStaffMessage:
		// Staff-only events: they travel on the wall's stream, never here.
		return web.Frame{}, false, nil
	case change.Event.Kind == model.EventGuidelinesChanged:
		// The same frame for everyone: each page then asks for its own
		// viewer's notice (views.GuidelinesRecheck).
		key := live.FrameKey{Channel: e.channelID, Seq: change.Event.Seq, Audience: "html|guidelines"}
		data, err := e.frames.Get(key, func() ([]byte, error) {
			var buf bytes.Buffer
			err := views.PartialOf("guidelines-notice", "beforeend", views.GuidelinesRecheck(e.slug)).Render(context.WithoutCancel(ctx), &buf)
			return buf.Bytes(), err
		})
		if err != nil {
			return web.Frame{}, false, err
		}
		return web.Frame{Data: data}, true, nil
	case change.Event.Kind != model.EventChannelUpdated && change.Item == nil &&
		(change.Event.Kind != model.EventMessageUpdated || change.Event.MessageID == nil):
		return web.Frame{}, false, nil
	}
	key := live.FrameKey{Channel: e.channelID, Seq: change.Event.Seq, Audience: htmlAudience(e.viewer, change)}
	// Rendered without this stream's cancellation: the frame is shared, and a
	// stream that goes away while rendering must not leave an error in the
	// cache for the others.
	data, err := e.frames.Get(key, func() ([]byte, error) { return e.render(context.WithoutCancel(ctx), change) })
	if err != nil {
		return web.Frame{}, false, err
	}
	return web.Frame{Data: data}, true, nil
}

// render is the HTML of change for e's viewer (and so for everyone of the
// viewer's audience).
func (e channelEncoder) render(ctx context.Context, change chat.Change) ([]byte, error) {
	var parts []templ.Component
	switch {
	case change.Event.Kind == model.EventChannelUpdated:
		ch, err := e.pages.Chat.Channel(ctx, e.slug)
		if err != nil {
			return nil, err
		}
		if ch.ID != e.channelID {
			return nil, nil // renamed away: nothing to refresh
		}
		head, err := e.pages.channelHead(ctx, ch, e.viewer)
		if err != nil {
			return nil, err
		}
		parts = append(parts, views.PartialOf("channel-head", "outerHTML", views.ChannelHeadView(head)))
	case change.Item == nil:
		// The viewer may no longer see it (hidden, held again): take it
		// off the page if it is there.
		id := strconv.FormatInt(*change.Event.MessageID, 10)
		parts = append(parts, views.PartialOf("t-"+id, "delete"), views.PartialOf("ri-"+id, "delete"))
	case change.Event.Kind == model.EventMessageCreated:
		parts = append(parts, placeMessage(messageView(e.slug, e.viewer, *change.Item)))
	default:
		vm := messageView(e.slug, e.viewer, *change.Item)
		parts = append(parts, views.PartialOf("m-"+strconv.FormatInt(vm.ID, 10), "outerHTML", views.MessageView(vm)))
		if !vm.Deleted {
			// Newly visible to this viewer (approved, unhidden): add it
			// where it is missing (the "feed" swap adds only elements
			// whose id is not on the page).
			parts = append(parts, placeMessage(vm))
		}
	}
	var buf bytes.Buffer
	if err := templ.Join(parts...).Render(ctx, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// htmlAudience names everything about the viewer that changes the HTML of
// change (see messageView and channelHead); viewers with the same audience
// are sent the same bytes. For a message: whether the viewer is staff
// (states, flags, anonymous authors, removed bodies), whether they may react
// and reply, and the item as chat worked it out for them (chat.Item.Audience:
// the author's own view is an audience of its own, so who wrote an anonymous
// post never reaches anyone else's frame).
//
// Votes and reactions are in the audience, as in the JSON stream, rather
// than patched in by script: the pressed state then stays right across every
// live swap and without JavaScript, and a message has only as many audiences
// as distinct combinations of them among its viewers (for a new message,
// one: nobody has reacted yet).
func htmlAudience(v chat.Viewer, change chat.Change) string {
	var b strings.Builder
	b.WriteString("html|")
	switch {
	case change.Event.Kind == model.EventChannelUpdated:
		b.WriteString("head|")
		b.WriteByte(chat.Bit(v.Host))
		b.WriteByte(chat.Bit(v.Staff))
	case change.Item == nil:
		b.WriteString("gone") // the same delete for everyone who may not see it
	default:
		b.WriteByte(chat.Bit(v.Staff))
		b.WriteByte(chat.Bit(v.Poster && !v.Actor.IsZero()))
		b.WriteString(change.Item.Audience())
	}
	return b.String()
}

// placeMessage is the partial that puts a message where it belongs on the
// channel page: a reply at the end of its thread's replies, a thread among
// the threads by the feed's order (newest first, pinned and highlighted ones
// on top). The "feed" swap (static/js/feed.js) adds only what is not on the
// page yet, keeps a reader who has scrolled down where they are reading, and
// tells screen readers; the page moves a thread whose pin or highlight
// changes after the message is replaced.
func placeMessage(vm views.Message) templ.Component {
	if vm.ParentID != 0 {
		return views.PartialOf("replies-"+strconv.FormatInt(vm.ParentID, 10), "feed", views.ReplyItem(vm))
	}
	return views.PartialOf("messages", "feed", views.Thread(vm))
}
