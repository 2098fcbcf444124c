package chat

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// StartSession begins a class meeting or talk in ch (ending a live one);
// messages posted from now on belong to it.
func (s *Service) StartSession(ctx context.Context, actorID int64, ch *model.Channel, title string) (*model.ChannelSession, error) {
	title, err := sessionTitle(title)
	if err != nil {
		return nil, err
	}
	if title == "" {
		title = "Session of " + s.now().UTC().Format("2 Jan 2006 15:04")
	}
	sess := &model.ChannelSession{ChannelID: ch.ID, Title: title, StartedBy: &actorID}
	var seq int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
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

// sessionTitle trims a session title and checks its length.
func sessionTitle(title string) (string, error) {
	title = model.CleanLine(title)
	if utf8.RuneCountInString(title) > 120 {
		return "", model.Invalid("title", "Keep the session title to 120 characters.")
	}
	return title, nil
}

// RenameSession gives session id of ch a new title; a session of another
// channel is model.ErrNotFound. Audited as "session.rename".
func (s *Service) RenameSession(ctx context.Context, actorID int64, ch *model.Channel, id int64, title string) (*model.ChannelSession, error) {
	title, err := sessionTitle(title)
	if err != nil {
		return nil, err
	}
	if title == "" {
		return nil, model.Invalid("title", "Give the session a name.")
	}
	old, err := store.ChannelSessionByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if old.ChannelID != ch.ID {
		return nil, fmt.Errorf("chat: session %d is not in %s: %w", id, ch.Slug, model.ErrNotFound)
	}
	var seq int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.RenameChannelSession(ctx, tx, ch.ID, id, title); err != nil {
			return err
		}
		if old.EndedAt != nil {
			return nil
		}
		var err error
		seq, err = store.AddEvent(ctx, tx, ch.ID, model.EventChannelUpdated, nil) // the title bar shows it
		return err
	})
	if err != nil {
		return nil, err
	}
	if seq > 0 {
		s.Publish(ctx, ch.ID, seq)
	}
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "session.rename", TargetType: "session", TargetID: id, ChannelID: ch.ID,
		Before: map[string]string{"title": old.Title}, After: map[string]string{"title": title}})
	return store.ChannelSessionByID(ctx, s.db, id)
}
