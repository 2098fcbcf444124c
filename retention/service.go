// Package retention removes message bodies older than the site's or a
// channel's retention period: the policy and its changes (audited), a
// preview of what a change would remove, and the background job that runs
// shortly after start and then hourly beside the search indexer. Removal
// keeps the record that a message existed; its body leaves the store, the
// search index (through the outbox) and the audit log's before/after; its
// files are marked removed with it and their bytes deleted from storage.
package retention

import (
	"context"
	"log/slog"
	"time"

	"github.com/uptrace/bun"
)

// Service carries out retention.
type Service struct {
	db  *bun.DB
	log *slog.Logger
	now func() time.Time
	// Files deletes the stored bytes of the files retention removed (the
	// attachments use case, over the site's Storage). Nil: their rows are
	// marked removed, and never served, but their bytes stay.
	Files FilePurger
}

// FilePurger deletes the bytes of the attachments retention removed and says
// how many.
type FilePurger interface {
	PurgeRetained(ctx context.Context) (int, error)
}

// New returns a Service; now is the clock (time.Now when nil).
func New(db *bun.DB, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, log: log, now: now}
}
