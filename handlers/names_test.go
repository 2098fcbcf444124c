package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
)

// bidi are the bidirectional formatting characters names and titles lose.
const bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

// Reserved names: a guest or a new account may not be called Anonymous,
// Admin, Moderator or Host (as a word, in any case or look-alike letters),
// nor take a staff member's name; they are told why, and nothing is made.
func TestReservedNamesRefused(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, _ := s.newChannel(t, "talk", chat.ChannelInput{})
		s.newChannel(t, "other", chat.ChannelInput{})
		if _, err := s.Accounts.CreateUser(ctx, 0, accounts.Input{Email: "grace@example.org", DisplayName: "Grace Hopper", Password: "correct horse battery"}, model.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		lin, err := s.Accounts.CreateUser(ctx, 0, accounts.Input{Email: "lin@example.org", DisplayName: "Lin Chen", Password: "correct horse battery"}, model.RoleParticipant)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Authz.Grant(ctx, lin.ID, model.RoleModerator, "talk"); err != nil {
			t.Fatal(err)
		}

		refused := []string{"Anonymous", "anonymous", "ADMIN", "Ada Admin", "Ａｄｍｉｎ", "Adm1n", "The Moderator", "host",
			"Grace Hopper", "grace   HOPPER", "Gr\u202eace Hopper", "Lin Chen", "host-talk"}
		for _, name := range refused {
			guest := s.browser(t)
			guest.get("/c/talk")
			r := guest.post("/c/talk/join", url.Values{"name": {name}})
			msg := r.Doc.Find(".field-error, [role=alert]").Text()
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(msg, "Choose another name") {
				t.Errorf("guest %q: %d %q", name, r.Status, msg)
			}
			if guest.cookie(web.GuestCookie(ch.ID)) != "" {
				t.Errorf("guest %q was let in", name)
			}
		}
		// The channel's own staff only: Lin moderates talk, not other; a
		// part of a staff name is not the name.
		for _, ok := range []struct{ slug, name string }{{"other", "Lin Chen"}, {"talk", "Grace"}, {"talk", "Grace Hopperson"}, {"talk", "Ghostly"}} {
			guest := s.browser(t)
			guest.get("/c/" + ok.slug)
			if r := guest.post("/c/"+ok.slug+"/join", url.Values{"name": {ok.name}}); r.Status != http.StatusSeeOther {
				t.Errorf("guest %q in %s = %d %q", ok.name, ok.slug, r.Status, r.Doc.Find(".field-error").Text())
			}
		}

		// Sign-up: the same words and the site staff's names.
		for i, name := range []string{"Anonymous", "Admin", "Ada Admin", "Moderator", "Grace Hopper", "GRACE HOPPER"} {
			b := s.browser(t)
			b.get("/signup")
			email := "new" + itoa(int64(i)) + "@example.org"
			r := b.post("/signup", url.Values{"display_name": {name}, "email": {email}, "password": {"correct horse battery"}})
			msg := r.Doc.Find(".field-error").Text()
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(msg, "Choose another name") {
				t.Errorf("sign-up as %q = %d %q", name, r.Status, msg)
			}
			if _, err := s.Accounts.UserByEmail(ctx, email); !isNotFound(err) {
				t.Errorf("sign-up as %q made an account (%v)", name, err)
			}
		}
		b := s.browser(t)
		b.get("/signup")
		if r := b.post("/signup", url.Values{"display_name": {"Grace Lee"}, "email": {"gl@example.org"}, "password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
			t.Errorf("sign-up as Grace Lee = %d %q", r.Status, r.Doc.Find(".field-error").Text())
		}
	})
}

// Bidirectional controls are taken out of guests' and accounts' names,
// channel titles and descriptions, and session titles, whichever way they
// come in.
func TestBidiControlsStripped(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		s.createUser(t, "hana@example.org", model.RoleHost)
		host := s.browser(t)
		host.signIn("hana@example.org")
		host.get("/channels")
		if r := host.post("/channels", url.Values{"title": {"Phys\u202eics 101\u2069"}, "slug": {"physics"}, "description": {"Mon\u200fday " + bidi}}); r.Status != http.StatusSeeOther {
			t.Fatalf("create channel = %d %q", r.Status, r.Doc.Find(".field-error").Text())
		}
		ch, err := s.Chat.Channel(ctx, "physics")
		if err != nil {
			t.Fatal(err)
		}
		if ch.Title != "Physics 101" || ch.Description != "Monday" {
			t.Errorf("channel = %q / %q", ch.Title, ch.Description)
		}
		host.get("/c/physics/settings")
		form := url.Values{"title": {"\u2067Optics\u2069 " + bidi + "lab"}, "description": {""}, "visibility": {"public"}, "posting_mode": {"open"},
			"slow_mode_seconds": {"0"}, "max_length": {"500"}, "premod_mode": {"off"}, "allow_guests": {"1"}}
		if r := host.post("/c/physics/settings", form); r.Status != http.StatusSeeOther {
			t.Fatalf("settings = %d %q", r.Status, r.Doc.Find(".field-error").Text())
		}
		if ch, _ = s.Chat.Channel(ctx, "physics"); ch.Title != "Optics lab" {
			t.Errorf("title after settings = %q", ch.Title)
		}
		if r := host.post("/c/physics/sessions/start", url.Values{"title": {"Week\u202e 3"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("start session = %d", r.Status)
		}
		if live, err := s.Chat.LiveSession(ctx, ch); err != nil || live == nil || live.Title != "Week 3" {
			t.Errorf("session = %+v %v", live, err)
		}

		guest := s.browser(t)
		guest.get("/c/physics")
		if r := guest.post("/c/physics/join", url.Values{"name": {"\u202eSam" + bidi + " Lee\u202c"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("guest join = %d %q", r.Status, r.Doc.Find(".field-error").Text())
		}
		page := guest.get("/c/physics").Body
		if !strings.Contains(page, "You are Sam Lee") || strings.ContainsAny(page, bidi) {
			t.Errorf("guest's page names them wrongly or holds bidi controls")
		}

		b := s.browser(t)
		b.get("/signup")
		if r := b.post("/signup", url.Values{"display_name": {"Ro\u202ebin\u200e"}, "email": {"robin@example.org"}, "password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("sign-up = %d %q", r.Status, r.Doc.Find(".field-error").Text())
		}
		if u, err := s.Accounts.UserByEmail(ctx, "robin@example.org"); err != nil || u.DisplayName != "Robin" {
			t.Errorf("account name = %+v %v", u, err)
		}

		// The JSON API's channel settings too.
		api := s.apiUser(t, "ann@example.org", model.RoleHost)
		api.createChannel(map[string]any{"slug": "chem", "title": "Chem\u202e 1"})
		var got tChannel
		api.do("PATCH", chanPath("chem"), map[string]any{"title": "\u2066Chemistry\u2069 2"}).want(http.StatusOK).into(&got)
		if got.Title != "Chemistry 2" {
			t.Errorf("API title = %q", got.Title)
		}
	})
}

// Staff and hosts carry a badge beside their name on their messages, the
// same for every viewer: on the page, in the page's live stream, and as
// author_role in the JSON API and its stream. An anonymous post of a host
// shows participants no badge (it would say who wrote it).
func TestStaffBadges(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, host := s.newChannel(t, "talk", chat.ChannelInput{})
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		mod := s.apiUser(t, "mo@example.org", model.RoleParticipant)
		if err := s.Authz.Grant(ctx, mod.user.ID, model.RoleModerator, "talk"); err != nil {
			t.Fatal(err)
		}
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		for _, a := range []*apiClient{admin, mod, pat} {
			a.accept("talk")
		}
		hb := s.browser(t)
		hb.signIn(host.Email)
		hb.accept("talk")
		stream := pat.openStream("talk", "?since="+itoa(ch.LastSeq))

		admin.post("talk", map[string]any{"body": "from the admin"})
		mod.post("talk", map[string]any{"body": "from the moderator"})
		if r := hb.postMessage("talk", url.Values{"body": {"from the host"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("host post = %d", r.Status)
		}
		pat.post("talk", map[string]any{"body": "from pat"})
		hb.postMessage("talk", url.Values{"body": {"secretly the host"}, "anonymous": {"1"}})

		want := map[string]string{"from the admin": "admin", "from the moderator": "moderator", "from the host": "host", "from pat": "", "secretly the host": ""}
		for range want {
			var e struct{ Message *roleMessage }
			if err := json.Unmarshal([]byte(stream.next().Data), &e); err != nil || e.Message == nil || e.Message.AuthorRole == nil ||
				*e.Message.AuthorRole != want[e.Message.Body] {
				t.Errorf("stream event %+v (%v): author_role, want %q", e.Message, err, want[e.Message.Body])
			}
		}
		var page struct{ Messages []roleMessage }
		pat.do("GET", chanPath("talk", "/messages"), nil).want(http.StatusOK).into(&page)
		for _, m := range page.Messages {
			if m.AuthorRole == nil || *m.AuthorRole != want[m.Body] {
				t.Errorf("API %q: author_role %v, want %q", m.Body, m.AuthorRole, want[m.Body])
			}
		}
		var staffView struct{ Messages []roleMessage }
		mod.do("GET", chanPath("talk", "/messages"), nil).want(http.StatusOK).into(&staffView)
		for _, m := range staffView.Messages {
			if m.Body == "secretly the host" && (m.AuthorRole == nil || *m.AuthorRole != "host") {
				t.Errorf("staff see the anonymous host post with author_role %v", m.AuthorRole)
			}
		}

		// The page: a labelled badge in the author line.
		pb := s.browser(t)
		pb.signIn("pat@example.org")
		labels := map[string]string{"admin": "Admin", "moderator": "Moderator", "host": "Host", "": ""}
		pb.get("/c/talk").Doc.Find("[data-testid=message]").Each(func(_ int, m *goquery.Selection) {
			body := strings.TrimSpace(m.Find("[data-testid=message-body]").Text())
			badge := strings.TrimSpace(m.Find(".message-meta [data-testid=author-role]").Text())
			if badge != labels[want[body]] {
				t.Errorf("page: %q has badge %q, want %q", body, badge, labels[want[body]])
			}
		})
		// The page's live stream: the host's next message comes with its badge.
		feed := openPageStream(t, pb, "talk", ch.LastSeq)
		hv, err := s.Chat.ViewerFor(ctx, ch, host, nil)
		if err != nil {
			t.Fatal(err)
		}
		m, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: "live from the host"})
		if err != nil {
			t.Fatal(err)
		}
		if f := feed.frame(t, m.Seq); !strings.Contains(f, `data-testid="author-role"`) || !strings.Contains(f, ">Host<") {
			t.Errorf("live frame of a host's message lacks the badge: %s", f)
		}
	})
}

// roleMessage is what TestStaffBadges reads of an API message.
type roleMessage struct {
	Body       string  `json:"body"`
	AuthorRole *string `json:"author_role"`
}
