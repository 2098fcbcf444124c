package attachments

import (
	"context"

	"backchannel/model"
)

// DeleteBytes removes every stored variant of a (its row stays, marked
// removed by the caller). A variant that cannot be deleted is logged: the
// row's mark already keeps it from being served.
func (s *Service) DeleteBytes(ctx context.Context, a *model.Attachment) {
	for _, v := range []string{Original, Thumb} {
		if err := s.Storage.Delete(ctx, a.ObjectKey(v)); err != nil {
			s.Log.WarnContext(ctx, "attachments: delete bytes", "id", a.ID, "variant", v, "err", err)
		}
	}
}
