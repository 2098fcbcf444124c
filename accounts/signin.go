package accounts

import (
	"context"
	"time"

	"backchannel/model"
	"backchannel/store"
)

// dummyHash is checked against when an email is unknown, so that a wrong
// email takes as long as a wrong password.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2y7d2Pz7ayyNa4zFgo2y8p5cXq9D0Qx7l4cIx3hVd6s"

// errBadCredentials never says which of email or password was wrong.
func errBadCredentials() error {
	return &model.FieldError{Field: "password", Message: "The email or password is not right."}
}

// StartSignIn creates a server-side session for a signed-in user and returns
// its secret token (128 bits of randomness) for the cookie.
func (s *Service) StartSignIn(ctx context.Context, userID int64, ip, userAgent string) (string, *model.SignIn, error) {
	token := NewToken("", 16)
	if len(userAgent) > 512 {
		userAgent = userAgent[:512]
	}
	sess := &model.SignIn{TokenHash: HashToken(token), UserID: userID, IP: ip, UserAgent: userAgent,
		ExpiresAt: s.now().UTC().Add(s.opts.SessionMax)}
	if err := store.CreateSignIn(ctx, s.db, sess); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// touchEvery limits how often a session's last-seen time is written.
const touchEvery = time.Minute

// SignInUser returns the live session of token and its user. An expired,
// idle or unknown session, or a disabled user or one whose password an admin
// reset, is model.ErrUnauthorized (and
// the session is ended).
func (s *Service) SignInUser(ctx context.Context, token string) (*model.SignIn, *model.User, error) {
	if token == "" {
		return nil, nil, model.ErrUnauthorized
	}
	hash := HashToken(token)
	sess, u, err := store.SignInByTokenHash(ctx, s.db, hash)
	if err != nil {
		if isNotFound(err) {
			return nil, nil, model.ErrUnauthorized
		}
		return nil, nil, err
	}
	t := s.now().UTC()
	if t.After(sess.ExpiresAt) || t.Sub(sess.LastSeenAt) > s.opts.SessionIdle || u.Disabled() || u.MustResetPassword {
		if err := store.DeleteSignIn(ctx, s.db, hash); err != nil {
			return nil, nil, err
		}
		return nil, nil, model.ErrUnauthorized
	}
	if t.Sub(sess.LastSeenAt) > touchEvery {
		if err := store.TouchSignIn(ctx, s.db, sess.ID, t); err != nil {
			s.log.WarnContext(ctx, "touch session", "err", err)
		}
	}
	return sess, u, nil
}

// EndSignIn signs a session out.
func (s *Service) EndSignIn(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return store.DeleteSignIn(ctx, s.db, HashToken(token))
}

// ChangePassword checks the current password, stores the new one and ends
// every other session of the user.
func (s *Service) ChangePassword(ctx context.Context, userID, keepSessionID int64, current, next string) error {
	u, err := store.UserByID(ctx, s.db, userID)
	if err != nil {
		return err
	}
	ok, err := CheckPassword(u.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return model.Invalid("current_password", "Your current password is not right.")
	}
	if err := ValidatePassword(next); err != nil {
		return &model.FieldError{Field: "new_password", Message: err.(*model.FieldError).Message}
	}
	if current == next {
		return model.Invalid("new_password", "Choose a password different from the current one.")
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	if err := store.SetPassword(ctx, s.db, userID, hash); err != nil {
		return err
	}
	if err := store.DeleteUserSignIns(ctx, s.db, userID, keepSessionID); err != nil {
		return err
	}
	s.audit(ctx, store.AuditRecord{ActorID: userID, Action: "user.password_change", TargetType: "user", TargetID: userID})
	return nil
}

// Cleanup removes expired sessions, forgotten devices and old sign-in attempts.
func (s *Service) Cleanup(ctx context.Context) error {
	if _, err := store.DeleteExpiredSignIns(ctx, s.db, s.opts.SessionIdle); err != nil {
		return err
	}
	if err := store.DeleteOldSignInDevices(ctx, s.db, s.now().Add(-s.opts.DeviceTTL)); err != nil {
		return err
	}
	return store.DeleteOldLoginAttempts(ctx, s.db, 24*time.Hour)
}
