package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// OutboxEntry says that a message changed and its search document must be
// written again (or removed). Entries are written in the same transaction as
// the change, so the index can never miss one.
type OutboxEntry struct {
	bun.BaseModel `bun:"table:search_outbox"`
	ID            int64     `bun:"id,pk,autoincrement"`
	MessageID     int64     `bun:"message_id,notnull"`
	CreatedAt     time.Time `bun:"created_at,notnull"`
}

// EnqueueIndex records that the messages changed. Call it inside the
// transaction that changes them.
func EnqueueIndex(ctx context.Context, db bun.IDB, messageIDs ...int64) error {
	if len(messageIDs) == 0 {
		return nil
	}
	t := now()
	es := make([]OutboxEntry, len(messageIDs))
	for i, id := range messageIDs {
		es[i] = OutboxEntry{MessageID: id, CreatedAt: t}
	}
	if _, err := db.NewInsert().Model(&es).Exec(ctx); err != nil {
		return fmt.Errorf("store: enqueue index: %w", err)
	}
	return nil
}

// OutboxBatch returns the oldest outbox entries, at most limit.
func OutboxBatch(ctx context.Context, db bun.IDB, limit int) ([]OutboxEntry, error) {
	var es []OutboxEntry
	if err := db.NewSelect().Model(&es).Order("id ASC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: outbox batch: %w", err)
	}
	return es, nil
}

// OutboxDone removes the outbox entries ids (the ones an indexer has
// written to the search engine).
func OutboxDone(ctx context.Context, db bun.IDB, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := db.NewDelete().Model((*OutboxEntry)(nil)).Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
		return fmt.Errorf("store: outbox done: %w", err)
	}
	return nil
}

// OutboxLen counts the entries waiting.
func OutboxLen(ctx context.Context, db bun.IDB) (int, error) {
	n, err := db.NewSelect().Model((*OutboxEntry)(nil)).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: outbox length: %w", err)
	}
	return n, nil
}

// IndexRow is a message with what its search document needs from other
// tables.
type IndexRow struct {
	model.Message
	ChannelSlug string
	Tags        []string
	// Attachments are the message's unremoved files, oldest first.
	Attachments []model.Attachment
}

// IndexRows loads messages by id with their channel slug and tag names.
// Messages that no longer exist are left out.
func IndexRows(ctx context.Context, db bun.IDB, ids []int64) ([]IndexRow, error) {
	ms, err := MessagesByID(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	return indexRows(ctx, db, ms)
}

// IndexRowsAfter loads up to limit messages with ids above afterID, in id
// order, for rebuilding the index.
func IndexRowsAfter(ctx context.Context, db bun.IDB, afterID int64, limit int) ([]IndexRow, error) {
	var ms []model.Message
	if err := db.NewSelect().Model(&ms).Where("id > ?", afterID).Order("id ASC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: messages after: %w", err)
	}
	return indexRows(ctx, db, ms)
}

// CountMessages counts every message.
func CountMessages(ctx context.Context, db bun.IDB) (int, error) {
	n, err := db.NewSelect().Model((*model.Message)(nil)).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: count messages: %w", err)
	}
	return n, nil
}

func indexRows(ctx context.Context, db bun.IDB, ms []model.Message) ([]IndexRow, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(ms))
	chans := map[int64]bool{}
	for i, m := range ms {
		ids[i] = m.ID
		chans[m.ChannelID] = true
	}
	chanIDs := make([]int64, 0, len(chans))
	for id := range chans {
		chanIDs = append(chanIDs, id)
	}
	var cs []model.Channel
	if err := db.NewSelect().Model(&cs).Column("id", "slug").Where("id IN (?)", bun.In(chanIDs)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: index channels: %w", err)
	}
	slugs := make(map[int64]string, len(cs))
	for _, c := range cs {
		slugs[c.ID] = c.Slug
	}
	tags, err := TagNamesOf(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	atts, err := MessageAttachments(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	out := make([]IndexRow, len(ms))
	for i, m := range ms {
		out[i] = IndexRow{Message: m, ChannelSlug: slugs[m.ChannelID], Tags: tags[m.ID], Attachments: atts[m.ID]}
	}
	return out, nil
}

// lease is a named, expiring claim by one instance.
type lease struct {
	bun.BaseModel `bun:"table:leases"`
	Name          string    `bun:"name,pk"`
	Holder        string    `bun:"holder,notnull"`
	ExpiresAt     time.Time `bun:"expires_at,notnull"`
}

// TakeLease claims (or renews) the named lease for holder until ttl from now.
// It reports false while another holder's lease has not expired.
func TakeLease(ctx context.Context, db bun.IDB, name, holder string, ttl time.Duration) (bool, error) {
	t := now()
	l := &lease{Name: name, Holder: holder, ExpiresAt: t.Add(ttl)}
	res, err := db.NewInsert().Model(l).On("CONFLICT (name) DO UPDATE").
		Set("holder = EXCLUDED.holder").Set("expires_at = EXCLUDED.expires_at").
		Where("lease.holder = ? OR lease.expires_at < ?", holder, t).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: take lease %s: %w", name, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// SeizeLease gives the named lease to holder whoever has it, and reports
// whether another holder had it unexpired (and so may still be at work).
func SeizeLease(ctx context.Context, db *bun.DB, name, holder string, ttl time.Duration) (bool, error) {
	held := false
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t := now()
		n, err := tx.NewSelect().Model((*lease)(nil)).Where("name = ?", name).
			Where("holder <> ?", holder).Where("expires_at >= ?", t).Count(ctx)
		if err != nil {
			return err
		}
		held = n > 0
		l := &lease{Name: name, Holder: holder, ExpiresAt: t.Add(ttl)}
		_, err = tx.NewInsert().Model(l).On("CONFLICT (name) DO UPDATE").
			Set("holder = EXCLUDED.holder").Set("expires_at = EXCLUDED.expires_at").Exec(ctx)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: seize lease %s: %w", name, err)
	}
	return held, nil
}

// ReleaseLease gives the named lease up when holder has it.
func ReleaseLease(ctx context.Context, db bun.IDB, name, holder string) error {
	if _, err := db.NewDelete().Model((*lease)(nil)).Where("name = ?", name).Where("holder = ?", holder).Exec(ctx); err != nil {
		return fmt.Errorf("store: release lease %s: %w", name, err)
	}
	return nil
}

// OutboxHas reports whether any of the messages still wait in the outbox.
func OutboxHas(ctx context.Context, db bun.IDB, messageIDs []int64) (bool, error) {
	n, err := db.NewSelect().Model((*OutboxEntry)(nil)).Where("message_id IN (?)", bun.In(messageIDs)).Limit(1).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("store: outbox has: %w", err)
	}
	return n > 0, nil
}
