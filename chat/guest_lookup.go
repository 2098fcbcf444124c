package chat

import (
	"context"

	"backchannel/model"
	"backchannel/store"
)

// GuestByID loads a guest by id (for naming one, as the audit log does).
func (s *Service) GuestByID(ctx context.Context, id int64) (*model.Guest, error) {
	return store.GuestByID(ctx, s.db, id)
}
