package views

import (
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"
)

// SearchForm is the search box and filter controls as typed.
type SearchForm struct {
	Q        string
	In       string
	From     string
	Tag      string
	Kind     string // "", question, comment
	Answered string // "", answered, unanswered
	State    string // "", visible, held, hidden, deleted (staff)
	After    string
	Before   string
	Sort     string
	Has      string // "", file, image
	// Exact searches the words as typed, without typo correction.
	Exact bool
}

// Values is the form as a query string, for links that keep it.
func (f SearchForm) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "in": f.In, "from": f.From, "tag": f.Tag, "kind": f.Kind,
		"answered": f.Answered, "state": f.State, "after": f.After, "before": f.Before, "sort": f.Sort, "has": f.Has} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Exact {
		v.Set("exact", "1")
	}
	return v
}

// Filtered reports whether a filter control is set (not the box or sort).
func (f SearchForm) Filtered() bool {
	return f.In != "" || f.From != "" || f.Tag != "" || f.Kind != "" || f.Answered != "" || f.State != "" ||
		f.After != "" || f.Before != "" || f.Has != ""
}

// SearchHit is one matching message.
type SearchHit struct {
	ID        int64
	Author    string
	When      time.Time
	Kind      string
	State     string // shown to staff when not visible
	Answered  bool
	Votes     int
	Body      []Piece
	Tags      []TagChip
	Link      string // into the transcript at this message
	Taggable  bool   // the searcher may tag it
	IsReply   bool
	SessionID int64
	Files     []string // names of its attachments
}

// Piece is part of a highlighted body.
type Piece struct {
	Text string
	Mark bool
}

// TagChip is a tag as a coloured chip; Class is its colour class
// (tag-c0 … tag-c7).
type TagChip struct {
	Name  string
	Class string
}

// SearchGroup is the hits of one thread.
type SearchGroup struct {
	Channel  string
	ThreadID int64
	RootText string // the thread's first message when it is not a hit
	RootBy   string
	RootLink string
	Hits     []SearchHit
}

// FacetValue is one value of a facet with its count and a link that
// narrows the search to it.
type FacetValue struct {
	Value  string
	Count  int
	Href   string
	Class  string // tags only: the colour class
	Active bool
}

// Facet is a list of values.
type Facet struct {
	Title  string
	ID     string
	Values []FacetValue
}

// SearchPageData is the search page.
type SearchPageData struct {
	Form     SearchForm
	Searched bool
	Engine   string
	Total    int
	Offset   int
	Limit    int
	Groups   []SearchGroup
	Facets   []Facet
	Problems []string
	Channels []string // slugs the searcher can pick
	Tags     []TagChip
	Staff    bool // staff somewhere: state filter and bulk tagging
	CanTag   bool // at least one hit can be tagged
	Error    string
	// Corrected is the query searched instead of the typed one (words
	// corrected), ExactHref the search of exactly what was typed.
	Corrected string
	ExactHref string
}

func searchPageURL(f SearchForm, offset int) templ.SafeURL {
	v := f.Values()
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	return templ.SafeURL("/search?" + v.Encode())
}

func searchExportURL(f SearchForm, format string) templ.SafeURL {
	return templ.SafeURL("/search/export/" + format + "?" + f.Values().Encode())
}

func hitID(id int64) string { return "hit-" + strconv.FormatInt(id, 10) }

func selected(a, b string) bool { return a == b }
