package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// TagNamesOf returns the tag names on each of the messages, sorted by name.
func TagNamesOf(ctx context.Context, db bun.IDB, messageIDs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(messageIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		MessageID int64  `bun:"message_id"`
		Name      string `bun:"name"`
	}
	err := db.NewSelect().TableExpr("message_tags AS mt").Join("JOIN tags AS t ON t.id = mt.tag_id").
		ColumnExpr("mt.message_id, t.name").Where("mt.message_id IN (?)", bun.In(messageIDs)).
		OrderExpr("t.name ASC").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("store: tags of messages: %w", err)
	}
	for _, r := range rows {
		out[r.MessageID] = append(out[r.MessageID], r.Name)
	}
	return out, nil
}

// Tags lists every tag by name.
func Tags(ctx context.Context, db bun.IDB) ([]model.Tag, error) {
	var ts []model.Tag
	if err := db.NewSelect().Model(&ts).Order("name ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: tags: %w", err)
	}
	return ts, nil
}
