package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// CreateSanction stores a sanction.
func CreateSanction(ctx context.Context, db bun.IDB, s *model.Sanction) error {
	s.CreatedAt = now()
	if _, err := db.NewInsert().Model(s).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create sanction: %w", err)
	}
	return BumpAccess(ctx, db)
}

// ActiveSanctions returns the sanctions in force on subject in a channel
// (and site-wide ones) at t: not revoked, not expired, and — for "rest of
// session" ones — their session still live.
func ActiveSanctions(ctx context.Context, db bun.IDB, subject string, channelID int64, t time.Time) ([]model.Sanction, error) {
	var ss []model.Sanction
	q := db.NewSelect().Model(&ss).Where("subject = ?", subject).Where("revoked_at IS NULL").
		Where("(expires_at IS NULL OR expires_at > ?)", t.UTC()).
		Where("(session_id IS NULL OR session_id IN (SELECT id FROM channel_sessions WHERE ended_at IS NULL))").
		Where("kind <> ?", model.SanctionWarn).Order("id DESC")
	if channelID != 0 {
		q = q.Where("(channel_id IS NULL OR channel_id = ?)", channelID)
	} else {
		q = q.Where("channel_id IS NULL")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: active sanctions: %w", err)
	}
	return ss, nil
}

// SanctionsOf lists every sanction of subject, newest first.
func SanctionsOf(ctx context.Context, db bun.IDB, subject string, limit int) ([]model.Sanction, error) {
	var ss []model.Sanction
	if err := db.NewSelect().Model(&ss).Where("subject = ?", subject).Order("id DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: sanctions of: %w", err)
	}
	return ss, nil
}

// SanctionByID loads one sanction.
func SanctionByID(ctx context.Context, db bun.IDB, id int64) (*model.Sanction, error) {
	s := new(model.Sanction)
	if err := db.NewSelect().Model(s).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("sanction", err)
	}
	return s, nil
}

// RevokeSanction lifts a sanction.
func RevokeSanction(ctx context.Context, db bun.IDB, id, by int64) error {
	q := db.NewUpdate().Model((*model.Sanction)(nil)).Set("revoked_at = ?", now()).Where("id = ?", id).Where("revoked_at IS NULL")
	if by != 0 {
		q = q.Set("revoked_by = ?", by)
	}
	res, err := q.Exec(ctx)
	if err := affected("revoke sanction", res, err); err != nil {
		return err
	}
	return BumpAccess(ctx, db)
}

// CreateReport stores a report; a second report of the same message by the
// same person is model.ErrConflict.
func CreateReport(ctx context.Context, db bun.IDB, r *model.Report) error {
	r.CreatedAt = now()
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		if isUnique(err) {
			return fmt.Errorf("store: create report: %w", model.ErrConflict)
		}
		return fmt.Errorf("store: create report: %w", err)
	}
	return nil
}

// OpenReports lists unresolved reports of channels, oldest first.
func OpenReports(ctx context.Context, db bun.IDB, channelIDs []int64) ([]model.Report, error) {
	var rs []model.Report
	if len(channelIDs) == 0 {
		return rs, nil
	}
	if err := db.NewSelect().Model(&rs).Where("channel_id IN (?)", bun.In(channelIDs)).Where("resolved_at IS NULL").
		Order("id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: open reports: %w", err)
	}
	return rs, nil
}

// ResolveReports marks every open report of a message resolved.
func ResolveReports(ctx context.Context, db bun.IDB, messageID, by int64) (int64, error) {
	return DismissReports(ctx, db, messageID, by, "")
}

// DismissReports marks every open report of a message resolved with the
// moderators' reason for keeping the message (resolution); it reports how
// many were open.
func DismissReports(ctx context.Context, db bun.IDB, messageID, by int64, resolution string) (int64, error) {
	res, err := db.NewUpdate().Model((*model.Report)(nil)).Set("resolved_at = ?", now()).Set("resolved_by = ?", by).
		Set("resolution = ?", resolution).Where("message_id = ?", messageID).Where("resolved_at IS NULL").Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: resolve reports: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// ReopenReports opens reports again (a dismissal taken back).
func ReopenReports(ctx context.Context, db bun.IDB, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := db.NewUpdate().Model((*model.Report)(nil)).Set("resolved_at = NULL").Set("resolved_by = NULL").
		Set("resolution = ''").Where("id IN (?)", bun.In(ids)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: reopen reports: %w", err)
	}
	return nil
}

// ReportsOf lists every report of a message, open or resolved, oldest
// first.
func ReportsOf(ctx context.Context, db bun.IDB, messageID int64) ([]model.Report, error) {
	var rs []model.Report
	if err := db.NewSelect().Model(&rs).Where("message_id = ?", messageID).Order("id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: reports of: %w", err)
	}
	return rs, nil
}

// CreateNote stores a moderator note.
func CreateNote(ctx context.Context, db bun.IDB, n *model.ModNote) error {
	n.CreatedAt = now()
	if _, err := db.NewInsert().Model(n).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create note: %w", err)
	}
	return nil
}

// NotesOf lists the notes about subject, newest first.
func NotesOf(ctx context.Context, db bun.IDB, subject string) ([]model.ModNote, error) {
	var ns []model.ModNote
	if err := db.NewSelect().Model(&ns).Where("subject = ?", subject).Order("id DESC").Limit(100).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: notes of: %w", err)
	}
	return ns, nil
}

// CreateStaffMessage stores a message of the staff side chat.
func CreateStaffMessage(ctx context.Context, db bun.IDB, m *model.StaffMessage) error {
	m.CreatedAt = now()
	if _, err := db.NewInsert().Model(m).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create staff message: %w", err)
	}
	return nil
}

// StaffMessages lists the newest staff messages of a channel, oldest first.
func StaffMessages(ctx context.Context, db bun.IDB, channelID int64, limit int) ([]model.StaffMessage, error) {
	var ms []model.StaffMessage
	if err := db.NewSelect().Model(&ms).Where("channel_id = ?", channelID).Order("id DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: staff messages: %w", err)
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms, nil
}

// StaffMessageByID loads one staff message.
func StaffMessageByID(ctx context.Context, db bun.IDB, id int64) (*model.StaffMessage, error) {
	m := new(model.StaffMessage)
	if err := db.NewSelect().Model(m).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("staff message", err)
	}
	return m, nil
}

// MessagesBy lists an actor's newest messages across channels.
func MessagesBy(ctx context.Context, db bun.IDB, a model.Actor, limit int) ([]model.Message, error) {
	var ms []model.Message
	q := db.NewSelect().Model(&ms).Order("id DESC").Limit(limit)
	if err := authorWhere(q, a).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: messages by: %w", err)
	}
	return ms, nil
}

// CountApproved counts an actor's visible messages in a channel (for
// "hold first posts" pre-moderation).
func CountApproved(ctx context.Context, db bun.IDB, channelID int64, a model.Actor) (int, error) {
	q := db.NewSelect().Model((*model.Message)(nil)).Where("channel_id = ?", channelID).Where("state = ?", model.StateVisible)
	n, err := authorWhere(q, a).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: count approved: %w", err)
	}
	return n, nil
}

// ListFilterRules lists the rules of scopes (all rules when scopes is empty).
func ListFilterRules(ctx context.Context, db bun.IDB, scopes ...string) ([]model.FilterRule, error) {
	var rs []model.FilterRule
	q := db.NewSelect().Model(&rs).Order("id ASC")
	if len(scopes) > 0 {
		q = q.Where("scope IN (?)", bun.In(scopes))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list filter rules: %w", err)
	}
	return rs, nil
}

// CreateFilterRules stores rules.
func CreateFilterRules(ctx context.Context, db bun.IDB, rs []*model.FilterRule) error {
	if len(rs) == 0 {
		return nil
	}
	t := now()
	for _, r := range rs {
		r.CreatedAt, r.UpdatedAt = t, t
	}
	if _, err := db.NewInsert().Model(&rs).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create filter rules: %w", err)
	}
	return nil
}

// FilterRuleByID loads one rule.
func FilterRuleByID(ctx context.Context, db bun.IDB, id int64) (*model.FilterRule, error) {
	r := new(model.FilterRule)
	if err := db.NewSelect().Model(r).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("filter rule", err)
	}
	return r, nil
}

// UpdateFilterRule writes a rule.
func UpdateFilterRule(ctx context.Context, db bun.IDB, r *model.FilterRule) error {
	r.UpdatedAt = now()
	res, err := db.NewUpdate().Model(r).Column("pattern", "kind", "action", "allow", "enabled", "guideline", "updated_at").WherePK().Exec(ctx)
	return affected("update filter rule", res, err)
}

// DeleteFilterRule removes a rule.
func DeleteFilterRule(ctx context.Context, db bun.IDB, id int64) error {
	res, err := db.NewDelete().Model((*model.FilterRule)(nil)).Where("id = ?", id).Exec(ctx)
	return affected("delete filter rule", res, err)
}
