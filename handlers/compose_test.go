package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backchannel/chat"
	"backchannel/model"
)

// The editor's "material change" is a choice, not the default, and says how
// many people it would ask again; a viewer's notice shows what changed; the
// banner's Accept answers in place, or with the newer version when the
// guidelines changed again meanwhile; the JSON stream names the change.
func TestGuidelineChangeEditorNoticeAndAccept(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ch, host := s.newChannel(t, "gc", chat.ChannelInput{})
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		hb, pat := s.browser(t), s.browser(t)
		hb.signIn(host.Email)
		pat.signIn("pat@example.org")
		save := func(body string, material bool) {
			t.Helper()
			f := url.Values{"title": {"Lab rules"}, "body": {body}, "intent": {"save"}}
			if material {
				f.Set("material", "1")
			}
			if r := hb.post("/c/gc/guidelines", f); r.Status != http.StatusSeeOther {
				t.Fatalf("save = %d", r.Status)
			}
		}
		save("L1. Wear goggles.\nL2. No food.", true)
		pat.accept("gc")

		r := hb.get("/c/gc/guidelines/edit")
		if _, ticked := r.Doc.Find(`input[name=material]`).Attr("checked"); ticked {
			t.Error("material change ticked by default")
		}
		if got := r.Doc.Find("[data-testid=material-hint]").Text(); !strings.Contains(got, "asks 1 person") {
			t.Errorf("editor hint = %q, want the one person who accepted", got)
		}

		htmx := []string{"HX-Request", "true"}
		if r := pat.get("/c/gc/guidelines/notice", htmx...); r.Status != 200 || strings.TrimSpace(r.Body) != "" {
			t.Fatalf("notice before a change = %d %q", r.Status, r.Body)
		}
		save("L1. Wear goggles and gloves.\nL2. No food.", true)
		r = pat.get("/c/gc/guidelines/notice", htmx...)
		if got := r.Doc.Find("[data-testid=guideline-diff] .diff-add").Text(); !strings.Contains(got, "L1. Wear goggles and gloves.") {
			t.Fatalf("notice diff adds %q", got)
		}
		if got := r.Doc.Find("[data-testid=guideline-diff] .diff-del").Text(); !strings.Contains(got, "L1. Wear goggles.") {
			t.Fatalf("notice diff removes %q", got)
		}
		shown, _ := r.Doc.Find("input[name=guideline_id]").Attr("value")

		// Posting now is refused, the text kept and the banner asked for.
		r = pat.post("/c/gc/messages", url.Values{"body": {"my draft"}}, htmx...)
		if r.Status != http.StatusForbidden || r.Doc.Find("textarea").Text() != "my draft" ||
			r.Doc.Find("form[data-await-guidelines]").Length() != 1 || !strings.Contains(r.Header.Get("HX-Trigger"), "guidelineschanged") {
			t.Fatalf("refused post = %d, trigger %q: %s", r.Status, r.Header.Get("HX-Trigger"), r.Body)
		}

		// Another material change while pat reads: Accept answers with the newer banner.
		save("L1. Wear goggles and gloves.\nL2. No food or drink.", true)
		r = pat.post("/c/gc/guidelines/accept", url.Values{"guideline_id": {shown}, "from": {"banner"}}, htmx...)
		if r.Status != http.StatusConflict || !strings.Contains(r.Doc.Find("[data-testid=guideline-diff]").Text(), "No food or drink") {
			t.Fatalf("stale accept = %d: %s", r.Status, r.Body)
		}
		latest, _ := r.Doc.Find("input[name=guideline_id]").Attr("value")
		r = pat.post("/c/gc/guidelines/accept", url.Values{"guideline_id": {latest}, "from": {"banner"}}, htmx...)
		if r.Status != 200 || r.Doc.Find("[data-testid=guidelines-accepted]").Length() != 1 || !strings.Contains(r.Header.Get("HX-Trigger"), "guidelinesaccepted") {
			t.Fatalf("accept = %d: %s", r.Status, r.Body)
		}
		if r := pat.post("/c/gc/messages", url.Values{"body": {"my draft"}}, htmx...); r.Status != 200 {
			t.Fatalf("post after accepting = %d", r.Status)
		}
		// A correction that is not material asks nobody again.
		save("L1. Wear goggles and gloves.\nL2. No food or drink in the lab.", false)
		if r := pat.get("/c/gc/guidelines/notice", htmx...); strings.TrimSpace(r.Body) != "" {
			t.Fatalf("notice after a non-material change: %q", r.Body)
		}

		// The JSON API says what changed since the version the person accepted.
		api := s.apiUser(t, "reader@example.org", model.RoleParticipant)
		api.do("POST", "/api/v1/channels/gc/join", nil).want(204)
		api.do("POST", "/api/v1/channels/gc/guidelines/accept", map[string]any{}).want(204)
		save("L1. Wear goggles and gloves.\nL2. No food or drink in the lab.\nL3. Report spills.", true)
		var got struct {
			Accepted bool `json:"accepted"`
			Changes  struct {
				AcceptedVersion int             `json:"accepted_version"`
				Diff            []chat.DiffLine `json:"diff"`
			} `json:"changes"`
		}
		api.do("GET", "/api/v1/channels/gc/guidelines", nil).want(200).into(&got)
		if got.Accepted || got.Changes.AcceptedVersion != 4 || len(got.Changes.Diff) != 3 || got.Changes.Diff[2] != (chat.DiffLine{Op: "+", Text: "L3. Report spills."}) {
			t.Errorf("api guidelines = %+v", got)
		}

		// The change is an event of the channel's JSON stream, the same for everyone.
		events, err := s.Chat.Changes(context.Background(), ch, chat.Viewer{}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Event.Kind == model.EventGuidelinesChanged {
				n++
			}
		}
		if n != 5 {
			t.Errorf("%d guidelines.changed events, want one per version saved (5)", n)
		}
	})
}

// An htmx request whose sign-in ended gets partials only (so the form that
// sent it, and its text, stay): a notice with a sign-in link back to the
// page, and the header's account menu signed out. A plain form gets the
// error page with the same link.
func TestSignInEndedAnswers(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.newChannel(t, "se", chat.ChannelInput{})
		pat := s.createUser(t, "pat@example.org", model.RoleParticipant)
		b := s.browser(t)
		b.signIn("pat@example.org")
		b.accept("se")
		endSignIns(t, s, pat.ID)

		r := b.post("/c/se/messages", url.Values{"body": {"draft"}}, "HX-Request", "true", "HX-Current-URL", s.URL+"/c/se?sort=top")
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("status = %d", r.Status)
		}
		next := "/login?next=" + url.QueryEscape("/c/se?sort=top")
		if href, _ := r.Doc.Find(`hx-partial[hx-target="#flash"] [data-testid=sign-in-again]`).Attr("href"); href != next {
			t.Errorf("sign-in link = %q, want %q", href, next)
		}
		if r.Doc.Find(`hx-partial[hx-target="#user-menu"] a[href^="/login"]`).Length() != 1 {
			t.Error("no signed-out header menu")
		}
		if n := r.Doc.Find("body > :not(hx-partial)").Length(); n != 0 {
			t.Errorf("%d elements outside partials would replace the form: %s", n, r.Body)
		}

		r = b.post("/c/se/messages", url.Values{"body": {"draft"}}, "Referer", s.URL+"/c/se")
		if href, _ := r.Doc.Find("[data-testid=sign-in-again]").Attr("href"); r.Status != http.StatusUnauthorized || href != "/login?next="+url.QueryEscape("/c/se") {
			t.Errorf("plain post = %d, link %q", r.Status, href)
		}
		// A link to another site is not followed back.
		r = b.post("/c/se/messages", url.Values{"body": {"draft"}}, "HX-Request", "true", "HX-Current-URL", "https://evil.example/c/se")
		if href, _ := r.Doc.Find(`[data-testid=sign-in-again]`).Attr("href"); href != "/login?next="+url.QueryEscape("/channels") {
			t.Errorf("foreign page link = %q", href)
		}
	})
}
