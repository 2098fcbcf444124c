package accounts

import (
	"context"
	"strings"
	"unicode/utf8"

	"backchannel/model"
	"backchannel/store"
)

// APITokenPrefix starts every personal access token, so a leaked one is easy
// to recognise in logs and by secret scanners.
const APITokenPrefix = "bc_pat_"

// CreateAPIToken makes a personal access token for the JSON API and returns
// the secret, which is shown once and stored only as a hash.
func (s *Service) CreateAPIToken(ctx context.Context, userID int64, name string) (string, *model.APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "API token"
	}
	if utf8.RuneCountInString(name) > 100 {
		return "", nil, model.Invalid("name", "Give the token a name of at most 100 characters.")
	}
	if _, err := store.UserByID(ctx, s.db, userID); err != nil {
		return "", nil, err
	}
	secret := NewToken(APITokenPrefix, 32)
	t := &model.APIToken{UserID: userID, Name: name, TokenHash: HashToken(secret)}
	if err := store.CreateAPIToken(ctx, s.db, t); err != nil {
		return "", nil, err
	}
	s.audit(ctx, store.AuditRecord{ActorID: userID, Action: "token.create", TargetType: "api_token", TargetID: t.ID, After: store.JSON(map[string]any{"name": name})})
	return secret, t, nil
}

// APITokenUser returns the user of a personal access token. An unknown or
// revoked token, a disabled user, or one whose password an admin reset (until
// they set a new one), is model.ErrUnauthorized.
func (s *Service) APITokenUser(ctx context.Context, secret string) (*model.User, error) {
	if !strings.HasPrefix(secret, APITokenPrefix) {
		return nil, model.ErrUnauthorized
	}
	t, u, err := store.APITokenByHash(ctx, s.db, HashToken(secret))
	if err != nil {
		if isNotFound(err) {
			return nil, model.ErrUnauthorized
		}
		return nil, err
	}
	if u.Disabled() || u.MustResetPassword {
		return nil, model.ErrUnauthorized
	}
	if t.LastUsedAt == nil || s.now().Sub(*t.LastUsedAt) > touchEvery {
		if err := store.TouchAPIToken(ctx, s.db, t.ID, s.now()); err != nil {
			s.log.WarnContext(ctx, "touch api token", "err", err)
		}
	}
	return u, nil
}

// APITokens lists a user's tokens.
func (s *Service) APITokens(ctx context.Context, userID int64) ([]model.APIToken, error) {
	return store.ListAPITokens(ctx, s.db, userID)
}

// RevokeAPIToken revokes one of the user's tokens.
func (s *Service) RevokeAPIToken(ctx context.Context, userID, tokenID int64) error {
	if err := store.RevokeAPIToken(ctx, s.db, userID, tokenID); err != nil {
		return err
	}
	s.audit(ctx, store.AuditRecord{ActorID: userID, Action: "token.revoke", TargetType: "api_token", TargetID: tokenID})
	return nil
}
