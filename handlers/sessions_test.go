package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backchannel/chat"
)

// A host names a session when starting it, renames it, and ending it asks
// first: the page's end step confirms, a bare POST only asks again. The API
// renames by id or "current".
func TestSessionNameRenameAndConfirmedEnd(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, host := s.newChannel(t, "phys", chat.ChannelInput{})
		hb := s.browser(t)
		hb.signIn(host.Email)

		// The title bar links to the start step, which asks for a name.
		r := hb.get("/c/phys")
		href, _ := r.Doc.Find("[data-testid=session-start]").Attr("href")
		if href != "/c/phys/sessions/start" {
			t.Fatalf("start link = %q", href)
		}
		r = hb.get(href)
		if r.Status != http.StatusOK || r.Doc.Find(`[data-testid=session-start] label[for=f-title]`).Text() != "Session name" {
			t.Fatalf("start step = %d %q", r.Status, r.Doc.Find("label").Text())
		}
		if r := hb.post("/c/phys/sessions/start", url.Values{"title": {strings.Repeat("x", 121)}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Doc.Find("#e-title").Text(), "120 characters") {
			t.Fatalf("too long a name = %d %q", r.Status, r.Doc.Find("#e-title").Text())
		}
		if live, _ := s.Chat.LiveSession(ctx, ch); live != nil {
			t.Fatal("a refused start started a session")
		}
		if r := hb.post("/c/phys/sessions/start", url.Values{"title": {"Week 3: Forces"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("start = %d", r.Status)
		}
		live, err := s.Chat.LiveSession(ctx, ch)
		if err != nil || live == nil || live.Title != "Week 3: Forces" {
			t.Fatalf("live session = %+v, %v", live, err)
		}
		r = hb.get("/c/phys")
		if !strings.Contains(r.Doc.Find(".channel-facts").Text(), "Week 3: Forces") {
			t.Errorf("the title bar does not name the session: %q", r.Doc.Find(".channel-facts").Text())
		}

		// Rename: the form holds the current name; an empty one is refused.
		r = hb.get("/c/phys/sessions/rename")
		if v, _ := r.Doc.Find("#f-title").Attr("value"); v != "Week 3: Forces" {
			t.Errorf("rename form holds %q", v)
		}
		if r := hb.post("/c/phys/sessions/rename", url.Values{"title": {"  "}}); r.Status != http.StatusUnprocessableEntity || r.Doc.Find("#e-title").Length() != 1 {
			t.Errorf("empty name = %d", r.Status)
		}
		if r := hb.post("/c/phys/sessions/rename", url.Values{"title": {"Week 3: Newton's laws"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("rename = %d %s", r.Status, r.Doc.Find("[role=alert]").Text())
		}
		if live, _ = s.Chat.LiveSession(ctx, ch); live.Title != "Week 3: Newton's laws" {
			t.Errorf("renamed to %q", live.Title)
		}

		// Ending: a POST without confirm=yes asks and changes nothing.
		r = hb.post("/c/phys/sessions/end", nil)
		if r.Status != http.StatusOK || r.Doc.Find("[data-testid=session-end-confirm]").Length() != 1 {
			t.Fatalf("unconfirmed end = %d", r.Status)
		}
		if still, _ := s.Chat.LiveSession(ctx, ch); still == nil {
			t.Fatal("an unconfirmed end ended the session")
		}
		r = hb.get("/c/phys/sessions/end")
		if !strings.Contains(r.Doc.Find("h1").Text(), "Week 3: Newton's laws") {
			t.Errorf("confirm step = %q", r.Doc.Find("h1").Text())
		}
		if v, _ := r.Doc.Find(`form input[name=confirm]`).Attr("value"); v != "yes" {
			t.Errorf("confirm field = %q", v)
		}
		if r := hb.post("/c/phys/sessions/end", url.Values{"confirm": {"yes"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("confirmed end = %d", r.Status)
		}
		if ended, _ := s.Chat.LiveSession(ctx, ch); ended != nil {
			t.Fatal("a confirmed end left the session running")
		}

		// The API: start with a name, rename "current" and by id.
		token, _, err := s.Accounts.CreateAPIToken(ctx, host.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		api := &apiClient{t: t, s: s, user: host, token: token}
		var sess struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
			Live  bool   `json:"live"`
		}
		api.do("POST", "/api/v1/channels/phys/sessions", map[string]string{"title": "Week 4"}).want(http.StatusCreated).into(&sess)
		if sess.Title != "Week 4" {
			t.Errorf("API start = %+v", sess)
		}
		api.do("PATCH", "/api/v1/channels/phys/sessions/current", map[string]string{"title": "Week 4: Energy"}).want(http.StatusOK).into(&sess)
		if sess.Title != "Week 4: Energy" || !sess.Live {
			t.Errorf("API rename current = %+v", sess)
		}
		var e apiErr
		api.do("PATCH", "/api/v1/channels/phys/sessions/current", map[string]string{"title": ""}).want(http.StatusUnprocessableEntity).into(&e)
		if e.Error.Field != "title" {
			t.Errorf("API empty title = %+v", e)
		}
		api.do("PATCH", "/api/v1/channels/phys/sessions/"+itoa(live.ID), map[string]string{"title": "Week 3 (done)"}).want(http.StatusOK).into(&sess)
		if sess.Title != "Week 3 (done)" || sess.Live {
			t.Errorf("API rename an ended session = %+v", sess)
		}
		api.do("PATCH", "/api/v1/channels/phys/sessions/999999", map[string]string{"title": "x"}).want(http.StatusNotFound)
	})
}
