package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"backchannel/model"
	"backchannel/store"
)

// SignupMode returns who may create an account (open by default).
func (s *Service) SignupMode(ctx context.Context) (model.SignupMode, error) {
	v, err := store.Setting(ctx, s.db, settingSignupMode, string(model.SignupOpen))
	if err != nil {
		return "", err
	}
	return model.SignupMode(v), nil
}

// SetSignupMode changes who may create an account.
func (s *Service) SetSignupMode(ctx context.Context, actorID int64, mode model.SignupMode) error {
	if !mode.Valid() {
		return model.Invalid("signup_mode", fmt.Sprintf("Unknown sign-up mode %q.", mode))
	}
	before, err := s.SignupMode(ctx)
	if err != nil {
		return err
	}
	if err := store.SetSetting(ctx, s.db, settingSignupMode, string(mode)); err != nil {
		return err
	}
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "settings.signup_mode", TargetType: "setting", TargetID: 0, Before: string(before), After: string(mode)})
	return nil
}

// Register creates an account through the sign-up page. invite is required
// when sign-up is invite-only; a valid invite also works when it is closed.
func (s *Service) Register(ctx context.Context, in Input, invite string) (*model.User, error) {
	mode, err := s.SignupMode(ctx)
	if err != nil {
		return nil, err
	}
	var inv *model.Invitation
	if invite != "" {
		inv, err = store.UsableInvitation(ctx, s.db, HashToken(invite))
		if err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return nil, model.Invalid("invite", "This invitation has expired or has already been used.")
			}
			return nil, err
		}
		if inv.Email != "" && inv.Email != store.NormalizeEmail(in.Email) {
			return nil, model.Invalid("email", "This invitation is for another email address.")
		}
	}
	if inv == nil {
		switch mode {
		case model.SignupClosed:
			return nil, fmt.Errorf("accounts: sign-up is closed: %w", model.ErrForbidden)
		case model.SignupInviteOnly:
			return nil, model.Invalid("invite", "Sign-up is by invitation only. Ask an admin for an invitation link.")
		}
	}
	role := model.RoleParticipant
	if inv != nil && model.Role(inv.Role).Valid() {
		role = model.Role(inv.Role)
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	// A new account may not take a reserved name or a site staff member's.
	staff, err := StaffNames(ctx, s.db, s.roles, model.SiteWide)
	if err != nil {
		return nil, err
	}
	if err := CheckName("display_name", in.DisplayName, staff); err != nil {
		return nil, err
	}
	if inv != nil {
		// Claim the invitation before creating the account, so that one
		// invitation never makes two accounts.
		if err := store.UseInvitation(ctx, s.db, inv.ID); err != nil {
			return nil, model.Invalid("invite", "This invitation has expired or has already been used.")
		}
	}
	u, err := s.create(ctx, in, role)
	if err != nil {
		if inv != nil {
			if rerr := store.ReleaseInvitation(ctx, s.db, inv.ID); rerr != nil {
				s.log.ErrorContext(ctx, "release invitation", "err", rerr)
			}
		}
		return nil, err
	}
	if inv != nil {
		if err := store.SetInvitationUser(ctx, s.db, inv.ID, u.ID); err != nil {
			s.log.ErrorContext(ctx, "record invitation user", "err", err)
		}
	}
	s.audit(ctx, store.AuditRecord{ActorID: u.ID, Action: "user.signup", TargetType: "user", TargetID: u.ID, After: store.JSON(map[string]any{"email": u.Email, "role": role})})
	return u, nil
}

// Invite creates an invitation for role (optionally only for email) and
// returns its secret token, valid for ttl.
func (s *Service) Invite(ctx context.Context, actorID int64, email string, role model.Role, ttl time.Duration) (string, *model.Invitation, error) {
	email = store.NormalizeEmail(email)
	if email != "" {
		if err := ValidateEmail(email); err != nil {
			return "", nil, err
		}
	}
	if !role.Valid() {
		return "", nil, model.Invalid("role", fmt.Sprintf("Unknown role %q.", role))
	}
	token := NewToken("", 24)
	inv := &model.Invitation{TokenHash: HashToken(token), Email: email, Role: string(role),
		CreatedBy: actorID, ExpiresAt: s.now().UTC().Add(ttl)}
	if err := store.CreateInvitation(ctx, s.db, inv); err != nil {
		return "", nil, err
	}
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "invitation.create", TargetType: "invitation", TargetID: inv.ID, After: store.JSON(map[string]any{"email": email, "role": role})})
	return token, inv, nil
}

func isNotFound(err error) bool { return errors.Is(err, model.ErrNotFound) }

// Invitations lists the newest invitations.
func (s *Service) Invitations(ctx context.Context, limit int) ([]model.Invitation, error) {
	return store.ListInvitations(ctx, s.db, limit)
}
