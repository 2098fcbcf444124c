package api

import (
	"html"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/search"
)

// apiSearchHit is a hit in the API: the document, its highlighted body
// (HTML: the body escaped, matches in <mark>) and the match offsets.
type apiSearchHit struct {
	ID        int64         `json:"id"`
	Channel   string        `json:"channel"`
	SessionID int64         `json:"session_id,omitempty"`
	ThreadID  int64         `json:"thread_id"`
	Author    string        `json:"author"`
	Kind      string        `json:"kind"`
	State     string        `json:"state"`
	Answered  bool          `json:"answered"`
	Tags      []string      `json:"tags"`
	Body      string        `json:"body"`
	Highlight string        `json:"highlight"`
	Matches   []search.Span `json:"matches"`
	CreatedAt string        `json:"created_at"`
	Votes     int           `json:"votes"`
	URL       string        `json:"url"`
	// Files are the names of the message's attachments.
	Files    []string `json:"files"`
	HasFile  bool     `json:"has_file"`
	HasImage bool     `json:"has_image"`
}

type apiSearchResult struct {
	Engine   string         `json:"engine"`
	Total    int            `json:"total"`
	Limit    int            `json:"limit"`
	Offset   int            `json:"offset"`
	Hits     []apiSearchHit `json:"hits"`
	Facets   *search.Facets `json:"facets"`
	Problems []string       `json:"problems"`
	// CorrectedQuery is the text searched instead of q when words that
	// matched nothing were corrected; "" when q was searched as typed.
	CorrectedQuery string `json:"corrected_query"`
}

// SearchMessages is GET /api/v1/search?q=…&limit=&offset=&sort= with the same
// operators and visibility as the page.
func (h *API) SearchMessages(c *fiber.Ctx) error {
	v := web.ViewerOf(c)
	limit, err := web.QueryIntIn(c, "limit", web.SearchPerPage, 1, 100)
	if err != nil {
		return err
	}
	offset, err := web.QueryIntIn(c, "offset", 0, 0, 100000)
	if err != nil {
		return err
	}
	f := web.SearchForm(c)
	switch f.Sort {
	case "", search.SortRelevance, search.SortNewest, search.SortOldest, search.SortVotes:
	default:
		return web.BadRequest("sort is relevance, newest, oldest or votes.")
	}
	res, err := h.Transcripts.Search(c.UserContext(), h.Search, v.User, web.SearchRequest(f, offset, limit))
	// With the engine (or the database) away the error says so: 503
	// search_unavailable with Retry-After; posting goes on meanwhile.
	if err != nil {
		return err
	}
	out := apiSearchResult{Engine: res.Engine, Total: res.Total, Limit: limit, Offset: offset, Hits: []apiSearchHit{},
		Facets: res.Facets, Problems: res.Problems, CorrectedQuery: res.CorrectedQuery}
	if out.Problems == nil {
		out.Problems = []string{}
	}
	for _, hit := range res.Hits {
		var sid *int64
		if hit.SessionID != 0 {
			sid = &hit.SessionID
		}
		out.Hits = append(out.Hits, apiSearchHit{ID: hit.ID, Channel: hit.Channel, SessionID: hit.SessionID,
			ThreadID: hit.ThreadID, Author: hit.Author, Kind: hit.Kind, State: hit.State, Answered: hit.Answered,
			Tags: hit.Tags, Body: hit.Body, Highlight: highlightHTML(hit.Body, hit.Matches), Matches: hit.Matches,
			CreatedAt: time.UnixMilli(hit.CreatedAt).UTC().Format(time.RFC3339Nano), Votes: hit.Votes, URL: h.BaseURL + web.MessageLink(hit.Channel, sid, hit.ID),
			Files: nonNilStrings(hit.Files), HasFile: hit.HasFile, HasImage: hit.HasImage})
	}
	return c.JSON(out)
}

// highlightHTML is body escaped with the matches in <mark>.
func highlightHTML(body string, spans []search.Span) string {
	var b strings.Builder
	for _, s := range search.Segments(body, spans) {
		if s.Mark {
			b.WriteString("<mark>")
		}
		b.WriteString(html.EscapeString(s.Text))
		if s.Mark {
			b.WriteString("</mark>")
		}
	}
	return b.String()
}

// Tags lists every tag.
func (h *API) Tags(c *fiber.Ctx) error {
	ts, err := h.Transcripts.Tags(c.UserContext())
	if err != nil {
		return err
	}
	type apiTag struct {
		Name   string `json:"name"`
		Colour string `json:"colour"`
	}
	out := make([]apiTag, 0, len(ts))
	for _, t := range ts {
		out = append(out, apiTag{Name: t.Name, Colour: t.Colour})
	}
	return c.JSON(fiber.Map{"tags": out})
}

// nonNilStrings is ss, or an empty list for JSON's [] rather than null.
func nonNilStrings(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
