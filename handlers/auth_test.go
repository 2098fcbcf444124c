package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestFirstRunSetup(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		b := s.browser(t)
		if r := b.get("/setup?token=wrong"); r.Status != http.StatusNotFound {
			t.Fatalf("setup with a wrong token = %d, want 404", r.Status)
		}
		token, err := s.Accounts.SetupToken(ctx)
		if err != nil || token == "" {
			t.Fatalf("setup token = %q, %v", token, err)
		}
		if again, _ := s.Accounts.SetupToken(ctx); again != token {
			t.Fatal("the setup token changed between calls; every instance must print the same link")
		}
		r := b.get("/setup?token=" + token)
		if r.Status != 200 || r.Doc.Find("#f-email").Length() != 1 {
			t.Fatalf("setup page = %d", r.Status)
		}
		// A short password is refused and creates nothing.
		r = b.post("/setup", url.Values{"token": {token}, "display_name": {"Ada"}, "email": {"ada@example.org"}, "password": {"short"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find("#e-password").Text(), "at least 10") {
			t.Fatalf("short password: %d %q", r.Status, r.Doc.Find(".field-error").Text())
		}
		if v, _ := r.Doc.Find("#f-email").Attr("value"); v != "ada@example.org" {
			t.Errorf("rejected form lost the email: %q", v)
		}
		if n, _ := store.CountUsers(ctx, s.DB); n != 0 {
			t.Fatalf("%d users after a rejected setup", n)
		}
		r = b.post("/setup", url.Values{"token": {token}, "display_name": {"Ada"}, "email": {"ada@example.org"}, "password": {"correct horse battery"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/admin/users" {
			t.Fatalf("setup = %d → %q", r.Status, r.Header.Get("Location"))
		}
		r = b.get("/admin/users")
		if r.Status != 200 || r.Doc.Find(`[data-testid=user-row][data-email="ada@example.org"]`).Length() != 1 {
			t.Fatalf("admin users page after setup = %d", r.Status)
		}
		if !strings.Contains(r.Doc.Find("#flash").Text(), "ready") {
			t.Error("no welcome flash after setup")
		}
		// The link is spent.
		if r := s.browser(t).get("/setup?token=" + token); r.Status != http.StatusNotFound {
			t.Errorf("setup link reused = %d", r.Status)
		}
		r = s.browser(t).post("/setup", url.Values{"token": {token}, "display_name": {"Eve"}, "email": {"eve@example.org"}, "password": {"correct horse battery"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("second setup = %d, want 422", r.Status)
		}
		if _, err := s.Accounts.UserByEmail(ctx, "eve@example.org"); !isNotFound(err) {
			t.Error("a spent setup link created an account")
		}
	})
}

func TestSignupModesAndInvitations(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		s.createUser(t, "ada@example.org", model.RoleAdmin)
		form := func(email string) url.Values {
			return url.Values{"display_name": {"X"}, "email": {email}, "password": {"correct horse battery"}}
		}
		// Open: anyone signs up and is signed in as a participant.
		b := s.browser(t)
		b.get("/signup")
		r := b.post("/signup", form("pat@example.org"))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("open sign-up = %d: %s", r.Status, r.Doc.Find(".field-error,[role=alert]").Text())
		}
		if r := b.get("/account"); r.Status != 200 || r.Doc.Find("[data-testid=current-user]").Length() != 1 {
			t.Fatalf("not signed in after sign-up: %d", r.Status)
		}
		// The same email again is a clear error.
		r = s.browser(t).post("/signup", form("PAT@example.org"))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find("#e-email").Text(), "already exists") {
			t.Errorf("duplicate sign-up = %d %q", r.Status, r.Doc.Find(".field-error").Text())
		}

		admin := s.browser(t)
		admin.signIn("ada@example.org")
		admin.get("/admin/settings")
		if r := admin.post("/admin/settings", url.Values{"signup_mode": {"invite-only"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("set invite-only = %d", r.Status)
		}
		if r := admin.post("/admin/settings", url.Values{"signup_mode": {"bogus"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("bogus mode = %d, want 422", r.Status)
		}
		if mode, _ := s.Accounts.SignupMode(ctx); mode != model.SignupInviteOnly {
			t.Fatalf("mode = %q after a bogus change", mode)
		}
		r = s.browser(t).post("/signup", form("nobody@example.org"))
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("uninvited sign-up while invite-only = %d", r.Status)
		}
		if s.browser(t).get("/signup").Doc.Find("[data-testid=signup-invite-only]").Length() != 1 {
			t.Error("sign-up page does not say it is invite-only")
		}
		admin.get("/admin/settings")
		r = admin.post("/admin/invitations", url.Values{"email": {""}, "role": {"host"}})
		link := strings.TrimSpace(r.Doc.Find("[data-testid=invite-link]").Text())
		if r.Status != http.StatusCreated || !strings.Contains(link, "/signup?invite=") {
			t.Fatalf("invitation = %d, link %q", r.Status, link)
		}
		invite := link[strings.Index(link, "invite=")+len("invite="):]
		g := s.browser(t)
		if r := g.get("/signup?invite=" + invite); r.Doc.Find("#f-email").Length() != 1 {
			t.Fatal("invitation link does not show the sign-up form")
		}
		f := form("guest@example.org")
		f.Set("invite", invite)
		if r := g.post("/signup", f); r.Status != http.StatusSeeOther {
			t.Fatalf("invited sign-up = %d: %s", r.Status, r.Doc.Find(".field-error,[role=alert]").Text())
		}
		u, err := s.Accounts.UserByEmail(ctx, "guest@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if role, _ := s.Accounts.TopSiteRole(ctx, u.ID); role != model.RoleHost {
			t.Errorf("invited user role = %q, want host", role)
		}
		f = form("second@example.org")
		f.Set("invite", invite)
		if r := s.browser(t).post("/signup", f); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("invitation used twice = %d", r.Status)
		}
		// Closed: nobody signs up.
		admin.get("/admin/settings")
		admin.post("/admin/settings", url.Values{"signup_mode": {"closed"}})
		r = s.browser(t).post("/signup", form("late@example.org"))
		if r.Status != http.StatusForbidden {
			t.Errorf("sign-up while closed = %d, want 403", r.Status)
		}
		if _, err := s.Accounts.UserByEmail(ctx, "late@example.org"); !isNotFound(err) {
			t.Error("closed sign-up created an account")
		}
		if s.browser(t).get("/login").Doc.Find(`main a[href="/signup"]`).Length() != 0 {
			t.Error("login page offers sign-up while it is closed")
		}
	})
}

func TestSignInOutAndSessionRotation(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		b := s.browser(t)
		b.get("/login")
		r := b.post("/login", url.Values{"email": {"pat@example.org"}, "password": {"wrong password!"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "email or password is not right") {
			t.Fatalf("wrong password = %d", r.Status)
		}
		r = b.post("/login", url.Values{"email": {"PAT@example.org"}, "password": {"correct horse battery"}, "next": {"/account"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/account" {
			t.Fatalf("sign in = %d → %q", r.Status, r.Header.Get("Location"))
		}
		first := b.cookie("bc_session")
		if first == "" {
			t.Fatal("no session cookie")
		}
		for _, c := range r.Header.Values("Set-Cookie") {
			if strings.HasPrefix(c, "bc_session=") && (!strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax")) {
				t.Errorf("session cookie flags: %s", c)
			}
		}
		// Signing in again rotates the session: the old token stops working.
		b.get("/account") // a page of this session: its CSRF token is bound to the session
		b.post("/login", url.Values{"email": {"pat@example.org"}, "password": {"correct horse battery"}})
		second := b.cookie("bc_session")
		if second == "" || second == first {
			t.Fatal("session token not rotated at sign-in")
		}
		if _, _, err := s.Accounts.SignInUser(context.Background(), first); err == nil {
			t.Error("the previous session still works after a new sign-in")
		}
		// Open redirects are refused.
		b2 := s.browser(t)
		b2.get("/login")
		r = b2.post("/login", url.Values{"email": {"pat@example.org"}, "password": {"correct horse battery"}, "next": {"//evil.example/"}})
		if loc := r.Header.Get("Location"); loc != "/channels" {
			t.Errorf("next=//evil.example redirected to %q", loc)
		}
		// Sign out ends the session on the server.
		b.get("/account")
		if r := b.post("/logout", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("logout = %d", r.Status)
		}
		if _, _, err := s.Accounts.SignInUser(context.Background(), second); err == nil {
			t.Error("session still valid after sign-out")
		}
		if r := b.get("/account"); r.Status != http.StatusSeeOther {
			t.Errorf("after sign-out /account = %d, want redirect to sign-in", r.Status)
		}
	})
}

func TestSignInRateLimit(t *testing.T) {
	forEachDBClock(t, func(t *testing.T, s *testServer, clock *testenv.Clock) {
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		b := s.browser(t)
		b.get("/login")
		for i := 0; i < 5; i++ {
			r := b.post("/login", url.Values{"email": {"pat@example.org"}, "password": {"guess number " + itoa(int64(i))}})
			if wait, _ := strconv.Atoi(r.Header.Get("Retry-After")); r.Status == http.StatusTooManyRequests && wait > 0 {
				// The delay between tries from one address: wait it out.
				clock.Advance(time.Duration(wait) * time.Second)
				r = b.post("/login", url.Values{"email": {"pat@example.org"}, "password": {"guess number " + itoa(int64(i))}})
			}
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d = %d", i, r.Status)
			}
		}
		clock.Advance(time.Minute)
		r := b.post("/login", url.Values{"email": {"pat@example.org"}, "password": {"correct horse battery"}})
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("sixth try = %d, want 429", r.Status)
		}
		if !strings.Contains(r.Body, "Too many failed sign-in attempts for this account") || r.Header.Get("Retry-After") == "" {
			t.Errorf("429 without a clear message or Retry-After: %q", r.Header.Get("Retry-After"))
		}
		if b.cookie("bc_session") != "" {
			t.Error("signed in despite the limit")
		}
		// Another account from another address is not affected.
		s.createUser(t, "kim@example.org", model.RoleParticipant)
		s.browser(t).signIn("kim@example.org")
	})
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		laptop, phone := s.browser(t), s.browser(t)
		laptop.signIn("pat@example.org")
		phone.signIn("pat@example.org")
		laptop.get("/account")
		r := laptop.post("/account/password", url.Values{"current_password": {"not it at all"}, "new_password": {"a brand new secret"}})
		if r.Status != http.StatusUnprocessableEntity || r.Doc.Find("#e-current_password").Length() != 1 {
			t.Fatalf("wrong current password = %d", r.Status)
		}
		r = laptop.post("/account/password", url.Values{"current_password": {"correct horse battery"}, "new_password": {"a brand new secret"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("change password = %d: %s", r.Status, r.Doc.Find(".field-error").Text())
		}
		if r := laptop.get("/account"); r.Status != 200 {
			t.Errorf("the changing session was signed out: %d", r.Status)
		}
		if r := phone.get("/account"); r.Status != http.StatusSeeOther {
			t.Errorf("other session still signed in: %d", r.Status)
		}
		if _, err := s.Accounts.Authenticate(context.Background(), "pat@example.org", "a brand new secret", "127.0.0.9"); err != nil {
			t.Errorf("new password does not work: %v", err)
		}
	})
}

func TestAdminDisableEndsSessionsAndLastAdmin(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ada := s.createUser(t, "ada@example.org", model.RoleAdmin)
		pat := s.createUser(t, "pat@example.org", model.RoleParticipant)
		admin, user := s.browser(t), s.browser(t)
		admin.signIn("ada@example.org")
		user.signIn("pat@example.org")
		admin.get("/admin/users")
		r := admin.post("/admin/users/"+itoa(pat.ID)+"/disable", nil, "HX-Request", "true")
		if r.Status != 200 || r.Doc.Find(".badge").Text() != "disabled" {
			t.Fatalf("disable via htmx = %d, row %q", r.Status, r.Doc.Find("tr").Text())
		}
		if r := user.get("/account"); r.Status != http.StatusSeeOther {
			t.Errorf("disabled user still signed in: %d", r.Status)
		}
		if _, err := s.Accounts.Authenticate(ctx, "pat@example.org", "correct horse battery", "127.0.0.2"); err == nil {
			t.Error("disabled user can sign in")
		}
		// The audit log has the action.
		es, err := store.ListAudit(ctx, s.DB, store.AuditFilter{Action: "user.disable"})
		if err != nil || len(es) != 1 || es[0].ActorID == nil || *es[0].ActorID != ada.ID {
			t.Errorf("audit of disable = %+v, %v", es, err)
		}
		admin.post("/admin/users/"+itoa(pat.ID)+"/enable", nil)
		user.signIn("pat@example.org")

		// The last admin cannot step down, and the row says why.
		r = admin.post("/admin/users/"+itoa(ada.ID)+"/role", url.Values{"role": {"participant"}}, "HX-Request", "true")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "last admin") {
			t.Fatalf("demote last admin = %d %q", r.Status, r.Doc.Find("[role=alert]").Text())
		}
		if role, _ := s.Accounts.TopSiteRole(ctx, ada.ID); role != model.RoleAdmin {
			t.Fatalf("last admin lost the role: %q", role)
		}
		// Promote pat, then ada may step down; pat now sees the admin pages.
		r = admin.post("/admin/users/"+itoa(pat.ID)+"/role", url.Values{"role": {"admin"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("promote = %d", r.Status)
		}
		if r := user.get("/admin/users"); r.Status != 200 {
			t.Errorf("promoted user gets %d on /admin/users (roles must apply to the next request)", r.Status)
		}
		r = admin.post("/admin/users/"+itoa(ada.ID)+"/role", url.Values{"role": {"moderator"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("step down = %d", r.Status)
		}
		if r := admin.get("/admin/users"); r.Status != http.StatusForbidden {
			t.Errorf("demoted admin still reaches admin pages: %d", r.Status)
		}
		if r := admin.post("/admin/users/"+itoa(pat.ID)+"/role", url.Values{"role": {"bogus"}}); r.Status != http.StatusForbidden {
			t.Errorf("demoted admin changing roles = %d", r.Status)
		}
	})
}
