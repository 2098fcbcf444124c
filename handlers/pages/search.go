package pages

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/search"
	"backchannel/transcripts"
	"backchannel/views"
)

func offsetOf(c *fiber.Ctx) int {
	n, err := strconv.Atoi(c.Query("offset"))
	if err != nil || n < 0 || n > 100000 {
		return 0
	}
	return n
}

// SearchPage is /search.
func (h *Pages) SearchPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := web.ViewerOf(c)
	f := web.SearchForm(c)
	d := views.SearchPageData{Form: f, Offset: offsetOf(c), Limit: web.SearchPerPage}
	tags, err := h.Transcripts.Tags(ctx)
	if err != nil {
		return err
	}
	colours := map[string]string{}
	for _, t := range tags {
		d.Tags = append(d.Tags, views.TagChip{Name: t.Name, Class: tagClass(t.Colour)})
		colours[t.Name] = tagClass(t.Colour)
	}
	chans, err := h.Chat.Channels(ctx, v.User.ID)
	if err != nil {
		return err
	}
	for _, ch := range chans {
		d.Channels = append(d.Channels, ch.Slug)
	}
	req := web.SearchRequest(f, d.Offset, d.Limit)
	res, err := h.Transcripts.Search(ctx, h.Search, v.User, req)
	if err != nil {
		h.Log.Error("search", "err", err)
		d.Error = "Search is not available right now; try again in a moment."
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(web.UnavailableRetryAfter))
		return web.Render(c, fiber.StatusServiceUnavailable, views.SearchPage(h.Page(c, "Search", "/search"), d))
	}
	d.Staff = len(res.StaffIn) > 0
	d.Searched = true
	d.Engine, d.Total, d.Problems = res.Engine, res.Total, res.Problems
	if res.CorrectedQuery != "" {
		exact := f
		exact.Exact = true
		d.Corrected, d.ExactHref = res.CorrectedQuery, "/search?"+exact.Values().Encode()
	}
	for _, g := range res.Groups {
		vg := views.SearchGroup{Channel: g.Channel, ThreadID: g.ThreadID}
		if g.Root != nil {
			vg.RootText, vg.RootBy = clip(g.Root.Body, 120), g.Root.AuthorName
			vg.RootLink = web.MessageLink(g.Channel, g.Root.SessionID, g.Root.ID)
		}
		for _, hit := range g.Hits {
			vh := views.SearchHit{ID: hit.ID, Author: hit.Author, When: time.UnixMilli(hit.CreatedAt), Kind: hit.Kind,
				State: hit.State, Answered: hit.Answered, Votes: hit.Votes, IsReply: hit.ThreadID != hit.ID,
				SessionID: hit.SessionID, Taggable: res.StaffIn[hit.ChannelID], Files: hit.Files}
			var sid *int64
			if hit.SessionID != 0 {
				sid = &hit.SessionID
			}
			vh.Link = web.MessageLink(hit.Channel, sid, hit.ID)
			for _, s := range search.Segments(hit.Body, hit.Matches) {
				vh.Body = append(vh.Body, views.Piece{Text: s.Text, Mark: s.Mark})
			}
			for _, t := range hit.Tags {
				vh.Tags = append(vh.Tags, views.TagChip{Name: t, Class: colours[t]})
			}
			d.CanTag = d.CanTag || vh.Taggable
			vg.Hits = append(vg.Hits, vh)
		}
		d.Groups = append(d.Groups, vg)
	}
	if res.Facets != nil {
		d.Facets = []views.Facet{
			facet("Tags", "tags", res.Facets.Tags, f, req.Query.Tags, "tag", colours),
			facet("Channels", "channels", res.Facets.Channels, f, req.Query.Channels, "in", nil),
			facet("Authors", "authors", res.Facets.Authors, f, nil, "from", nil),
		}
	}
	return web.Render(c, fiber.StatusOK, views.SearchPage(h.Page(c, "Search", "/search"), d))
}

// facet lists a facet's values, most frequent first, each linking to the
// search narrowed to it.
func facet(title, id string, counts map[string]int, f views.SearchForm, active []string, operator string, colours map[string]string) views.Facet {
	out := views.Facet{Title: title, ID: id}
	for v, n := range counts {
		narrowed := f
		narrowed.Q = strings.TrimSpace(f.Q + " " + web.Op(operator, v))
		q := narrowed.Values()
		isActive := false
		for _, a := range active {
			isActive = isActive || a == v
		}
		out.Values = append(out.Values, views.FacetValue{Value: v, Count: n, Href: "/search?" + q.Encode(),
			Class: colours[v], Active: isActive})
	}
	sort.Slice(out.Values, func(i, j int) bool {
		a, b := out.Values[i], out.Values[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Value < b.Value
	})
	if len(out.Values) > 15 {
		out.Values = out.Values[:15]
	}
	return out
}

// tagClass is the colour class of a tag colour (tag-c0 … tag-c7).
func tagClass(colour string) string {
	for i, c := range model.TagColours() {
		if strings.EqualFold(c, colour) {
			return "tag-c" + strconv.Itoa(i)
		}
	}
	return "tag-c0"
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// SearchTag tags the selected results (bulk), each checked in its channel.
func (h *Pages) SearchTag(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := web.ViewerOf(c)
	back := web.SafeNext(c.FormValue("back"))
	if back == "/" {
		back = "/search"
	}
	ids, err := formIDs(c, "id")
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		h.Flash(c, "error", "Select at least one message to tag.")
		return web.SeeOther(c, back)
	}
	in := transcripts.TagInput{Tag: c.FormValue("tag"), Colour: c.FormValue("colour"), Thread: c.FormValue("thread") != ""}
	n, err := h.Transcripts.TagAcross(ctx, v.User.ID, ids, in)
	var fe *model.FieldError
	switch {
	case errors.As(err, &fe):
		h.Flash(c, "error", fe.Message)
		return web.SeeOther(c, back)
	case err != nil:
		return err
	}
	indexed := h.Transcripts.WaitIndexed(ctx, n.Changed, 3*time.Second)
	h.Flash(c, "success", "Tagged "+plural(len(n.Changed), "message", "messages")+" with "+n.Tag.Name+"."+notYetIndexed(indexed))
	return web.SeeOther(c, back)
}

// notYetIndexed is the note a flash gets when the search index had not
// caught up with a change by the time the page was shown.
func notYetIndexed(indexed bool) string {
	if indexed {
		return ""
	}
	return " Search results and counts will show it within a few seconds."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
