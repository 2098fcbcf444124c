package accounts

import (
	"context"
	"fmt"
	"strings"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// includes reports whether holding role held also gives role r (admin ⊇
// moderator ⊇ participant, admin ⊇ host ⊇ participant), as
// default_policy.csv says.
func includes(held, r model.Role) bool {
	switch {
	case held == r, held == model.RoleAdmin:
		return true
	case held == model.RoleModerator, held == model.RoleHost:
		return r == model.RoleParticipant
	}
	return false
}

// where names a grant's domain: "of Physics 101" or "site-wide".
func where(domain string, ch *model.Channel) string {
	if domain == model.SiteWide {
		return "site-wide"
	}
	if ch != nil && ch.Slug == domain {
		return "of " + ch.Title
	}
	return "of " + domain
}

// covering is the grant of gs that gives role in ch (nil: site-wide): one
// in the channel itself first, then a site-wide one; the weakest that does.
func covering(gs []policies.Grant, role model.Role, ch *model.Channel) *policies.Grant {
	var best *policies.Grant
	for _, pass := range []string{channelDomain(ch), model.SiteWide} {
		for i := range gs {
			g := gs[i]
			if g.Domain != pass || !includes(g.Role, role) {
				continue
			}
			if best == nil || includes(best.Role, g.Role) {
				best = &g
			}
		}
		if best != nil {
			return best
		}
	}
	return nil
}

func channelDomain(ch *model.Channel) string {
	if ch == nil {
		return model.SiteWide
	}
	return ch.Slug
}

// refuseHeld refuses to grant u role in ch (nil: site-wide) when u holds it
// there already, directly or through a stronger or site-wide role.
func (s *Service) refuseHeld(ctx context.Context, u *model.User, role model.Role, ch *model.Channel) error {
	gs, err := s.roles.Roles(ctx, u.ID)
	if err != nil {
		return err
	}
	g := covering(gs, role, ch)
	if g == nil {
		return nil
	}
	asked := where(channelDomain(ch), ch)
	msg := fmt.Sprintf("%s is already %s %s: nothing was changed.", u.DisplayName, role, asked)
	if g.Role != role || g.Domain != channelDomain(ch) {
		msg = fmt.Sprintf("%s is %s %s, which already includes %s %s: nothing was changed.", u.DisplayName, g.Role, where(g.Domain, ch), role, asked)
	}
	return model.Refuse(model.ErrConflict, "role_held", msg)
}

// explainInWords fills in e's grant and its sentence.
func (s *Service) explainInWords(ctx context.Context, userID int64, ch *model.Channel, p policies.Permission, e Explanation) (Explanation, error) {
	u, err := store.UserByID(ctx, s.db, userID)
	if err != nil {
		return e, err
	}
	gs, err := s.roles.Roles(ctx, userID)
	if err != nil {
		return e, err
	}
	what := policies.Describe(p)
	in := "on the site"
	if ch != nil {
		in = "in " + ch.Title
	}
	if !e.Allowed || len(e.Rule) < 2 {
		held := make([]string, 0, len(gs))
		for _, g := range gs {
			held = append(held, string(g.Role)+" "+where(g.Domain, ch))
		}
		if len(held) == 0 {
			e.Why = fmt.Sprintf("%s holds no role, so nothing allows %s %s.", u.DisplayName, what, in)
		} else {
			e.Why = fmt.Sprintf("%s is %s; none of that allows %s %s (everything not granted is denied).", u.DisplayName, strings.Join(held, ", "), what, in)
		}
		return e, nil
	}
	ruleRole := model.Role(strings.TrimPrefix(e.Rule[0], "role:"))
	siteOnly := e.Rule[1] != model.SiteWide // "(site)": held site-wide only
	g := covering(gs, ruleRole, ch)
	if siteOnly {
		g = covering(gs, ruleRole, nil)
	}
	if g == nil {
		e.Why = fmt.Sprintf("%s is allowed %s %s by the rule %s.", u.DisplayName, what, in, strings.Join(e.Rule, ", "))
		return e, nil
	}
	e.Grant = g
	scope := "there"
	switch {
	case siteOnly:
		scope = "on the site"
	case g.Domain == model.SiteWide && ch != nil:
		scope = "in every channel, " + ch.Title + " included"
	case g.Domain == model.SiteWide:
		scope = "in every channel"
	}
	who := fmt.Sprintf("%s is %s %s", u.DisplayName, g.Role, where(g.Domain, ch))
	if g.Role != ruleRole {
		who += fmt.Sprintf(" (a %s is also a %s)", g.Role, ruleRole)
	}
	e.Why = fmt.Sprintf("%s, which allows %s %s.", who, what, scope)
	return e, nil
}
