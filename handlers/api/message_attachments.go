package api

import (
	"context"
)

// withAttachments adds its files to a message the viewer may see.
func (h *API) withAttachments(ctx context.Context, m *apiMessage) error {
	if h.Attachments == nil {
		return nil
	}
	byMessage, err := h.Attachments.OfMessages(ctx, []int64{m.ID})
	if err != nil {
		return err
	}
	for i := range byMessage[m.ID] {
		m.Attachments = append(m.Attachments, toAPIUpload(&byMessage[m.ID][i]))
	}
	return nil
}
