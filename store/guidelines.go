package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// SiteScope is the scope of the site-wide guideline.
const SiteScope = "site"

// ChannelScope is the scope of a channel's own guideline.
func ChannelScope(channelID int64) string { return fmt.Sprintf("channel:%d", channelID) }

// CurrentGuideline returns the guideline in force in a channel: the newest
// version of the channel's own unless its body is empty (the host went back
// to the site's), else the newest site-wide one.
func CurrentGuideline(ctx context.Context, db bun.IDB, channelID int64) (*model.Guideline, error) {
	// The newest version of both scopes in one statement.
	var gs []model.Guideline
	latest := func(scope string) *bun.SelectQuery {
		return db.NewSelect().Model((*model.Guideline)(nil)).ColumnExpr("MAX(version)").Where("scope = ?", scope)
	}
	channel := ChannelScope(channelID)
	err := db.NewSelect().Model(&gs).
		WhereOr("scope = ? AND version = (?)", channel, latest(channel)).
		WhereOr("scope = ? AND version = (?)", SiteScope, latest(SiteScope)).
		Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: guideline: %w", err)
	}
	var site *model.Guideline
	for i := range gs {
		if gs[i].Scope == channel && strings.TrimSpace(gs[i].Body) != "" {
			return &gs[i], nil
		}
		if gs[i].Scope == SiteScope {
			site = &gs[i]
		}
	}
	if site == nil {
		return nil, fmt.Errorf("store: guideline: %w", model.ErrNotFound)
	}
	return site, nil
}

// LatestGuideline returns the newest version of a scope.
func LatestGuideline(ctx context.Context, db bun.IDB, scope string) (*model.Guideline, error) {
	g := new(model.Guideline)
	if err := db.NewSelect().Model(g).Where("scope = ?", scope).Order("version DESC").Limit(1).Scan(ctx); err != nil {
		return nil, notFound("guideline", err)
	}
	return g, nil
}

// GuidelineVersions lists a scope's versions, newest first.
func GuidelineVersions(ctx context.Context, db bun.IDB, scope string, limit int) ([]model.Guideline, error) {
	var out []model.Guideline
	if err := db.NewSelect().Model(&out).Where("scope = ?", scope).Order("version DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: guideline versions: %w", err)
	}
	return out, nil
}

// EnsureGuideline stores g as version 1 of its scope when the scope has none.
func EnsureGuideline(ctx context.Context, db bun.IDB, g *model.Guideline) error {
	n, err := db.NewSelect().Model((*model.Guideline)(nil)).Where("scope = ?", g.Scope).Count(ctx)
	if err != nil {
		return fmt.Errorf("store: ensure guideline: %w", err)
	}
	if n > 0 {
		return nil
	}
	g.Version, g.Material, g.CreatedAt = 1, true, now()
	if _, err := db.NewInsert().Model(g).On("CONFLICT (scope, version) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("store: ensure guideline: %w", err)
	}
	return nil
}

// AddGuidelineVersion stores g as the next version of its scope (the unique
// (scope, version) index refuses a concurrent writer: model.ErrConflict).
func AddGuidelineVersion(ctx context.Context, db bun.IDB, g *model.Guideline) error {
	var max int
	if err := db.NewSelect().Model((*model.Guideline)(nil)).ColumnExpr("COALESCE(MAX(version), 0)").
		Where("scope = ?", g.Scope).Scan(ctx, &max); err != nil {
		return fmt.Errorf("store: add guideline: %w", err)
	}
	g.Version, g.CreatedAt = max+1, now()
	if _, err := db.NewInsert().Model(g).Returning("id").Exec(ctx); err != nil {
		if isUnique(err) {
			return fmt.Errorf("store: add guideline: %w", model.ErrConflict)
		}
		return fmt.Errorf("store: add guideline: %w", err)
	}
	return nil
}

// AcceptGuideline records an actor's acceptance (idempotent).
func AcceptGuideline(ctx context.Context, db bun.IDB, channelID int64, actor string, guidelineID int64) error {
	a := &model.GuidelineAcceptance{ChannelID: channelID, Actor: actor, GuidelineID: guidelineID, AcceptedAt: now()}
	if _, err := db.NewInsert().Model(a).On("CONFLICT (channel_id, actor, guideline_id) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("store: accept guideline: %w", err)
	}
	return nil
}

// HasAccepted reports whether an actor accepted a guideline in a channel:
// that version, or an earlier version of the same scope when every version
// after it up to this one is non-material.
func HasAccepted(ctx context.Context, db bun.IDB, channelID int64, actor string, guidelineID int64) (bool, error) {
	g := new(model.Guideline)
	if err := db.NewSelect().Model(g).Where("id = ?", guidelineID).Scan(ctx); err != nil {
		if e := notFound("guideline", err); isNotFoundErr(e) {
			return false, nil
		}
		return false, fmt.Errorf("store: has accepted: %w", err)
	}
	return HasAcceptedGuideline(ctx, db, channelID, actor, g)
}

// HasAcceptedGuideline is HasAccepted for a guideline already read.
func HasAcceptedGuideline(ctx context.Context, db bun.IDB, channelID int64, actor string, g *model.Guideline) (bool, error) {
	var accepted int
	err := db.NewSelect().TableExpr("guideline_acceptances AS a").Join("JOIN guidelines AS g ON g.id = a.guideline_id").
		ColumnExpr("COALESCE(MAX(g.version), 0)").
		Where("a.channel_id = ?", channelID).Where("a.actor = ?", actor).
		Where("g.scope = ?", g.Scope).Where("g.version <= ?", g.Version).Scan(ctx, &accepted)
	if err != nil {
		return false, fmt.Errorf("store: has accepted: %w", err)
	}
	if accepted == 0 {
		return false, nil
	}
	if accepted == g.Version {
		return true, nil
	}
	material, err := db.NewSelect().Model((*model.Guideline)(nil)).Where("scope = ?", g.Scope).
		Where("version > ?", accepted).Where("version <= ?", g.Version).Where("material").Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("store: has accepted: %w", err)
	}
	return !material, nil
}

// GuidelineCount is how many moderator actions cited one rule id.
type GuidelineCount struct {
	Guideline string `bun:"guideline"`
	Count     int    `bun:"n"`
}

// GuidelineActionCounts counts audit entries by the rule id they cite
// (channelID 0 counts every channel), most cited first.
func GuidelineActionCounts(ctx context.Context, db bun.IDB, channelID int64) ([]GuidelineCount, error) {
	return GuidelineActionCountsBetween(ctx, db, channelID, time.Time{}, time.Time{})
}

// GuidelineActionCountsBetween is GuidelineActionCounts for the audit
// entries made in [from, to] (a zero time leaves that end open). Actions
// undone, and the undos themselves, do not count.
func GuidelineActionCountsBetween(ctx context.Context, db bun.IDB, channelID int64, from, to time.Time) ([]GuidelineCount, error) {
	var out []GuidelineCount
	q := db.NewSelect().Model((*model.AuditEntry)(nil)).ColumnExpr("guideline, COUNT(*) AS n").
		Where("guideline <> ''").Where("undone_at IS NULL").Where("action NOT LIKE ?", "%.undo").
		GroupExpr("guideline").OrderExpr("n DESC, guideline ASC")
	if channelID != 0 {
		q = q.Where("channel_id = ?", channelID)
	}
	if !from.IsZero() {
		q = q.Where("created_at >= ?", from.UTC())
	}
	if !to.IsZero() {
		q = q.Where("created_at <= ?", to.UTC())
	}
	if err := q.Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: guideline counts: %w", err)
	}
	return out, nil
}
