package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// CreateChannel inserts c and fills in its id; a taken slug is
// model.ErrConflict.
func CreateChannel(ctx context.Context, db bun.IDB, c *model.Channel) error {
	c.CreatedAt = now()
	c.UpdatedAt = c.CreatedAt
	if _, err := db.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
		if isUnique(err) {
			return fmt.Errorf("store: create channel: slug %q: %w", c.Slug, model.ErrConflict)
		}
		return fmt.Errorf("store: create channel: %w", err)
	}
	return nil
}

// ChannelBySlug loads one channel.
func ChannelBySlug(ctx context.Context, db bun.IDB, slug string) (*model.Channel, error) {
	c := new(model.Channel)
	if err := db.NewSelect().Model(c).Where("slug = ?", slug).Scan(ctx); err != nil {
		return nil, notFound("channel by slug", err)
	}
	return c, nil
}

// ListChannels lists channels by title.
func ListChannels(ctx context.Context, db bun.IDB) ([]model.Channel, error) {
	var cs []model.Channel
	if err := db.NewSelect().Model(&cs).Order("title ASC", "id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list channels: %w", err)
	}
	return cs, nil
}

// StartChannelSession begins a session in a channel, ending any live one.
func StartChannelSession(ctx context.Context, db bun.IDB, s *model.ChannelSession) error {
	t := now()
	if _, err := db.NewUpdate().Model((*model.ChannelSession)(nil)).Set("ended_at = ?", t).
		Where("channel_id = ?", s.ChannelID).Where("ended_at IS NULL").Exec(ctx); err != nil {
		return fmt.Errorf("store: end previous session: %w", err)
	}
	s.StartedAt = t
	s.EndedAt = nil
	if _, err := db.NewInsert().Model(s).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: start session: %w", err)
	}
	return nil
}

// LiveChannelSession returns the channel's session in progress.
func LiveChannelSession(ctx context.Context, db bun.IDB, channelID int64) (*model.ChannelSession, error) {
	s := new(model.ChannelSession)
	if err := db.NewSelect().Model(s).Where("channel_id = ?", channelID).Where("ended_at IS NULL").
		Order("id DESC").Limit(1).Scan(ctx); err != nil {
		return nil, notFound("live session", err)
	}
	return s, nil
}

// EndChannelSession ends the channel's live session.
func EndChannelSession(ctx context.Context, db bun.IDB, channelID int64) error {
	res, err := db.NewUpdate().Model((*model.ChannelSession)(nil)).Set("ended_at = ?", now()).
		Where("channel_id = ?", channelID).Where("ended_at IS NULL").Exec(ctx)
	return affected("end session", res, err)
}

// AddMember records that a user belongs to a channel (idempotent).
func AddMember(ctx context.Context, db bun.IDB, channelID, userID int64) error {
	m := &model.Membership{ChannelID: channelID, UserID: userID, JoinedAt: now()}
	if _, err := db.NewInsert().Model(m).On("CONFLICT (channel_id, user_id) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("store: add member: %w", err)
	}
	return nil
}

// IsMember reports whether a user belongs to a channel.
func IsMember(ctx context.Context, db bun.IDB, channelID, userID int64) (bool, error) {
	ok, err := db.NewSelect().Model((*model.Membership)(nil)).Where("channel_id = ?", channelID).
		Where("user_id = ?", userID).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("store: is member: %w", err)
	}
	return ok, nil
}

// ChannelByID loads one channel.
func ChannelByID(ctx context.Context, db bun.IDB, id int64) (*model.Channel, error) {
	c := new(model.Channel)
	if err := db.NewSelect().Model(c).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("channel by id", err)
	}
	return c, nil
}

// UpdateChannel writes a channel's title, description and settings.
func UpdateChannel(ctx context.Context, db bun.IDB, c *model.Channel) error {
	c.UpdatedAt = now()
	res, err := db.NewUpdate().Model(c).Column("title", "description", "visibility", "join_code", "posting_mode",
		"allow_anonymous", "allow_guests", "slow_mode_seconds", "max_length", "premod_mode", "filter_caps",
		"filter_repeats", "filter_mentions", "filter_links", "allowed_domains", "attachments_mode", "updated_at").WherePK().Exec(ctx)
	return affected("update channel", res, err)
}

// LiveChannelIDs returns the ids of channels with a session in progress.
func LiveChannelIDs(ctx context.Context, db bun.IDB) (map[int64]bool, error) {
	var ids []int64
	if err := db.NewSelect().Model((*model.ChannelSession)(nil)).Column("channel_id").Where("ended_at IS NULL").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("store: live channels: %w", err)
	}
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// ChannelSessionByID loads one session.
func ChannelSessionByID(ctx context.Context, db bun.IDB, id int64) (*model.ChannelSession, error) {
	s := new(model.ChannelSession)
	if err := db.NewSelect().Model(s).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("session", err)
	}
	return s, nil
}

// Member is a member of a channel with their name.
type Member struct {
	UserID      int64     `bun:"user_id"`
	Email       string    `bun:"email"`
	DisplayName string    `bun:"display_name"`
	JoinedAt    time.Time `bun:"joined_at"`
}

// ListMembers lists a channel's members by name.
func ListMembers(ctx context.Context, db bun.IDB, channelID int64) ([]Member, error) {
	var ms []Member
	err := db.NewSelect().TableExpr("memberships AS m").Join("JOIN users AS u ON u.id = m.user_id").
		ColumnExpr("m.user_id, u.email, u.display_name, m.joined_at").Where("m.channel_id = ?", channelID).
		OrderExpr("u.display_name ASC, u.id ASC").Scan(ctx, &ms)
	if err != nil {
		return nil, fmt.Errorf("store: list members: %w", err)
	}
	return ms, nil
}

// RemoveMember removes a user from a channel's members.
func RemoveMember(ctx context.Context, db bun.IDB, channelID, userID int64) error {
	res, err := db.NewDelete().Model((*model.Membership)(nil)).Where("channel_id = ?", channelID).Where("user_id = ?", userID).Exec(ctx)
	if err := affected("remove member", res, err); err != nil {
		return err
	}
	return BumpAccess(ctx, db)
}

// MemberChannels returns the channels userID is a member of, by slug.
func MemberChannels(ctx context.Context, db bun.IDB, userID int64) ([]model.Channel, error) {
	var cs []model.Channel
	err := db.NewSelect().Model(&cs).
		Where("id IN (SELECT channel_id FROM memberships WHERE user_id = ?)", userID).
		Order("slug").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: member channels: %w", err)
	}
	return cs, nil
}

// ChannelSlugs maps every channel's id to its slug.
func ChannelSlugs(ctx context.Context, db bun.IDB) (map[int64]string, error) {
	var cs []model.Channel
	if err := db.NewSelect().Model(&cs).Column("id", "slug").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: channel slugs: %w", err)
	}
	slugs := make(map[int64]string, len(cs))
	for _, c := range cs {
		slugs[c.ID] = c.Slug
	}
	return slugs, nil
}
