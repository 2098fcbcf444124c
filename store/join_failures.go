package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// RecordJoinFailures stores one wrong join code for each subject.
func RecordJoinFailures(ctx context.Context, db bun.IDB, channelID int64, at time.Time, subjects ...string) error {
	rows := make([]model.JoinFailure, 0, len(subjects))
	for _, s := range subjects {
		rows = append(rows, model.JoinFailure{Subject: s, ChannelID: channelID, CreatedAt: at.UTC()})
	}
	if len(rows) == 0 {
		return nil
	}
	if _, err := db.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("store: record join failures: %w", err)
	}
	return nil
}

// JoinFailures counts the wrong join codes of subject since since, and
// returns the time of the oldest one counted.
func JoinFailures(ctx context.Context, db bun.IDB, subject string, since time.Time) (int, time.Time, error) {
	var oldest model.JoinFailure
	q := db.NewSelect().Model((*model.JoinFailure)(nil)).Where("subject = ?", subject).Where("created_at > ?", since.UTC())
	n, err := q.Count(ctx)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: join failures: %w", err)
	}
	if n == 0 {
		return 0, time.Time{}, nil
	}
	if err := db.NewSelect().Model(&oldest).Where("subject = ?", subject).Where("created_at > ?", since.UTC()).
		Order("created_at ASC").Limit(1).Scan(ctx); err != nil {
		return 0, time.Time{}, fmt.Errorf("store: join failures: %w", err)
	}
	return n, oldest.CreatedAt, nil
}

// DeleteJoinFailuresBefore removes wrong join codes older than before.
func DeleteJoinFailuresBefore(ctx context.Context, db bun.IDB, before time.Time) error {
	if _, err := db.NewDelete().Model((*model.JoinFailure)(nil)).Where("created_at < ?", before.UTC()).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete old join failures: %w", err)
	}
	return nil
}
