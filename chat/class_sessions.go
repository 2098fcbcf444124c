package chat

import (
	"context"
	"errors"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// StartSession begins a class meeting or talk in ch (ending a live one);
// messages posted from now on belong to it.
func (s *Service) StartSession(ctx context.Context, actorID int64, ch *model.Channel, title string) (*model.ChannelSession, error) {
	title = model.CleanLine(title)
	if utf8.RuneCountInString(title) > 120 {
		return nil, model.Invalid("title", "Keep the session title to 120 characters.")
	}
	if title == "" {
		title = "Session of " + s.now().UTC().Format("2 Jan 2006 15:04")
	}
	sess := &model.ChannelSession{ChannelID: ch.ID, Title: title, StartedBy: &actorID}
	var seq int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.StartChannelSession(ctx, tx, sess); err != nil {
			return err
		}
		var err error
		seq, err = store.AddEvent(ctx, tx, ch.ID, model.EventChannelUpdated, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Publish(ctx, ch.ID, seq)
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "session.start", TargetType: "session", TargetID: sess.ID, ChannelID: ch.ID, After: store.JSON(sess)})
	return sess, nil
}

// EndSession ends ch's live session; no live session is model.ErrNotFound.
func (s *Service) EndSession(ctx context.Context, actorID int64, ch *model.Channel) (*model.ChannelSession, error) {
	live, err := store.LiveChannelSession(ctx, s.db, ch.ID)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil, model.Refuse(model.ErrNotFound, "no_live_session", "No session is running in this channel.")
		}
		return nil, err
	}
	var seq int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.EndChannelSession(ctx, tx, ch.ID); err != nil {
			return err
		}
		var err error
		seq, err = store.AddEvent(ctx, tx, ch.ID, model.EventChannelUpdated, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Publish(ctx, ch.ID, seq)
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "session.end", TargetType: "session", TargetID: live.ID, ChannelID: ch.ID})
	return store.ChannelSessionByID(ctx, s.db, live.ID)
}

// LiveSession returns ch's live session, or nil.
func (s *Service) LiveSession(ctx context.Context, ch *model.Channel) (*model.ChannelSession, error) {
	sess, err := store.LiveChannelSession(ctx, s.db, ch.ID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	return sess, err
}
