package pages

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"backchannel/model"
)

// subjectHandle is the handle of a person card's account ("u:<id>"); "" for
// a guest or an account that is gone.
func (h *Pages) subjectHandle(ctx context.Context, subject string) (string, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(subject, "u:"), 10, 64)
	if !strings.HasPrefix(subject, "u:") || err != nil {
		return "", nil
	}
	u, err := h.Accounts.User(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return u.Handle, nil
}
