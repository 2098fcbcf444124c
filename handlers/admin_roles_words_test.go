package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"backchannel/chat"
	"backchannel/model"
)

// The grant form starts at the least power (participant, in one channel); a
// role already held is refused with a clear message and writes no policy or
// audit row; the permission checker names the deciding grant in words.
func TestAdminRolesLeastPowerHeldAndWhy(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		host := s.createUser(t, "host@example.org", model.RoleHost)
		for _, c := range []struct{ slug, title string }{{"phys", "Physics 101"}, {"alpha", "Alpha"}} {
			slug, title := c.slug, c.title
			if _, err := s.Chat.CreateChannel(ctx, host.ID, chat.ChannelInput{Slug: &slug, Title: &title}); err != nil {
				t.Fatal(err)
			}
		}
		s.createUser(t, "admin@example.org", model.RoleAdmin)
		mia := s.createUser(t, "mia@example.org", model.RoleParticipant)
		api := s.apiUser(t, "api@example.org", model.RoleAdmin)
		a := s.browser(t)
		a.signIn("admin@example.org")

		r := a.get("/admin/roles")
		if v, _ := r.Doc.Find(`#grant-role option[selected]`).Attr("value"); v != "participant" {
			t.Errorf("default role = %q", v)
		}
		if v, _ := r.Doc.Find(`#grant-role option`).First().Attr("value"); v != "participant" {
			t.Errorf("roles do not start at the least power: %q", v)
		}
		if v, ok := r.Doc.Find(`#grant-channel option[selected]`).Attr("value"); !ok || v == "" {
			t.Errorf("default place = %q (site-wide or none)", v)
		}

		counts := func() (int, int) {
			t.Helper()
			rules, err := s.DB.NewSelect().Table("casbin_rules").Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			audits, err := s.DB.NewSelect().Model((*model.AuditEntry)(nil)).Where("action = ?", "role.grant").Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return rules, audits
		}
		grant := url.Values{"email": {"mia@example.org"}, "role": {"moderator"}, "channel": {"phys"}}
		if r := a.post("/admin/roles/grant", grant); r.Status != http.StatusSeeOther {
			t.Fatalf("grant = %d %s", r.Status, r.Doc.Find("[role=alert]").Text())
		}
		rules, audits := counts()
		r = a.post("/admin/roles/grant", grant)
		if r.Status != http.StatusConflict || strings.TrimSpace(r.Doc.Find("[data-testid=role-error]").Text()) != "mia is already moderator of Physics 101: nothing was changed." {
			t.Errorf("grant again = %d %q", r.Status, r.Doc.Find("[data-testid=role-error]").Text())
		}
		if v, _ := r.Doc.Find(`#grant-role option[selected]`).Attr("value"); v != "moderator" {
			t.Errorf("the refused form forgot its role: %q", v)
		}
		r = a.post("/admin/roles/grant", url.Values{"email": {"mia@example.org"}, "role": {"participant"}, "channel": {"alpha"}})
		if r.Status != http.StatusConflict || !strings.Contains(r.Doc.Find("[data-testid=role-error]").Text(), "mia is participant site-wide, which already includes participant of Alpha") {
			t.Errorf("participant again = %d %q", r.Status, r.Doc.Find("[data-testid=role-error]").Text())
		}
		var e apiErr
		api.do("POST", "/api/v1/roles", map[string]any{"user_id": mia.ID, "role": "moderator", "channel": "phys"}).want(http.StatusConflict).into(&e)
		if e.Error.Code != "role_held" || !strings.Contains(e.Error.Message, "already moderator of Physics 101") {
			t.Errorf("API grant again = %+v", e)
		}
		if r2, a2 := counts(); r2 != rules || a2 != audits {
			t.Errorf("a refused grant wrote: policy rows %d → %d, audit rows %d → %d", rules, r2, audits, a2)
		}

		// Why, in words: the page and the API.
		r = a.get("/admin/permissions?user=mia@example.org&permission=message:moderate&channel=phys")
		if why := r.Doc.Find("[data-testid=perm-why]").Text(); why != "mia is moderator of Physics 101, which allows moderating messages there." {
			t.Errorf("why = %q", why)
		}
		r = a.get("/admin/permissions?user=mia@example.org&permission=message:moderate&channel=alpha")
		if why := r.Doc.Find("[data-testid=perm-why]").Text(); !strings.Contains(why, "none of that allows moderating messages in Alpha") {
			t.Errorf("why not = %q", why)
		}
		var ex struct {
			Allowed bool   `json:"allowed"`
			Why     string `json:"why"`
			Grant   struct {
				Role    string `json:"role"`
				Channel string `json:"channel"`
			} `json:"grant"`
		}
		api.do("GET", "/api/v1/permissions/explain?user_id="+strconv.FormatInt(mia.ID, 10)+"&permission=message:post&channel=phys", nil).want(http.StatusOK).into(&ex)
		if !ex.Allowed || ex.Grant.Role != "moderator" || ex.Grant.Channel != "phys" ||
			ex.Why != "mia is moderator of Physics 101 (a moderator is also a participant), which allows posting messages there." {
			t.Errorf("API explain = %+v", ex)
		}
		api.do("GET", "/api/v1/permissions/explain?user_id="+strconv.FormatInt(api.user.ID, 10)+"&permission=audit:view", nil).want(http.StatusOK).into(&ex)
		if ex.Why != "api is admin site-wide, which allows reading the audit log on the site." {
			t.Errorf("API explain admin = %+v", ex)
		}
	})
}
