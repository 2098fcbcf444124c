package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// Reports of direct messages (dm_reports, dm_report_people) and the reads a
// report's excerpt needs. Each name carries "Report" so the conversation
// use cases' own store files stay apart.

// dmReportPeople is the table of model.DMReportPerson.
const dmReportPeople = `"dm_report_people" AS "dm_report_person"`

// ReporterMembership returns userID's row in conversation convID (a member
// who left keeps it), or model.ErrNotFound.
func ReporterMembership(ctx context.Context, db bun.IDB, convID, userID int64) (*model.ConversationMember, error) {
	m := new(model.ConversationMember)
	if err := db.NewSelect().Model(m).Where("conversation_id = ? AND user_id = ?", convID, userID).Scan(ctx); err != nil {
		return nil, notFound("conversation member", err)
	}
	return m, nil
}

// ReportMessage loads one direct message.
func ReportMessage(ctx context.Context, db bun.IDB, id int64) (*model.DirectMessage, error) {
	m := new(model.DirectMessage)
	if err := db.NewSelect().Model(m).ModelTableExpr(dmMessages).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("direct message", err)
	}
	return m, nil
}

// ReportWindow returns up to limit messages of conversation convID with
// after < id <= through (through 0: no upper bound) created no later than
// until (nil: no bound), oldest first: the newest limit of them.
func ReportWindow(ctx context.Context, db bun.IDB, convID, after, through int64, until *time.Time, limit int) ([]model.DirectMessage, error) {
	var ms []model.DirectMessage
	q := db.NewSelect().Model(&ms).ModelTableExpr(dmMessages).Where("conversation_id = ?", convID).
		Where("id > ?", after).Order("id DESC").Limit(limit)
	if through > 0 {
		q = q.Where("id <= ?", through)
	}
	if until != nil {
		q = q.Where("created_at <= ?", until.UTC())
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: report window: %w", err)
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms, nil
}

// ReportCurrentMembers lists the ids of the people in conversation convID
// now (not left).
func ReportCurrentMembers(ctx context.Context, db bun.IDB, convID int64) ([]int64, error) {
	var ids []int64
	if err := db.NewSelect().Model((*model.ConversationMember)(nil)).Column("user_id").
		Where("conversation_id = ?", convID).Where("left_at IS NULL").Order("user_id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("store: report members: %w", err)
	}
	return ids, nil
}

// ReportNames maps user ids to display names (unknown ids are left out).
func ReportNames(ctx context.Context, db bun.IDB, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var us []model.User
	if err := db.NewSelect().Model(&us).Column("id", "display_name").Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: report names: %w", err)
	}
	for _, u := range us {
		out[u.ID] = u.DisplayName
	}
	return out, nil
}

// CreateDMReport stores a report and the people it is about.
func CreateDMReport(ctx context.Context, db bun.IDB, r *model.DMReport, people []int64) error {
	r.CreatedAt = now()
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create dm report: %w", err)
	}
	for _, id := range people {
		p := &model.DMReportPerson{ReportID: r.ID, UserID: id}
		if _, err := db.NewInsert().Model(p).ModelTableExpr(dmReportPeople).Exec(ctx); err != nil {
			return fmt.Errorf("store: create dm report: %w", err)
		}
	}
	return nil
}

// DMReportByID loads one report.
func DMReportByID(ctx context.Context, db bun.IDB, id int64) (*model.DMReport, error) {
	r := new(model.DMReport)
	if err := db.NewSelect().Model(r).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("dm report", err)
	}
	return r, nil
}

// DMReportFilter narrows ListDMReports.
type DMReportFilter struct {
	Open     bool  // unresolved only
	About    int64 // reports about this person
	Reporter int64 // reports by this person
	// ConversationID with MessageID (0: the whole conversation) finds a
	// reporter's earlier report of the same thing.
	ConversationID int64
	MessageID      *int64
	Since          time.Time
	Limit          int // 100 when 0
}

// ListDMReports lists reports oldest first.
func ListDMReports(ctx context.Context, db bun.IDB, f DMReportFilter) ([]model.DMReport, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	var rs []model.DMReport
	q := db.NewSelect().Model(&rs).Order("id ASC").Limit(f.Limit)
	if f.Open {
		q = q.Where("resolved_at IS NULL")
	}
	if f.About != 0 {
		q = q.Where("id IN (SELECT report_id FROM dm_report_people WHERE user_id = ?)", f.About)
	}
	if f.Reporter != 0 {
		q = q.Where("reporter_id = ?", f.Reporter)
	}
	if f.ConversationID != 0 {
		q = q.Where("conversation_id = ?", f.ConversationID)
		if f.MessageID != nil {
			q = q.Where("message_id = ?", *f.MessageID)
		} else {
			q = q.Where("message_id IS NULL")
		}
	}
	if !f.Since.IsZero() {
		q = q.Where("created_at >= ?", f.Since.UTC())
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list dm reports: %w", err)
	}
	return rs, nil
}

// DMReportPeople maps report ids to the people each is about.
func DMReportPeople(ctx context.Context, db bun.IDB, reportIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(reportIDs) == 0 {
		return out, nil
	}
	var ps []model.DMReportPerson
	if err := db.NewSelect().Model(&ps).ModelTableExpr(dmReportPeople).Where("report_id IN (?)", bun.In(reportIDs)).
		Order("report_id", "user_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: dm report people: %w", err)
	}
	for _, p := range ps {
		out[p.ReportID] = append(out[p.ReportID], p.UserID)
	}
	return out, nil
}

// ResolveDMReport closes an open report; one resolved already is
// model.ErrConflict.
func ResolveDMReport(ctx context.Context, db bun.IDB, id, by int64, resolution string) error {
	res, err := db.NewUpdate().Model((*model.DMReport)(nil)).Set("resolved_at = ?", now()).Set("resolved_by = ?", by).
		Set("resolution = ?", resolution).Where("id = ?", id).Where("resolved_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: resolve dm report: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: resolve dm report: %w", model.ErrConflict)
	}
	return nil
}

// ReopenDMReport opens a resolved report again (an undone action).
func ReopenDMReport(ctx context.Context, db bun.IDB, id int64) error {
	_, err := db.NewUpdate().Model((*model.DMReport)(nil)).Set("resolved_at = NULL").Set("resolved_by = NULL").
		Set("resolution = ''").Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: reopen dm report: %w", err)
	}
	return nil
}

// OldDirectMessages returns the ids of up to limit direct messages created
// before cutoff, oldest first (retention).
func OldDirectMessages(ctx context.Context, db bun.IDB, cutoff time.Time, limit int) ([]int64, error) {
	var ids []int64
	if err := db.NewSelect().Model((*model.DirectMessage)(nil)).ModelTableExpr(dmMessages).Column("id").
		Where("created_at < ?", cutoff.UTC()).Order("id").Limit(limit).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("store: old direct messages: %w", err)
	}
	return ids, nil
}

// DeleteDirectMessages removes direct messages with their reactions; replies
// to them keep their text and lose the quote.
func DeleteDirectMessages(ctx context.Context, db bun.IDB, ids []int64) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	if _, err := db.NewDelete().Model((*model.DMReaction)(nil)).Where("message_id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
		return 0, fmt.Errorf("store: delete dm reactions: %w", err)
	}
	if _, err := db.NewUpdate().Model((*model.DirectMessage)(nil)).ModelTableExpr(dmMessages).Set("reply_to_id = NULL").
		Where("reply_to_id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
		return 0, fmt.Errorf("store: delete direct messages: %w", err)
	}
	res, err := db.NewDelete().Model((*model.DirectMessage)(nil)).ModelTableExpr(dmMessages).Where("id IN (?)", bun.In(ids)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: delete direct messages: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
