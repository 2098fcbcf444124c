package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// CreateGuest stores a guest of a channel.
func CreateGuest(ctx context.Context, db bun.IDB, g *model.Guest) error {
	g.CreatedAt = now()
	if _, err := db.NewInsert().Model(g).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create guest: %w", err)
	}
	return nil
}

// GuestByToken loads the guest of a channel holding a token (by hash).
func GuestByToken(ctx context.Context, db bun.IDB, hash string, channelID int64) (*model.Guest, error) {
	g := new(model.Guest)
	if err := db.NewSelect().Model(g).Where("token_hash = ?", hash).Where("channel_id = ?", channelID).Scan(ctx); err != nil {
		return nil, notFound("guest", err)
	}
	return g, nil
}

// CurrentGuideline returns the guideline in force in a channel: the newest
// version of the channel's own, else the newest site-wide one.
func CurrentGuideline(ctx context.Context, db bun.IDB, channelID int64) (*model.Guideline, error) {
	for _, scope := range []string{fmt.Sprintf("channel:%d", channelID), "site"} {
		g := new(model.Guideline)
		err := db.NewSelect().Model(g).Where("scope = ?", scope).Order("version DESC").Limit(1).Scan(ctx)
		if err == nil {
			return g, nil
		}
		if e := notFound("guideline", err); !isNotFoundErr(e) {
			return nil, e
		}
	}
	return nil, fmt.Errorf("store: guideline: %w", model.ErrNotFound)
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
	g.Version = 1
	g.CreatedAt = now()
	if _, err := db.NewInsert().Model(g).On("CONFLICT (scope, version) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("store: ensure guideline: %w", err)
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

// HasAccepted reports whether an actor accepted a guideline in a channel.
func HasAccepted(ctx context.Context, db bun.IDB, channelID int64, actor string, guidelineID int64) (bool, error) {
	ok, err := db.NewSelect().Model((*model.GuidelineAcceptance)(nil)).Where("channel_id = ?", channelID).
		Where("actor = ?", actor).Where("guideline_id = ?", guidelineID).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("store: has accepted: %w", err)
	}
	return ok, nil
}

// GuestByID loads one guest.
func GuestByID(ctx context.Context, db bun.IDB, id int64) (*model.Guest, error) {
	g := new(model.Guest)
	if err := db.NewSelect().Model(g).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("guest", err)
	}
	return g, nil
}
