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

// GuestByID loads one guest.
func GuestByID(ctx context.Context, db bun.IDB, id int64) (*model.Guest, error) {
	g := new(model.Guest)
	if err := db.NewSelect().Model(g).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("guest", err)
	}
	return g, nil
}
