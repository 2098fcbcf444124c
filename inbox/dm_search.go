package inbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"backchannel/model"
	"backchannel/search"
	"backchannel/store"
)

// SearchRequest is a search of one's own direct messages.
type SearchRequest struct {
	// Query is the search box as typed: words (also found in the files'
	// names), quoted words, from:handle, after:, before:, has:file and
	// has:image (as in channel search; in:, tag: and is: do not apply here).
	Query  string
	Sort   string // relevance (default), newest or oldest
	Limit  int    // 1–100, default 20
	Offset int
}

// SearchHit is one direct message found, with its conversation.
type SearchHit struct {
	MessageID      int64
	ConversationID int64
	Conversation   string // the group's title, or the other members' names
	Author         string
	Handle         string
	Body           string
	Matches        []search.Span
	CreatedAt      time.Time
}

// SearchResults is a page of hits.
type SearchResults struct {
	Hits     []SearchHit
	Total    int
	Engine   string
	Problems []string // what in the query could not be used
}

// Search finds direct messages of the conversations userID is a current
// member of, after what they deleted for themselves; nobody else's search
// (staff included) ever reads this index. The engine is given the
// conversations and their cleared marks as a filter, and every hit is
// checked against the database again (membership, deletion) before it is
// shown.
func (s *Service) Search(ctx context.Context, engine search.DMEngine, userID int64, req SearchRequest) (*SearchResults, error) {
	p := search.Parse(req.Query, time.Local)
	out := &SearchResults{Hits: []SearchHit{}, Engine: engine.Name(), Problems: p.Problems}
	if len(p.Channels) > 0 || len(p.Tags) > 0 || len(p.Kinds) > 0 || len(p.States) > 0 || p.Answered != nil {
		out.Problems = append(out.Problems, "in:, tag: and is: do not apply to direct messages; they were left out.")
	}
	q := search.DMQuery{Text: p.Text, After: p.After, Before: p.Before, HasFile: p.HasFile, HasImage: p.HasImage,
		Sort: req.Sort, Limit: req.Limit, Offset: max(req.Offset, 0)}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	if len(p.Authors) > 0 {
		handles := make([]string, len(p.Authors))
		for i, a := range p.Authors {
			handles[i] = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(a), "@"))
		}
		us, err := store.UsersByHandles(ctx, s.db, handles)
		if err != nil {
			return nil, err
		}
		if len(us) == 0 {
			out.Problems = append(out.Problems, fmt.Sprintf("from:%s: nobody has that handle.", strings.Join(handles, ", ")))
			return out, nil
		}
		for _, u := range us {
			q.AuthorIDs = append(q.AuthorIDs, u.ID)
		}
	}
	ms, err := store.DMMemberships(ctx, s.db, userID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		q.Scopes = append(q.Scopes, search.DMScope{ConversationID: m.ConversationID, AfterID: m.ClearedThrough})
	}
	if len(q.Scopes) == 0 {
		return out, nil
	}
	res, err := engine.Search(ctx, q)
	if err != nil {
		if store.Unavailable(err) {
			return nil, fmt.Errorf("inbox: search: %w: %w", &model.Problem{Code: "search_unavailable",
				Message: "Search is unavailable right now: the search index cannot be reached. Please try again in a few seconds.",
				Kind:    model.ErrUnavailable}, err)
		}
		return nil, fmt.Errorf("inbox: search: %w", err)
	}
	out.Engine, out.Total = res.Engine, res.Total
	ids := make([]int64, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	rows, err := store.DMVisibleTo(ctx, s.db, userID, ids)
	if err != nil {
		return nil, err
	}
	visible := make(map[int64]store.DMVisibleRow, len(rows))
	convs := map[int64]bool{}
	var convIDs []int64
	for _, r := range rows {
		visible[r.ID] = r
		if !convs[r.ConversationID] {
			convs[r.ConversationID] = true
			convIDs = append(convIDs, r.ConversationID)
		}
	}
	names, err := conversationNames(ctx, s, userID, rows, convIDs)
	if err != nil {
		return nil, err
	}
	words := search.Words(p.Text)
	for _, h := range res.Hits {
		r, ok := visible[h.ID]
		if !ok {
			// Left, cleared, deleted or gone since it was indexed.
			out.Total--
			continue
		}
		out.Hits = append(out.Hits, SearchHit{MessageID: r.ID, ConversationID: r.ConversationID,
			Conversation: names[r.ConversationID], Author: r.Author, Handle: r.Handle, Body: r.Body,
			Matches: search.MatchSpans(r.Body, words, true), CreatedAt: r.CreatedAt})
	}
	out.Total = max(out.Total, len(out.Hits)+q.Offset)
	return out, nil
}

// conversationNames names each conversation for userID: a group's title, or
// else the other current members' names.
func conversationNames(ctx context.Context, s *Service, userID int64, rows []store.DMVisibleRow, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	members, err := store.DMMemberNames(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	others := map[int64][]string{}
	for _, m := range members {
		if m.UserID != userID {
			others[m.ConversationID] = append(others[m.ConversationID], m.DisplayName)
		}
	}
	for _, r := range rows {
		switch {
		case r.ConversationTitle != "":
			out[r.ConversationID] = r.ConversationTitle
		case len(others[r.ConversationID]) > 0:
			out[r.ConversationID] = strings.Join(others[r.ConversationID], ", ")
		default:
			out[r.ConversationID] = "Just you"
		}
	}
	return out, nil
}
