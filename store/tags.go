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

// EnsureTag returns the tag with name, creating it with colour when it does
// not exist yet.
func EnsureTag(ctx context.Context, db bun.IDB, name, colour string, by int64) (*model.Tag, error) {
	t := &model.Tag{Name: name, Colour: colour, CreatedAt: now()}
	if by != 0 {
		t.CreatedBy = &by
	}
	if _, err := db.NewInsert().Model(t).On("CONFLICT (name) DO NOTHING").Exec(ctx); err != nil {
		return nil, fmt.Errorf("store: create tag: %w", err)
	}
	return TagByName(ctx, db, name)
}

// TagByName loads a tag.
func TagByName(ctx context.Context, db bun.IDB, name string) (*model.Tag, error) {
	t := new(model.Tag)
	if err := db.NewSelect().Model(t).Where("name = ?", name).Scan(ctx); err != nil {
		return nil, notFound("tag", err)
	}
	return t, nil
}

// TagMessages puts the tag on the messages and returns the ids that did not
// have it yet; each of those is queued for the search index.
func TagMessages(ctx context.Context, db bun.IDB, tagID int64, messageIDs []int64, by int64) ([]int64, error) {
	var added []int64
	t := now()
	for _, id := range messageIDs {
		mt := &model.MessageTag{MessageID: id, TagID: tagID, CreatedAt: t}
		if by != 0 {
			mt.TaggedBy = &by
		}
		res, err := db.NewInsert().Model(mt).On("CONFLICT (message_id, tag_id) DO NOTHING").Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("store: tag message: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added = append(added, id)
		}
	}
	return added, EnqueueIndex(ctx, db, added...)
}

// UntagMessages takes the tag off the messages and returns the ids that had
// it; each of those is queued for the search index.
func UntagMessages(ctx context.Context, db bun.IDB, tagID int64, messageIDs []int64) ([]int64, error) {
	if len(messageIDs) == 0 {
		return nil, nil
	}
	var removed []int64
	err := db.NewSelect().Model((*model.MessageTag)(nil)).Column("message_id").Where("tag_id = ?", tagID).
		Where("message_id IN (?)", bun.In(messageIDs)).Order("message_id ASC").Scan(ctx, &removed)
	if err != nil {
		return nil, fmt.Errorf("store: untag messages: %w", err)
	}
	if len(removed) == 0 {
		return nil, nil
	}
	if _, err := db.NewDelete().Model((*model.MessageTag)(nil)).Where("tag_id = ?", tagID).
		Where("message_id IN (?)", bun.In(removed)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("store: untag messages: %w", err)
	}
	return removed, EnqueueIndex(ctx, db, removed...)
}

// ThreadIDs returns the ids of the messages in the threads of roots: each
// root and its replies.
func ThreadIDs(ctx context.Context, db bun.IDB, roots []int64) ([]int64, error) {
	if len(roots) == 0 {
		return nil, nil
	}
	var ids []int64
	err := db.NewSelect().Model((*model.Message)(nil)).Column("id").
		Where("id IN (?) OR parent_id IN (?)", bun.In(roots), bun.In(roots)).Order("id ASC").Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("store: thread ids: %w", err)
	}
	return ids, nil
}

// AuthorNames returns the display names of every user and guest, for
// matching a from: operator to full names.
func AuthorNames(ctx context.Context, db bun.IDB) ([]string, error) {
	var names []string
	if err := db.NewSelect().Model((*model.User)(nil)).Distinct().Column("display_name").Scan(ctx, &names); err != nil {
		return nil, fmt.Errorf("store: author names: %w", err)
	}
	var guests []string
	if err := db.NewSelect().Model((*model.Guest)(nil)).Distinct().Column("display_name").Scan(ctx, &guests); err != nil {
		return nil, fmt.Errorf("store: guest names: %w", err)
	}
	return append(names, guests...), nil
}

// SetTagColour changes a tag's colour.
func SetTagColour(ctx context.Context, db bun.IDB, t *model.Tag, colour string) error {
	t.Colour = colour
	if _, err := db.NewUpdate().Model(t).Column("colour").WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("store: tag colour: %w", err)
	}
	return nil
}
