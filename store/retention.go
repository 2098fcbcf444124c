package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// RetentionKey is the settings key of the site-wide retention in days ("0"
// or absent: bodies are kept forever).
const RetentionKey = "retention_days"

// SetChannelRetention sets a channel's retention override: nil follows the
// site, 0 keeps bodies forever, N days.
func SetChannelRetention(ctx context.Context, db bun.IDB, channelID int64, days *int) error {
	res, err := db.NewUpdate().Model((*model.Channel)(nil)).Set("retention_days = ?", days).
		Where("id = ?", channelID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: set channel retention: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set channel retention: %w", model.ErrNotFound)
	}
	return nil
}

// RetentionCandidates returns up to limit messages of a channel created
// before cutoff whose bodies are still there, oldest id first, with only the
// columns removal needs (id, created_at, body).
func RetentionCandidates(ctx context.Context, db bun.IDB, channelID int64, cutoff time.Time, limit int) ([]model.Message, error) {
	var ms []model.Message
	err := db.NewSelect().Model(&ms).Column("id", "channel_id", "created_at", "body").
		Where("channel_id = ?", channelID).Where("created_at < ?", cutoff.UTC()).Where("body_removed_at IS NULL").
		Order("id ASC").Limit(limit).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: retention candidates: %w", err)
	}
	return ms, nil
}

// RetentionStats counts a channel's messages created before cutoff whose
// bodies are still there, with the oldest and newest creation time among
// them (nil when none).
func RetentionStats(ctx context.Context, db bun.IDB, channelID int64, cutoff time.Time) (n int, oldest, newest *time.Time, err error) {
	q := func() *bun.SelectQuery {
		return db.NewSelect().Model((*model.Message)(nil)).
			Where("channel_id = ?", channelID).Where("created_at < ?", cutoff.UTC()).Where("body_removed_at IS NULL")
	}
	if n, err = q().Count(ctx); err != nil {
		return 0, nil, nil, fmt.Errorf("store: retention count: %w", err)
	}
	if n == 0 {
		return 0, nil, nil, nil
	}
	var first, last model.Message
	if err := q().Column("created_at").Order("created_at ASC").Limit(1).Scan(ctx, &first); err != nil {
		return 0, nil, nil, fmt.Errorf("store: retention oldest: %w", err)
	}
	if err := q().Column("created_at").Order("created_at DESC").Limit(1).Scan(ctx, &last); err != nil {
		return 0, nil, nil, fmt.Errorf("store: retention newest: %w", err)
	}
	return n, &first.CreatedAt, &last.CreatedAt, nil
}

// RetentionSamples returns up to limit of the messages RetentionStats
// counts, oldest first.
func RetentionSamples(ctx context.Context, db bun.IDB, channelID int64, cutoff time.Time, limit int) ([]model.Message, error) {
	var ms []model.Message
	err := db.NewSelect().Model(&ms).
		Where("channel_id = ?", channelID).Where("created_at < ?", cutoff.UTC()).Where("body_removed_at IS NULL").
		Order("created_at ASC", "id ASC").Limit(limit).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: retention samples: %w", err)
	}
	return ms, nil
}

// RemoveBodies empties the bodies of the given messages (those not removed
// already) and marks them removed at t. It returns the ids it changed and,
// in the same transaction db, queues them for the search index (whose
// document of a removed message is none) and scrubs their bodies from the
// audit log. bodies maps each id to the body it had, for the scrubbing.
// Messages another instance removed meanwhile are left out, so two runs at
// once never count or queue a message twice.
func RemoveBodies(ctx context.Context, db bun.IDB, bodies map[int64]string, t time.Time) ([]int64, error) {
	if len(bodies) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(bodies))
	for id := range bodies {
		ids = append(ids, id)
	}
	var changed []int64
	err := db.NewUpdate().Model((*model.Message)(nil)).Set("body = ''").Set("links = NULL").Set("original = NULL").Set("body_removed_at = ?", t.UTC()).
		Where("id IN (?)", bun.In(ids)).Where("body_removed_at IS NULL").
		Returning("id").Scan(ctx, &changed)
	if err != nil {
		return nil, fmt.Errorf("store: remove bodies: %w", err)
	}
	if len(changed) == 0 {
		return nil, nil
	}
	if err := EnqueueIndex(ctx, db, changed...); err != nil {
		return nil, err
	}
	keep := make(map[int64]string, len(changed))
	for _, id := range changed {
		keep[id] = bodies[id]
	}
	if err := scrubMessageAudit(ctx, db, keep); err != nil {
		return nil, err
	}
	return changed, nil
}

// scrubMessageAudit blanks the bodies of the given messages in the audit
// entries about them; the entries stay.
func scrubMessageAudit(ctx context.Context, db bun.IDB, bodies map[int64]string) error {
	targets := make([]string, 0, len(bodies))
	for id := range bodies {
		targets = append(targets, strconv.FormatInt(id, 10))
	}
	var es []model.AuditEntry
	if err := db.NewSelect().Model(&es).Column("id", "target_id", "before", "after").
		Where("target_type = ?", "message").Where("target_id IN (?)", bun.In(targets)).Scan(ctx); err != nil {
		return fmt.Errorf("store: audit of removed messages: %w", err)
	}
	for _, e := range es {
		id, _ := strconv.ParseInt(e.TargetID, 10, 64)
		if err := rewriteAudit(ctx, db, e, bodies[id]); err != nil {
			return err
		}
	}
	return nil
}

// ScrubBlockedAudit blanks the bodies kept in the audit entries of a
// channel's blocked messages (filter actions on a person: the message was
// never stored, the audit entry holds its text) created before cutoff, at
// most limit entries with ids above afterID. It returns how many entries it
// looked at and the last id, for the next call.
func ScrubBlockedAudit(ctx context.Context, db bun.IDB, channelID int64, cutoff time.Time, afterID int64, limit int) (int, int64, error) {
	var es []model.AuditEntry
	err := db.NewSelect().Model(&es).Column("id", "before", "after").
		Where("channel_id = ?", channelID).Where("target_type = ?", "actor").Where("action LIKE ?", "filter.%").
		Where("created_at < ?", cutoff.UTC()).Where("id > ?", afterID).
		Where(`("after" LIKE ? OR "before" LIKE ?)`, `%"body"%`, `%"body"%`).
		Order("id ASC").Limit(limit).Scan(ctx)
	if err != nil {
		return 0, afterID, fmt.Errorf("store: audit of blocked messages: %w", err)
	}
	for _, e := range es {
		if err := rewriteAudit(ctx, db, e, ""); err != nil {
			return 0, afterID, err
		}
		afterID = e.ID
	}
	return len(es), afterID, nil
}

// rewriteAudit stores e's before and after with body scrubbed, when that
// changes them.
func rewriteAudit(ctx context.Context, db bun.IDB, e model.AuditEntry, body string) error {
	before, after := ScrubBody(e.Before, body), ScrubBody(e.After, body)
	if before == e.Before && after == e.After {
		return nil
	}
	if _, err := db.NewUpdate().Model((*model.AuditEntry)(nil)).Set(`"before" = ?`, before).Set(`"after" = ?`, after).
		Where("id = ?", e.ID).Exec(ctx); err != nil {
		return fmt.Errorf("store: scrub audit: %w", err)
	}
	return nil
}

// ScrubBody removes a message body from an audit entry's before or after:
// in JSON, every "body" member that is a string and every string equal to
// body become ""; a plain text equal to body becomes "". Everything else is
// kept as it was.
func ScrubBody(s, body string) string {
	if s == "" {
		return s
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		if body != "" && s == body {
			return ""
		}
		return s
	}
	v, changed := scrubValue(v, body)
	if !changed {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return s
	}
	return string(b)
}

func scrubValue(v any, body string) (any, bool) {
	switch x := v.(type) {
	case string:
		if body != "" && x == body {
			return "", true
		}
	case map[string]any:
		changed := false
		for k, val := range x {
			if str, ok := val.(string); ok && k == "body" {
				if str != "" {
					x[k], changed = "", true
				}
				continue
			}
			if nv, c := scrubValue(val, body); c {
				x[k], changed = nv, true
			}
		}
		return x, changed
	case []any:
		changed := false
		for i, val := range x {
			if nv, c := scrubValue(val, body); c {
				x[i], changed = nv, true
			}
		}
		return x, changed
	}
	return v, false
}

// SetAuditAfter replaces an audit entry's after (a running count).
func SetAuditAfter(ctx context.Context, db bun.IDB, id int64, after string) error {
	if _, err := db.NewUpdate().Model((*model.AuditEntry)(nil)).Set(`"after" = ?`, after).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("store: set audit after: %w", err)
	}
	return nil
}
