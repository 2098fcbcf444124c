package moderation

import (
	"context"
	"strconv"

	"backchannel/model"
	"backchannel/store"
)

// Record is what staff know of an account across the site: the sanctions in
// force (site-wide and in every channel), the latest messages and the notes.
type Record struct {
	Sanctions []model.Sanction
	Messages  []model.Message
	Notes     []model.ModNote
	// Slugs names the channels the sanctions and messages are in.
	Slugs map[int64]string
}

// Slug is the slug of channel id, or "#id" when it is unknown.
func (r *Record) Slug(id int64) string {
	if s, ok := r.Slugs[id]; ok {
		return s
	}
	return "#" + strconv.FormatInt(id, 10)
}

// RecordOf reads the record of the account userID, for admins.
func (s *Service) RecordOf(ctx context.Context, userID int64) (*Record, error) {
	actor := model.Actor{UserID: userID}
	now := s.now()
	r := &Record{}
	var err error
	if r.Sanctions, err = store.ActiveSanctions(ctx, s.db, actor.Key(), 0, now); err != nil {
		return nil, err
	}
	all, err := store.SanctionsOf(ctx, s.db, actor.Key(), 200)
	if err != nil {
		return nil, err
	}
	// ActiveSanctions with no channel lists site-wide ones only; add the
	// channel ones that are in force.
	seen := map[int64]bool{}
	for _, sn := range r.Sanctions {
		seen[sn.ID] = true
	}
	for _, sn := range all {
		if sn.ChannelID != nil && !seen[sn.ID] && sn.RevokedAt == nil && sn.Kind != model.SanctionWarn &&
			(sn.ExpiresAt == nil || sn.ExpiresAt.After(now)) {
			in, err := store.ActiveSanctions(ctx, s.db, actor.Key(), *sn.ChannelID, now)
			if err != nil {
				return nil, err
			}
			for _, x := range in {
				if !seen[x.ID] {
					seen[x.ID] = true
					r.Sanctions = append(r.Sanctions, x)
				}
			}
		}
	}
	if r.Messages, err = store.MessagesBy(ctx, s.db, actor, 20); err != nil {
		return nil, err
	}
	if r.Notes, err = store.NotesOf(ctx, s.db, actor.Key()); err != nil {
		return nil, err
	}
	if r.Slugs, err = store.ChannelSlugs(ctx, s.db); err != nil {
		return nil, err
	}
	return r, nil
}
