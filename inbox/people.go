package inbox

import (
	"context"
	"errors"
	"fmt"

	"backchannel/model"
	"backchannel/store"
)

// Person is one account as others see it: never its email.
type Person struct {
	ID          int64  `json:"id"`
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	Bio         string `json:"bio"`
}

// PersonOf is the public part of u.
func PersonOf(u *model.User) Person {
	return Person{ID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName, Bio: u.Bio}
}

func peopleOf(us []model.User) []Person {
	out := make([]Person, 0, len(us))
	for i := range us {
		out = append(out, PersonOf(&us[i]))
	}
	return out
}

// Profile is a person's profile as one viewer sees it.
type Profile struct {
	Person
	Followers int `json:"followers_count"`
	Following int `json:"following_count"`
	// What is between the viewer and the person (all false for oneself
	// and for visitors without an account).
	Self       bool `json:"self"`
	FollowedBy bool `json:"followed_by"` // the person follows the viewer
	IsFollowed bool `json:"following"`   // the viewer follows the person
	Blocked    bool `json:"blocked"`     // the viewer blocked the person
	// BlockedViewer says the person blocked the viewer: the page leaves out
	// Follow and Message, and says nothing more.
	BlockedViewer bool `json:"-"`
}

// errNoPerson is the answer for an unknown, disabled or empty handle.
func errNoPerson(handle string) error {
	return fmt.Errorf("inbox: person %q: %w", handle, model.ErrNotFound)
}

// person loads the enabled account with handle.
func (s *Service) person(ctx context.Context, handle string) (*model.User, error) {
	u, err := store.UserByHandle(ctx, s.db, handle)
	if errors.Is(err, model.ErrNotFound) || (err == nil && u.Disabled()) {
		return nil, errNoPerson(handle)
	}
	return u, err
}

// Profile returns the profile of handle as viewer sees it (viewer 0: a
// visitor without an account).
func (s *Service) Profile(ctx context.Context, viewer int64, handle string) (*Profile, error) {
	u, err := s.person(ctx, handle)
	if err != nil {
		return nil, err
	}
	p := &Profile{Person: PersonOf(u), Self: viewer == u.ID}
	if p.Followers, p.Following, err = store.FollowCounts(ctx, s.db, u.ID); err != nil {
		return nil, err
	}
	if viewer == 0 || p.Self {
		return p, nil
	}
	if p.IsFollowed, err = store.IsFollowing(ctx, s.db, viewer, u.ID); err != nil {
		return nil, err
	}
	if p.FollowedBy, err = store.IsFollowing(ctx, s.db, u.ID, viewer); err != nil {
		return nil, err
	}
	if p.Blocked, err = store.HasBlocked(ctx, s.db, viewer, u.ID); err != nil {
		return nil, err
	}
	if p.BlockedViewer, err = store.HasBlocked(ctx, s.db, u.ID, viewer); err != nil {
		return nil, err
	}
	return p, nil
}

// FindPeople looks people up by the beginning of their handle or of a word
// of their name, for "New message": never the viewer, nor anyone who
// blocked them or whom they blocked.
func (s *Service) FindPeople(ctx context.Context, viewer int64, query string, limit int) ([]Person, error) {
	us, err := store.FindPeople(ctx, s.db, store.PeopleQuery{Viewer: viewer, Text: query, Limit: limit})
	if err != nil {
		return nil, err
	}
	return peopleOf(us), nil
}
