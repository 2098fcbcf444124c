package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// OpenQuestions returns up to limit of a channel's open questions, as the
// presenter view lists them: visible, top-level, not answered; pinned ones
// first, then by votes, then the earliest asked.
func OpenQuestions(ctx context.Context, db bun.IDB, channelID int64, limit int) ([]model.Message, error) {
	var ms []model.Message
	err := db.NewSelect().Model(&ms).Where("channel_id = ?", channelID).
		Where("kind = ?", model.KindQuestion).Where("state = ?", model.StateVisible).
		Where("parent_id IS NULL").Where("NOT answered").
		Order("pinned DESC", "vote_count DESC", "seq ASC").Limit(limit).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: open questions: %w", err)
	}
	return ms, nil
}

// HighlightedMessage returns the newest visible message of a channel that
// moderators highlighted (nil when there is none).
func HighlightedMessage(ctx context.Context, db bun.IDB, channelID int64) (*model.Message, error) {
	m := new(model.Message)
	err := db.NewSelect().Model(m).Where("channel_id = ?", channelID).Where("highlighted").
		Where("state = ?", model.StateVisible).Order("seq DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: highlighted message: %w", err)
	}
	return m, nil
}
