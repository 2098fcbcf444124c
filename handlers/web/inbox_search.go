package web

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"backchannel/export"
	"backchannel/inbox"
	"backchannel/search"
)

// InboxSearchMaxQuery is the longest search of one's direct messages, in
// characters.
const InboxSearchMaxQuery = 500

// InboxSearchRequest reads a search of one's own direct messages: q, sort
// (relevance, newest, oldest), limit (1–100) and offset. Bad values are a
// 400 naming the parameter.
func InboxSearchRequest(c *fiber.Ctx) (inbox.SearchRequest, error) {
	q := strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(q) > InboxSearchMaxQuery {
		return inbox.SearchRequest{}, BadRequest(fmt.Sprintf("q is at most %d characters.", InboxSearchMaxQuery))
	}
	sortBy := strings.TrimSpace(c.Query("sort"))
	switch sortBy {
	case "", search.SortRelevance, search.SortNewest, search.SortOldest:
	default:
		return inbox.SearchRequest{}, BadRequest("sort is relevance, newest or oldest.")
	}
	limit, err := QueryIntIn(c, "limit", SearchPerPage, 1, 100)
	if err != nil {
		return inbox.SearchRequest{}, err
	}
	offset, err := QueryIntIn(c, "offset", 0, 0, 100000)
	if err != nil {
		return inbox.SearchRequest{}, err
	}
	return inbox.SearchRequest{Query: q, Sort: sortBy, Limit: limit, Offset: offset}, nil
}

// InboxMessageLink is where a direct message is read: its conversation,
// at the message's anchor.
func InboxMessageLink(conversationID, messageID int64) string {
	return fmt.Sprintf("/inbox/%d#dm-%d", conversationID, messageID)
}

// SendConversation writes conversation :id as the signed-in member sees it,
// in format (md or json), as an attachment; 404 for anyone else.
func (h *Base) SendConversation(c *fiber.Ctx, format string) error {
	if format != "md" && format != "json" {
		return BadRequest("format is md or json.")
	}
	id, err := IDParam(c, "id")
	if err != nil {
		return err
	}
	doc, err := h.Inbox.Export(c.UserContext(), ViewerOf(c).User.ID, id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if format == "md" {
		err = export.WriteConversationMarkdown(&buf, *doc)
		c.Set(fiber.HeaderContentType, "text/markdown; charset=utf-8")
	} else {
		err = export.WriteConversationJSON(&buf, *doc)
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	}
	if err != nil {
		return err
	}
	filename := fmt.Sprintf("conversation-%d-%s.%s", doc.ID, doc.ExportedAt.Format("2006-01-02"), format)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
