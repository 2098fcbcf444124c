package handlers_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
)

func TestAdminRolesGrantRevoke(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.newChannel(t, "alpha", chat.ChannelInput{})
		admin := s.createUser(t, "admin@example.org", model.RoleAdmin)
		u := s.createUser(t, "mia@example.org", model.RoleParticipant)
		a, mia := s.browser(t), s.browser(t)
		a.signIn("admin@example.org")
		mia.signIn("mia@example.org")
		person := "/mod/c/alpha/people/u:" + strconv.FormatInt(u.ID, 10)
		if r := mia.get(person); r.Status != http.StatusForbidden {
			t.Fatalf("before grant: %d", r.Status)
		}
		a.get("/admin/roles")
		r := a.post("/admin/roles/grant", url.Values{"email": {"mia@example.org"}, "role": {"moderator"}, "channel": {"alpha"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("grant = %d: %s", r.Status, r.Doc.Find("[role=alert]").Text())
		}
		if r := mia.get(person); r.Status != http.StatusOK {
			t.Fatalf("after grant: %d", r.Status)
		}
		if r := mia.get("/mod"); r.Status != http.StatusOK {
			t.Fatalf("/mod after grant: %d", r.Status)
		}
		page := a.get("/admin/roles")
		if page.Doc.Find(`[data-testid=role-group][data-role=moderator][data-domain=alpha] [data-email="mia@example.org"]`).Length() != 1 {
			t.Fatal("holder not listed")
		}
		// Admin only site-wide.
		if r := a.post("/admin/roles/grant", url.Values{"email": {"mia@example.org"}, "role": {"admin"}, "channel": {"alpha"}}); r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
			t.Fatalf("admin in channel = %d", r.Status)
		}
		r = a.post("/admin/roles/revoke", url.Values{"user_id": {strconv.FormatInt(u.ID, 10)}, "role": {"moderator"}, "channel": {"alpha"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("revoke = %d", r.Status)
		}
		if r := mia.get(person); r.Status != http.StatusForbidden {
			t.Fatalf("after revoke: %d", r.Status)
		}
		// Last admin.
		r = a.post("/admin/roles/revoke", url.Values{"user_id": {strconv.FormatInt(admin.ID, 10)}, "role": {"admin"}, "channel": {""}})
		if r.Status < 400 || r.Status >= 500 || !strings.Contains(r.Body, "last admin") {
			t.Fatalf("last admin revoke = %d", r.Status)
		}
		if ok, _ := s.Authz.Can(context.Background(), admin.ID, "*", "role:manage"); !ok {
			t.Fatal("last admin lost the role")
		}
		// Audit entries.
		for _, action := range []string{"role.grant", "role.revoke"} {
			es, err := store.ListAudit(context.Background(), s.DB, store.AuditFilter{Action: action, TargetID: strconv.FormatInt(u.ID, 10)})
			if err != nil || len(es) != 1 || es[0].ActorID == nil || *es[0].ActorID != admin.ID || es[0].ChannelID == nil {
				t.Fatalf("%s audit: %v %+v", action, err, es)
			}
		}
	})
}

func TestAdminRolesAPIAndPermissionExplain(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.newChannel(t, "alpha", chat.ChannelInput{})
		admin := s.apiUser(t, "admin@example.org", model.RoleAdmin)
		u := s.createUser(t, "mia@example.org", model.RoleParticipant)
		admin.do("POST", "/api/v1/roles", map[string]any{"user_id": u.ID, "role": "host", "channel": "alpha"}).want(http.StatusCreated)
		var ex struct {
			Allowed bool     `json:"allowed"`
			Rule    []string `json:"rule"`
		}
		q := "/api/v1/permissions/explain?user_id=" + strconv.FormatInt(u.ID, 10) + "&permission=session:manage&channel=alpha"
		admin.do("GET", q, nil).want(http.StatusOK).into(&ex)
		if !ex.Allowed || len(ex.Rule) == 0 || !strings.Contains(strings.Join(ex.Rule, ","), "host") {
			t.Fatalf("explain = %+v", ex)
		}
		admin.do("DELETE", "/api/v1/roles", map[string]any{"user_id": u.ID, "role": "host", "channel": "alpha"}).want(http.StatusOK)
		ex.Rule = nil
		admin.do("GET", q, nil).want(http.StatusOK).into(&ex)
		if ex.Allowed || len(ex.Rule) != 0 {
			t.Fatalf("explain after revoke = %+v", ex)
		}
		admin.do("DELETE", "/api/v1/roles", map[string]any{"user_id": admin.user.ID, "role": "admin"}).want(http.StatusUnprocessableEntity)
		admin.do("POST", "/api/v1/roles", map[string]any{"user_id": u.ID, "role": "admin", "channel": "alpha"}).want(http.StatusUnprocessableEntity)

		var list struct {
			Users []model.User `json:"users"`
			Total int          `json:"total"`
		}
		admin.do("GET", "/api/v1/users?q=mia&limit=5", nil).want(http.StatusOK).into(&list)
		if list.Total != 1 || len(list.Users) != 1 || list.Users[0].ID != u.ID {
			t.Fatalf("users = %+v", list)
		}
		var one struct {
			Email string `json:"email"`
		}
		admin.do("GET", "/api/v1/users/"+strconv.FormatInt(u.ID, 10), nil).want(http.StatusOK).into(&one)
		if one.Email != "mia@example.org" {
			t.Fatalf("user = %+v", one)
		}

		// The HTML checker shows the answer and the rule.
		b := s.browser(t)
		s.createUser(t, "root@example.org", model.RoleAdmin)
		b.signIn("root@example.org")
		r := b.get("/admin/permissions?user=admin@example.org&permission=role:manage&channel=")
		if r.Status != http.StatusOK {
			t.Fatalf("permissions = %d", r.Status)
		}
		if v, _ := r.Doc.Find("[data-testid=perm-answer]").Attr("data-allowed"); v != "true" {
			t.Fatalf("answer = %q", v)
		}
		if rule := r.Doc.Find("[data-testid=perm-rule]").Text(); !strings.Contains(rule, "admin") {
			t.Fatalf("rule = %q", rule)
		}
	})
}

func TestAdminUserForceReset(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.createUser(t, "admin@example.org", model.RoleAdmin)
		u := s.createUser(t, "mia@example.org", model.RoleParticipant)
		a, mia := s.browser(t), s.browser(t)
		a.signIn("admin@example.org")
		mia.signIn("mia@example.org")
		path := "/admin/users/" + strconv.FormatInt(u.ID, 10)
		r := a.get(path)
		if r.Status != http.StatusOK || !strings.Contains(r.Doc.Find("[data-testid=user-profile]").Text(), "mia@example.org") {
			t.Fatalf("detail = %d", r.Status)
		}
		r = a.post(path+"/reset-password", nil)
		link := r.Doc.Find("[data-testid=reset-link]").Text()
		if r.Status != http.StatusOK || link == "" {
			t.Fatalf("reset = %d, link %q", r.Status, link)
		}
		if r := mia.get("/channels"); r.Status == http.StatusOK {
			t.Fatal("session survived the forced reset")
		}
		if r := a.get(path); r.Doc.Find("[data-testid=must-reset]").Length() != 1 {
			t.Fatal("not flagged while the reset is pending")
		}
		mia = s.browser(t)
		mia.get(strings.TrimPrefix(link, s.URL))
		if r := mia.post(strings.TrimPrefix(link, s.URL), url.Values{"password": {"a brand new passphrase"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("new password = %d", r.Status)
		}
		if r := mia.get("/channels"); r.Status != http.StatusOK {
			t.Fatalf("after change = %d", r.Status)
		}
		if r := a.get(path); r.Doc.Find("[data-testid=must-reset]").Length() != 0 {
			t.Fatal("still flagged")
		}
		es, _ := store.ListAudit(context.Background(), s.DB, store.AuditFilter{Action: "user.force_password_reset"})
		if len(es) != 1 {
			t.Fatalf("audit = %d", len(es))
		}
	})
}

func TestAdminAuditViewerAndCSV(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.newChannel(t, "alpha", chat.ChannelInput{})
		admin := s.createUser(t, "admin@example.org", model.RoleAdmin)
		ctx := context.Background()
		var ids []int64
		for i := range 3 {
			u := s.createUser(t, "u"+strconv.Itoa(i)+"@example.org", model.RoleParticipant)
			ids = append(ids, u.ID)
			if err := s.Accounts.GrantRole(ctx, admin.ID, u.ID, model.RoleModerator, "alpha"); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Accounts.GrantRole(ctx, admin.ID, ids[0], model.RoleHost, ""); err != nil {
			t.Fatal(err)
		}
		a := s.browser(t)
		a.signIn("admin@example.org")
		r := a.get("/admin/audit?action=role.grant&channel=alpha&actor=admin@example.org")
		if r.Status != http.StatusOK {
			t.Fatalf("audit = %d", r.Status)
		}
		if n := r.Doc.Find("[data-testid=audit-row]").Length(); n != 3 {
			t.Fatalf("rows = %d", n)
		}
		r = a.get("/admin/audit?action=role.grant&target=user:" + strconv.FormatInt(ids[0], 10))
		if n := r.Doc.Find("[data-testid=audit-row]").Length(); n != 2 {
			t.Fatalf("target rows = %d", n)
		}
		r = a.get("/admin/audit?action=role.grant&from=2000-01-01&to=2000-01-02")
		if n := r.Doc.Find("[data-testid=audit-row]").Length(); n != 0 {
			t.Fatalf("dated rows = %d", n)
		}
		r = a.get("/admin/audit.csv?action=role.grant&actor=" + strconv.FormatInt(admin.ID, 10))
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv = %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 5 || recs[0][4] != "action" {
			t.Fatalf("csv records = %v", recs)
		}
		channels := 0
		for _, rec := range recs[1:] {
			if rec[4] != "role.grant" || rec[3] != "admin" || rec[12] != "user:"+strconv.FormatInt(admin.ID, 10) {
				t.Fatalf("record = %v", rec)
			}
			if rec[7] == "alpha" {
				channels++
			}
		}
		if channels != 3 {
			t.Fatalf("alpha records = %d", channels)
		}
	})
}

func TestAdminRolesParticipantForbidden(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		u := s.createUser(t, "pat@example.org", model.RoleParticipant)
		b := s.browser(t)
		b.signIn("pat@example.org")
		id := strconv.FormatInt(u.ID, 10)
		for _, p := range []string{"/admin/roles", "/admin/permissions", "/admin/users/" + id, "/admin/audit", "/admin/audit.csv"} {
			if r := b.get(p); r.Status != http.StatusForbidden {
				t.Errorf("GET %s = %d", p, r.Status)
			}
		}
		for _, p := range []string{"/admin/roles/grant", "/admin/roles/revoke", "/admin/users/" + id + "/reset-password"} {
			if r := b.post(p, url.Values{"email": {"pat@example.org"}, "role": {"admin"}}); r.Status != http.StatusForbidden {
				t.Errorf("POST %s = %d", p, r.Status)
			}
		}
		api := s.apiUser(t, "api@example.org", model.RoleParticipant)
		api.do("GET", "/api/v1/users", nil).want(http.StatusForbidden)
		api.do("GET", "/api/v1/users/"+id, nil).want(http.StatusForbidden)
		api.do("POST", "/api/v1/roles", map[string]any{"user_id": u.ID, "role": "admin"}).want(http.StatusForbidden)
		api.do("DELETE", "/api/v1/roles", map[string]any{"user_id": u.ID, "role": "admin"}).want(http.StatusForbidden)
		api.do("GET", "/api/v1/permissions/explain?user_id="+id+"&permission=role:manage", nil).want(http.StatusForbidden)
	})
}
