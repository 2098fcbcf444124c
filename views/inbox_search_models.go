package views

import (
	"fmt"
	"net/url"
	"time"

	"github.com/a-h/templ"
)

// InboxSearchData is /inbox/search: the box and, once searched, one page of
// the person's own direct messages that match.
type InboxSearchData struct {
	Q        string
	Sort     string
	Searched bool
	Error    string
	Problems []string
	Hits     []InboxSearchHit
	Total    int
	Limit    int
	Offset   int
}

// InboxSearchHit is one direct message found.
type InboxSearchHit struct {
	Conversation string
	Author       string
	Handle       string
	When         time.Time
	Body         []Piece // the text, matches marked
	Link         string  // /inbox/{id}#dm-{mid}
}

// inboxSearchPageURL is the search at another offset.
func inboxSearchPageURL(d InboxSearchData, offset int) templ.SafeURL {
	v := url.Values{"q": {d.Q}}
	if d.Sort != "" {
		v.Set("sort", d.Sort)
	}
	if offset > 0 {
		v.Set("offset", fmt.Sprint(offset))
	}
	return templ.SafeURL("/inbox/search?" + v.Encode())
}

// InboxExportURL is where conversation id downloads as format (md or json).
func InboxExportURL(id int64, format string) templ.SafeURL {
	return templ.SafeURL(fmt.Sprintf("/inbox/%d/export.%s", id, format))
}
