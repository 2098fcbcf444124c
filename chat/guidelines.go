package chat

import (
	"context"

	"backchannel/model"
	"backchannel/store"
)

// DefaultGuideline is the site's guideline until an admin writes one.
func DefaultGuideline() *model.Guideline {
	return &model.Guideline{Scope: "site", Title: "Community guidelines", Body: `1. Be kind. Criticise ideas, not people: no personal attacks, harassment or hate.
2. Stay on topic. Questions and comments are about this class or talk.
3. Keep it clean. No spam, advertising, or sexual or violent content.
4. Protect privacy. Do not share anyone's personal information.
5. Moderators may hold, hide or remove messages and mute people who break these rules.`}
}

// EnsureDefaults stores the default guideline when none exists.
func (s *Service) EnsureDefaults(ctx context.Context) error {
	return store.EnsureGuideline(ctx, s.db, DefaultGuideline())
}

// Guideline returns the guideline in force in ch and whether v accepted it.
func (s *Service) Guideline(ctx context.Context, ch *model.Channel, v Viewer) (*model.Guideline, bool, error) {
	g, err := store.CurrentGuideline(ctx, s.db, ch.ID)
	if err != nil {
		return nil, false, err
	}
	if v.Actor.IsZero() {
		return g, false, nil
	}
	ok, err := store.HasAccepted(ctx, s.db, ch.ID, v.Actor.Key(), g.ID)
	return g, ok, err
}

// AcceptGuideline records that v accepted the guideline version id (the one
// they were shown); accepting an outdated version is refused.
func (s *Service) AcceptGuideline(ctx context.Context, ch *model.Channel, v Viewer, id int64) error {
	if v.Actor.IsZero() {
		return model.ErrUnauthorized
	}
	g, err := store.CurrentGuideline(ctx, s.db, ch.ID)
	if err != nil {
		return err
	}
	if id != 0 && id != g.ID {
		return model.Refuse(model.ErrConflict, "guidelines_changed", "The guidelines changed while you were reading. Please read the new version.")
	}
	return store.AcceptGuideline(ctx, s.db, ch.ID, v.Actor.Key(), g.ID)
}
