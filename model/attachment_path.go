package model

import (
	"net/url"
	"strconv"
)

// Path is where the attachment's original is served: /files/{id}/{name},
// the name path-escaped. Pages, the API and exports link to it.
func (a *Attachment) Path() string {
	return "/files/" + strconv.FormatInt(a.ID, 10) + "/" + url.PathEscape(a.Name)
}
