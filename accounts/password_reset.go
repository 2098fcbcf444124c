package accounts

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// ResetLink is the one-time link of an admin's password reset: its secret
// token (shown once, stored as a hash) and when it stops working.
type ResetLink struct {
	Token     string
	ExpiresAt time.Time
}

// ForcePasswordReset resets a person's password for them. At once: the old
// password no longer signs in (the hash is replaced by one of a random
// secret), every session and trusted device of theirs ends, and their API
// tokens answer 401 until they set a new password. The new password is set
// through the returned one-time link, which lasts ResetTTL; a later reset
// replaces it. Nobody resets their own password here. Audited as
// "user.force_password_reset".
func (s *Service) ForcePasswordReset(ctx context.Context, actorID, userID int64) (*ResetLink, error) {
	if actorID == userID {
		return nil, model.Invalid("user", "Change your own password on your account page.")
	}
	if _, err := store.UserByID(ctx, s.db, userID); err != nil {
		return nil, err
	}
	unusable, err := HashPassword(NewToken("", 32))
	if err != nil {
		return nil, err
	}
	at := s.now().UTC()
	link := &ResetLink{Token: NewToken("", 32), ExpiresAt: at.Add(s.opts.ResetTTL)}
	r := &model.PasswordReset{UserID: userID, TokenHash: HashToken(link.Token), CreatedBy: actorID, CreatedAt: at, ExpiresAt: link.ExpiresAt}
	if err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return store.ForcePasswordReset(ctx, tx, r, unusable)
	}); err != nil {
		return nil, err
	}
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "user.force_password_reset", TargetType: "user", TargetID: userID,
		After: store.JSON(map[string]any{"link_expires_at": link.ExpiresAt})})
	return link, nil
}

// errResetLink is the answer for a reset link that is unknown, used or expired.
func errResetLink() error {
	return &model.Problem{Code: "reset_link_invalid", Kind: model.ErrNotFound,
		Message: "This password reset link has expired or was already used. Ask an admin for a new one."}
}

// PasswordResetUser returns the person a usable reset link is for.
func (s *Service) PasswordResetUser(ctx context.Context, token string) (*model.User, error) {
	r, err := store.UsablePasswordReset(ctx, s.db, HashToken(token), s.now())
	if err != nil {
		if isNotFound(err) {
			return nil, errResetLink()
		}
		return nil, err
	}
	return store.UserByID(ctx, s.db, r.UserID)
}

// CompletePasswordReset sets a new password through a reset link, which
// then stops working; the person's API tokens work again. A bad password
// changes nothing and leaves the link usable.
func (s *Service) CompletePasswordReset(ctx context.Context, token, password string) (*model.User, error) {
	if err := ValidatePassword(password); err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	at := s.now().UTC()
	var userID int64
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		r, err := store.UsablePasswordReset(ctx, tx, HashToken(token), at)
		if err != nil {
			return err
		}
		if err := store.UsePasswordReset(ctx, tx, r.ID, at); err != nil {
			return err
		}
		userID = r.UserID
		if err := store.SetPassword(ctx, tx, r.UserID, hash); err != nil {
			return err
		}
		return store.DeleteUserSignIns(ctx, tx, r.UserID, 0)
	})
	if err != nil {
		if isNotFound(err) {
			return nil, errResetLink()
		}
		return nil, err
	}
	s.audit(ctx, store.AuditRecord{ActorID: userID, Action: "user.password_reset", TargetType: "user", TargetID: userID})
	return store.UserByID(ctx, s.db, userID)
}
