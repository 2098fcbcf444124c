package pages

import (
	"bytes"
	"context"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/views"
)

// InboxEvents is the page stream of the signed-in person's direct
// messages, opened by the header of every page (views.InboxNav): each event
// is an HTML fragment of <hx-partial> elements for htmx 4's SSE extension —
// a new message put into its open conversation, a changed message replaced
// in place, read markers and the members panel refreshed — and a signal
// (views.InboxSignal) from which static/js/inbox.js keeps the inbox list
// and the header's unread badge current.
//
// Each event is rendered once per audience, not once per stream: the
// fragments hold nothing of one viewer (their own messages, reactions and
// blocked authors are marked by the page's script), and the audience is
// only whether the conversation sits in the viewer's requests (whose
// messages never count in the badge).
func (h *Pages) InboxEvents(c *fiber.Ctx) error {
	after, ok, err := h.InboxSince(c)
	if err != nil {
		return err
	}
	if !ok {
		return web.BadRequest("Last-Event-ID and ?since= are a non-negative event id.")
	}
	return h.InboxStream(c, after, h.encodeInboxHTML)
}

func (h *Pages) encodeInboxHTML(ctx context.Context, e *inbox.FeedEntry, viewerID int64) (web.Frame, error) {
	request := false
	if m := e.Member(viewerID); m != nil && m.Folder == model.FolderRequests {
		request = true
	}
	audience := "html"
	if request {
		audience = "html|request"
	}
	return h.InboxFrame(ctx, e, audience, func(ctx context.Context) ([]byte, error) {
		var buf bytes.Buffer
		err := templ.Join(inboxParts(e, request)...).Render(ctx, &buf)
		return buf.Bytes(), err
	})
}

// inboxParts are the partials of one event (see InboxEvents).
func inboxParts(e *inbox.FeedEntry, request bool) []templ.Component {
	conv := e.Event.ConversationID
	convID := dmIDString(conv)
	actor := int64(0)
	if e.Event.ActorID != nil {
		actor = *e.Event.ActorID
	}
	var parts []templ.Component
	signal := func(kind string, messageID int64, by, excerpt string) {
		parts = append(parts, views.PartialOf("inbox-live", "beforeend",
			views.InboxSignal(kind, conv, actor, messageID, request, by, excerpt)))
	}
	switch e.Event.Kind {
	case model.DMEventMessage, model.DMEventEdit, model.DMEventDelete, model.DMEventReaction:
		if e.Message == nil {
			signal(string(e.Event.Kind), 0, "", "")
			break
		}
		vm := dmMessageFromFeed(e, request)
		if e.Event.Kind == model.DMEventMessage {
			parts = append(parts, views.PartialOf("dm-thread-"+convID, "upsert", views.DMMessageView(vm)))
		} else {
			parts = append(parts, views.PartialOf("dm-"+dmIDString(vm.ID), "outerHTML", views.DMMessageView(vm)))
		}
		by, excerpt := vm.Author, dmExcerpt(e.Message, e.Attachments...)
		if vm.System {
			by = ""
		}
		signal(string(e.Event.Kind), vm.ID, by, excerpt)
	case model.DMEventRead:
		through := int64(0)
		if e.Event.MessageID != nil {
			through = *e.Event.MessageID
		}
		parts = append(parts, views.PartialOf("dm-reads-"+convID, "upsert", views.DMRead(conv, actor, through)))
		signal("read", through, "", "")
	case model.DMEventMembers:
		head := dmConversationFromFeed(e)
		reads := make([]templ.Component, len(head.Members))
		for i, m := range head.Members {
			reads[i] = views.DMRead(conv, m.ID, m.LastReadID)
		}
		if e.Blocked != nil {
			// An event for one person alone, about whom they block.
			parts = append(parts, views.PartialOf("inbox-live", "beforeend", views.InboxBlocks(e.Blocked)))
		}
		parts = append(parts, views.PartialOf("dm-members-"+convID, "outerHTML", views.DMMembersView(head)),
			views.PartialOf("dm-reads-"+convID, "upsert", reads...))
		signal("members", 0, "", "")
	default:
		signal(string(e.Event.Kind), 0, "", "")
	}
	return parts
}
