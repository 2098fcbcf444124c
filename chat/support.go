package chat

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"

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
func (s *Service) audit(ctx context.Context, actorID int64, action, targetType string, targetID int64, channelID *int64, before, after string) {
	e := &model.AuditEntry{Action: action, TargetType: targetType, TargetID: strconv.FormatInt(targetID, 10),
		ChannelID: channelID, Before: before, After: after}
	if actorID != 0 {
		e.ActorID = &actorID
	}
	if err := store.Audit(ctx, s.db, e); err != nil {
		s.log.ErrorContext(ctx, "chat: audit", "action", action, "err", err)
	}
}

func isConflict(err error) bool { return errors.Is(err, model.ErrConflict) }
