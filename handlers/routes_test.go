package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers"
	"backchannel/model"
	"backchannel/policies"
)

// Every registered route appears in the route table with a known permission:
// a route without one would be served with no check at all.
func TestEveryRouteHasAPermission(t *testing.T) {
	app := handlers.New(handlers.Deps{})
	table := map[string]policies.Permission{}
	for _, r := range handlers.RouteTable() {
		if !r.Perm.Valid() {
			t.Errorf("%s %s: permission %q is not a known permission", r.Method, r.Path, r.Perm)
		}
		key := r.Method + " " + r.Path
		if _, dup := table[key]; dup {
			t.Errorf("%s appears twice in the route table", key)
		}
		table[key] = r.Perm
	}
	n := 0
	for _, r := range app.GetRoutes(true) {
		method := r.Method
		if method == fiber.MethodHead { // fiber registers HEAD beside every GET
			method = fiber.MethodGet
		}
		if _, ok := table[method+" "+r.Path]; !ok {
			t.Errorf("route %s %s is served but has no entry (and no permission) in the route table", r.Method, r.Path)
		}
		n++
	}
	if n < len(table) {
		t.Errorf("app serves %d routes, fewer than the %d in the table", n, len(table))
	}
}

// Each kind of visitor reaches exactly the pages meant for them.
func TestRoleAccessToPages(t *testing.T) {
	type want map[string]int // visitor → status
	const anon = "anonymous"
	cases := []struct {
		path string
		want want
	}{
		{"/login", want{anon: 200}},
		{"/signup", want{anon: 200}},
		{"/healthz", want{anon: 200, "participant": 200, "admin": 200}},
		{"/channels", want{anon: 303, "participant": 200, "host": 200, "moderator": 200, "admin": 200}},
		{"/account", want{anon: 303, "participant": 200, "host": 200, "moderator": 200, "admin": 200}},
		{"/admin", want{anon: 303, "participant": 403, "host": 403, "moderator": 403, "admin": 303}},
		{"/admin/users", want{anon: 303, "participant": 403, "host": 403, "moderator": 403, "admin": 200}},
		{"/admin/settings", want{anon: 303, "participant": 403, "host": 403, "moderator": 403, "admin": 200}},
		{"/api/v1/me", want{anon: 401}},
		{"/no/such/page", want{anon: 404, "participant": 404, "admin": 404}},
	}
	forEachDB(t, func(t *testing.T, s *testServer) {
		visitors := map[string]*browser{anon: s.browser(t)}
		for _, role := range []model.Role{model.RoleParticipant, model.RoleHost, model.RoleModerator, model.RoleAdmin} {
			s.createUser(t, string(role)+"@example.org", role)
			b := s.browser(t)
			b.signIn(string(role) + "@example.org")
			visitors[string(role)] = b
		}
		for _, c := range cases {
			for who, status := range c.want {
				r := visitors[who].get(c.path)
				if r.Status != status {
					t.Errorf("%s GET %s = %d, want %d", who, c.path, r.Status, status)
				}
				if status == 303 && who == anon && !strings.HasPrefix(r.Header.Get("Location"), "/login?next=") && c.path != "/" {
					t.Errorf("%s GET %s redirects to %q, want the sign-in page", who, c.path, r.Header.Get("Location"))
				}
				if status == 403 && !strings.Contains(r.Doc.Find("[data-testid=error-message]").Text(), "permission") {
					t.Errorf("%s GET %s: 403 page without a clear message", who, c.path)
				}
			}
		}
		// Actions, not only pages: a participant cannot change roles.
		p := visitors["participant"]
		p.get("/channels")
		admin, err := s.Accounts.UserByEmail(context.Background(), "admin@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if r := p.post("/admin/users/"+itoa(admin.ID)+"/role", url.Values{"role": {"participant"}}); r.Status != http.StatusForbidden {
			t.Errorf("participant POST role change = %d, want 403", r.Status)
		}
		if role, _ := s.Accounts.TopSiteRole(context.Background(), admin.ID); role != model.RoleAdmin {
			t.Errorf("admin's role changed to %q by a participant", role)
		}
	})
}

// A page test: sign in through the real HTTP stack and check the navigation.
func TestNavigationByRole(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		s.createUser(t, "ada@example.org", model.RoleAdmin)
		p := s.browser(t)
		p.signIn("pat@example.org")
		r := p.get("/channels")
		if got := strings.Join(navLabels(r), ","); got != "Channels,Search,Transcripts,Account" {
			t.Errorf("participant nav = %q, want Channels,Search,Transcripts,Account", got)
		}
		if name := strings.TrimSpace(r.Doc.Find("[data-testid=current-user]").Text()); name != "pat" {
			t.Errorf("participant header shows %q", name)
		}
		if r.Doc.Find("[data-testid=channels-empty]").Length() != 1 {
			t.Error("empty channel list has no empty state")
		}
		a := s.browser(t)
		a.signIn("ada@example.org")
		r = a.get("/channels")
		if got := strings.Join(navLabels(r), ","); got != "Channels,Search,Transcripts,Moderation,Admin,Account" {
			t.Errorf("admin nav = %q, want Channels,Search,Transcripts,Moderation,Admin,Account", got)
		}
		if role := r.Doc.Find("[data-testid=current-role]").Text(); role != "admin" {
			t.Errorf("admin role badge = %q", role)
		}
		if cur := r.Doc.Find(`nav[aria-label="Main"] a[aria-current=page]`).Text(); cur != "Channels" {
			t.Errorf("current nav entry = %q, want Channels", cur)
		}
		// Anonymous visitors see sign-in links and no navigation.
		r = s.browser(t).get("/login")
		if len(navLabels(r)) != 0 || r.Doc.Find(`a[href="/signup"]`).Length() == 0 {
			t.Errorf("anonymous header: nav %v", navLabels(r))
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
