package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/meilisearch/meilisearch-go"
)

// MeiliDM is the Meilisearch index of direct messages: an index of its own
// (the channel index's name with "_dm"), never searched for channels.
type MeiliDM struct {
	m *Meili
}

// DMs returns the direct-message index beside m's index, on the same server.
func (m *Meili) DMs() DMEngine {
	return &MeiliDM{m: &Meili{client: m.client, index: m.index + "_dm"}}
}

// Name is "meilisearch".
func (e *MeiliDM) Name() string { return e.m.Name() }

// Ping checks that the server is healthy and that the key is accepted.
func (e *MeiliDM) Ping(ctx context.Context) error { return e.m.Ping(ctx) }

// meiliDMSettings are the settings of the direct-message index. Only the
// folded words (meiliDMDoc.Text) are searched: Meilisearch's own
// normalisation keeps ß apart from ss, so "strasse" would not find
// "Straße" in the body as written.
func meiliDMSettings() *meilisearch.Settings {
	return &meilisearch.Settings{
		SearchableAttributes: []string{"text"},
		FilterableAttributes: []string{"id", "conversation_id", "author_id", "created_at", "has_file", "has_image"},
		SortableAttributes:   []string{"created_at", "id"},
		RankingRules: []string{"sort", "words", "typo", "proximity", "attribute", "exactness",
			"created_at:desc", "id:desc"},
		Pagination: &meilisearch.Pagination{MaxTotalHits: meiliMaxTotalHits},
	}
}

// Setup creates the index and applies its settings.
func (e *MeiliDM) Setup(ctx context.Context) error { return e.m.setup(ctx, meiliDMSettings()) }

// meiliDMDoc is a direct message as the index holds it: the document and
// its searchable words folded as every engine folds them (the built-in
// engine's text, sqlDMDocText).
type meiliDMDoc struct {
	DMDoc
	Text string `json:"text"`
}

// Upsert adds or replaces docs and returns when they are searchable.
func (e *MeiliDM) Upsert(ctx context.Context, docs []DMDoc) error {
	if len(docs) == 0 {
		return nil
	}
	out := make([]meiliDMDoc, len(docs))
	for i, d := range docs {
		out[i] = meiliDMDoc{DMDoc: d, Text: sqlDMDocText(d)}
	}
	return e.m.upsert(ctx, out)
}

// Delete removes the documents with these ids.
func (e *MeiliDM) Delete(ctx context.Context, ids []int64) error { return e.m.Delete(ctx, ids) }

// Reset removes every document.
func (e *MeiliDM) Reset(ctx context.Context) error { return e.m.Reset(ctx) }

type meiliDMResponse struct {
	Hits []struct {
		DMDoc
	} `json:"hits"`
	TotalHits int `json:"totalHits"`
}

// Search answers q as the built-in engine does: every word must match (the
// last also as a prefix); the total is exact.
func (e *MeiliDM) Search(ctx context.Context, q DMQuery) (*DMResult, error) {
	res := &DMResult{Hits: []DMHit{}, Engine: e.Name()}
	if len(q.Scopes) == 0 {
		return res, nil
	}
	words := Words(q.Text)
	if !dmSortOK(q.Sort) {
		return nil, fmt.Errorf("search: meilisearch: unknown sort %q", q.Sort)
	}
	sort, err := meiliSort(q.Sort, len(words) > 0)
	if err != nil {
		return nil, err
	}
	limit, offset := pageOf(q.Limit, q.Offset, meiliDefaultLimit, meiliMaxLimit)
	per, page := meiliPage(offset, limit)
	req := &meilisearch.SearchRequest{
		Page: int64(page + 1), HitsPerPage: new(int64(per)), Filter: meiliDMFilter(q), Sort: sort,
		MatchingStrategy: meilisearch.All,
	}
	var resp meiliDMResponse
	if err := e.m.searchInto(ctx, strings.Join(words, " "), req, &resp); err != nil {
		return nil, err
	}
	res.Total = resp.TotalHits
	hits := resp.Hits[min(offset-page*per, len(resp.Hits)):]
	for _, h := range hits[:min(limit, len(hits))] {
		if h.Files == nil {
			h.Files = []string{}
		}
		res.Hits = append(res.Hits, DMHit{DMDoc: h.DMDoc, Matches: MatchSpans(h.Body, words, true)})
	}
	return res, nil
}

// meiliDMFilter is the filter expression of q (which has scopes).
func meiliDMFilter(q DMQuery) string {
	whole, after := dmScopeGroups(q.Scopes)
	var scopes []string
	if len(whole) > 0 {
		scopes = append(scopes, "conversation_id IN "+meiliInts(whole))
	}
	for _, s := range after {
		scopes = append(scopes, "(conversation_id = "+strconv.FormatInt(s.ConversationID, 10)+
			" AND id > "+strconv.FormatInt(s.AfterID, 10)+")")
	}
	and := []string{"(" + strings.Join(scopes, " OR ") + ")"}
	if len(q.AuthorIDs) > 0 {
		and = append(and, "author_id IN "+meiliInts(q.AuthorIDs))
	}
	if !q.After.IsZero() {
		and = append(and, "created_at >= "+strconv.FormatInt(q.After.UnixMilli(), 10))
	}
	if !q.Before.IsZero() {
		and = append(and, "created_at < "+strconv.FormatInt(q.Before.UnixMilli(), 10))
	}
	if q.HasFile {
		and = append(and, "has_file = true")
	}
	if q.HasImage {
		and = append(and, "has_image = true")
	}
	return strings.Join(and, " AND ")
}
