package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// LastAcceptedGuideline returns the guideline version an actor accepted
// most recently in a channel (model.ErrNotFound when none).
func LastAcceptedGuideline(ctx context.Context, db bun.IDB, channelID int64, actor string) (*model.Guideline, error) {
	g := new(model.Guideline)
	err := db.NewSelect().Model(g).
		Join("JOIN guideline_acceptances AS a ON a.guideline_id = guideline.id").
		Where("a.channel_id = ?", channelID).Where("a.actor = ?", actor).
		OrderExpr("a.accepted_at DESC, guideline.id DESC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, notFound("last accepted guideline", err)
	}
	return g, nil
}

// GuidelineHolders counts the people (per channel) whose acceptance covers
// the newest version of scope: those a material change asks again. A
// channel's scope counts only that channel's acceptances.
func GuidelineHolders(ctx context.Context, db bun.IDB, scope string, channelID int64) (int, error) {
	// Acceptances of the last material version or later still hold.
	var since int
	if err := db.NewSelect().Model((*model.Guideline)(nil)).ColumnExpr("COALESCE(MAX(version), 0)").
		Where("scope = ?", scope).Where("material").Scan(ctx, &since); err != nil {
		return 0, fmt.Errorf("store: guideline holders: %w", err)
	}
	holders := db.NewSelect().TableExpr("guideline_acceptances AS a").Join("JOIN guidelines AS g ON g.id = a.guideline_id").
		ColumnExpr("DISTINCT a.channel_id, a.actor").Where("g.scope = ?", scope).Where("g.version >= ?", since)
	if channelID != 0 {
		holders = holders.Where("a.channel_id = ?", channelID)
	}
	var n int
	if err := db.NewSelect().TableExpr("(?) AS h", holders).ColumnExpr("COUNT(*)").Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("store: guideline holders: %w", err)
	}
	return n, nil
}
