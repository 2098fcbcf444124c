package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// RetentionFileCount counts the files (not removed yet) of the messages
// RetentionStats counts: the files retention would remove with their
// bodies.
func RetentionFileCount(ctx context.Context, db bun.IDB, channelID int64, cutoff time.Time) (int, error) {
	msgs := db.NewSelect().Model((*model.Message)(nil)).Column("id").
		Where("channel_id = ?", channelID).Where("created_at < ?", cutoff.UTC()).Where("body_removed_at IS NULL")
	n, err := db.NewSelect().Model((*attachmentRow)(nil)).
		Where("message_id IN (?)", msgs).Where("removed_at IS NULL").Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: retention file count: %w", err)
	}
	return n, nil
}
