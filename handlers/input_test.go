package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backchannel/model"
	"backchannel/search"
	"backchannel/store"
	"backchannel/testenv"
)

func TestCSRFProtection(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		s.createUser(t, "ada@example.org", model.RoleAdmin)
		b := s.browser(t)
		b.signIn("ada@example.org")
		b.get("/admin/settings")
		cases := []struct {
			name    string
			form    url.Values
			headers []string
		}{
			{"no token", url.Values{"signup_mode": {"closed"}, "_csrf": {""}}, nil},
			{"wrong token", url.Values{"signup_mode": {"closed"}, "_csrf": {"forged"}}, nil},
			{"cross-site origin", url.Values{"signup_mode": {"closed"}}, []string{"Origin", "https://evil.example"}},
		}
		for _, c := range cases {
			r := b.post("/admin/settings", c.form, c.headers...)
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Reload the page") {
				t.Errorf("%s: status %d, want 403 with advice", c.name, r.Status)
			}
		}
		if mode, _ := s.Accounts.SignupMode(ctx); mode != model.SignupOpen {
			t.Errorf("a forged request changed the sign-up mode to %q", mode)
		}
		// The header htmx sends works as well as the form field.
		r := b.post("/admin/settings", url.Values{"signup_mode": {"closed"}, "_csrf": {""}}, "X-CSRF-Token", b.csrf)
		if r.Status != http.StatusSeeOther {
			t.Errorf("X-CSRF-Token header = %d", r.Status)
		}
		// A login form from another site is refused too (login CSRF).
		if r := s.browser(t).post("/login", url.Values{"email": {"ada@example.org"}, "password": {"correct horse battery"}, "_csrf": {"x"}}); r.Status != http.StatusForbidden {
			t.Errorf("login without a valid token = %d", r.Status)
		}
	})
}

func TestBadInputChangesNothing(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		b := s.browser(t)
		b.get("/signup")
		// Empty form: every field explains itself.
		r := b.post("/signup", url.Values{})
		if r.Status != http.StatusUnprocessableEntity || r.Doc.Find(".field-error").Length() == 0 {
			t.Errorf("empty sign-up = %d", r.Status)
		}
		r = b.post("/login", url.Values{})
		if r.Status != http.StatusUnprocessableEntity || r.Doc.Find(".field-error").Length() == 0 {
			t.Errorf("empty login = %d", r.Status)
		}
		for _, email := range []string{"not-an-email", "a@b@c", "Ada <ada@example.org>", strings.Repeat("a", 250) + "@example.org"} {
			r := b.post("/signup", url.Values{"email": {email}, "password": {"correct horse battery"}})
			if r.Status != http.StatusUnprocessableEntity || r.Doc.Find("#e-email").Length() != 1 {
				t.Errorf("email %q = %d", email, r.Status)
			}
		}
		if n, _ := store.CountUsers(ctx, s.DB); n != 0 {
			t.Fatalf("%d users created by bad input", n)
		}
		// SQL and HTML metacharacters are data: stored as typed, shown escaped.
		nasty := `Robert'); DROP TABLE users;-- <script>alert(1)</script> "&`
		r = b.post("/signup", url.Values{"display_name": {nasty}, "email": {"bobby@example.org"}, "password": {nasty}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find("#e-display_name").Text(), "< or >") {
			t.Errorf("name with < > = %d %q", r.Status, r.Doc.Find(".field-error").Text())
		}
		if strings.Contains(r.Body, "<script>alert(1)") {
			t.Error("markup echoed unescaped")
		}
		name := `Robert'); DROP TABLE users;-- "&`
		r = b.post("/signup", url.Values{"display_name": {name}, "email": {"bobby@example.org"}, "password": {nasty}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("sign-up with quotes = %d: %s", r.Status, r.Doc.Find(".field-error").Text())
		}
		u, err := s.Accounts.UserByEmail(ctx, "bobby@example.org")
		if err != nil || u.DisplayName != name {
			t.Fatalf("stored name = %q, %v", u.DisplayName, err)
		}
		if _, err := s.Accounts.Authenticate(ctx, "bobby@example.org", nasty, "127.0.0.3"); err != nil {
			t.Errorf("password with metacharacters does not work: %v", err)
		}
		r = b.get("/account")
		if got := strings.TrimSpace(r.Doc.Find("[data-testid=current-user]").Text()); got != name {
			t.Errorf("header shows %q", got)
		}
		// A search with metacharacters finds nothing and breaks nothing.
		s.createUser(t, "ada@example.org", model.RoleAdmin)
		a := s.browser(t)
		a.signIn("ada@example.org")
		for _, q := range []string{`' OR 1=1 --`, `%`, `_`, `<b>`} {
			r := a.get("/admin/users?q=" + url.QueryEscape(q))
			if r.Status != 200 {
				t.Errorf("user search %q = %d", q, r.Status)
			}
			if q != "_" && r.Doc.Find("[data-testid=user-row]").Length() != 0 {
				t.Errorf("user search %q matched %d rows", q, r.Doc.Find("[data-testid=user-row]").Length())
			}
		}
	})
}

func TestOversizedBodyAndUnknownRoutes(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		b := s.browser(t)
		b.get("/signup")
		big := strings.Repeat("x", 10<<20)
		req, _ := http.NewRequest("POST", s.URL+"/signup", strings.NewReader(url.Values{"email": {"big@example.org"}, "display_name": {big}, "_csrf": {b.csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := b.http.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("10 MB body = %d, want 413", res.StatusCode)
			}
		} // a reset connection is also a refusal
		if n, _ := store.CountUsers(ctx, s.DB); n != 0 {
			t.Error("a 10 MB request created an account")
		}
		// Unknown route: page, HTMX fragment and JSON.
		r := b.get("/nope")
		if r.Status != 404 || r.Doc.Find("h1").Text() != "Not found" || r.Doc.Find("header.site-header").Length() != 1 {
			t.Errorf("404 page = %d %q", r.Status, r.Doc.Find("h1").Text())
		}
		r = b.get("/nope", "HX-Request", "true")
		if r.Status != 404 || r.Doc.Find("html header").Length() != 0 || r.Doc.Find("[data-testid=error-message]").Length() != 1 {
			t.Errorf("404 fragment = %d %q", r.Status, r.Body)
		}
		r = b.get("/api/v1/nope")
		var body struct {
			Error struct{ Code, Message string }
		}
		if r.Status != 404 || json.Unmarshal([]byte(r.Body), &body) != nil || body.Error.Code != "not_found" || body.Error.Message == "" {
			t.Errorf("API 404 = %d %s", r.Status, r.Body)
		}
	})
}

func TestAPITokens(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		b := s.browser(t)
		b.signIn("pat@example.org")
		b.get("/account")
		r := b.post("/account/tokens", url.Values{"name": {"script"}})
		token := strings.TrimSpace(r.Doc.Find("[data-testid=new-token]").Text())
		if r.Status != http.StatusCreated || !strings.HasPrefix(token, "bc_pat_") {
			t.Fatalf("create token = %d %q", r.Status, token)
		}
		if strings.Contains(b.get("/account").Body, token) {
			t.Error("the token is shown again after the first time")
		}
		api := func(auth string) (int, map[string]any) {
			req, _ := http.NewRequest("GET", s.URL+"/api/v1/me", nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var m map[string]any
			_ = json.NewDecoder(res.Body).Decode(&m)
			return res.StatusCode, m
		}
		status, m := api("Bearer " + token)
		if status != 200 || m["user"].(map[string]any)["email"] != "pat@example.org" {
			t.Fatalf("GET /api/v1/me = %d %v", status, m)
		}
		if _, leaked := m["user"].(map[string]any)["password_hash"]; leaked {
			t.Error("API leaks the password hash")
		}
		for _, bad := range []string{"Bearer bc_pat_wrong", "Bearer ", "Basic abc", "Bearer " + token + "x"} {
			if status, m := api(bad); status != 401 || m["error"] == nil {
				t.Errorf("%q = %d %v", bad, status, m)
			}
		}
		// A bearer request needs no CSRF token but cannot ride on a cookie.
		id := r.Doc.Find(`form[action$="/revoke"]`).AttrOr("action", "")
		b.get("/account")
		if r := b.post(id, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("revoke = %d", r.Status)
		}
		if status, _ := api("Bearer " + token); status != 401 {
			t.Errorf("revoked token = %d, want 401", status)
		}
	})
}

func TestReadiness(t *testing.T) {
	getJSON := func(t *testing.T, u string) (int, map[string]any) {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, m
	}
	engineOf := func(m map[string]any) string { // the search part says only ok or unavailable
		return m["checks"].(map[string]any)["search"].(map[string]any)["status"].(string)
	}
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			s := newServer(t, d.URL)
			if status, m := getJSON(t, s.URL+"/healthz"); status != 200 || m["status"] != "ok" {
				t.Errorf("healthz = %d %v", status, m)
			}
			status, m := getJSON(t, s.URL+"/readyz")
			if status != 200 || m["status"] != "ready" || engineOf(m) != "ok" {
				t.Errorf("readyz builtin = %d %v", status, m)
			}
			meiliURL, key := testenv.Meili(t)
			s = newServer(t, d.URL, func(o *serverOptions) { o.search = search.NewMeili(meiliURL, key, "readyz_"+testenv.RandomHex(4)) })
			status, m = getJSON(t, s.URL+"/readyz")
			if status != 200 || engineOf(m) != "ok" {
				t.Errorf("readyz meilisearch = %d %v", status, m)
			}
			s = newServer(t, d.URL, func(o *serverOptions) { o.search = search.NewMeili(meiliURL, "wrong-key", "readyz") })
			if status, m := getJSON(t, s.URL+"/readyz"); status != 503 || m["status"] != "not ready" {
				t.Errorf("readyz with a rejected key = %d %v", status, m)
			}
			s = newServer(t, d.URL, func(o *serverOptions) { o.search = search.NewMeili("http://127.0.0.1:1", key, "readyz") })
			if status, m := getJSON(t, s.URL+"/readyz"); status != 503 || engineOf(m) != "unavailable" {
				t.Errorf("readyz with search down = %d %v", status, m)
			}
		})
	}
}

func TestStaticFiles(t *testing.T) {
	s := newServer(t, testenv.Databases(t)[0].URL)
	b := s.browser(t)
	r := b.get("/static/css/app.css")
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") || !strings.Contains(r.Header.Get("Cache-Control"), "max-age=31536000") {
		t.Errorf("css = %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
	}
	if r := b.get("/static/vendor/htmx.min.js"); r.Status != 200 || !strings.Contains(r.Body, "htmx") {
		t.Errorf("vendored htmx = %d (run make vendor)", r.Status)
	}
	if r := b.get("/static/vendor/hx-sse.js"); r.Status != 200 {
		t.Errorf("vendored hx-sse = %d", r.Status)
	}
	for _, p := range []string{"/static/nope.css", "/static/../go.mod", "/static/vendor/.gitkeep"} {
		if r := b.get(p); r.Status != 404 {
			t.Errorf("%s = %d, want 404", p, r.Status)
		}
	}
	// Pages link assets with a version so that the year-long cache is safe.
	href, _ := b.get("/login").Doc.Find(`link[rel=stylesheet]`).Attr("href")
	if !strings.Contains(href, "?v=") {
		t.Errorf("stylesheet link %q has no version", href)
	}
}
