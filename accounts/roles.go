package accounts

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// explainer is the part of the policy engine that says which rule decided.
type explainer interface {
	Explain(ctx context.Context, userID int64, domain string, p policies.Permission) (bool, []string, error)
}

// grantable reports whether role may be granted in domain: moderator and
// host per channel; admin, moderator and host site-wide.
func grantable(role model.Role, domain string) bool {
	switch role {
	case model.RoleModerator, model.RoleHost:
		return true
	case model.RoleAdmin:
		return domain == model.SiteWide
	}
	return false
}

// roleDomain checks role and channel (a slug; "" or "*" for site-wide) and
// returns the policy domain and the channel (nil site-wide).
func (s *Service) roleDomain(ctx context.Context, role model.Role, channel string) (string, *model.Channel, error) {
	channel = strings.TrimSpace(channel)
	domain := model.SiteWide
	var ch *model.Channel
	if channel != "" && channel != model.SiteWide {
		c, err := store.ChannelBySlug(ctx, s.db, channel)
		if err != nil {
			if isNotFound(err) {
				return "", nil, model.Invalid("channel", fmt.Sprintf("No channel %q.", channel))
			}
			return "", nil, err
		}
		domain, ch = c.Slug, c
	}
	if !role.Valid() || !grantable(role, domain) {
		if domain == model.SiteWide {
			return "", nil, model.Invalid("role", "Choose admin, moderator or host.")
		}
		return "", nil, model.Invalid("role", "In a channel, choose moderator or host.")
	}
	return domain, ch, nil
}

func (s *Service) auditRole(ctx context.Context, actorID int64, action string, userID int64, role model.Role, domain string, ch *model.Channel) {
	e := &model.AuditEntry{Action: action, TargetType: "user", TargetID: strconv.FormatInt(userID, 10),
		After: store.JSON(map[string]string{"role": string(role), "domain": domain})}
	if actorID != 0 {
		e.ActorID = &actorID
	}
	if ch != nil {
		e.ChannelID = &ch.ID
	}
	if err := store.Audit(ctx, s.db, e); err != nil {
		s.log.ErrorContext(ctx, "audit write failed", "action", action, "err", err)
	}
}

// GrantRole gives a user role in a channel (slug) or site-wide ("" or "*").
// The change takes effect at once and is audited as "role.grant".
func (s *Service) GrantRole(ctx context.Context, actorID, userID int64, role model.Role, channel string) error {
	domain, ch, err := s.roleDomain(ctx, role, channel)
	if err != nil {
		return err
	}
	if _, err := store.UserByID(ctx, s.db, userID); err != nil {
		return err
	}
	if err := s.roles.Grant(ctx, userID, role, domain); err != nil {
		return err
	}
	s.auditRole(ctx, actorID, "role.grant", userID, role, domain, ch)
	return nil
}

// RevokeRole takes role in a channel or site-wide from a user. The last
// enabled site-wide admin keeps the role. Audited as "role.revoke".
func (s *Service) RevokeRole(ctx context.Context, actorID, userID int64, role model.Role, channel string) error {
	domain, ch, err := s.roleDomain(ctx, role, channel)
	if err != nil {
		return err
	}
	if _, err := store.UserByID(ctx, s.db, userID); err != nil {
		return err
	}
	if role == model.RoleAdmin && domain == model.SiteWide {
		admins, err := s.activeAdmins(ctx)
		if err != nil {
			return err
		}
		held := false
		for _, id := range admins {
			held = held || id == userID
		}
		if held && len(admins) <= 1 {
			return errLastAdmin()
		}
	}
	if err := s.roles.Revoke(ctx, userID, role, domain); err != nil {
		return err
	}
	s.auditRole(ctx, actorID, "role.revoke", userID, role, domain, ch)
	return nil
}

// Grants returns the roles granted to a user directly.
func (s *Service) Grants(ctx context.Context, userID int64) ([]policies.Grant, error) {
	return s.roles.Roles(ctx, userID)
}

// Holders returns the users granted role directly in domain.
func (s *Service) Holders(ctx context.Context, role model.Role, domain string) ([]int64, error) {
	return s.roles.Holders(ctx, role, domain)
}

// Explanation answers "can user do permission in domain?" with the policy
// line that decided it (nil when nothing allowed it).
type Explanation struct {
	Allowed bool     `json:"allowed"`
	Rule    []string `json:"rule"`
}

// Explain says whether a user holds a permission in a channel (slug, or ""
// for site-wide) and which rule allowed it.
func (s *Service) Explain(ctx context.Context, userID int64, channel string, p policies.Permission) (Explanation, error) {
	if !p.Valid() {
		return Explanation{}, model.Invalid("permission", fmt.Sprintf("Unknown permission %q.", p))
	}
	if _, err := store.UserByID(ctx, s.db, userID); err != nil {
		return Explanation{}, err
	}
	domain := model.SiteWide
	if channel = strings.TrimSpace(channel); channel != "" && channel != model.SiteWide {
		c, err := store.ChannelBySlug(ctx, s.db, channel)
		if err != nil {
			if isNotFound(err) {
				return Explanation{}, model.Invalid("channel", fmt.Sprintf("No channel %q.", channel))
			}
			return Explanation{}, err
		}
		domain = c.Slug
	}
	ex, ok := s.roles.(explainer)
	if !ok {
		return Explanation{}, fmt.Errorf("accounts: explain: policy engine cannot explain")
	}
	allowed, rule, err := ex.Explain(ctx, userID, domain, p)
	if err != nil {
		return Explanation{}, err
	}
	return Explanation{Allowed: allowed, Rule: rule}, nil
}

// ForcePasswordReset makes the user choose a new password at next sign-in
// and ends every session they have. Audited as "user.force_password_reset".
func (s *Service) ForcePasswordReset(ctx context.Context, actorID, userID int64) error {
	if _, err := store.UserByID(ctx, s.db, userID); err != nil {
		return err
	}
	if _, err := s.db.NewUpdate().Model((*model.User)(nil)).Set("must_reset_password = ?", true).
		Set("updated_at = ?", time.Now().UTC()).Where("id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("accounts: force password reset: %w", err)
	}
	if err := store.DeleteUserSessions(ctx, s.db, userID, 0); err != nil {
		return err
	}
	s.audit(ctx, actorID, "user.force_password_reset", "user", userID, "", "", "")
	return nil
}

// UserChannels returns the channels a user is a member of.
func (s *Service) UserChannels(ctx context.Context, userID int64) ([]model.Channel, error) {
	var cs []model.Channel
	err := s.db.NewSelect().Model(&cs).
		Where("id IN (SELECT channel_id FROM memberships WHERE user_id = ?)", userID).
		Order("slug").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("accounts: user channels: %w", err)
	}
	return cs, nil
}

// AuditQuery narrows ListAudit.
type AuditQuery struct {
	ActorID    int64
	ActorEmail string
	Action     string
	ChannelID  int64
	TargetType string
	TargetID   string
	From, To   time.Time // To is exclusive; zero: open
	Limit      int
	Offset     int
}

// ListAudit returns audit entries newest first and how many match in all.
func (s *Service) ListAudit(ctx context.Context, f AuditQuery) ([]model.AuditEntry, int, error) {
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 50
	}
	var es []model.AuditEntry
	q := s.db.NewSelect().Model(&es)
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if e := store.NormalizeEmail(f.ActorEmail); e != "" {
		q = q.Where("actor_id IN (SELECT id FROM users WHERE email = ?)", e)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.ChannelID != 0 {
		q = q.Where("channel_id = ?", f.ChannelID)
	}
	if f.TargetType != "" {
		q = q.Where("target_type = ?", f.TargetType)
	}
	if f.TargetID != "" {
		q = q.Where("target_id = ?", f.TargetID)
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To.UTC())
	}
	n, err := q.Order("id DESC").Limit(f.Limit).Offset(f.Offset).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("accounts: list audit: %w", err)
	}
	return es, n, nil
}
