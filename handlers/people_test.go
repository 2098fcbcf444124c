package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"backchannel/chat"
	"backchannel/inbox"
	"backchannel/model"
)

type profileJSON struct {
	inbox.Profile
}

// The people API: profiles with the caller's flags, follows, blocks, the
// lookup, and one's own profile; bad input answers 422 naming the field
// and changes nothing.
func TestPeopleAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		admin := s.apiUser(t, "root@example.org", model.RoleAdmin)

		var p profileJSON
		ada.do("GET", "/api/v1/users/bob", nil).want(http.StatusOK).into(&p)
		if p.Handle != "bob" || p.IsFollowed || p.Followers != 0 || strings.Contains(string(ada.do("GET", "/api/v1/users/bob", nil).Body), "example.org") {
			t.Fatalf("profile = %+v", p)
		}
		ada.do("GET", "/api/v1/users/nosuch", nil).wantError(http.StatusNotFound, "not_found", "")
		// A number is an admin's user id: the admin route, not a profile.
		ada.do("GET", "/api/v1/users/"+strconv.FormatInt(bob.user.ID, 10), nil).want(http.StatusForbidden)
		var one struct {
			Email string `json:"email"`
		}
		admin.do("GET", "/api/v1/users/"+strconv.FormatInt(bob.user.ID, 10), nil).want(http.StatusOK).into(&one)
		if one.Email != "bob@example.org" {
			t.Fatalf("admin user = %+v", one)
		}

		ada.do("POST", "/api/v1/users/ada/follow", nil).wantError(http.StatusUnprocessableEntity, "follow_self", "")
		ada.do("POST", "/api/v1/users/bob/follow", nil).want(http.StatusOK).into(&p)
		if !p.IsFollowed || p.Followers != 1 {
			t.Fatalf("after follow = %+v", p)
		}
		bob.do("POST", "/api/v1/users/ada/follow", nil).want(http.StatusOK)
		var list struct {
			People []inbox.Person `json:"people"`
			Total  int            `json:"total"`
		}
		bob.do("GET", "/api/v1/users/bob/followers", nil).want(http.StatusOK).into(&list)
		if list.Total != 1 || list.People[0].Handle != "ada" {
			t.Fatalf("followers = %+v", list)
		}
		bob.do("GET", "/api/v1/users/bob/following?limit=0", nil).wantError(http.StatusBadRequest, "bad_request", "")

		// The lookup finds bob by name or handle, never the caller.
		ada.do("GET", "/api/v1/users/search?q=bo", nil).want(http.StatusOK).into(&list)
		if len(list.People) != 1 || list.People[0].Handle != "bob" {
			t.Fatalf("search = %+v", list)
		}

		// Blocking ends the follows both ways; the blocked one cannot follow.
		ada.do("POST", "/api/v1/blocks", map[string]any{}).wantError(http.StatusUnprocessableEntity, "invalid", "handle")
		ada.do("POST", "/api/v1/blocks", map[string]any{"handle": "ada"}).wantError(http.StatusUnprocessableEntity, "block_self", "")
		ada.do("POST", "/api/v1/blocks", map[string]any{"handle": "@Bob"}).want(http.StatusCreated).into(&p)
		if !p.Blocked || p.IsFollowed || p.FollowedBy {
			t.Fatalf("after block = %+v", p)
		}
		bob.do("POST", "/api/v1/users/ada/follow", nil).wantError(http.StatusForbidden, "follow_refused", "")
		ada.do("POST", "/api/v1/users/bob/follow", nil).wantError(http.StatusConflict, "follow_blocked", "")
		bob.do("GET", "/api/v1/users/search?q=ada", nil).want(http.StatusOK).into(&list)
		if len(list.People) != 0 {
			t.Fatalf("blocked person finds the blocker: %+v", list)
		}
		var blocks struct {
			Blocked []inbox.BlockedPerson `json:"blocked"`
		}
		ada.do("GET", "/api/v1/blocks", nil).want(http.StatusOK).into(&blocks)
		if len(blocks.Blocked) != 1 || blocks.Blocked[0].Handle != "bob" {
			t.Fatalf("blocks = %+v", blocks)
		}
		ada.do("DELETE", "/api/v1/blocks/bob", nil).want(http.StatusNoContent)
		ada.do("GET", "/api/v1/blocks", nil).want(http.StatusOK).into(&blocks)
		if len(blocks.Blocked) != 0 {
			t.Fatalf("blocks after unblock = %+v", blocks)
		}
		bob.do("POST", "/api/v1/users/ada/follow", nil).want(http.StatusOK)
		bob.do("DELETE", "/api/v1/users/ada/follow", nil).want(http.StatusOK).into(&p)
		if p.IsFollowed {
			t.Fatalf("after unfollow = %+v", p)
		}

		// PATCH /api/v1/me: bad input names the field and changes nothing.
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"handle": "bob", "bio": "new"}, "handle"},
			{map[string]any{"handle": "ada!", "bio": "new"}, "handle"},
			{map[string]any{"handle": "settings"}, "handle"},
			{map[string]any{"bio": strings.Repeat("é", 161)}, "bio"},
			{map[string]any{"dm_policy": "friends", "bio": "new"}, "dm_policy"},
		} {
			ada.do("PATCH", "/api/v1/me", c.body).wantError(http.StatusUnprocessableEntity, "invalid", c.field)
		}
		var me struct {
			User model.User `json:"user"`
		}
		ada.do("GET", "/api/v1/me", nil).want(http.StatusOK).into(&me)
		if me.User.Handle != "ada" || me.User.Bio != "" || me.User.DMPolicy != model.DMPolicyEveryone {
			t.Fatalf("me after refusals = %+v", me.User)
		}
		ada.do("PATCH", "/api/v1/me", map[string]any{"handle": "Ada_L", "bio": "Physics.", "dm_policy": "nobody"}).want(http.StatusOK).into(&me)
		if me.User.Handle != "ada_l" || me.User.Bio != "Physics." || me.User.DMPolicy != model.DMPolicyNobody {
			t.Fatalf("me after change = %+v", me.User)
		}
		ada.do("GET", "/api/v1/users/ada_l", nil).want(http.StatusOK)
		ada.do("GET", "/api/v1/users/ada", nil).want(http.StatusNotFound)
	})
}

// Sign-up takes a handle (a taken or malformed one comes back beside its
// field and creates nothing); without one it is made from the name.
func TestSignupHandle(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.createUser(t, "ada@example.org", model.RoleParticipant)
		b := s.browser(t)
		r := b.get("/signup")
		if r.Doc.Find(`input[name=handle]`).Length() != 1 || r.Doc.Find(`label[for=f-handle]`).Length() != 1 {
			t.Fatal("no labelled handle field on the sign-up page")
		}
		for _, c := range []struct{ handle, want string }{
			{"ada", "is taken"},
			{"ad", "3 to 30"},
			{"ada lovelace", "cannot contain"},
			{"admin", "reserved"},
		} {
			r := b.post("/signup", url.Values{"display_name": {"Ada Lovelace"}, "handle": {c.handle}, "email": {"new@example.org"}, "password": {"correct horse battery"}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find("#e-handle").Text(), c.want) {
				t.Errorf("sign up with %q = %d %q", c.handle, r.Status, r.Doc.Find("#e-handle").Text())
			}
			if v, _ := r.Doc.Find(`input[name=handle]`).Attr("value"); v != c.handle {
				t.Errorf("handle field kept %q, want %q", v, c.handle)
			}
		}
		if _, err := s.Accounts.UserByEmail(context.Background(), "new@example.org"); !isNotFound(err) {
			t.Fatalf("an account was made by a refused sign-up: %v", err)
		}
		r = b.post("/signup", url.Values{"display_name": {"Ada Lovelace"}, "handle": {"@Ada_Lovelace"}, "email": {"new@example.org"}, "password": {"correct horse battery"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("sign up = %d", r.Status)
		}
		u, err := s.Accounts.UserByEmail(context.Background(), "new@example.org")
		if err != nil || u.Handle != "ada_lovelace" {
			t.Fatalf("new account = %+v, %v", u, err)
		}
		r = s.browser(t).post("/signup", url.Values{"display_name": {"Ada Lovelace"}, "email": {"other@example.org"}, "password": {"correct horse battery"}})
		if u, _ := s.Accounts.UserByEmail(context.Background(), "other@example.org"); r.Status != http.StatusSeeOther || u == nil || u.Handle != "ada_lovelace2" {
			t.Fatalf("sign up without a handle = %d %+v", r.Status, u)
		}
	})
}

// The profile page: open to all, buttons for accounts, a sign-in prompt for
// the others, 404 for an unknown handle; following and blocking change the
// buttons; a blocked person sees no Follow or Message.
func TestProfilePages(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.createUser(t, "ada@example.org", model.RoleParticipant)
		s.createUser(t, "bob@example.org", model.RoleParticipant)
		anon := s.browser(t)
		r := anon.get("/u/ada")
		if r.Status != http.StatusOK || r.Doc.Find("h1").Text() != "ada" || r.Doc.Find("[data-testid=signin-prompt]").Length() != 1 ||
			r.Doc.Find("[data-testid=follow], [data-testid=message], [data-testid=block]").Length() != 0 {
			t.Fatalf("signed-out profile = %d %q", r.Status, r.Doc.Find("[data-testid=profile-actions]").Text())
		}
		if r := anon.get("/u/nosuch"); r.Status != http.StatusNotFound {
			t.Fatalf("unknown handle = %d", r.Status)
		}
		if r := anon.post("/u/ada/follow", nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("signed-out follow = %d", r.Status)
		}

		bob := s.browser(t)
		bob.signIn("bob@example.org")
		r = bob.get("/u/ada")
		if r.Doc.Find("[data-testid=follow]").Length() != 1 || r.Doc.Find(`a[data-testid=message][href="/inbox/new?to=ada"]`).Length() != 1 {
			t.Fatalf("bob sees ada = %q", r.Doc.Find("[data-testid=profile-actions]").Text())
		}
		if r := bob.post("/u/ada/follow", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/u/ada" {
			t.Fatalf("follow = %d %s", r.Status, r.Header.Get("Location"))
		}
		r = bob.get("/u/ada")
		if r.Doc.Find("[data-testid=unfollow]").Length() != 1 || !strings.Contains(r.Doc.Find("[data-testid=followers-count]").Text(), "1 follower") {
			t.Fatalf("after follow = %q", r.Doc.Find(".profile-card").Text())
		}
		r = bob.get("/u/ada/followers")
		if r.Status != http.StatusOK || !strings.Contains(r.Doc.Find("[data-testid=follow-list]").Text(), "@bob") {
			t.Fatalf("followers page = %d %q", r.Status, r.Doc.Find("main").Text())
		}

		ada := s.browser(t)
		ada.signIn("ada@example.org")
		if r := ada.get("/u/bob"); r.Doc.Find("[data-testid=follows-you]").Length() != 1 {
			t.Fatal("ada is not told bob follows her")
		}
		ada.get("/u/bob")
		if r := ada.post("/u/bob/block", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("block = %d", r.Status)
		}
		r = ada.get("/u/bob")
		if r.Doc.Find("[data-testid=unblock]").Length() != 1 || r.Doc.Find("[data-testid=follow], [data-testid=message]").Length() != 0 {
			t.Fatalf("ada sees bob after blocking = %q", r.Doc.Find("[data-testid=profile-actions]").Text())
		}
		// Bob sees ada's profile, without Follow or Message, and is told no more.
		r = bob.get("/u/ada")
		if r.Status != http.StatusOK || r.Doc.Find("[data-testid=follow], [data-testid=unfollow], [data-testid=message]").Length() != 0 ||
			strings.Contains(strings.ToLower(r.Doc.Find("main").Text()), "blocked") {
			t.Fatalf("bob sees ada after she blocked him = %q", r.Doc.Find("main").Text())
		}
		// Following anyway (an old form) is refused with a message, and changes nothing.
		if r := bob.post("/u/ada/follow", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("blocked follow = %d", r.Status)
		}
		if r := bob.get("/u/ada"); !strings.Contains(r.Doc.Find("#flash").Text(), "can't follow") ||
			!strings.Contains(r.Doc.Find("[data-testid=followers-count]").Text(), "0 followers") {
			t.Fatalf("after a refused follow = %q / %q", r.Doc.Find("#flash").Text(), r.Doc.Find("[data-testid=followers-count]").Text())
		}
	})
}

// The account page: handle and bio (errors beside the field, nothing
// changed), who can message me, and the blocked list with Unblock.
func TestAccountPeopleSettings(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.createUser(t, "ada@example.org", model.RoleParticipant)
		s.createUser(t, "bob@example.org", model.RoleParticipant)
		b := s.browser(t)
		b.signIn("ada@example.org")
		for _, c := range []struct {
			handle, bio, field, want string
		}{
			{"bob", "Hi", "handle", "is taken"},
			{"ada.l", "Hi", "handle", "cannot contain"},
			{"ada", strings.Repeat("x", 161), "bio", "at most 160"},
		} {
			b.get("/account")
			r := b.post("/account/profile", url.Values{"handle": {c.handle}, "bio": {c.bio}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find("#e-"+c.field).Text(), c.want) {
				t.Errorf("profile %q/%d = %d %q", c.handle, len(c.bio), r.Status, r.Doc.Find("#e-"+c.field).Text())
			}
		}
		u, _ := s.Accounts.UserByEmail(context.Background(), "ada@example.org")
		if u.Handle != "ada" || u.Bio != "" {
			t.Fatalf("after refusals = %q %q", u.Handle, u.Bio)
		}
		if r := b.post("/account/profile", url.Values{"handle": {"ada_l"}, "bio": {"Physics, Tuesdays."}}); r.Status != http.StatusSeeOther {
			t.Fatalf("save profile = %d", r.Status)
		}
		if r := b.post("/account/messages", url.Values{"dm_policy": {"following"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("save policy = %d", r.Status)
		}
		if r := b.post("/account/messages", url.Values{"dm_policy": {"friends"}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad policy = %d", r.Status)
		}
		b.get("/u/bob")
		b.post("/u/bob/block", nil)
		r := b.get("/account")
		if v, _ := r.Doc.Find("#f-handle").Attr("value"); v != "ada_l" || r.Doc.Find("#f-bio").Text() != "Physics, Tuesdays." {
			t.Fatalf("account profile form = %q %q", v, r.Doc.Find("#f-bio").Text())
		}
		if _, ok := r.Doc.Find(`input[name=dm_policy][value=following]`).Attr("checked"); !ok {
			t.Fatal("policy 'following' not checked")
		}
		if r.Doc.Find(`[data-testid=blocked-list] button[aria-label="Unblock @bob"]`).Length() != 1 {
			t.Fatalf("blocked list = %q", r.Doc.Find("#messages-settings").Text())
		}
		if r := b.post("/account/blocks/bob/unblock", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("unblock = %d", r.Status)
		}
		if r := b.get("/account"); r.Doc.Find("[data-testid=blocked-empty]").Length() != 1 {
			t.Fatal("bob still on the blocked list")
		}
	})
}

// The "New message" lookup fragment; the channel feed links an account
// author's name to their profile, never a guest's or an anonymous post's;
// the moderator person card links to the profile and a conversation.
func TestPeopleLinksAndLookup(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.newChannel(t, "alpha", chat.ChannelInput{})
		s.createUser(t, "mara@example.org", model.RoleParticipant)
		s.createUser(t, "marek@example.org", model.RoleParticipant)
		b := s.browser(t)
		b.signIn("mara@example.org")
		r := b.get("/people/search?q=mar")
		opts := r.Doc.Find(`[role=listbox] [role=option]`)
		if r.Status != http.StatusOK || opts.Length() != 1 || opts.AttrOr("data-handle", "") != "marek" {
			t.Fatalf("lookup = %d %q", r.Status, r.Body)
		}
		if r := b.get("/people/search?q=zzz"); !strings.Contains(r.Doc.Find("[role=status]").Text(), "No one found") {
			t.Fatalf("empty lookup = %q", r.Body)
		}

		b.accept("alpha")
		b.post("/c/alpha/messages", url.Values{"body": {"signed hello"}})
		b.post("/c/alpha/messages", url.Values{"body": {"secret hello"}, "anonymous": {"1"}})
		g := s.browser(t)
		g.get("/c/alpha")
		g.post("/c/alpha/join", url.Values{"name": {"Gus"}})
		g.accept("alpha")
		g.post("/c/alpha/messages", url.Values{"body": {"guest hello"}})
		for _, who := range []*browser{b, g} {
			r := who.get("/c/alpha")
			links := r.Doc.Find(".message-meta a.author")
			if links.Length() != 1 || links.AttrOr("href", "") != "/u/mara" {
				t.Fatalf("author links = %d %q", links.Length(), links.AttrOr("href", ""))
			}
			if !strings.Contains(r.Body, "secret hello") || !strings.Contains(r.Body, "guest hello") {
				t.Fatal("the posts are not on the page")
			}
		}

		s.createUser(t, "mod@example.org", model.RoleModerator)
		mod := s.browser(t)
		mod.signIn("mod@example.org")
		u, _ := s.Accounts.UserByEmail(context.Background(), "mara@example.org")
		r = mod.get("/mod/c/alpha/people/u:" + strconv.FormatInt(u.ID, 10))
		links := r.Doc.Find("[data-testid=person-links] a")
		if r.Status != http.StatusOK || links.Length() != 2 || links.Eq(0).AttrOr("href", "") != "/u/mara" || links.Eq(1).AttrOr("href", "") != "/inbox/new?to=mara" {
			t.Fatalf("person card links = %d %q", r.Status, r.Doc.Find("[data-testid=person-links]").Text())
		}
	})
}
