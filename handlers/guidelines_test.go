package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
)

func TestGuidelinesVersionsAcceptanceAndSanitising(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.newChannel(t, "gl", chat.ChannelInput{})
		s.createUser(t, "admin@example.org", model.RoleAdmin)
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		admin, pat := s.browser(t), s.browser(t)
		admin.signIn("admin@example.org")
		pat.signIn("pat@example.org")
		pat.accept("gl")
		// Gated: the first-time gate, or the banner of a change to accept again.
		gated := func() bool {
			return pat.get("/c/gl").Doc.Find("[data-testid=guidelines], [data-testid=guideline-change]").Length() == 1
		}
		if gated() {
			t.Fatal("gate shown after accepting")
		}
		save := func(body string, material bool) {
			t.Helper()
			admin.get("/admin/guidelines")
			f := url.Values{"title": {"Site rules"}, "body": {body}, "intent": {"save"}}
			if material {
				f.Set("material", "1")
			}
			if r := admin.post("/admin/guidelines", f); r.Status != http.StatusSeeOther {
				t.Fatalf("save = %d: %s", r.Status, r.Doc.Find(".field-error, [role=alert]").Text())
			}
		}

		// A non-material edit: a new version, no re-acceptance.
		save("G1. Be kind.\nG2. Stay on topic.", false)
		r := admin.get("/admin/guidelines")
		if n := r.Doc.Find("[data-testid=guideline-versions] > li").Length(); n != 2 {
			t.Fatalf("versions = %d, want 2", n)
		}
		if gated() {
			t.Fatal("non-material change asked for re-acceptance")
		}

		// A material edit with hostile Markdown: gate again, and nothing unsafe on the page.
		evil := "G1. Be kind.\nG2. <script>alert(1)</script> see [this](javascript:alert(2)) <img src=x onerror=alert(3)>\nG3. No personal attacks."
		save(evil, true)
		if !gated() {
			t.Fatal("material change did not ask for re-acceptance")
		}
		r = pat.get("/c/gl")
		// The rendered guidelines hold nothing unsafe; the diff of the
		// change shows the Markdown as written, as escaped text.
		rendered := strings.ToLower(func() string { h, _ := r.Doc.Find("[data-testid=guideline-body]").Html(); return h }())
		for _, bad := range []string{"<script>alert", "javascript:", "onerror"} {
			if strings.Contains(rendered, bad) || strings.Contains(strings.ToLower(r.Body), "<script>alert") {
				t.Fatalf("channel page holds %q", bad)
			}
		}
		if n := r.Doc.Find("main script:not([src]), [onerror], a[href^=javascript]").Length(); n != 0 {
			t.Fatalf("channel page holds %d unsafe elements", n)
		}
		if !strings.Contains(r.Doc.Find("[data-testid=guideline-diff] .diff-add").Text(), "G3. No personal attacks.") {
			t.Fatalf("diff = %q", r.Doc.Find("[data-testid=guideline-diff]").Text())
		}
		if got := r.Doc.Find("[data-testid=guideline-change] [data-testid=guideline-body] li strong").First().Text(); got != "G1." {
			t.Fatalf("rule id rendered as %q", got)
		}
		if r := admin.post("/admin/guidelines", url.Values{"title": {"x"}, "body": {evil}, "intent": {"preview"}}); r.Status != 200 ||
			r.Doc.Find("[data-testid=guidelines-preview]").Length() != 1 || r.Doc.Find("[data-testid=guidelines-preview] script, [data-testid=guidelines-preview] [onerror], [data-testid=guidelines-preview] a[href^=javascript]").Length() != 0 {
			t.Fatalf("preview = %d", r.Status)
		}
		versions, err := store.GuidelineVersions(context.Background(), s.DB, store.SiteScope, 10)
		if err != nil || len(versions) != 3 || versions[0].Version != 3 || !versions[0].Material || versions[1].Material {
			t.Fatalf("versions = %+v, %v", versions, err)
		}
		pat.accept("gl")
		if gated() {
			t.Fatal("gate after accepting again")
		}
		// An edit with no rule is refused.
		admin.get("/admin/guidelines")
		if r := admin.post("/admin/guidelines", url.Values{"title": {"x"}, "body": {"just prose"}, "intent": {"save"}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("rule-less save = %d", r.Status)
		}

		// API: current site version; PUT makes a new version.
		api := s.apiUser(t, "api-admin@example.org", model.RoleAdmin)
		var got struct {
			Guideline struct {
				Version int `json:"version"`
				Rules   []struct {
					ID string `json:"id"`
				} `json:"rules"`
				HTML string `json:"html"`
			} `json:"guideline"`
		}
		api.do("GET", "/api/v1/guidelines", nil).want(200).into(&got)
		if got.Guideline.Version != 3 || len(got.Guideline.Rules) != 3 || got.Guideline.Rules[2].ID != "G3" || strings.Contains(got.Guideline.HTML, "<script") {
			t.Fatalf("api guideline = %+v", got.Guideline)
		}
		api.do("PUT", "/api/v1/guidelines", map[string]any{"title": "Site rules", "body": "G1. Be kind.", "material": false}).want(201).into(&got)
		if got.Guideline.Version != 4 {
			t.Fatalf("api put version = %d", got.Guideline.Version)
		}
		if gated() {
			t.Fatal("non-material API change asked for re-acceptance")
		}
	})
}

func TestGuidelinesChannelOverridePermissionsAndCounts(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, host := s.newChannel(t, "own", chat.ChannelInput{})
		s.newChannel(t, "other", chat.ChannelInput{})
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		s.createUser(t, "admin@example.org", model.RoleAdmin)
		hb, pat, admin := s.browser(t), s.browser(t), s.browser(t)
		hb.signIn(host.Email)
		pat.signIn("pat@example.org")
		admin.signIn("admin@example.org")

		r := hb.get("/c/own/guidelines/edit")
		if r.Status != 200 || r.Doc.Find("[data-testid=uses-site]").Length() != 1 {
			t.Fatalf("host editor = %d", r.Status)
		}
		pat.accept("own")
		if r := hb.post("/c/own/guidelines", url.Values{"title": {"Lab rules"}, "body": {"L1. Wear goggles."}, "material": {"1"}, "intent": {"save"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("host save = %d: %s", r.Status, r.Doc.Find(".field-error, [role=alert]").Text())
		}
		r = pat.get("/c/own")
		if !strings.Contains(r.Doc.Find("[data-testid=guideline-change]").Text(), "Wear goggles") {
			t.Fatal("channel override not shown")
		}
		if r := pat.get("/c/other"); strings.Contains(r.Body, "Wear goggles") || r.Doc.Find("[data-testid=guidelines]").Length() != 1 {
			t.Fatal("override leaked to another channel")
		}
		// Back to the site's: the earlier acceptance of the site's version counts again.
		if r := hb.post("/c/own/guidelines", url.Values{"title": {""}, "body": {""}, "intent": {"save"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("host clear = %d", r.Status)
		}
		if r := pat.get("/c/own"); r.Doc.Find("[data-testid=guidelines]").Length() != 0 {
			t.Fatal("site guideline asked again after the override was removed")
		}
		if n := hb.get("/c/own/guidelines/edit").Doc.Find("[data-testid=guideline-versions] > li").Length(); n != 2 {
			t.Fatalf("channel versions = %d, want 2", n)
		}

		// Permissions: a participant may not edit.
		for _, p := range []string{"/admin/guidelines", "/c/own/guidelines/edit"} {
			if r := pat.get(p); r.Status != http.StatusForbidden {
				t.Fatalf("participant GET %s = %d", p, r.Status)
			}
		}
		if r := pat.post("/c/own/guidelines", url.Values{"title": {"x"}, "body": {"X1. x"}}); r.Status != http.StatusForbidden {
			t.Fatalf("participant POST = %d", r.Status)
		}
		if r := pat.post("/admin/guidelines", url.Values{"title": {"x"}, "body": {"X1. x"}}); r.Status != http.StatusForbidden {
			t.Fatalf("participant POST admin = %d", r.Status)
		}
		papi := s.apiUser(t, "papi@example.org", model.RoleParticipant)
		body := map[string]any{"title": "x", "body": "X1. x", "material": true}
		if r := papi.do("PUT", "/api/v1/guidelines", body); r.Status != http.StatusForbidden {
			t.Fatalf("participant PUT site = %d", r.Status)
		}
		if r := papi.do("PUT", "/api/v1/channels/own/guidelines", body); r.Status != http.StatusForbidden {
			t.Fatalf("participant PUT channel = %d", r.Status)
		}
		hapi := &apiClient{t: t, s: s, user: host}
		token, _, err := s.Accounts.CreateAPIToken(ctx, host.ID, "t")
		if err != nil {
			t.Fatal(err)
		}
		hapi.token = token
		hapi.do("PUT", "/api/v1/channels/own/guidelines", body).want(201)
		if r := hapi.do("PUT", "/api/v1/guidelines", body); r.Status != http.StatusForbidden {
			t.Fatalf("host PUT site = %d", r.Status)
		}

		// Moderator actions counted per rule id.
		for _, g := range []string{"G1", "G1", "G3", ""} {
			if _, err := store.Audit(ctx, s.DB, store.AuditRecord{Action: "message.hide", TargetType: "message", TargetID: 1, ChannelID: ch.ID, Guideline: g}); err != nil {
				t.Fatal(err)
			}
		}
		r = admin.get("/admin/guidelines")
		counts := map[string]string{}
		r.Doc.Find("[data-testid=guideline-counts] tr[data-rule]").Each(func(_ int, row *goquery.Selection) {
			id, _ := row.Attr("data-rule")
			counts[id] = strings.TrimSpace(row.Find("[data-testid=rule-count]").Text())
		})
		if counts["G1"] != "2" || counts["G3"] != "1" || len(counts) != 2 {
			t.Fatalf("counts = %v", counts)
		}
	})
}
