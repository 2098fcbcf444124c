package search

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// SQLDM is the built-in engine's index of direct messages: the table
// dm_search_docs, with its words in the FTS5 table dm_search_fts (SQLite) or
// the column dm_search_docs.tsv (PostgreSQL), as SQL keeps channel messages.
type SQLDM struct {
	s *SQL
}

// DMs returns the built-in direct-message index in the same database.
func (s *SQL) DMs() DMEngine { return &SQLDM{s: s} }

// NewSQLDM returns the built-in direct-message index over db.
func NewSQLDM(db *bun.DB) *SQLDM { return &SQLDM{s: NewSQL(db)} }

// Name is the built-in engine's name.
func (e *SQLDM) Name() string { return e.s.Name() }

// Ping checks the database answers.
func (e *SQLDM) Ping(ctx context.Context) error { return e.s.Ping(ctx) }

// Setup checks that the migrations have created the tables.
func (e *SQLDM) Setup(ctx context.Context) error {
	tables := []string{"dm_search_docs"}
	if !e.s.pg() {
		tables = append(tables, "dm_search_fts")
	}
	return e.s.checkTables(ctx, tables)
}

// Upsert replaces the documents, in one transaction.
func (e *SQLDM) Upsert(ctx context.Context, docs []DMDoc) error {
	docs = lastByID(docs, func(d DMDoc) int64 { return d.ID })
	if len(docs) == 0 {
		return nil
	}
	ids := make([]int64, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	err := e.s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := e.deleteIDs(ctx, tx, ids); err != nil {
			return err
		}
		for start := 0; start < len(docs); start += sqlUpsertBatch {
			if err := e.insert(ctx, tx, docs[start:min(start+sqlUpsertBatch, len(docs))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("search: builtin: dm upsert: %w", err)
	}
	return nil
}

func (e *SQLDM) insert(ctx context.Context, tx bun.Tx, docs []DMDoc) error {
	pg := e.s.pg()
	var q, fts strings.Builder
	var args, ftsArgs []any
	q.WriteString("INSERT INTO dm_search_docs (id, conversation_id, author_id, author, body, created_at, files, has_file, has_image")
	if pg {
		q.WriteString(", tsv")
	}
	q.WriteString(") VALUES ")
	fts.WriteString("INSERT INTO dm_search_fts (rowid, text) VALUES ")
	for i, d := range docs {
		if i > 0 {
			q.WriteString(", ")
			fts.WriteString(", ")
		}
		text := sqlDMDocText(d)
		files, err := json.Marshal(nonNilNames(d.Files))
		if err != nil {
			return err
		}
		args = append(args, d.ID, d.ConversationID, d.AuthorID, d.Author, d.Body, d.CreatedAt, string(files), d.HasFile, d.HasImage)
		if pg {
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, to_tsvector('simple', ?))")
			args = append(args, text)
		} else {
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
			fts.WriteString("(?, ?)")
			ftsArgs = append(ftsArgs, d.ID, text)
		}
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return err
	}
	if !pg {
		if _, err := tx.ExecContext(ctx, fts.String(), ftsArgs...); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes documents by id.
func (e *SQLDM) Delete(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := e.s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return e.deleteIDs(ctx, tx, ids) })
	if err != nil {
		return fmt.Errorf("search: builtin: dm delete: %w", err)
	}
	return nil
}

func (e *SQLDM) deleteIDs(ctx context.Context, tx bun.Tx, ids []int64) error {
	stmts := []string{"DELETE FROM dm_search_docs WHERE id IN (?)"}
	if !e.s.pg() {
		stmts = append(stmts, "DELETE FROM dm_search_fts WHERE rowid IN (?)")
	}
	return execIn(ctx, tx, stmts, ids)
}

// Reset removes every document.
func (e *SQLDM) Reset(ctx context.Context) error {
	stmts := []string{"TRUNCATE dm_search_docs"}
	if !e.s.pg() {
		stmts = []string{"DELETE FROM dm_search_docs", "DELETE FROM dm_search_fts"}
	}
	if err := e.s.execTx(ctx, stmts); err != nil {
		return fmt.Errorf("search: builtin: dm reset: %w", err)
	}
	return nil
}

// Search answers q with the page of hits and the exact total.
func (e *SQLDM) Search(ctx context.Context, q DMQuery) (*DMResult, error) {
	res := &DMResult{Hits: []DMHit{}, Engine: e.Name()}
	if !dmSortOK(q.Sort) {
		return nil, fmt.Errorf("search: builtin: unknown sort %q", q.Sort)
	}
	if len(q.Scopes) == 0 {
		return res, nil
	}
	words := Words(q.Text)
	limit, offset := pageOf(q.Limit, q.Offset, sqlDefaultLimit, sqlMaxLimit)
	pg := e.s.pg()

	var c sqlQuery
	c.from = "dm_search_docs d"
	switch {
	case len(words) == 0:
	case pg:
		c.and("d.tsv @@ to_tsquery('simple', ?)", sqlTSQuery(words))
	default:
		c.from = "dm_search_fts CROSS JOIN dm_search_docs d ON d.id = dm_search_fts.rowid"
		c.and("dm_search_fts MATCH ?", sqlFTSMatch(words))
	}
	whole, after := dmScopeGroups(q.Scopes)
	var scopes []string
	var scopeArgs []any
	if len(whole) > 0 {
		scopes = append(scopes, "d.conversation_id IN (?)")
		scopeArgs = append(scopeArgs, bun.In(whole))
	}
	for _, s := range after {
		scopes = append(scopes, "(d.conversation_id = ? AND d.id > ?)")
		scopeArgs = append(scopeArgs, s.ConversationID, s.AfterID)
	}
	c.and("("+strings.Join(scopes, " OR ")+")", scopeArgs...)
	if len(q.AuthorIDs) > 0 {
		c.and("d.author_id IN (?)", bun.In(q.AuthorIDs))
	}
	if !q.After.IsZero() {
		c.and("d.created_at >= ?", q.After.UnixMilli())
	}
	if !q.Before.IsZero() {
		c.and("d.created_at < ?", q.Before.UnixMilli())
	}
	if q.HasFile {
		c.and("d.has_file = ?", true)
	}
	if q.HasImage {
		c.and("d.has_image = ?", true)
	}

	const newest = "d.created_at DESC, d.id DESC"
	orderBy, orderArgs := newest, []any(nil)
	switch {
	case q.Sort == SortOldest:
		orderBy = "d.created_at ASC, d.id ASC"
	case q.Sort == SortNewest || len(words) == 0:
	case pg:
		orderBy, orderArgs = "ts_rank(d.tsv, to_tsquery('simple', ?)) DESC, "+newest, []any{sqlTSQuery(words)}
	default:
		orderBy = "bm25(dm_search_fts) ASC, " + newest
	}
	var rows []struct {
		ID             int64  `bun:"id"`
		ConversationID int64  `bun:"conversation_id"`
		AuthorID       int64  `bun:"author_id"`
		Author         string `bun:"author"`
		Body           string `bun:"body"`
		CreatedAt      int64  `bun:"created_at"`
		Files          string `bun:"files"`
		HasFile        bool   `bun:"has_file"`
		HasImage       bool   `bun:"has_image"`
		Total          int    `bun:"total"`
	}
	cols := "d.id, d.conversation_id, d.author_id, d.author, d.body, d.created_at, d.files, d.has_file, d.has_image"
	if pg {
		cols += ", COUNT(*) OVER () AS total"
	} else {
		cols += ", 0 AS total"
	}
	args := append(append(append([]any{}, c.args...), orderArgs...), limit, offset)
	if err := e.s.db.NewRaw("SELECT "+cols+c.body()+" ORDER BY "+orderBy+" LIMIT ? OFFSET ?", args...).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("search: builtin: dm search: %w", err)
	}
	for _, r := range rows {
		d := DMDoc{ID: r.ID, ConversationID: r.ConversationID, AuthorID: r.AuthorID, Author: r.Author, Body: r.Body,
			CreatedAt: r.CreatedAt, Files: []string{}, HasFile: r.HasFile, HasImage: r.HasImage}
		if r.Files != "" {
			if err := json.Unmarshal([]byte(r.Files), &d.Files); err != nil {
				return nil, fmt.Errorf("search: builtin: dm files of %d: %w", r.ID, err)
			}
		}
		res.Hits = append(res.Hits, DMHit{DMDoc: d, Matches: MatchSpans(r.Body, words, true)})
	}
	if e.s.pg() && len(rows) > 0 {
		res.Total = rows[0].Total // COUNT(*) OVER ()
		return res, nil
	}
	var err error
	if res.Total, err = e.s.total(ctx, c, len(rows), limit, offset); err != nil {
		return nil, err
	}
	return res, nil
}

// lastByID drops all but the last copy of each id, keeping first places.
func lastByID[T any](docs []T, id func(T) int64) []T {
	seen := make(map[int64]int, len(docs))
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		if i, ok := seen[id(d)]; ok {
			out[i] = d
			continue
		}
		seen[id(d)] = len(out)
		out = append(out, d)
	}
	return out
}

// execIn runs each statement (with one "IN (?)") over ids in batches.
func execIn(ctx context.Context, tx bun.Tx, stmts []string, ids []int64) error {
	for start := 0; start < len(ids); start += sqlDeleteBatch {
		in := bun.In(ids[start:min(start+sqlDeleteBatch, len(ids))])
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q, in); err != nil {
				return err
			}
		}
	}
	return nil
}

// execTx runs the statements in one transaction.
func (s *SQL) execTx(ctx context.Context, stmts []string) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkTables fails unless every table exists.
func (s *SQL) checkTables(ctx context.Context, tables []string) error {
	for _, t := range tables {
		if _, err := s.db.ExecContext(ctx, "SELECT 1 FROM "+t+" LIMIT 1"); err != nil {
			return fmt.Errorf("search: builtin: table %s missing (run the migrations): %w", t, err)
		}
	}
	return nil
}
