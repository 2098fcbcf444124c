// Package retention removes message bodies older than the site's or a
// channel's retention period: the policy and its changes (audited), a
// preview of what a change would remove, and the background job that runs
// shortly after start and then hourly beside the search indexer. Removal
// keeps the record that a message existed; its body leaves the store, the
// search index (through the outbox) and the audit log's before/after.
package retention

import (
	"log/slog"
	"time"

	"github.com/uptrace/bun"
)

// Service carries out retention.
type Service struct {
	db  *bun.DB
	log *slog.Logger
	now func() time.Time
}

// New returns a Service; now is the clock (time.Now when nil).
func New(db *bun.DB, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, log: log, now: now}
}
