package pages

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/search"
	"backchannel/views"
)

// InboxSearch is /inbox/search?q=: the signed-in person's own direct
// messages that match, each linking into its conversation.
func (h *Pages) InboxSearch(c *fiber.Ctx) error {
	p := h.Page(c, "Search messages", "/inbox")
	d := views.InboxSearchData{Q: c.Query("q"), Sort: c.Query("sort")}
	req, err := web.InboxSearchRequest(c)
	if err != nil {
		d.Error = err.Error()
		return web.Render(c, fiber.StatusBadRequest, views.InboxSearchPage(p, d))
	}
	d.Limit, d.Offset = req.Limit, req.Offset
	if req.Query == "" {
		return web.Render(c, fiber.StatusOK, views.InboxSearchPage(p, d))
	}
	res, err := h.Inbox.Search(c.UserContext(), h.DMSearch, web.ViewerOf(c).User.ID, req)
	if err != nil {
		if !errors.Is(err, model.ErrUnavailable) {
			return err
		}
		h.Log.Error("inbox search", "err", err)
		d.Error = "Search is not available right now; try again in a moment."
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(web.UnavailableRetryAfter))
		return web.Render(c, fiber.StatusServiceUnavailable, views.InboxSearchPage(p, d))
	}
	d.Searched, d.Total, d.Problems = true, res.Total, res.Problems
	for _, hit := range res.Hits {
		vh := views.InboxSearchHit{Conversation: hit.Conversation, Author: hit.Author, Handle: hit.Handle,
			When: hit.CreatedAt, Link: web.InboxMessageLink(hit.ConversationID, hit.MessageID)}
		for _, s := range search.Segments(hit.Body, hit.Matches) {
			vh.Body = append(vh.Body, views.Piece{Text: s.Text, Mark: s.Mark})
		}
		d.Hits = append(d.Hits, vh)
	}
	return web.Render(c, fiber.StatusOK, views.InboxSearchPage(p, d))
}

// InboxExport downloads a conversation the signed-in person is in, as
// Markdown (/inbox/:id/export.md) or JSON (/inbox/:id/export.json).
func (h *Pages) InboxExport(c *fiber.Ctx) error {
	return h.SendConversation(c, c.Params("format"))
}
