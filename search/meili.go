package search

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// Meili is the Meilisearch engine.
type Meili struct {
	client meilisearch.ServiceManager
}

// NewMeili returns an engine talking to the Meilisearch server at url.
func NewMeili(url, key string) *Meili {
	hc := &http.Client{Timeout: 10 * time.Second}
	return &Meili{client: meilisearch.New(url, meilisearch.WithAPIKey(key), meilisearch.WithCustomClient(hc))}
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

// TODO(issue 6): replaced by the engine's implementation.
func (m *Meili) Setup(ctx context.Context) error               { return nil }
func (m *Meili) Upsert(ctx context.Context, docs []Doc) error  { return nil }
func (m *Meili) Delete(ctx context.Context, ids []int64) error { return nil }
func (m *Meili) Reset(ctx context.Context) error               { return nil }
func (m *Meili) Search(ctx context.Context, q Query) (*Result, error) {
	return &Result{Engine: m.Name()}, nil
}
