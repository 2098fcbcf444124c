package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/search"
)

type apiInboxHit struct {
	ID             int64         `json:"id"`
	ConversationID int64         `json:"conversation_id"`
	Conversation   string        `json:"conversation"`
	Author         string        `json:"author"`
	Handle         string        `json:"handle"`
	Body           string        `json:"body"`
	Highlight      string        `json:"highlight"`
	Matches        []search.Span `json:"matches"`
	CreatedAt      string        `json:"created_at"`
	URL            string        `json:"url"`
}

// InboxSearch is GET /api/v1/inbox/search?q=&sort=&limit=&offset=: the
// caller's own direct messages that match, as on /inbox/search.
func (h *API) InboxSearch(c *fiber.Ctx) error {
	req, err := web.InboxSearchRequest(c)
	if err != nil {
		return err
	}
	res, err := h.Inbox.Search(c.UserContext(), h.DMSearch, web.ViewerOf(c).User.ID, req)
	if err != nil {
		return err
	}
	hits := make([]apiInboxHit, 0, len(res.Hits))
	for _, hit := range res.Hits {
		matches := hit.Matches
		if matches == nil {
			matches = []search.Span{}
		}
		hits = append(hits, apiInboxHit{ID: hit.MessageID, ConversationID: hit.ConversationID, Conversation: hit.Conversation,
			Author: hit.Author, Handle: hit.Handle, Body: hit.Body, Highlight: highlightHTML(hit.Body, hit.Matches),
			Matches: matches, CreatedAt: hit.CreatedAt.UTC().Format(time.RFC3339Nano),
			URL: h.BaseURL + web.InboxMessageLink(hit.ConversationID, hit.MessageID)})
	}
	problems := res.Problems
	if problems == nil {
		problems = []string{}
	}
	return c.JSON(fiber.Map{"engine": res.Engine, "total": res.Total, "limit": req.Limit, "offset": req.Offset,
		"hits": hits, "problems": problems})
}

// ConversationExport is GET /api/v1/conversations/:id/export?format=md|json
// (json by default): the conversation as the caller sees it; 404 unless
// they are a member.
func (h *API) ConversationExport(c *fiber.Ctx) error {
	return h.SendConversation(c, c.Query("format", "json"))
}
