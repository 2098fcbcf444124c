package search

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
)

// Page sizes of the built-in engine.
const (
	sqlDefaultLimit = 20
	sqlMaxLimit     = 1000
)

// sqlDocColumns are the search_docs columns a hit is read from.
const sqlDocColumns = "d.id, d.channel_id, d.channel, d.session_id, d.thread_id, d.author_key, d.author, " +
	"d.author_filter, d.kind, d.state, d.answered, d.tags, d.body, d.created_at, d.votes, d.files, d.has_file, d.has_image"

type sqlDocRow struct {
	ID           int64  `bun:"id"`
	ChannelID    int64  `bun:"channel_id"`
	Channel      string `bun:"channel"`
	SessionID    int64  `bun:"session_id"`
	ThreadID     int64  `bun:"thread_id"`
	AuthorKey    string `bun:"author_key"`
	Author       string `bun:"author"`
	AuthorFilter string `bun:"author_filter"`
	Kind         string `bun:"kind"`
	State        string `bun:"state"`
	Answered     bool   `bun:"answered"`
	Tags         string `bun:"tags"`
	Body         string `bun:"body"`
	CreatedAt    int64  `bun:"created_at"`
	Votes        int    `bun:"votes"`
	Files        string `bun:"files"`
	HasFile      bool   `bun:"has_file"`
	HasImage     bool   `bun:"has_image"`
}

func (r sqlDocRow) doc() (Doc, error) {
	d := Doc{ID: r.ID, ChannelID: r.ChannelID, Channel: r.Channel, SessionID: r.SessionID, ThreadID: r.ThreadID,
		AuthorKey: r.AuthorKey, Author: r.Author, AuthorFilter: r.AuthorFilter, Kind: r.Kind, State: r.State,
		Answered: r.Answered, Body: r.Body, CreatedAt: r.CreatedAt, Votes: r.Votes, Tags: []string{},
		Files: []string{}, HasFile: r.HasFile, HasImage: r.HasImage}
	if r.Tags != "" {
		if err := json.Unmarshal([]byte(r.Tags), &d.Tags); err != nil {
			return d, fmt.Errorf("tags of %d: %w", r.ID, err)
		}
	}
	if r.Files != "" {
		if err := json.Unmarshal([]byte(r.Files), &d.Files); err != nil {
			return d, fmt.Errorf("files of %d: %w", r.ID, err)
		}
	}
	return d, nil
}

// sqlQuery is the FROM and WHERE of a search, with their arguments.
type sqlQuery struct {
	from  string
	where []string
	args  []any
}

func (c *sqlQuery) and(cond string, args ...any) {
	c.where = append(c.where, cond)
	c.args = append(c.args, args...)
}

// body is "FROM … WHERE …".
func (c *sqlQuery) body() string {
	s := " FROM " + c.from
	if len(c.where) > 0 {
		s += " WHERE " + strings.Join(c.where, " AND ")
	}
	return s
}

// sqlFTSMatch is an FTS5 query: every word quoted (so no word is read as
// syntax), the last one a prefix.
func sqlFTSMatch(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = ftsQuote(w)
	}
	parts[len(parts)-1] += "*"
	return strings.Join(parts, " ")
}

// sqlTSQuery is a PostgreSQL tsquery text for to_tsquery: every word a quoted
// lexeme, all required, the last one a prefix.
func sqlTSQuery(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = tsLexeme(w)
	}
	parts[len(parts)-1] += ":*"
	return strings.Join(parts, " & ")
}

// phraseTier is the condition that ranks a message first: the stems of
// words next to each other, in order (nothing for fewer than two words).
func (s *SQL) phraseTier(q Query, words []string) (string, []any) {
	if len(words) < 2 {
		return "", nil
	}
	stems := make([]string, len(words))
	for i, w := range words {
		stems[i] = s.lang.stem(w)
	}
	if s.pg() {
		parts := make([]string, len(stems))
		for i, st := range stems {
			parts[i] = tsLexeme(st) + ":B"
		}
		return "d.tsv @@ to_tsquery('simple', ?)", []any{strings.Join(parts, " <-> ")}
	}
	return "search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)",
		[]any{ftsInChannels(q, "stems : "+ftsQuote(strings.Join(stems, " ")))}
}

// ftsChannelsMax is the most channels a search names in its FTS5 query.
// Beyond, the union of their lists is most of the index and costs more
// than it saves; the join with search_docs keeps the scope either way.
const ftsChannelsMax = 16

// ftsInChannels is the FTS5 query expr limited to the channels q searches
// (its channel filter, or else every channel of its scopes when they are
// few), through the index's channel column: FTS5 then reads the matches in
// those channels alone, where a common word would otherwise have every
// match in the site joined with search_docs and thrown away.
func ftsInChannels(q Query, expr string) string {
	chans := q.ChannelIDs
	if len(chans) == 0 {
		for _, sc := range q.Scopes {
			chans = append(chans, sc.ChannelIDs...)
		}
	}
	chans = slices.Compact(slices.Sorted(slices.Values(chans)))
	if len(chans) == 0 || len(chans) > ftsChannelsMax {
		return expr
	}
	ids := make([]string, len(chans))
	for i, id := range chans {
		ids[i] = ftsQuote(strconv.FormatInt(id, 10))
	}
	return "channel : (" + strings.Join(ids, " OR ") + ") AND (" + expr + ")"
}

// build turns q into the FROM and WHERE shared by the hits, the total and
// the facets.
func (s *SQL) build(q Query, root *Node) sqlQuery {
	var c sqlQuery
	switch {
	case root == nil:
		c.from = "search_docs d"
	case s.pg():
		c.from = "search_docs d"
		c.and("d.tsv @@ to_tsquery('simple', ?)", sqlTSExpr(root, s.lang))
	case len(root.Positive()) == 0:
		// Only exclusions: every document but those that match one.
		c.from = "search_docs d"
		c.and("d.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)", ftsInChannels(q, sqlFTSExpr(root, s.lang)))
	default:
		// CROSS JOIN keeps the full-text index the outer loop: left to
		// itself, SQLite 3.51 walks a channel's rows and runs the MATCH
		// again for each of them, seconds per query at a million messages.
		c.from = "search_fts CROSS JOIN search_docs d ON d.id = search_fts.rowid"
		c.and("search_fts MATCH ?", ftsInChannels(q, sqlFTSExpr(root, s.lang)))
	}
	var scopes []string
	var scopeArgs []any
	for _, sc := range q.Scopes {
		if len(sc.ChannelIDs) == 0 {
			continue // no channels: this scope sees nothing
		}
		cond := "d.channel_id IN (?)"
		scopeArgs = append(scopeArgs, bun.In(sc.ChannelIDs))
		if len(sc.States) > 0 {
			cond += " AND d.state IN (?)"
			scopeArgs = append(scopeArgs, bun.In(sc.States))
		}
		scopes = append(scopes, "("+cond+")")
	}
	if len(scopes) == 0 {
		c.and("1 = 0")
	} else {
		c.and("("+strings.Join(scopes, " OR ")+")", scopeArgs...)
	}
	if len(q.ChannelIDs) > 0 {
		c.and("d.channel_id IN (?)", bun.In(q.ChannelIDs))
	}
	if q.SessionID != 0 {
		c.and("d.session_id = ?", q.SessionID)
	}
	if q.ThreadID != 0 {
		c.and("d.thread_id = ?", q.ThreadID)
	}
	if len(q.Authors) > 0 {
		c.and("d.author_filter IN (?)", bun.In(q.Authors))
	}
	if q.AuthorKey != "" {
		c.and("d.author_key = ?", q.AuthorKey)
	}
	if len(q.Kinds) > 0 {
		c.and("d.kind IN (?)", bun.In(q.Kinds))
	}
	for _, t := range sqlUniqueTags(q.Tags) {
		c.and("EXISTS (SELECT 1 FROM search_doc_tags st WHERE st.doc_id = d.id AND st.tag = ?)", t)
	}
	if len(q.States) > 0 {
		c.and("d.state IN (?)", bun.In(q.States))
	}
	if q.Answered != nil {
		c.and("d.answered = ?", *q.Answered)
	}
	if q.HasFile {
		c.and("d.has_file = ?", true)
	}
	if q.HasImage {
		c.and("d.has_image = ?", true)
	}
	if !q.After.IsZero() {
		c.and("d.created_at >= ?", q.After.UnixMilli())
	}
	if !q.Before.IsZero() {
		c.and("d.created_at < ?", q.Before.UnixMilli())
	}
	return c
}

// sqlBoost ranks questions with votes above other messages of the same
// relevance (descending).
const sqlBoost = "CASE WHEN d.kind = 'question' AND d.votes > 0 THEN 1 ELSE 0 END"

// sqlTier is a condition that ranks the messages meeting it above the
// others, with its arguments.
type sqlTier struct {
	cond string
	args []any
}

// sqlKey is one key of a search's order: an expression over d with its
// arguments, descending or not.
type sqlKey struct {
	expr string
	args []any
	desc bool
}

// sqlOrderBy is keys as an ORDER BY list, with their arguments, each key's
// expression given by expr.
func sqlOrderBy(keys []sqlKey, expr func(i int, k sqlKey) string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = expr(i, k)
		if k.desc {
			parts[i] += " DESC"
		}
	}
	return strings.Join(parts, ", ")
}

// order is the order of q's hits. By relevance, messages meeting the tiers
// come first, tier by tier (the exact phrase before the other matches);
// within the same tiers questions with votes before the other messages,
// then newest first. Chat messages are short: bm25 and ts_rank mostly
// measure their length, and would leave recency no part.
func (s *SQL) order(q Query, root *Node, tiers []sqlTier) ([]sqlKey, error) {
	newest := []sqlKey{{expr: "d.created_at", desc: true}, {expr: "d.id", desc: true}}
	switch q.Sort {
	case SortNewest:
		return newest, nil
	case SortOldest:
		return []sqlKey{{expr: "d.created_at"}, {expr: "d.id"}}, nil
	case SortVotes:
		return append([]sqlKey{{expr: "d.votes", desc: true}}, newest...), nil
	case SortRelevance, "":
		if root == nil || len(root.Positive()) == 0 {
			return newest, nil
		}
		var keys []sqlKey
		for _, t := range tiers {
			if t.cond != "" {
				keys = append(keys, sqlKey{expr: "CASE WHEN " + t.cond + " THEN 1 ELSE 0 END", args: t.args, desc: true})
			}
		}
		keys = append(keys, sqlKey{expr: sqlBoost, desc: true})
		return append(keys, newest...), nil
	}
	return nil, fmt.Errorf("search: builtin: unknown sort %q", q.Sort)
}

// Search answers q: the page of hits, the exact total and, when asked, the
// facets over every match.
func (s *SQL) Search(ctx context.Context, q Query) (*Result, error) {
	root := ParseText(q.Text).Root
	res, err := s.search(ctx, q, root)
	if err != nil || q.Exact || root == nil || len(q.Scopes) == 0 {
		return res, err
	}
	// Words that match nothing are corrected (search/correct_or.go).
	return s.searchCorrected(ctx, q, root, res)
}

// exists says whether q finds anything with its text read as root.
func (s *SQL) exists(ctx context.Context, q Query, root *Node) (bool, error) {
	c := s.build(q, root)
	var n int
	if err := s.db.NewRaw("SELECT COUNT(*) FROM (SELECT 1"+c.body()+" LIMIT 1) x", c.args...).Scan(ctx, &n); err != nil {
		return false, fmt.Errorf("search: builtin: exists: %w", err)
	}
	return n > 0, nil
}

// search answers q with its text read as root.
func (s *SQL) search(ctx context.Context, q Query, root *Node) (*Result, error) {
	limit, offset := pageOf(q.Limit, q.Offset, sqlDefaultLimit, sqlMaxLimit)

	res := &Result{Hits: []Hit{}, Engine: s.Name()}
	if q.Facets {
		res.Facets = &Facets{Tags: map[string]int{}, Channels: map[string]int{}, Authors: map[string]int{}}
	}
	phrase, phraseArgs := s.phraseTier(q, root.PhraseWords())
	keys, err := s.order(q, root, []sqlTier{{phrase, phraseArgs}})
	if err != nil {
		return nil, err
	}
	if len(q.Scopes) == 0 {
		return res, nil
	}
	c := s.build(q, root)
	if len(root.Positive()) > 0 {
		// Words to match: every match is read anyway to be ordered.
		return res, s.pageAndCounts(ctx, c, keys, limit, offset, root, res)
	}

	// Filters alone: the page is the first rows of an index in the order
	// asked (channel and time), so it is read apart from the counts.
	var rows []sqlDocRow
	args := slices.Concat(c.args, sqlKeyArgs(keys), []any{limit, offset})
	orderBy := sqlOrderBy(keys, func(_ int, k sqlKey) string { return k.expr })
	sel := "SELECT " + sqlDocColumns + c.body() + " ORDER BY " + orderBy + " LIMIT ? OFFSET ?"
	if err := s.db.NewRaw(sel, args...).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("search: builtin: search: %w", err)
	}
	if err := s.addHits(res, rows, root); err != nil {
		return nil, err
	}
	if q.Facets {
		return res, s.facets(ctx, c, res)
	}
	if res.Total, err = s.total(ctx, c, len(rows), limit, offset); err != nil {
		return nil, err
	}
	return res, nil
}

// sqlKeyArgs are the arguments of keys, in order.
func sqlKeyArgs(keys []sqlKey) []any {
	var args []any
	for _, k := range keys {
		args = append(args, k.args...)
	}
	return args
}

// addHits appends rows to res as hits, with the words root marks in them.
func (s *SQL) addHits(res *Result, rows []sqlDocRow, root *Node) error {
	for _, r := range rows {
		d, err := r.doc()
		if err != nil {
			return fmt.Errorf("search: builtin: %w", err)
		}
		res.Hits = append(res.Hits, Hit{Doc: d, Matches: root.Highlight(d.Body, s.lang)})
	}
	return nil
}

// pageAndCounts reads the page of c in keys' order into res, with the
// total and, when res asks for facets, the facets of every match (tags,
// channels, authors), searching the full-text index once: one statement
// keeps the matches (m) with what the counts need and the order's keys,
// and returns the page's ids in order with the counts (addCounts); a
// second reads the page's documents by id. Reading the matches once,
// rather than for the page and again for the counts, and sorting narrow
// keys rather than whole documents roughly halves a search that finds
// thousands (BENCHMARKS.md).
func (s *SQL) pageAndCounts(ctx context.Context, c sqlQuery, keys []sqlKey, limit, offset int, root *Node, res *Result) error {
	var kcols, pcols strings.Builder
	for i, k := range keys {
		fmt.Fprintf(&kcols, ", %s AS k%d", k.expr, i)
		fmt.Fprintf(&pcols, ", m.k%d", i)
	}
	inM := sqlOrderBy(keys, func(i int, _ sqlKey) string { return "m.k" + strconv.Itoa(i) })
	inP := sqlOrderBy(keys, func(i int, _ sqlKey) string { return "p.k" + strconv.Itoa(i) })
	counted := "d.id"
	counts := " UNION ALL SELECT 'n', '', 0, COUNT(*) FROM m"
	if res.Facets != nil {
		counted = "d.id, d.channel, d.author, d.tags"
		counts = " UNION ALL " + s.facetCounts()
	}
	stmt := "WITH m AS MATERIALIZED (SELECT " + counted + kcols.String() + c.body() + ")" +
		" SELECT 'h' AS kind, '' AS value, p.id AS id, ROW_NUMBER() OVER (ORDER BY " + inP + ") AS n" +
		" FROM (SELECT m.id" + pcols.String() + " FROM m ORDER BY " + inM + " LIMIT ? OFFSET ?) p" + counts
	var out []sqlCount
	args := slices.Concat(sqlKeyArgs(keys), c.args, []any{limit, offset})
	if err := s.db.NewRaw(stmt, args...).Scan(ctx, &out); err != nil {
		return fmt.Errorf("search: builtin: search: %w", err)
	}
	addCounts(res, out)
	rank := map[int64]int{}
	var ids []int64
	for _, r := range out {
		if r.Kind == "h" {
			rank[r.ID] = r.N
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var rows []sqlDocRow
	if err := s.db.NewRaw("SELECT "+sqlDocColumns+" FROM search_docs d WHERE d.id IN (?)", bun.In(ids)).Scan(ctx, &rows); err != nil {
		return fmt.Errorf("search: builtin: search: page: %w", err)
	}
	// A document removed between the two statements is left out.
	slices.SortFunc(rows, func(a, b sqlDocRow) int { return rank[a.ID] - rank[b.ID] })
	return s.addHits(res, rows, root)
}

// total is the number of matches of c, given a page of n rows read at
// offset with limit.
func (s *SQL) total(ctx context.Context, c sqlQuery, n, limit, offset int) (int, error) {
	if n < limit && (n > 0 || offset == 0) {
		return offset + n, nil // the page is not full
	}
	var total int
	if err := s.db.NewRaw("SELECT COUNT(*)"+c.body(), c.args...).Scan(ctx, &total); err != nil {
		return 0, fmt.Errorf("search: builtin: count: %w", err)
	}
	return total, nil
}

// facetCounts is the SELECT of the facets of the matches m (columns id,
// channel, author, tags): rows of kind ('c' channel, 'a' author, 't' tag),
// value, 0 and count. The tags come from the row already read (its JSON
// list, on SQLite) rather than from a look-up in search_doc_tags per match.
func (s *SQL) facetCounts() string {
	tags := " UNION ALL SELECT 't', st.tag, 0, COUNT(*) FROM search_doc_tags st JOIN m ON st.doc_id = m.id GROUP BY st.tag"
	if !s.pg() {
		tags = " UNION ALL SELECT 't', j.value, 0, COUNT(*) FROM m, json_each(m.tags) j WHERE m.tags <> '[]' GROUP BY j.value"
	}
	return "SELECT 'c' AS kind, m.channel AS value, 0 AS id, COUNT(*) AS n FROM m GROUP BY m.channel" +
		" UNION ALL SELECT 'a', m.author, 0, COUNT(*) FROM m GROUP BY m.author" + tags
}

// facets counts the tags, channels and authors of every match of c into
// res, with the total, in one query that searches the full-text index once.
func (s *SQL) facets(ctx context.Context, c sqlQuery, res *Result) error {
	var counts []sqlCount
	q := "WITH m AS MATERIALIZED (SELECT d.id, d.channel, d.author, d.tags" + c.body() + ") " + s.facetCounts()
	if err := s.db.NewRaw(q, c.args...).Scan(ctx, &counts); err != nil {
		return fmt.Errorf("search: builtin: facets: %w", err)
	}
	addCounts(res, counts)
	return nil
}

// sqlCount is a row of pageAndCounts and facets: a hit's id and place on
// the page (kind 'h'), the total ('n') or a facet's value and count.
type sqlCount struct {
	Kind  string `bun:"kind"`
	Value string `bun:"value"`
	ID    int64  `bun:"id"`
	N     int    `bun:"n"`
}

// addCounts adds the total ('n') and the facets of counts to res (hits,
// 'h', are left to the caller). Every match is in one channel, so the
// channel counts add up to the total.
func addCounts(res *Result, counts []sqlCount) {
	for _, r := range counts {
		switch r.Kind {
		case "n":
			res.Total += r.N
		case "c":
			res.Facets.Channels[r.Value] = r.N
			res.Total += r.N
		case "a":
			res.Facets.Authors[r.Value] = r.N
		case "t":
			res.Facets.Tags[r.Value] = r.N
		}
	}
}
