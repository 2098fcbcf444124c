package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// SessionSummary is a session of a channel with how many messages it holds:
// Messages counts every message posted in it, Visible those participants
// still see.
type SessionSummary struct {
	model.ChannelSession
	Messages int
	Visible  int
}

// ChannelSessions lists a channel's sessions, newest first, with their
// message counts.
func ChannelSessions(ctx context.Context, db bun.IDB, channelID int64) ([]SessionSummary, error) {
	var ss []model.ChannelSession
	if err := db.NewSelect().Model(&ss).Where("channel_id = ?", channelID).Order("started_at DESC", "id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: channel sessions: %w", err)
	}
	var counts []struct {
		SessionID int64 `bun:"session_id"`
		N         int   `bun:"n"`
		Visible   int   `bun:"visible"`
	}
	err := db.NewSelect().Model((*model.Message)(nil)).
		ColumnExpr("session_id, COUNT(*) AS n, SUM(CASE WHEN state = ? THEN 1 ELSE 0 END) AS visible", model.StateVisible).
		Where("channel_id = ?", channelID).Where("session_id IS NOT NULL").GroupExpr("session_id").Scan(ctx, &counts)
	if err != nil {
		return nil, fmt.Errorf("store: channel session counts: %w", err)
	}
	byID := map[int64]int{}
	for i, c := range counts {
		byID[c.SessionID] = i
	}
	out := make([]SessionSummary, 0, len(ss))
	for _, s := range ss {
		sum := SessionSummary{ChannelSession: s}
		if i, ok := byID[s.ID]; ok {
			sum.Messages, sum.Visible = counts[i].N, counts[i].Visible
		}
		out = append(out, sum)
	}
	return out, nil
}

// SessionMessages returns every message of a session, in every state,
// oldest first.
func SessionMessages(ctx context.Context, db bun.IDB, channelID, sessionID int64) ([]model.Message, error) {
	var ms []model.Message
	if err := db.NewSelect().Model(&ms).Where("channel_id = ?", channelID).Where("session_id = ?", sessionID).
		Order("seq ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: session messages: %w", err)
	}
	return ms, nil
}

// TagsOf returns the tags (name and colour) on each of the messages,
// sorted by name.
func TagsOf(ctx context.Context, db bun.IDB, messageIDs []int64) (map[int64][]model.Tag, error) {
	out := map[int64][]model.Tag{}
	if len(messageIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		MessageID int64  `bun:"message_id"`
		ID        int64  `bun:"id"`
		Name      string `bun:"name"`
		Colour    string `bun:"colour"`
	}
	err := db.NewSelect().TableExpr("message_tags AS mt").Join("JOIN tags AS t ON t.id = mt.tag_id").
		ColumnExpr("mt.message_id, t.id, t.name, t.colour").Where("mt.message_id IN (?)", bun.In(messageIDs)).
		OrderExpr("t.name ASC").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("store: tags of: %w", err)
	}
	for _, r := range rows {
		out[r.MessageID] = append(out[r.MessageID], model.Tag{ID: r.ID, Name: r.Name, Colour: r.Colour})
	}
	return out, nil
}

// MessageAudit returns the audit entries about the messages (target type
// "message"), oldest first, by message id.
func MessageAudit(ctx context.Context, db bun.IDB, channelID int64, messageIDs []int64) (map[int64][]model.AuditEntry, error) {
	out := map[int64][]model.AuditEntry{}
	if len(messageIDs) == 0 {
		return out, nil
	}
	targets := make([]string, 0, len(messageIDs))
	for _, id := range messageIDs {
		targets = append(targets, strconv.FormatInt(id, 10))
	}
	var es []model.AuditEntry
	if err := db.NewSelect().Model(&es).Where("channel_id = ?", channelID).Where("target_type = 'message'").
		Where("target_id IN (?)", bun.In(targets)).Order("id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: message audit: %w", err)
	}
	for _, e := range es {
		id, _ := strconv.ParseInt(e.TargetID, 10, 64)
		out[id] = append(out[id], e)
	}
	return out, nil
}

// AuditBetween returns a channel's audit entries written in [from, to],
// oldest first.
func AuditBetween(ctx context.Context, db bun.IDB, channelID int64, from, to time.Time) ([]model.AuditEntry, error) {
	var es []model.AuditEntry
	if err := db.NewSelect().Model(&es).Where("channel_id = ?", channelID).
		Where("created_at >= ?", from.UTC()).Where("created_at <= ?", to.UTC()).Order("id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: audit between: %w", err)
	}
	return es, nil
}

// ActiveActors returns the actor keys (u:<id>, g:<id>) that did something
// in a channel in [from, to]: reacted to or voted for one of its messages,
// or accepted its guidelines. Posters are read from the messages.
func ActiveActors(ctx context.Context, db bun.IDB, channelID int64, from, to time.Time) ([]string, error) {
	var keys []string
	from, to = from.UTC(), to.UTC()
	inChannel := db.NewSelect().Model((*model.Message)(nil)).Column("id").Where("channel_id = ?", channelID)
	var rs []string
	if err := db.NewSelect().Model((*model.Reaction)(nil)).Distinct().Column("actor").
		Where("message_id IN (?)", inChannel).Where("created_at >= ?", from).Where("created_at <= ?", to).
		Scan(ctx, &rs); err != nil {
		return nil, fmt.Errorf("store: reacting actors: %w", err)
	}
	keys = append(keys, rs...)
	var vs []string
	if err := db.NewSelect().Model((*model.Vote)(nil)).Distinct().Column("actor").
		Where("message_id IN (?)", inChannel).Where("created_at >= ?", from).Where("created_at <= ?", to).
		Scan(ctx, &vs); err != nil {
		return nil, fmt.Errorf("store: voting actors: %w", err)
	}
	keys = append(keys, vs...)
	var as []string
	if err := db.NewSelect().Model((*model.GuidelineAcceptance)(nil)).Distinct().Column("actor").
		Where("channel_id = ?", channelID).Where("accepted_at >= ?", from).Where("accepted_at <= ?", to).
		Scan(ctx, &as); err != nil {
		return nil, fmt.Errorf("store: accepting actors: %w", err)
	}
	return append(keys, as...), nil
}

// RecentSessions returns the latest n class sessions, newest first, of one
// channel (channelID 0: of every channel).
func RecentSessions(ctx context.Context, db bun.IDB, channelID int64, n int) ([]model.ChannelSession, error) {
	var ss []model.ChannelSession
	q := db.NewSelect().Model(&ss).Order("started_at DESC", "id DESC").Limit(n)
	if channelID != 0 {
		q = q.Where("channel_id = ?", channelID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: recent sessions: %w", err)
	}
	return ss, nil
}

// SessionsMessages returns the messages of the sessions ids that were not
// deleted, by channel and seq, at most limit.
func SessionsMessages(ctx context.Context, db bun.IDB, ids []int64, limit int) ([]model.Message, error) {
	var ms []model.Message
	err := db.NewSelect().Model(&ms).Where("session_id IN (?)", bun.In(ids)).
		Where("state <> ?", model.StateDeleted).Order("channel_id ASC", "seq ASC").Limit(limit).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: sessions messages: %w", err)
	}
	return ms, nil
}
