package accounts

import (
	"context"
	"crypto/subtle"
	"fmt"

	"backchannel/model"
	"backchannel/store"
)

// NeedsSetup reports whether no site-wide admin exists yet.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	admins, err := s.roles.Holders(ctx, model.RoleAdmin, model.SiteWide)
	if err != nil {
		return false, fmt.Errorf("accounts: list admins: %w", err)
	}
	return len(admins) == 0, nil
}

// SetupToken returns the one-time token of the first-run setup link, making
// it on first use. Every instance started before setup returns the same one.
// It returns "" once an admin exists.
func (s *Service) SetupToken(ctx context.Context) (string, error) {
	need, err := s.NeedsSetup(ctx)
	if err != nil || !need {
		return "", err
	}
	return store.SetSettingOnce(ctx, s.db, settingSetupToken, NewToken("", 24))
}

// CheckSetupToken reports whether token is the current setup token.
func (s *Service) CheckSetupToken(ctx context.Context, token string) (bool, error) {
	need, err := s.NeedsSetup(ctx)
	if err != nil || !need || token == "" {
		return false, err
	}
	want, err := store.Setting(ctx, s.db, settingSetupToken, "")
	if err != nil {
		return false, err
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(token)) == 1, nil
}

// CompleteSetup creates the first admin with the setup token and retires the
// token.
func (s *Service) CompleteSetup(ctx context.Context, token string, in Input) (*model.User, error) {
	ok, err := s.CheckSetupToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("accounts: setup: %w", &model.FieldError{Field: "token",
			Message: "This setup link is no longer valid. An admin already exists, or the server printed a newer link."})
	}
	u, err := s.create(ctx, in, model.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if err := store.DeleteSetting(ctx, s.db, settingSetupToken); err != nil {
		return nil, err
	}
	s.audit(ctx, store.AuditRecord{ActorID: u.ID, Action: "setup.complete", TargetType: "user", TargetID: u.ID, After: store.JSON(map[string]any{"email": u.Email, "role": model.RoleAdmin})})
	return u, nil
}

// EnsureAdmin makes sure the account email exists and is a site-wide admin,
// for scripted installs (BACKCHANNEL_ADMIN_EMAIL and _PASSWORD). It does
// nothing when an admin exists already, and reports whether it acted.
func (s *Service) EnsureAdmin(ctx context.Context, email, password string) (bool, error) {
	need, err := s.NeedsSetup(ctx)
	if err != nil || !need {
		return false, err
	}
	u, err := store.UserByEmail(ctx, s.db, email)
	switch {
	case err == nil:
		if err := s.roles.Grant(ctx, u.ID, model.RoleAdmin, model.SiteWide); err != nil {
			return false, err
		}
		s.audit(ctx, store.AuditRecord{Action: "role.grant", TargetType: "user", TargetID: u.ID, After: store.JSON(map[string]any{"role": model.RoleAdmin, "domain": model.SiteWide})})
	case isNotFound(err):
		if _, err := s.CreateUser(ctx, 0, Input{Email: email, Password: password}, model.RoleAdmin); err != nil {
			return false, err
		}
	default:
		return false, err
	}
	return true, store.DeleteSetting(ctx, s.db, settingSetupToken)
}
