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
