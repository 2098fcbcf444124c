package accounts

import (
	"context"
	"fmt"
	"strings"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// explainer is the part of the policy engine that says which rule decided.
type explainer interface {
	Explain(ctx context.Context, userID int64, domain string, p policies.Permission) (bool, []string, error)
}

// grantable reports whether role may be granted in domain: participant,
// moderator and host per channel; every role site-wide.
func grantable(role model.Role, domain string) bool {
	switch role {
	case model.RoleParticipant, model.RoleModerator, model.RoleHost:
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
		return "", nil, model.Invalid("role", "In a channel, choose participant, moderator or host.")
	}
	return domain, ch, nil
}

func (s *Service) auditRole(ctx context.Context, actorID int64, action string, userID int64, role model.Role, domain string, ch *model.Channel) {
	r := store.AuditRecord{ActorID: actorID, Action: action, TargetType: "user", TargetID: userID,
		After: map[string]string{"role": string(role), "domain": domain}}
	if ch != nil {
		r.ChannelID = ch.ID
	}
	s.audit(ctx, r)
}

// GrantRole gives a user role in a channel (slug) or site-wide ("" or "*").
// The change takes effect at once and is audited as "role.grant".
func (s *Service) GrantRole(ctx context.Context, actorID, userID int64, role model.Role, channel string) error {
	domain, ch, err := s.roleDomain(ctx, role, channel)
	if err != nil {
		return err
	}
	u, err := store.UserByID(ctx, s.db, userID)
	if err != nil {
		return err
	}
	if err := s.refuseHeld(ctx, u, role, ch); err != nil {
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
	// Grant is the user's grant the rule applies through (nil when denied).
	Grant *policies.Grant `json:"grant,omitempty"`
	// Why says it in words: "Mia is moderator of Physics 101, which allows
	// moderating messages there."
	Why string `json:"why"`
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
	var ch *model.Channel
	if channel = strings.TrimSpace(channel); channel != "" && channel != model.SiteWide {
		c, err := store.ChannelBySlug(ctx, s.db, channel)
		if err != nil {
			if isNotFound(err) {
				return Explanation{}, model.Invalid("channel", fmt.Sprintf("No channel %q.", channel))
			}
			return Explanation{}, err
		}
		domain, ch = c.Slug, c
	}
	ex, ok := s.roles.(explainer)
	if !ok {
		return Explanation{}, fmt.Errorf("accounts: explain: policy engine cannot explain")
	}
	allowed, rule, err := ex.Explain(ctx, userID, domain, p)
	if err != nil {
		return Explanation{}, err
	}
	return s.explainInWords(ctx, userID, ch, p, Explanation{Allowed: allowed, Rule: rule})
}

// UserChannels returns the channels a user is a member of.
func (s *Service) UserChannels(ctx context.Context, userID int64) ([]model.Channel, error) {
	return store.MemberChannels(ctx, s.db, userID)
}

// AuditQuery narrows Audit (see store.AuditFilter).
type AuditQuery = store.AuditFilter

// Audit returns audit entries newest first and how many match in all.
func (s *Service) Audit(ctx context.Context, f AuditQuery) ([]model.AuditEntry, int, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	return store.AuditPage(ctx, s.db, f)
}
