package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"backchannel/accounts"
	"backchannel/model"
	"backchannel/testenv"
)

// forEachDBClock runs fn with a fresh server whose accounts run on a clock
// the test moves, on every database.
func forEachDBClock(t *testing.T, fn func(t *testing.T, s *testServer, clock *testenv.Clock)) {
	t.Helper()
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			clock := testenv.NewClock()
			fn(t, newServer(t, d.URL, func(o *serverOptions) { o.accounts = accounts.Options{Now: clock.Now} }), clock)
		})
	}
}

// After two wrong passwords, a try at once from the same address is
// answered 429 with Retry-After, before the password is looked at.
func TestLoginDelayIs429WithRetryAfter(t *testing.T) {
	forEachDBClock(t, func(t *testing.T, s *testServer, clock *testenv.Clock) {
		s.createUser(t, "ada@example.org", model.RoleParticipant)
		b := s.browser(t)
		b.get("/login")
		wrong := url.Values{"email": {"ada@example.org"}, "password": {"not the password"}}
		for i := range 2 {
			if r := b.post("/login", wrong); r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("wrong password %d = %d", i, r.Status)
			}
		}
		r := b.post("/login", url.Values{"email": {"ada@example.org"}, "password": {"correct horse battery"}})
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1" {
			t.Fatalf("at once = %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
		}
		if !strings.Contains(r.Doc.Find("[role=alert]").Text(), "Try again in 1 second") {
			t.Errorf("no clear message: %q", r.Doc.Find("[role=alert]").Text())
		}
		clock.Advance(time.Second)
		if r := b.post("/login", wrong); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong password after the wait = %d", r.Status)
		}
		if r := b.post("/login", wrong); r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "2" {
			t.Fatalf("after two failures = %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
		}
	})
}

// The owner's browser, which signed in before, still signs in while an
// attacker from elsewhere has used up the account's limit; another browser
// on the owner's own network does not.
func TestLoginDeviceCookieOutlastsAttack(t *testing.T) {
	forEachDBClock(t, func(t *testing.T, s *testServer, clock *testenv.Clock) {
		s.createUser(t, "teacher@example.org", model.RoleHost)
		owner := s.browser(t)
		owner.signIn("teacher@example.org")
		if owner.cookie(deviceCookieName) != "" {
			t.Fatal("the device cookie is sent beyond /login")
		}
		owner.post("/logout", nil)
		ctx := context.Background()
		for i := range 8 {
			_, _ = s.Accounts.Authenticate(ctx, "teacher@example.org", "guess guess guess", fmt.Sprintf("198.51.100.%d", i))
		}
		stranger := s.browser(t)
		stranger.get("/login")
		r := stranger.post("/login", url.Values{"email": {"teacher@example.org"}, "password": {"correct horse battery"}})
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Fatalf("unknown browser = %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
		}
		owner.get("/login")
		r = owner.post("/login", url.Values{"email": {"teacher@example.org"}, "password": {"correct horse battery"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("owner's browser = %d: %s", r.Status, r.Doc.Find("[role=alert]").Text())
		}
	})
}

// deviceCookieName is the device cookie as the browser sees it.
const deviceCookieName = "bc_device"

// An admin's reset: sessions end, API tokens answer 401 until the new
// password is set, the old password is refused, the link works once and
// expires; the JSON API answers the link too.
func TestAdminResetForcesNewPassword(t *testing.T) {
	forEachDBClock(t, func(t *testing.T, s *testServer, clock *testenv.Clock) {
		admin := s.apiUser(t, "admin@example.org", model.RoleAdmin)
		mia := s.apiUser(t, "mia@example.org", model.RoleParticipant)
		a, b := s.browser(t), s.browser(t)
		a.signIn("admin@example.org")
		b.signIn("mia@example.org")
		mia.do("GET", "/api/v1/me", nil).want(http.StatusOK)

		path := fmt.Sprintf("/admin/users/%d", mia.user.ID)
		a.get(path)
		r := a.post(path+"/reset-password", nil)
		link := strings.TrimPrefix(r.Doc.Find("[data-testid=reset-link]").Text(), s.URL)
		if r.Status != http.StatusOK || !strings.HasPrefix(link, "/reset/") {
			t.Fatalf("reset = %d, link %q", r.Status, link)
		}
		if r := b.get("/channels"); r.Status == http.StatusOK {
			t.Error("a session survived the reset")
		}
		mia.do("GET", "/api/v1/me", nil).want(http.StatusUnauthorized)
		fresh := s.browser(t)
		fresh.get("/login")
		if r := fresh.post("/login", url.Values{"email": {"mia@example.org"}, "password": {"correct horse battery"}}); r.Status == http.StatusSeeOther {
			t.Fatal("the old password still signs in")
		}

		// A bad new password changes nothing and keeps the link.
		if r := fresh.get(link); r.Status != http.StatusOK || r.Doc.Find(`input[name=password][autocomplete=new-password]`).Length() != 1 {
			t.Fatalf("link page = %d", r.Status)
		}
		if r := fresh.post(link, url.Values{"password": {"short"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Doc.Find(".field-error").Text(), "at least 10") {
			t.Fatalf("short password = %d", r.Status)
		}
		mia.do("GET", "/api/v1/me", nil).want(http.StatusUnauthorized)
		if r := fresh.post(link, url.Values{"password": {"a brand new passphrase"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("new password = %d", r.Status)
		}
		if r := fresh.get("/channels"); r.Status != http.StatusOK {
			t.Errorf("not signed in after the reset: %d", r.Status)
		}
		mia.do("GET", "/api/v1/me", nil).want(http.StatusOK)
		mia.do("POST", fmt.Sprintf("/api/v1/users/%d/reset-password", admin.user.ID), nil).want(http.StatusForbidden)
		if r := s.browser(t).get(link); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "already used") {
			t.Errorf("used link = %d", r.Status)
		}

		// Through the API; the link expires after a day.
		var out struct {
			UserID   int64     `json:"user_id"`
			ResetURL string    `json:"reset_url"`
			Expires  time.Time `json:"expires_at"`
		}
		admin.do("POST", fmt.Sprintf("/api/v1/users/%d/reset-password", mia.user.ID), nil).want(http.StatusOK).into(&out)
		if out.UserID != mia.user.ID || !strings.HasPrefix(out.ResetURL, s.URL+"/reset/") || out.Expires.Sub(clock.Now()) != 24*time.Hour {
			t.Fatalf("API reset = %+v", out)
		}
		mia.do("GET", "/api/v1/me", nil).want(http.StatusUnauthorized)
		admin.do("POST", fmt.Sprintf("/api/v1/users/%d/reset-password", admin.user.ID), nil).want(http.StatusUnprocessableEntity)
		clock.Advance(24*time.Hour + time.Second)
		late := s.browser(t)
		if r := late.get(strings.TrimPrefix(out.ResetURL, s.URL)); r.Status != http.StatusNotFound {
			t.Errorf("expired link = %d", r.Status)
		}
	})
}

// A CSRF token seen in one sign-in session is refused in another, even in
// the same browser.
func TestCSRFTokenBoundToSession(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.createUser(t, "ada@example.org", model.RoleParticipant)
		s.createUser(t, "bob@example.org", model.RoleParticipant)
		b := s.browser(t)
		b.signIn("ada@example.org")
		adas := b.csrf
		b.post("/logout", nil)
		b.signIn("bob@example.org")
		if b.csrf == adas {
			t.Fatal("the token did not change with the session")
		}
		form := url.Values{"name": {"stolen"}, "_csrf": {adas}}
		if r := b.post("/account/tokens", form); r.Status != http.StatusForbidden {
			t.Fatalf("another session's token = %d", r.Status)
		}
		form.Set("_csrf", b.csrf)
		if r := b.post("/account/tokens", form); r.Status >= 400 {
			t.Fatalf("own token = %d", r.Status)
		}
	})
}
