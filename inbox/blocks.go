package inbox

import (
	"context"
	"time"

	"backchannel/model"
	"backchannel/store"
)

// Block makes viewer block the person with handle: their follows end both
// ways, and the person can no longer follow or message viewer. Blocking
// oneself is refused; blocking again changes nothing.
func (s *Service) Block(ctx context.Context, viewer int64, handle string) (*Profile, error) {
	u, err := s.person(ctx, handle)
	if err != nil {
		return nil, err
	}
	if u.ID == viewer {
		return nil, model.Refuse(model.ErrInvalid, "block_self", "You cannot block yourself.")
	}
	if err := store.BlockUser(ctx, s.db, viewer, u.ID); err != nil {
		return nil, err
	}
	if err := s.noteBlock(ctx, viewer, u.ID); err != nil {
		return nil, err
	}
	return s.Profile(ctx, viewer, handle)
}

// Unblock ends viewer's block of the person with handle (a disabled
// account's too, so the list can always be emptied).
func (s *Service) Unblock(ctx context.Context, viewer int64, handle string) error {
	u, err := store.UserByHandle(ctx, s.db, handle)
	if err != nil {
		return err
	}
	if err := store.UnblockUser(ctx, s.db, viewer, u.ID); err != nil {
		return err
	}
	return s.noteBlock(ctx, viewer, u.ID)
}

// BlockedPerson is one entry of a person's blocked list.
type BlockedPerson struct {
	Person
	BlockedAt time.Time `json:"blocked_at"`
}

// Blocked lists the people viewer blocked, most recent first.
func (s *Service) Blocked(ctx context.Context, viewer int64) ([]BlockedPerson, error) {
	bs, err := store.BlockedList(ctx, s.db, viewer, 0)
	if err != nil {
		return nil, err
	}
	out := make([]BlockedPerson, 0, len(bs))
	for i := range bs {
		out = append(out, BlockedPerson{Person: PersonOf(&bs[i].User), BlockedAt: bs[i].BlockedAt})
	}
	return out, nil
}
