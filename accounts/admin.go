package accounts

import (
	"context"
	"fmt"
	"slices"

	"backchannel/model"
	"backchannel/store"
)

// ListUsers lists users for the admin page.
func (s *Service) ListUsers(ctx context.Context, f store.UserFilter) ([]model.User, int, error) {
	return store.ListUsers(ctx, s.db, f)
}

// activeAdmins returns the ids of site-wide admins whose accounts are enabled.
func (s *Service) activeAdmins(ctx context.Context) ([]int64, error) {
	ids, err := s.roles.Holders(ctx, model.RoleAdmin, model.SiteWide)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, id := range ids {
		u, err := store.UserByID(ctx, s.db, id)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return nil, err
		}
		if !u.Disabled() {
			out = append(out, id)
		}
	}
	return out, nil
}

// errLastAdmin is returned when a change would leave no admin.
func errLastAdmin() error {
	return fmt.Errorf("accounts: %w", &model.FieldError{Field: "role",
		Message: "This is the last admin. Make someone else an admin first."})
}

// SetSiteRole makes role the user's one site-wide role beyond participant
// (participant itself removes every other site-wide role). The last enabled
// admin cannot lose the role.
func (s *Service) SetSiteRole(ctx context.Context, actorID, userID int64, role model.Role) error {
	if !role.Valid() {
		return model.Invalid("role", fmt.Sprintf("Unknown role %q.", role))
	}
	u, err := store.UserByID(ctx, s.db, userID)
	if err != nil {
		return err
	}
	before, err := s.SiteRoles(ctx, userID)
	if err != nil {
		return err
	}
	if slices.Contains(before, model.RoleAdmin) && role != model.RoleAdmin && !u.Disabled() {
		admins, err := s.activeAdmins(ctx)
		if err != nil {
			return err
		}
		if len(admins) <= 1 {
			return errLastAdmin()
		}
	}
	// Grant first, then revoke, so that the user is never left with less
	// than both the old and new role would give.
	if err := s.roles.Grant(ctx, userID, model.RoleParticipant, model.SiteWide); err != nil {
		return err
	}
	if role != model.RoleParticipant {
		if err := s.roles.Grant(ctx, userID, role, model.SiteWide); err != nil {
			return err
		}
	}
	for _, r := range before {
		if r != role && r != model.RoleParticipant {
			if err := s.roles.Revoke(ctx, userID, r, model.SiteWide); err != nil {
				return err
			}
		}
	}
	after, err := s.SiteRoles(ctx, userID)
	if err != nil {
		return err
	}
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: "role.set", TargetType: "user", TargetID: userID, Before: store.JSON(before), After: store.JSON(after)})
	return nil
}

// SetDisabled disables or enables an account. Disabling ends the person's
// sessions at once; the last enabled admin cannot be disabled, and nobody
// disables themselves.
func (s *Service) SetDisabled(ctx context.Context, actorID, userID int64, disabled bool) error {
	u, err := store.UserByID(ctx, s.db, userID)
	if err != nil {
		return err
	}
	if disabled && actorID == userID {
		return model.Invalid("user", "You cannot disable your own account.")
	}
	if disabled && !u.Disabled() {
		admins, err := s.activeAdmins(ctx)
		if err != nil {
			return err
		}
		if slices.Contains(admins, userID) && len(admins) <= 1 {
			return errLastAdmin()
		}
	}
	if err := store.SetDisabled(ctx, s.db, userID, disabled); err != nil {
		return err
	}
	if disabled {
		if err := store.DeleteUserSignIns(ctx, s.db, userID, 0); err != nil {
			return err
		}
	}
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	s.audit(ctx, store.AuditRecord{ActorID: actorID, Action: action, TargetType: "user", TargetID: userID})
	return nil
}

// UserByEmail loads one user by email.
func (s *Service) UserByEmail(ctx context.Context, email string) (*model.User, error) {
	return store.UserByEmail(ctx, s.db, email)
}
