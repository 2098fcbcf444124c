package pages

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/views"
)

// InboxHome is /inbox: the signed-in person's conversations, newest first,
// with unread counts and a link to the requests (counted, never badged).
// A visitor without an account is told that direct messages need one.
func (h *Pages) InboxHome(c *fiber.Ctx) error {
	v := web.ViewerOf(c)
	if v.User == nil {
		return web.Render(c, fiber.StatusOK, views.InboxGuestView(h.Page(c, "Direct messages", "/inbox")))
	}
	ctx := c.UserContext()
	rows, err := h.Inbox.Conversations(ctx, v.User.ID, model.FolderInbox)
	if err != nil {
		return err
	}
	reqs, err := h.Inbox.Requests(ctx, v.User.ID)
	if err != nil {
		return err
	}
	standing, err := h.DMStanding(ctx, v.User.ID)
	if err != nil {
		return err
	}
	d := views.InboxPage{Rows: dmRows(rows, v.User.ID), Requests: len(reqs), Standing: standing}
	return web.Render(c, fiber.StatusOK, views.InboxPageView(h.Page(c, "Inbox", "/inbox"), d))
}

// InboxRequests is /inbox/requests: first messages from people the viewer
// does not follow, with Accept, Delete, Block and Report.
func (h *Pages) InboxRequests(c *fiber.Ctx) error {
	v := web.ViewerOf(c)
	rows, err := h.Inbox.Requests(c.UserContext(), v.User.ID)
	if err != nil {
		return err
	}
	d := views.RequestsPage{Rows: dmRows(rows, v.User.ID)}
	return web.Render(c, fiber.StatusOK, views.RequestsPageView(h.Page(c, "Message requests", "/inbox"), d))
}

// InboxUnread is the header badge's count as plain text: the page asks
// again when the viewer has read something elsewhere (another tab).
func (h *Pages) InboxUnread(c *fiber.Ctx) error {
	n, err := h.Inbox.UnreadTotal(c.UserContext(), web.ViewerOf(c).User.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(strconv.Itoa(n))
}

// dmRows are the list rows of summaries as viewer sees them.
func dmRows(ss []inbox.Summary, viewer int64) []views.DMRow {
	out := make([]views.DMRow, 0, len(ss))
	for _, s := range ss {
		r := views.DMRow{ID: s.Conversation.ID, Title: s.Title, Group: s.Conversation.Kind == model.ConversationGroup,
			Unread: s.Unread, At: s.Conversation.LastActivityAt}
		for _, m := range s.Members {
			if m.ID != viewer {
				r.Members = append(r.Members, views.DMPerson{ID: m.ID, Name: m.DisplayName, Handle: m.Handle})
			}
		}
		if m := s.Last; m != nil {
			r.Excerpt = dmExcerpt(&m.DirectMessage, m.Attachments...)
			switch {
			case m.Kind == model.DMSystem:
			case m.Mine:
				r.By = "You"
			case m.Author != nil && r.Group:
				r.By = m.Author.DisplayName
			}
		}
		out = append(out, r)
	}
	return out
}
