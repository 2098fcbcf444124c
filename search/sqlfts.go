package search

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// SQL is the built-in engine: full-text search inside the message database
// (SQLite FTS5, or PostgreSQL tsvector with a GIN index).
type SQL struct {
	db *bun.DB
}

// NewSQL returns the built-in engine over db.
func NewSQL(db *bun.DB) *SQL { return &SQL{db: db} }

// Name is "builtin-sqlite" or "builtin-postgres".
func (s *SQL) Name() string {
	if s.db.Dialect().Name() == dialect.PG {
		return "builtin-postgres"
	}
	return "builtin-sqlite"
}

// Ping checks the database answers.
func (s *SQL) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("search: builtin: %w", err)
	}
	return nil
}

// Close does nothing: the database belongs to the caller.
func (s *SQL) Close() error { return nil }

// TODO(issue 6): replaced by the engine's implementation.
func (s *SQL) Setup(ctx context.Context) error               { return nil }
func (s *SQL) Upsert(ctx context.Context, docs []Doc) error  { return nil }
func (s *SQL) Delete(ctx context.Context, ids []int64) error { return nil }
func (s *SQL) Reset(ctx context.Context) error               { return nil }
func (s *SQL) Search(ctx context.Context, q Query) (*Result, error) {
	return &Result{Engine: s.Name()}, nil
}
