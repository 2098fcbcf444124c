// Package search answers full-text queries over messages. Engine is
// implemented by Meilisearch (production) and by the database's own full-text
// search (the embedded default). The index is derived data: the database is
// the source of truth, an outbox written in the same transaction as every
// message change feeds the Indexer, and Rebuild fills a fresh index.
package search

import (
	"context"
	"slices"
	"time"
)

// Engine is a search backend. Every engine gives the same hits in the same
// order for the same documents and a query sorted by time or votes; the
// conformance suite checks that.
type Engine interface {
	// Name says which engine answers, for readiness and the API.
	Name() string
	// Ping checks that the engine is reachable and usable.
	Ping(ctx context.Context) error
	// Setup prepares the index (settings, tables); safe to repeat.
	Setup(ctx context.Context) error
	// Upsert writes documents, replacing any with the same id. It returns
	// when the documents are searchable.
	Upsert(ctx context.Context, docs []Doc) error
	// Delete removes documents by id; unknown ids are ignored.
	Delete(ctx context.Context, ids []int64) error
	// Reset removes every document.
	Reset(ctx context.Context) error
	// Search answers a query.
	Search(ctx context.Context, q Query) (*Result, error)
	// Close releases the engine's resources.
	Close() error
}

// Doc is one message as the index holds it.
type Doc struct {
	ID        int64  `json:"id"`
	ChannelID int64  `json:"channel_id"`
	Channel   string `json:"channel"` // slug
	SessionID int64  `json:"session_id"`
	// ThreadID is the id of the thread's first message (the message's own
	// id when it is not a reply).
	ThreadID  int64  `json:"thread_id"`
	AuthorKey string `json:"author_key"` // "u:<id>" or "g:<id>"
	// Author is the display name participants see ("Anonymous" for
	// anonymous posts); AuthorFilter is its folded form for from:.
	Author       string   `json:"author"`
	AuthorFilter string   `json:"author_filter"`
	Kind         string   `json:"kind"`  // comment or question
	State        string   `json:"state"` // model.MessageState
	Answered     bool     `json:"answered"`
	Tags         []string `json:"tags"`
	Body         string   `json:"body"`
	CreatedAt    int64    `json:"created_at"` // Unix milliseconds
	Votes        int      `json:"votes"`
	// Files are the names of the message's attachments (searchable
	// words); HasFile says it has any, HasImage that one is an image.
	Files    []string `json:"files"`
	HasFile  bool     `json:"has_file"`
	HasImage bool     `json:"has_image"`
}

// Sort orders.
const (
	SortRelevance = "relevance" // best match first (time breaks ties, newest first)
	SortNewest    = "newest"
	SortOldest    = "oldest"
	SortVotes     = "votes" // most votes first, then newest
)

// Scope is part of what a viewer may see: messages of these channels in
// these states (any state when States is empty).
type Scope struct {
	ChannelIDs []int64
	States     []string
}

// Query asks for messages. Every filter narrows; Scopes are joined with OR
// and a query without scopes finds nothing.
type Query struct {
	// Text is read by ParseText (words, "phrases", OR, -exclusions,
	// prefix*): every word must occur (in the body, author, channel, tags
	// or file names); a plain last word also matches as a prefix.
	Text       string
	Scopes     []Scope
	ChannelIDs []int64
	SessionID  int64
	ThreadID   int64
	Authors    []string // folded display names (FoldName)
	AuthorKey  string
	Kinds      []string
	Tags       []string // every tag must be on the message
	States     []string
	Answered   *bool
	HasFile    bool      // only messages with an attachment
	HasImage   bool      // only messages with an image attachment
	After      time.Time // created at or after (zero: no bound)
	Before     time.Time // created before (zero: no bound)
	Sort       string
	Limit      int
	Offset     int
	// Facets asks for counts of tags, channels and authors over every
	// match (not only the page).
	Facets bool
	// Exact turns typo correction off: the words as typed.
	Exact bool
}

// Span is a match in a document's body: byte offsets [Start, End).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Hit is a matching document with where its body matched.
type Hit struct {
	Doc
	Matches []Span `json:"matches"`
}

// Facets are counts of matching documents by value.
type Facets struct {
	Tags     map[string]int `json:"tags"`
	Channels map[string]int `json:"channels"` // by slug
	Authors  map[string]int `json:"authors"`  // by display name
}

// Result is a page of hits.
type Result struct {
	Hits   []Hit   `json:"hits"`
	Total  int     `json:"total"` // every match, not only this page
	Facets *Facets `json:"facets,omitempty"`
	Engine string  `json:"engine"`
	// CorrectedQuery is the text actually searched when words that
	// matched nothing were corrected (built-in engines); empty otherwise.
	CorrectedQuery string `json:"corrected_query,omitempty"`
}

// UnansweredQuestions applies the rule of is:unanswered to q: only questions
// are answered or not, so asking for unanswered messages asks for the open
// questions, never comments. It returns a problem for the person searching
// when the query also asked for other kinds ("" when none).
func (q *Query) UnansweredQuestions() string {
	if q.Answered == nil || *q.Answered {
		return ""
	}
	problem := ""
	if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, "question") {
		problem = "is:unanswered finds questions only; is:comment was left out."
	}
	q.Kinds = []string{"question"}
	return problem
}
