package search

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// SQL is the built-in engine: full-text search inside the message database
// (SQLite FTS5, or PostgreSQL tsvector with a GIN index).
//
// Every document is one search_docs row, one search_doc_tags row per tag and
// its words twice: the folded words (Words) of its body, author, channel and
// tags, and file names, joined by spaces, and their stems in the site's
// language (Language.Stems), so that both databases see the same lower-case
// words without diacritics. SQLite keeps them in the FTS5 table search_fts
// (rowid = document id; columns text and stems, and channel: the channel's
// id, which ftsInChannels limits a search to; prefix indexes of 2 and 3
// letters), PostgreSQL in
// search_docs.tsv: to_tsvector('simple', words) with weight A, then
// to_tsvector('simple', stems) with weight B. A whole query word matches a
// stem (stems column, weight B); a prefix matches the words (text column,
// weight A), since the stem of a word's beginning is not the beginning of
// its stem.
type SQL struct {
	db   *bun.DB
	lang Language
}

// NewSQL returns the built-in engine over db.
func NewSQL(db *bun.DB, opts ...Option) *SQL {
	return &SQL{db: db, lang: applyOptions(opts).lang}
}

// Name is "builtin-sqlite" or "builtin-postgres".
func (s *SQL) Name() string {
	if s.pg() {
		return "builtin-postgres"
	}
	return "builtin-sqlite"
}

func (s *SQL) pg() bool { return s.db.Dialect().Name() == dialect.PG }

// Ping checks the database answers.
func (s *SQL) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("search: builtin: %w", err)
	}
	return nil
}

// Close does nothing: the database belongs to the caller.
func (s *SQL) Close() error { return nil }

// Setup checks that the migrations have created the index tables.
func (s *SQL) Setup(ctx context.Context) error {
	tables := []string{"search_docs", "search_doc_tags"}
	if !s.pg() {
		tables = append(tables, "search_fts")
	}
	return s.checkTables(ctx, tables)
}

// sqlUpsertBatch is how many documents one INSERT writes.
const sqlUpsertBatch = 250

// Upsert replaces the documents, in one transaction.
func (s *SQL) Upsert(ctx context.Context, docs []Doc) error {
	if len(docs) == 0 {
		return nil
	}
	// The last copy of a repeated id wins.
	uniq := lastByID(docs, func(d Doc) int64 { return d.ID })
	ids := make([]int64, len(uniq))
	for i, d := range uniq {
		ids[i] = d.ID
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.deleteIDs(ctx, tx, ids); err != nil {
			return err
		}
		for start := 0; start < len(uniq); start += sqlUpsertBatch {
			if err := s.insert(ctx, tx, uniq[start:min(start+sqlUpsertBatch, len(uniq))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("search: builtin: upsert: %w", err)
	}
	return nil
}

// insert writes docs (ids not present) with multi-row inserts.
func (s *SQL) insert(ctx context.Context, tx bun.Tx, docs []Doc) error {
	pg := s.pg()
	var q strings.Builder
	args := make([]any, 0, len(docs)*19)
	q.WriteString("INSERT INTO search_docs (id, channel_id, channel, session_id, thread_id, author_key, author, author_filter, kind, state, answered, tags, body, created_at, votes, files, has_file, has_image")
	if pg {
		q.WriteString(", tsv")
	}
	q.WriteString(") VALUES ")
	var tagArgs []any
	var fts strings.Builder
	var ftsArgs []any
	fts.WriteString("INSERT INTO search_fts (rowid, text, stems, channel) VALUES ")
	for i, d := range docs {
		if i > 0 {
			q.WriteString(", ")
			fts.WriteString(", ")
		}
		tags := sqlUniqueTags(d.Tags)
		tagsJSON, err := json.Marshal(tags)
		if err != nil {
			return err
		}
		files := d.Files
		if files == nil {
			files = []string{}
		}
		filesJSON, err := json.Marshal(files)
		if err != nil {
			return err
		}
		args = append(args, d.ID, d.ChannelID, d.Channel, d.SessionID, d.ThreadID, d.AuthorKey, d.Author,
			d.AuthorFilter, d.Kind, d.State, d.Answered, string(tagsJSON), d.Body, d.CreatedAt, d.Votes,
			string(filesJSON), d.HasFile, d.HasImage)
		text, stems := s.docText(d)
		if pg {
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " +
				"setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'B'))")
			args = append(args, text, stems)
		} else {
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			fts.WriteString("(?, ?, ?, ?)")
			ftsArgs = append(ftsArgs, d.ID, text, stems, d.ChannelID)
		}
		for _, t := range tags {
			tagArgs = append(tagArgs, d.ID, t)
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
	if len(tagArgs) > 0 {
		var t strings.Builder
		t.WriteString("INSERT INTO search_doc_tags (doc_id, tag) VALUES ")
		for i := 0; i < len(tagArgs); i += 2 {
			if i > 0 {
				t.WriteString(", ")
			}
			t.WriteString("(?, ?)")
		}
		if _, err := tx.ExecContext(ctx, t.String(), tagArgs...); err != nil {
			return err
		}
	}
	return nil
}

// docText is what the full-text index holds of d: the folded words of the
// searchable fields and their stems.
func (s *SQL) docText(d Doc) (text, stems string) {
	words, st := docWords(d, s.lang)
	return strings.Join(words, " "), strings.Join(st, " ")
}

// docWords are the folded words of d's searchable fields (file names split
// at punctuation: week3-slides.pdf is week3, slides and pdf) and their stems
// in lang, word for word.
func docWords(d Doc, lang Language) (words, stems []string) {
	words = append(words, Words(d.Body)...)
	words = append(words, Words(d.Author)...)
	words = append(words, Words(d.Channel)...)
	for _, t := range d.Tags {
		words = append(words, Words(t)...)
	}
	for _, f := range d.Files {
		words = append(words, Words(f)...)
	}
	stems = make([]string, len(words))
	for i, w := range words {
		stems[i] = lang.stem(w)
	}
	return words, stems
}

// sqlUniqueTags drops empty and repeated tags, keeping their order.
func sqlUniqueTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// Delete removes documents by id.
func (s *SQL) Delete(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return s.deleteIDs(ctx, tx, ids)
	})
	if err != nil {
		return fmt.Errorf("search: builtin: delete: %w", err)
	}
	return nil
}

// sqlDeleteBatch is how many ids one DELETE names.
const sqlDeleteBatch = 1000

func (s *SQL) deleteIDs(ctx context.Context, tx bun.Tx, ids []int64) error {
	stmts := []string{
		"DELETE FROM search_doc_tags WHERE doc_id IN (?)",
		"DELETE FROM search_docs WHERE id IN (?)",
	}
	if !s.pg() {
		stmts = append(stmts, "DELETE FROM search_fts WHERE rowid IN (?)")
	}
	return execIn(ctx, tx, stmts, ids)
}

// Reset removes every document.
func (s *SQL) Reset(ctx context.Context) error {
	stmts := []string{"TRUNCATE search_doc_tags, search_docs"}
	if !s.pg() {
		stmts = []string{"DELETE FROM search_doc_tags", "DELETE FROM search_docs", "DELETE FROM search_fts"}
	}
	if err := s.execTx(ctx, stmts); err != nil {
		return fmt.Errorf("search: builtin: reset: %w", err)
	}
	return nil
}
