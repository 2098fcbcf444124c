package search

import (
	"context"
	"time"
)

// Direct messages have an index of their own, apart from the channel
// messages' (a table family of the built-in engine, a Meilisearch index of
// its own): no channel search, staff search or transcript reads it. A query
// names the conversations the searcher may see, each with the last message
// id hidden from them, and the caller checks every hit against the database
// again before showing it.

// DMEngine is a search backend for direct messages. Every engine gives the
// same hits in the same order for a query sorted by time; the conformance
// suite checks that.
type DMEngine interface {
	// Name says which engine answers.
	Name() string
	// Ping checks that the engine is reachable and usable.
	Ping(ctx context.Context) error
	// Setup prepares the index; safe to repeat.
	Setup(ctx context.Context) error
	// Upsert writes documents, replacing any with the same id, and returns
	// when they are searchable.
	Upsert(ctx context.Context, docs []DMDoc) error
	// Delete removes documents by id; unknown ids are ignored.
	Delete(ctx context.Context, ids []int64) error
	// Reset removes every document.
	Reset(ctx context.Context) error
	// Search answers a query.
	Search(ctx context.Context, q DMQuery) (*DMResult, error)
}

// DMDoc is one direct message as the index holds it (system lines and
// tombstones are never indexed).
type DMDoc struct {
	ID             int64  `json:"id"`
	ConversationID int64  `json:"conversation_id"`
	AuthorID       int64  `json:"author_id"`
	Author         string `json:"author"` // display name, searchable as text
	Body           string `json:"body"`
	CreatedAt      int64  `json:"created_at"` // Unix milliseconds
	// Files are the names of the message's files (searchable as words);
	// HasFile says it has any, HasImage that one is an image.
	Files    []string `json:"files"`
	HasFile  bool     `json:"has_file"`
	HasImage bool     `json:"has_image"`
}

// DMScope is one conversation a searcher may see, from the message after
// AfterID on (their cleared_through).
type DMScope struct {
	ConversationID int64
	AfterID        int64
}

// DMQuery asks for direct messages. Scopes are joined with OR; a query
// without scopes finds nothing.
type DMQuery struct {
	// Text is matched as in Query: every word, the last also as a prefix.
	Text      string
	Scopes    []DMScope
	AuthorIDs []int64
	After     time.Time // created at or after (zero: no bound)
	Before    time.Time // created before (zero: no bound)
	HasFile   bool      // only messages with a file
	HasImage  bool      // only messages with an image
	Sort      string    // SortRelevance (default), SortNewest or SortOldest
	Limit     int
	Offset    int
}

// DMHit is a matching direct message with where its body matched.
type DMHit struct {
	DMDoc
	Matches []Span `json:"matches"`
}

// DMResult is a page of hits.
type DMResult struct {
	Hits   []DMHit `json:"hits"`
	Total  int     `json:"total"`
	Engine string  `json:"engine"`
}

// DMProvider is an engine that keeps a direct-message index beside its
// channel index (on the same server or database).
type DMProvider interface {
	DMs() DMEngine
}

// dmScopeGroups splits scopes into the conversations seen from their start
// and the ones seen after a message id, for compact filters.
func dmScopeGroups(scopes []DMScope) (whole []int64, after []DMScope) {
	for _, s := range scopes {
		if s.AfterID <= 0 {
			whole = append(whole, s.ConversationID)
		} else {
			after = append(after, s)
		}
	}
	return whole, after
}

// dmSortOK reports whether sort is one a DM search takes.
func dmSortOK(sort string) bool {
	switch sort {
	case "", SortRelevance, SortNewest, SortOldest:
		return true
	}
	return false
}

// pageOf is a query's page: limit (def when not positive, at most most)
// and offset (not negative).
func pageOf(limit, offset, def, most int) (int, int) {
	if limit <= 0 {
		limit = def
	}
	return min(limit, most), max(offset, 0)
}
