package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/search"
	"backchannel/transcripts"
	"backchannel/views"
)

const SearchPerPage = 20

// SearchForm reads the search box and the filter controls.
func SearchForm(c *fiber.Ctx) views.SearchForm {
	get := func(k string) string { return strings.TrimSpace(c.Query(k)) }
	return views.SearchForm{Q: get("q"), In: get("in"), From: get("from"), Tag: get("tag"), Kind: get("kind"),
		Answered: get("answered"), State: get("state"), After: get("after"), Before: get("before"), Sort: get("sort"), Has: get("has"),
		Exact: get("exact") == "1" || get("exact") == "true"}
}

// SearchRequest turns the form into a search: the box's operators and the
// controls together.
func SearchRequest(f views.SearchForm, offset, limit int) transcripts.SearchRequest {
	loc := transcripts.SearchLocation()
	p := search.Parse(f.Q, loc)
	extra := search.Parse(strings.Join(nonEmpty(
		Op("in", f.In), Op("from", f.From), Op("tag", f.Tag), Op("is", f.Kind), Op("is", f.Answered),
		Op("is", f.State), Op("after", f.After), Op("before", f.Before), Op("has", f.Has)), " "), loc)
	p.Channels = appendAll(p.Channels, extra.Channels)
	p.Authors = appendAll(p.Authors, extra.Authors)
	p.Tags = appendAll(p.Tags, extra.Tags)
	p.Kinds = appendAll(p.Kinds, extra.Kinds)
	p.States = appendAll(p.States, extra.States)
	p.Problems = append(p.Problems, extra.Problems...)
	p.HasFile = p.HasFile || extra.HasFile
	p.HasImage = p.HasImage || extra.HasImage
	if extra.Answered != nil {
		p.Answered = extra.Answered
	}
	if !extra.After.IsZero() {
		p.After = extra.After
	}
	if !extra.Before.IsZero() {
		p.Before = extra.Before
	}
	sortBy := f.Sort
	switch sortBy {
	case search.SortNewest, search.SortOldest, search.SortVotes, search.SortRelevance:
	default:
		sortBy = search.SortRelevance
	}
	if strings.TrimSpace(p.Text) == "" && sortBy == search.SortRelevance {
		sortBy = search.SortNewest
	}
	return transcripts.SearchRequest{Query: p, Sort: sortBy, Limit: limit, Offset: offset, Facets: true, Exact: f.Exact}
}

// MessageLink points into the transcript of the message's session, or the
// channel page for a message posted outside a session.
func MessageLink(slug string, sessionID *int64, id int64) string {
	anchor := "#m-" + strconv.FormatInt(id, 10)
	if sessionID == nil || *sessionID == 0 {
		return "/c/" + url.PathEscape(slug) + anchor
	}
	return "/transcripts/" + url.PathEscape(slug) + "/" + strconv.FormatInt(*sessionID, 10) + anchor
}

// Op writes an operator with a value, quoted when it has spaces.
func Op(name, v string) string {
	if v == "" {
		return ""
	}
	if strings.ContainsAny(v, " \t") {
		v = `"` + strings.ReplaceAll(v, `"`, "") + `"`
	}
	return name + ":" + v
}

func nonEmpty(ss ...string) []string {
	out := ss[:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func appendAll(list, more []string) []string {
	for _, v := range more {
		found := false
		for _, x := range list {
			found = found || x == v
		}
		if !found {
			list = append(list, v)
		}
	}
	return list
}
