package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// Audit appends an entry to the audit log. Before and after are encoded as
// JSON when they are not strings already.
func Audit(ctx context.Context, db bun.IDB, e *model.AuditEntry) error {
	e.CreatedAt = now()
	if _, err := db.NewInsert().Model(e).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// JSON encodes v for an audit entry's before or after.
func JSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// AuditFilter narrows ListAudit.
type AuditFilter struct {
	ID         int64
	ChannelID  int64
	ActorID    int64
	Action     string
	TargetType string
	TargetID   string
	Limit      int
	Offset     int
}

// ListAudit returns audit entries newest first.
func ListAudit(ctx context.Context, db bun.IDB, f AuditFilter) ([]model.AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	var es []model.AuditEntry
	q := db.NewSelect().Model(&es).Order("id DESC").Limit(f.Limit).Offset(f.Offset)
	if f.ID != 0 {
		q = q.Where("id = ?", f.ID)
	}
	if f.ChannelID != 0 {
		q = q.Where("channel_id = ?", f.ChannelID)
	}
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.TargetType != "" {
		q = q.Where("target_type = ?", f.TargetType)
	}
	if f.TargetID != "" {
		q = q.Where("target_id = ?", f.TargetID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	return es, nil
}

// MarkAuditUndone records that an audited action was taken back; a second
// undo finds it marked and is model.ErrConflict.
func MarkAuditUndone(ctx context.Context, db bun.IDB, id int64) error {
	res, err := db.NewUpdate().Model((*model.AuditEntry)(nil)).Set("undone_at = ?", now()).
		Where("id = ?", id).Where("undone_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: mark undone: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: mark undone: %w", model.ErrConflict)
	}
	return nil
}
