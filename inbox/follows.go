package inbox

import (
	"context"

	"backchannel/model"
	"backchannel/store"
)

// Follow makes viewer follow the person with handle. Oneself, and anyone
// either of them blocked, are refused with a message that says what to do.
func (s *Service) Follow(ctx context.Context, viewer int64, handle string) (*Profile, error) {
	u, err := s.person(ctx, handle)
	if err != nil {
		return nil, err
	}
	if u.ID == viewer {
		return nil, model.Refuse(model.ErrInvalid, "follow_self", "You cannot follow yourself.")
	}
	blocked, err := store.HasBlocked(ctx, s.db, viewer, u.ID)
	if err != nil {
		return nil, err
	}
	if blocked {
		return nil, model.Refuse(model.ErrConflict, "follow_blocked", "You blocked this person. Unblock them first to follow them.")
	}
	if by, err := store.HasBlocked(ctx, s.db, u.ID, viewer); err != nil {
		return nil, err
	} else if by {
		return nil, model.Refuse(model.ErrForbidden, "follow_refused", "You can't follow this person.")
	}
	if err := store.Follow(ctx, s.db, viewer, u.ID); err != nil {
		return nil, err
	}
	return s.Profile(ctx, viewer, handle)
}

// Unfollow stops viewer following the person with handle (not following
// them changes nothing).
func (s *Service) Unfollow(ctx context.Context, viewer int64, handle string) (*Profile, error) {
	u, err := s.person(ctx, handle)
	if err != nil {
		return nil, err
	}
	if err := store.Unfollow(ctx, s.db, viewer, u.ID); err != nil {
		return nil, err
	}
	return s.Profile(ctx, viewer, handle)
}

// FollowPage is one page of a person's followers or followed accounts.
type FollowPage struct {
	Of     Person
	People []Person
	Total  int
}

// Follows lists the followers of handle (followers) or the people handle
// follows, newest first.
func (s *Service) Follows(ctx context.Context, handle string, followers bool, limit, offset int) (*FollowPage, error) {
	u, err := s.person(ctx, handle)
	if err != nil {
		return nil, err
	}
	us, n, err := store.ListFollows(ctx, s.db, store.FollowList{UserID: u.ID, Followers: followers, Limit: limit, Offset: offset})
	if err != nil {
		return nil, err
	}
	return &FollowPage{Of: PersonOf(u), People: peopleOf(us), Total: n}, nil
}
