package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"backchannel/model"
)

// Settings of the Meilisearch index.
const (
	meiliDefaultLimit = 20
	meiliMaxLimit     = 1000
	// meiliMaxTotalHits bounds the hits Meilisearch counts and pages
	// through; totals are exact below it.
	meiliMaxTotalHits = 1_000_000
	// meiliMaxFacetValues is how many values of each facet are counted
	// (the most frequent ones).
	meiliMaxFacetValues = 500
	// meiliTaskWait bounds the wait for a task when ctx has no deadline.
	meiliTaskWait = 5 * time.Minute
)

// Meili is the Meilisearch engine.
type Meili struct {
	client meilisearch.ServiceManager
	index  string
	lang   Language
}

// NewMeili returns an engine keeping its documents in the index named index
// of the Meilisearch server at url.
func NewMeili(url, key, index string, opts ...Option) *Meili {
	// Uncompressed answers: Meilisearch writes a gzipped answer in pieces,
	// and on a kept-alive connection each search then waits out a delayed
	// ACK, 40 ms on Linux against 5 ms of work at a million documents.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableCompression = true
	hc := &http.Client{Timeout: 10 * time.Second, Transport: tr}
	return &Meili{
		client: meilisearch.New(url, meilisearch.WithAPIKey(key), meilisearch.WithCustomClient(hc)),
		index:  index,
		lang:   applyOptions(opts).lang,
	}
}

// Name is "meilisearch".
func (m *Meili) Name() string { return "meilisearch" }

// Ping checks that the server is healthy and that the key is accepted.
func (m *Meili) Ping(ctx context.Context) error {
	h, err := m.client.HealthWithContext(ctx)
	if err != nil {
		return fmt.Errorf("search: meilisearch health: %w", err)
	}
	if h.Status != "available" {
		return fmt.Errorf("search: meilisearch status %q", h.Status)
	}
	if _, err := m.client.VersionWithContext(ctx); err != nil {
		return fmt.Errorf("search: meilisearch rejects the key: %w", err)
	}
	return nil
}

// Close releases idle connections.
func (m *Meili) Close() error {
	m.client.Close()
	return nil
}

// meiliSettings are the index settings Setup applies.
func meiliSettings() *meilisearch.Settings {
	return &meilisearch.Settings{
		// The words as the built-in engines hold them (meiliDoc): folded
		// by Fold, which spells ß as ss where Meilisearch would not, and
		// stemmed, since Meilisearch has no stemming.
		SearchableAttributes: []string{"stems", "text"},
		FilterableAttributes: []string{"id", "channel_id", "channel", "session_id", "thread_id", "author",
			"author_key", "author_filter", "kind", "state", "answered", "tags", "created_at", "has_file", "has_image"},
		SortableAttributes: []string{"created_at", "votes", "id"},
		// "sort" first, so that an explicit sort (newest, oldest, votes)
		// orders every match as the other engines do; without one the
		// rule does nothing and relevance decides: all words, fewest
		// typos, words closest together (the exact phrase first), then,
		// as on the built-in engines, questions with votes before the
		// other messages and newest first. "attribute" and "exactness"
		// are left out: the two searchable fields hold the same words.
		RankingRules: []string{"sort", "words", "typo", "proximity", "boost:desc", "created_at:desc", "id:desc"},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: meiliMaxFacetValues,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeCount},
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: meiliMaxTotalHits},
	}
}

// Setup creates the index (primary key "id") unless it exists and applies
// the settings, waiting until both are done. An index with another primary
// key is an error.
func (m *Meili) Setup(ctx context.Context) error { return m.setup(ctx, meiliSettings()) }

// setup creates the index unless it exists and applies settings.
func (m *Meili) setup(ctx context.Context, settings *meilisearch.Settings) error {
	info, err := m.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: m.index, PrimaryKey: "id"})
	if err := m.wait(ctx, "create index", info, err); err != nil && !meiliTaskCode(err, "index_already_exists") {
		return err
	}
	idx, err := m.client.GetIndexWithContext(ctx, m.index)
	if err != nil {
		return fmt.Errorf("search: meilisearch: read index %s: %w", m.index, err)
	}
	if idx.PrimaryKey != "" && idx.PrimaryKey != "id" {
		return fmt.Errorf("search: meilisearch: index %s has primary key %q, not \"id\"", m.index, idx.PrimaryKey)
	}
	info, err = m.client.Index(m.index).UpdateSettingsWithContext(ctx, settings)
	return m.wait(ctx, "update settings", info, err)
}

// Upsert adds or replaces docs and returns when they are searchable.
func (m *Meili) Upsert(ctx context.Context, docs []Doc) error {
	if len(docs) == 0 {
		return nil
	}
	out := make([]meiliDoc, len(docs))
	for i, d := range docs {
		out[i] = m.doc(d)
	}
	return m.upsert(ctx, out)
}

// meiliDoc is a message as the Meilisearch index holds it: the document,
// its searchable words folded (Text) and stemmed (Stems) as the built-in
// engines index them, and Boost, 1 for a question with votes (ranked above
// the other messages of the same relevance).
type meiliDoc struct {
	Doc
	Text  string `json:"text"`
	Stems string `json:"stems"`
	Boost int    `json:"boost"`
}

func (m *Meili) doc(d Doc) meiliDoc {
	words, stems := docWords(d, m.lang)
	md := meiliDoc{Doc: d, Text: strings.Join(words, " "), Stems: strings.Join(stems, " ")}
	if d.Kind == "question" && d.Votes > 0 {
		md.Boost = 1
	}
	return md
}

// upsert adds or replaces documents (with an "id") and waits.
func (m *Meili) upsert(ctx context.Context, docs any) error {
	pk := "id"
	info, err := m.client.Index(m.index).AddDocumentsWithContext(ctx, docs, &meilisearch.DocumentOptions{PrimaryKey: &pk})
	return m.wait(ctx, "upsert", info, err)
}

// Delete removes the documents with these ids.
func (m *Meili) Delete(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = strconv.FormatInt(id, 10)
	}
	info, err := m.client.Index(m.index).DeleteDocumentsWithContext(ctx, keys, nil)
	if err := m.wait(ctx, "delete", info, err); err != nil && !meiliTaskCode(err, "index_not_found") {
		return err
	}
	return nil
}

// Reset removes every document (the index and its settings stay).
func (m *Meili) Reset(ctx context.Context) error {
	info, err := m.client.Index(m.index).DeleteAllDocumentsWithContext(ctx, nil)
	if err := m.wait(ctx, "reset", info, err); err != nil && !meiliTaskCode(err, "index_not_found") {
		return err
	}
	return nil
}

// meiliTaskError is a task that did not succeed.
type meiliTaskError struct {
	what, status, code, message string
	uid                         int64
}

func (e *meiliTaskError) Error() string {
	return fmt.Sprintf("search: meilisearch: %s: task %d %s: %s (%s)", e.what, e.uid, e.status, e.message, e.code)
}

// meiliTaskCode says whether err is a failed task with this error code.
func meiliTaskCode(err error, code string) bool {
	var te *meiliTaskError
	return errors.As(err, &te) && te.code == code
}

// wait waits for the task of a request that returned info and err, and
// fails unless the task succeeded.
func (m *Meili) wait(ctx context.Context, what string, info *meilisearch.TaskInfo, err error) error {
	if err != nil {
		return fmt.Errorf("search: meilisearch: %s: %w", what, err)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, meiliTaskWait)
		defer cancel()
	}
	task, err := m.client.WaitForTaskWithContext(ctx, info.TaskUID, 25*time.Millisecond)
	if err != nil {
		return fmt.Errorf("search: meilisearch: %s: wait for task %d: %w", what, info.TaskUID, err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return &meiliTaskError{what: what, uid: info.TaskUID, status: string(task.Status),
			code: task.Error.Code, message: task.Error.Message}
	}
	return nil
}

// meiliResponse is the part of a search response the engine reads.
type meiliResponse struct {
	Hits              []meiliHit                `json:"hits"`
	TotalHits         int                       `json:"totalHits"`
	FacetDistribution map[string]map[string]int `json:"facetDistribution"`
}

type meiliHit struct {
	Doc
}

// Search answers q. Every word must match (the last one also as a
// prefix, with Meilisearch's typo tolerance); the total is exact.
func (m *Meili) Search(ctx context.Context, q Query) (*Result, error) {
	res := &Result{Hits: []Hit{}, Engine: m.Name()}
	if q.Facets {
		res.Facets = &Facets{Tags: map[string]int{}, Channels: map[string]int{}, Authors: map[string]int{}}
	}
	filter, ok := meiliFilter(q)
	if !ok {
		return res, nil // no scope: nothing is visible
	}
	root := ParseText(q.Text).Root
	alts, _ := root.Alternatives(MaxQueryAlternatives)
	text := ""
	if len(alts) == 1 {
		text = meiliQ(alts[0], m.lang)
	}
	positive := len(root.Terms()) > 0
	sort, err := meiliSort(q.Sort, positive)
	if err != nil {
		return nil, err
	}
	limit, offset := pageOf(q.Limit, q.Offset, meiliDefaultLimit, meiliMaxLimit)
	// Exact totals come with page/hitsPerPage; find a page holding
	// [offset, offset+limit).
	per, page := meiliPage(offset, limit)
	req := &meilisearch.SearchRequest{
		Page:             int64(page + 1),
		HitsPerPage:      new(int64(per)),
		Filter:           filter,
		Sort:             sort,
		MatchingStrategy: meilisearch.All,
	}
	if q.Facets {
		req.Facets = []string{"tags", "channel", "author"}
	}
	var resp *meiliResponse
	if len(alts) > 1 {
		resp, err = m.meiliOr(ctx, alts, filter, req)
	} else {
		resp, err = m.search(ctx, text, req)
	}
	if err != nil {
		return nil, err
	}
	res.Total = resp.TotalHits
	hits := resp.Hits
	skip := min(offset-page*per, len(hits))
	hits = hits[skip:]
	hits = hits[:min(limit, len(hits))]
	for _, h := range hits {
		res.Hits = append(res.Hits, Hit{Doc: h.Doc, Matches: root.Highlight(h.Body, m.lang)})
	}
	if q.Facets {
		maps.Copy(res.Facets.Tags, resp.FacetDistribution["tags"])
		maps.Copy(res.Facets.Channels, resp.FacetDistribution["channel"])
		maps.Copy(res.Facets.Authors, resp.FacetDistribution["author"])
	}
	return res, nil
}

// search sends the query text and req to the index.
func (m *Meili) search(ctx context.Context, text string, req *meilisearch.SearchRequest) (*meiliResponse, error) {
	var resp meiliResponse
	if err := m.searchInto(ctx, text, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// searchInto sends the query text and req to the index and decodes the
// answer into resp.
func (m *Meili) searchInto(ctx context.Context, text string, req *meilisearch.SearchRequest, resp any) error {
	raw, err := m.client.Index(m.index).SearchRawWithContext(ctx, text, req)
	if err != nil {
		return meiliUnavailable(fmt.Errorf("search: meilisearch: search: %w", err))
	}
	if err := json.Unmarshal(*raw, resp); err != nil {
		return fmt.Errorf("search: meilisearch: decode the response: %w", err)
	}
	return nil
}

// meiliPage returns a page size of at least limit and the (0-based) page
// of that size that holds every position of [offset, offset+limit).
func meiliPage(offset, limit int) (per, page int) {
	for per = limit; ; per++ {
		page = offset / per
		if (page+1)*per >= offset+limit {
			return per, page
		}
	}
}

// meiliSort is the sort of a query; nil leaves the order to relevance.
func meiliSort(sort string, text bool) ([]string, error) {
	newest := []string{"created_at:desc", "id:desc"}
	switch sort {
	case SortNewest:
		return newest, nil
	case SortOldest:
		return []string{"created_at:asc", "id:asc"}, nil
	case SortVotes:
		return append([]string{"votes:desc"}, newest...), nil
	case SortRelevance, "":
		if !text {
			return newest, nil
		}
		return nil, nil
	}
	return nil, fmt.Errorf("search: meilisearch: unknown sort %q", sort)
}

// meiliFilter is the filter expression of q; false when q's scopes let it
// see nothing.
func meiliFilter(q Query) (string, bool) {
	var scopes []string
	for _, sc := range q.Scopes {
		if len(sc.ChannelIDs) == 0 {
			continue // no channels: this scope sees nothing
		}
		cond := "channel_id IN " + meiliInts(sc.ChannelIDs)
		if len(sc.States) > 0 {
			cond += " AND state IN " + meiliStrings(sc.States)
		}
		scopes = append(scopes, "("+cond+")")
	}
	if len(scopes) == 0 {
		return "", false
	}
	and := []string{"(" + strings.Join(scopes, " OR ") + ")"}
	if len(q.ChannelIDs) > 0 {
		and = append(and, "channel_id IN "+meiliInts(q.ChannelIDs))
	}
	if q.SessionID != 0 {
		and = append(and, "session_id = "+strconv.FormatInt(q.SessionID, 10))
	}
	if q.ThreadID != 0 {
		and = append(and, "thread_id = "+strconv.FormatInt(q.ThreadID, 10))
	}
	if len(q.Authors) > 0 {
		and = append(and, "author_filter IN "+meiliStrings(q.Authors))
	}
	if q.AuthorKey != "" {
		and = append(and, "author_key = "+meiliQuote(q.AuthorKey))
	}
	if len(q.Kinds) > 0 {
		and = append(and, "kind IN "+meiliStrings(q.Kinds))
	}
	for _, t := range q.Tags {
		and = append(and, "tags = "+meiliQuote(t))
	}
	if len(q.States) > 0 {
		and = append(and, "state IN "+meiliStrings(q.States))
	}
	if q.Answered != nil {
		and = append(and, "answered = "+strconv.FormatBool(*q.Answered))
	}
	if q.HasFile {
		and = append(and, "has_file = true")
	}
	if q.HasImage {
		and = append(and, "has_image = true")
	}
	if !q.After.IsZero() {
		and = append(and, "created_at >= "+strconv.FormatInt(q.After.UnixMilli(), 10))
	}
	if !q.Before.IsZero() {
		and = append(and, "created_at < "+strconv.FormatInt(q.Before.UnixMilli(), 10))
	}
	return strings.Join(and, " AND "), true
}

// meiliQuote is s as a filter string: double-quoted, with quotes and
// backslashes escaped.
func meiliQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func meiliStrings(vs []string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = meiliQuote(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func meiliInts(vs []int64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.FormatInt(v, 10)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// meiliUnavailable marks err with model.ErrUnavailable when Meilisearch
// could not be reached or failed on its side (5xx, or its index is
// missing): the search is unavailable, not the request wrong.
func meiliUnavailable(err error) error {
	var me *meilisearch.Error
	if errors.As(err, &me) && (me.ErrCode == meilisearch.MeilisearchCommunicationError || me.StatusCode >= 500 ||
		me.MeilisearchApiError.Code == "index_not_found") {
		return fmt.Errorf("%w: %w", model.ErrUnavailable, err)
	}
	return err
}
