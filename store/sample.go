package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// SampleBodies returns the bodies of up to limit messages spread over the
// whole table (every nth by id, n chosen from the count), for tools that
// need the words people actually write, such as bench search's common
// words.
func SampleBodies(ctx context.Context, db bun.IDB, limit int) ([]string, error) {
	total, err := CountMessages(ctx, db)
	if err != nil {
		return nil, err
	}
	every := max(total/max(limit, 1), 1)
	var bodies []string
	err = db.NewSelect().Model((*model.Message)(nil)).Column("body").
		Where("id % ? = 0", every).OrderExpr("id").Limit(limit).Scan(ctx, &bodies)
	if err != nil {
		return nil, fmt.Errorf("store: sample bodies: %w", err)
	}
	return bodies, nil
}
