package pages

import (
	"bytes"
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/views"
)

// channelEvents is the channel page's live stream: each event is an HTML
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
		var buf bytes.Buffer
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
			buf.WriteString(`<hx-partial hx-target="#channel-head" hx-swap="outerHTML">`)
			if err := views.ChannelHeadView(csrf, head).Render(ctx, &buf); err != nil {
				return web.Frame{}, false, err
			}
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
			buf.WriteString(`<hx-partial hx-target="#t-` + id + `" hx-swap="delete"></hx-partial>`)
			buf.WriteString(`<hx-partial hx-target="#ri-` + id + `" hx-swap="delete">`)
		case change.Event.Kind == model.EventMessageCreated:
			vm := messageView(slug, viewer, *change.Item)
			if vm.ParentID != 0 {
				buf.WriteString(`<hx-partial hx-target="#replies-` + strconv.FormatInt(vm.ParentID, 10) + `" hx-swap="beforeend">`)
				if err := views.ReplyItem(csrf, vm).Render(ctx, &buf); err != nil {
					return web.Frame{}, false, err
				}
			} else {
				buf.WriteString(`<hx-partial hx-target="#messages" hx-swap="beforeend">`)
				if err := views.Thread(csrf, vm).Render(ctx, &buf); err != nil {
					return web.Frame{}, false, err
				}
			}
		default:
			vm := messageView(slug, viewer, *change.Item)
			buf.WriteString(`<hx-partial hx-target="#m-` + strconv.FormatInt(vm.ID, 10) + `" hx-swap="outerHTML">`)
			if err := views.MessageView(csrf, vm).Render(ctx, &buf); err != nil {
				return web.Frame{}, false, err
			}
			if !vm.Deleted {
				// Newly visible to this viewer (approved, unhidden): add it
				// where it is missing ("upsert keep" appends only elements
				// whose id is not on the page; see static/js/app.js).
				buf.WriteString(`</hx-partial>`)
				if vm.ParentID != 0 {
					buf.WriteString(`<hx-partial hx-target="#replies-` + strconv.FormatInt(vm.ParentID, 10) + `" hx-swap="upsert keep">`)
					if err := views.ReplyItem(csrf, vm).Render(ctx, &buf); err != nil {
						return web.Frame{}, false, err
					}
				} else {
					buf.WriteString(`<hx-partial hx-target="#messages" hx-swap="upsert keep">`)
					if err := views.Thread(csrf, vm).Render(ctx, &buf); err != nil {
						return web.Frame{}, false, err
					}
				}
			}
		}
		buf.WriteString(`</hx-partial>`)
		return web.Frame{Data: buf.Bytes()}, true, nil
	})
}
