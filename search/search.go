// Package search answers full-text queries over messages. Engine is
// implemented by Meilisearch (production) and by the database's own full-text
// search (the embedded default). The index is derived data: the database is
// the source of truth and the index can always be rebuilt from it.
package search

import "context"

// Engine is a search backend.
type Engine interface {
	// Name says which engine answers, for readiness and the API.
	Name() string
	// Ping checks that the engine is reachable and usable.
	Ping(ctx context.Context) error
	// Close releases the engine's resources.
	Close() error
}
