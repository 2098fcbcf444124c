package transcripts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/search"
	"backchannel/store"
)

// SearchRequest is a search as a person asks it.
type SearchRequest struct {
	Query  search.Parsed
	Sort   string
	Limit  int
	Offset int
	Facets bool
	// Exact searches the words as typed, without typo correction.
	Exact bool
}

// SearchGroup is the hits of one thread, with the thread's first message
// when the searcher may see it.
type SearchGroup struct {
	ThreadID int64
	Channel  string
	Root     *model.Message // nil when hidden from the searcher or itself a hit
	Hits     []search.Hit
}

// SearchResults is a page of results.
type SearchResults struct {
	*search.Result
	Groups   []SearchGroup
	Problems []string
	// StaffIn holds the channels (by id) where the searcher is staff and
	// sees every state.
	StaffIn map[int64]bool
	// Slugs names channels by id.
	Slugs map[int64]string
}

// Search finds what user may see: participants find visible messages of
// channels they can read; staff of a channel (transcript:staff) find every
// state there.
func (s *Service) Search(ctx context.Context, e search.Engine, user *model.User, req SearchRequest) (*SearchResults, error) {
	cs, err := store.ListChannels(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := &SearchResults{StaffIn: map[int64]bool{}, Slugs: map[int64]string{}, Problems: req.Query.Problems}
	var staff, visible []int64
	bySlug := map[string]int64{}
	for i := range cs {
		ch := &cs[i]
		bySlug[ch.Slug] = ch.ID
		out.Slugs[ch.ID] = ch.Slug
		isStaff, err := s.authz.Can(ctx, user.ID, ch.Slug, policies.TranscriptStaff)
		if err != nil {
			return nil, err
		}
		if isStaff {
			staff = append(staff, ch.ID)
			out.StaffIn[ch.ID] = true
			continue
		}
		v, err := s.chat.ViewerFor(ctx, ch, user, nil)
		if err != nil {
			return nil, err
		}
		ok, err := s.chat.CanView(ctx, ch, v)
		if err != nil {
			return nil, err
		}
		if ok {
			visible = append(visible, ch.ID)
		}
	}
	q := search.Query{
		Text: req.Query.Text, Kinds: req.Query.Kinds, Tags: req.Query.Tags, States: req.Query.States,
		Answered: req.Query.Answered, HasFile: req.Query.HasFile, HasImage: req.Query.HasImage, After: req.Query.After, Before: req.Query.Before,
		Sort: req.Sort, Limit: req.Limit, Offset: req.Offset, Facets: req.Facets,
	}
	if problem := q.UnansweredQuestions(); problem != "" {
		out.Problems = append(out.Problems, problem)
	}
	q.Exact = req.Exact
	if len(staff) > 0 {
		q.Scopes = append(q.Scopes, search.Scope{ChannelIDs: staff})
	}
	if len(visible) > 0 {
		q.Scopes = append(q.Scopes, search.Scope{ChannelIDs: visible, States: []string{string(model.StateVisible)}})
	}
	if len(req.Query.Authors) > 0 {
		if q.Authors, err = s.authorNames(ctx, req.Query.Authors); err != nil {
			return nil, err
		}
	}
	for _, slug := range req.Query.Channels {
		id, ok := bySlug[slug]
		if !ok {
			out.Problems = append(out.Problems, fmt.Sprintf("in:%s: there is no channel %q", slug, slug))
			id = -1 // finds nothing, as asked
		}
		q.ChannelIDs = append(q.ChannelIDs, id)
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	res, err := e.Search(ctx, q)
	if err != nil {
		if store.Unavailable(err) {
			// Said as such to the searcher (503, Retry-After); the
			// cause stays in the log.
			return nil, fmt.Errorf("transcripts: search: %w: %w", &model.Problem{Code: "search_unavailable",
				Message: "Search is unavailable right now: the search index cannot be reached. Please try again in a few seconds.",
				Kind:    model.ErrUnavailable}, err)
		}
		return nil, fmt.Errorf("chat: search: %w", err)
	}
	out.Result = res
	out.Groups, err = s.groupHits(ctx, res.Hits, out.StaffIn)
	return out, err
}

// authorNames turns from: values into the folded full names they stand
// for: "alice" is Alice Martin as well as anyone named just Alice, and
// "jose nunez" is José Núñez.
func (s *Service) authorNames(ctx context.Context, values []string) ([]string, error) {
	names, err := store.AuthorNames(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, v := range values {
		want := search.FoldName(v)
		add(want)
		for _, n := range names {
			full := search.FoldName(n)
			if full == want || strings.HasPrefix(full, want+" ") || slices.Contains(strings.Fields(full), want) {
				add(full)
			}
		}
	}
	return out, nil
}

// groupHits puts hits of one thread together, in the order the thread's
// first hit came, and loads each thread's first message for context.
func (s *Service) groupHits(ctx context.Context, hits []search.Hit, staffIn map[int64]bool) ([]SearchGroup, error) {
	var groups []SearchGroup
	at := map[int64]int{}
	hitIDs := map[int64]bool{}
	var roots []int64
	for _, h := range hits {
		hitIDs[h.ID] = true
		i, ok := at[h.ThreadID]
		if !ok {
			i = len(groups)
			at[h.ThreadID] = i
			groups = append(groups, SearchGroup{ThreadID: h.ThreadID, Channel: h.Channel})
			roots = append(roots, h.ThreadID)
		}
		groups[i].Hits = append(groups[i].Hits, h)
	}
	ms, err := store.MessagesByID(ctx, s.db, roots)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		m := &ms[i]
		if hitIDs[m.ID] || m.BodyRemovedAt != nil {
			continue
		}
		if !staffIn[m.ChannelID] && m.State != model.StateVisible {
			continue
		}
		if m.Anonymous && !staffIn[m.ChannelID] {
			m.AuthorName = "Anonymous"
		}
		groups[at[m.ID]].Root = m
	}
	return groups, nil
}

// SearchLocation is where dates in search operators are read; the server's
// local time zone.
func SearchLocation() *time.Location { return time.Local }
