package chat

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"

	"backchannel/model"
	"backchannel/store"
)

func newSecret() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// audit writes an audit entry, logging a failure: the action is done.
func (s *Service) audit(ctx context.Context, r store.AuditRecord) {
	if _, err := store.Audit(ctx, s.db, r); err != nil {
		s.log.ErrorContext(ctx, "chat: audit", "action", r.Action, "err", err)
	}
}

// deref is the id id points to, 0 when nil.
func deref(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

func isConflict(err error) bool { return errors.Is(err, model.ErrConflict) }
