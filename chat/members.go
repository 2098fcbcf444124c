package chat

import (
	"context"
	"errors"

	"backchannel/model"
	"backchannel/store"
)

// Members lists the members of ch.
func (s *Service) Members(ctx context.Context, ch *model.Channel) ([]store.Member, error) {
	return store.ListMembers(ctx, s.db, ch.ID)
}

// AddMember adds the account with email to ch's members (how people get into
// a members-only channel).
func (s *Service) AddMember(ctx context.Context, actorID int64, ch *model.Channel, email string) (*model.User, error) {
	u, err := store.UserByEmail(ctx, s.db, email)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil, model.Invalid("email", "No account has that email. Invite them to sign up first.")
		}
		return nil, err
	}
	if err := store.AddMember(ctx, s.db, ch.ID, u.ID); err != nil {
		return nil, err
	}
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "channel.member_add", TargetType: "user", TargetID: u.ID, ChannelID: ch.ID, After: u.Email})
	return u, nil
}

// RemoveMember removes a user from ch's members.
func (s *Service) RemoveMember(ctx context.Context, actorID int64, ch *model.Channel, userID int64) error {
	if err := store.RemoveMember(ctx, s.db, ch.ID, userID); err != nil {
		return err
	}
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "channel.member_remove", TargetType: "user", TargetID: userID, ChannelID: ch.ID})
	return nil
}
