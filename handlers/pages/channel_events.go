package pages

import (
	"bytes"
	"context"
	"strconv"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// ChannelEvents is the channel page's live stream: each event is an HTML
// fragment of <hx-partial> elements that htmx 4's SSE extension swaps into
// the page — a new thread appended to the list, a reply to its thread, a
// changed message replaced in place, the title bar refreshed.
func (h *Pages) ChannelEvents(c *fiber.Ctx) error {
	cc, err := h.ViewableChannel(c)
	if err != nil {
		return err
	}
	csrf := web.CSRFOf(c)
	slug, viewer, channelID := cc.Channel.Slug, cc.Viewer, cc.Channel.ID
	return h.Stream(c, cc, func(ctx context.Context, change chat.Change) (web.Frame, bool, error) {
		var parts []templ.Component
		switch {
		case change.Event.Kind == model.EventChannelUpdated:
			ch, err := h.Chat.Channel(ctx, slug)
			if err != nil || ch.ID != channelID {
				return web.Frame{}, false, err
			}
			head, err := h.channelHead(ctx, ch, viewer)
			if err != nil {
				return web.Frame{}, false, err
			}
			parts = append(parts, views.PartialOf("channel-head", "outerHTML", views.ChannelHeadView(csrf, head)))
		case change.Event.Kind == model.EventReport || change.Event.Kind == model.EventStaffMessage:
			// Staff-only events: they travel on the wall's stream, never here.
			return web.Frame{}, false, nil
		case change.Item == nil:
			if change.Event.Kind != model.EventMessageUpdated || change.Event.MessageID == nil {
				return web.Frame{}, false, nil
			}
			// The viewer may no longer see it (hidden, held again): take
			// it off the page if it is there.
			id := strconv.FormatInt(*change.Event.MessageID, 10)
			parts = append(parts, views.PartialOf("t-"+id, "delete"), views.PartialOf("ri-"+id, "delete"))
		case change.Event.Kind == model.EventMessageCreated:
			parts = append(parts, placeMessage(csrf, messageView(slug, viewer, *change.Item), "beforeend"))
		default:
			vm := messageView(slug, viewer, *change.Item)
			parts = append(parts, views.PartialOf("m-"+strconv.FormatInt(vm.ID, 10), "outerHTML", views.MessageView(csrf, vm)))
			if !vm.Deleted {
				// Newly visible to this viewer (approved, unhidden): add it
				// where it is missing ("upsert keep" appends only elements
				// whose id is not on the page; see static/js/app.js).
				parts = append(parts, placeMessage(csrf, vm, "upsert keep"))
			}
		}
		var buf bytes.Buffer
		if err := templ.Join(parts...).Render(ctx, &buf); err != nil {
			return web.Frame{}, false, err
		}
		return web.Frame{Data: buf.Bytes()}, true, nil
	})
}

// placeMessage is the partial that puts a message where it belongs on the
// channel page with swap: a reply into its thread's replies, a thread into
// the list of messages.
func placeMessage(csrf string, vm views.Message, swap string) templ.Component {
	if vm.ParentID != 0 {
		return views.PartialOf("replies-"+strconv.FormatInt(vm.ParentID, 10), swap, views.ReplyItem(csrf, vm))
	}
	return views.PartialOf("messages", swap, views.Thread(csrf, vm))
}
