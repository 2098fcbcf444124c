package store

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// AuditRecord is one entry to append to the audit log: who did what to
// which target, where, and the state before and after.
type AuditRecord struct {
	ActorID int64 // 0: the system (filters, retention), or a guest
	// ActorGuestID is the guest who acted (a guest deleting their message).
	ActorGuestID int64
	Action       string
	TargetType   string
	TargetID     any   // an int64 id or a string
	ChannelID    int64 // 0: site-wide
	// Before and After are kept as they are when strings and as JSON
	// otherwise; nil (or a nil pointer) is kept as nothing.
	Before, After any
	Reason        string
	Guideline     string
	IP            string
}

// Audit appends r to the audit log and returns the entry's id. It is the
// one writer of audit entries.
func Audit(ctx context.Context, db bun.IDB, r AuditRecord) (int64, error) {
	e := &model.AuditEntry{Action: r.Action, TargetType: r.TargetType, TargetID: fmt.Sprint(r.TargetID),
		Before: auditText(r.Before), After: auditText(r.After), Reason: r.Reason, Guideline: r.Guideline, IP: r.IP,
		CreatedAt: now()}
	if r.ActorID != 0 {
		e.ActorID = &r.ActorID
	}
	if r.ChannelID != 0 {
		e.ChannelID = &r.ChannelID
	}
	if r.ActorGuestID != 0 && r.ActorID == 0 {
		e.ActorGuestID = &r.ActorGuestID
	}
	if _, err := db.NewInsert().Model(e).Returning("id").Exec(ctx); err != nil {
		return 0, fmt.Errorf("store: audit %s: %w", r.Action, err)
	}
	return e.ID, nil
}

// auditText is how a before or after value is kept.
func auditText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if rv := reflect.ValueOf(v); v == nil || (rv.Kind() == reflect.Pointer && rv.IsNil()) {
		return ""
	}
	return JSON(v)
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

// AuditFilter narrows ListAudit and AuditPage.
type AuditFilter struct {
	ID           int64
	ChannelID    int64
	ActorID      int64
	ActorEmail   string // the actor's sign-in email
	ActorGuestID int64
	Action       string
	TargetType   string
	TargetID     string
	From, To     time.Time // To is exclusive; zero: open
	Limit        int       // 100 when 0; at most 10,000
	Offset       int
}

// ListAudit returns audit entries newest first.
func ListAudit(ctx context.Context, db bun.IDB, f AuditFilter) ([]model.AuditEntry, error) {
	var es []model.AuditEntry
	if err := auditQuery(db, f, &es).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	return es, nil
}

// AuditPage is ListAudit with the number of entries that match in all.
func AuditPage(ctx context.Context, db bun.IDB, f AuditFilter) ([]model.AuditEntry, int, error) {
	var es []model.AuditEntry
	n, err := auditQuery(db, f, &es).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("store: audit page: %w", err)
	}
	return es, n, nil
}

// auditQuery is the one query behind ListAudit and AuditPage.
func auditQuery(db bun.IDB, f AuditFilter, es *[]model.AuditEntry) *bun.SelectQuery {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Limit = min(f.Limit, 10000)
	q := db.NewSelect().Model(es).Order("id DESC").Limit(f.Limit).Offset(f.Offset)
	if f.ID != 0 {
		q = q.Where("id = ?", f.ID)
	}
	if f.ChannelID != 0 {
		q = q.Where("channel_id = ?", f.ChannelID)
	}
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.ActorGuestID != 0 {
		q = q.Where("actor_guest_id = ?", f.ActorGuestID)
	}
	if e := NormalizeEmail(f.ActorEmail); e != "" {
		q = q.Where("actor_id IN (SELECT id FROM users WHERE email = ?)", e)
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
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To.UTC())
	}
	return q
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
