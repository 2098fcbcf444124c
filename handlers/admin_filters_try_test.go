package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backchannel/chat"
	"backchannel/filters"
	"backchannel/model"
)

// A rule added turned off acts on no post until it is enabled; "Try this
// rule" runs the dry run on the add form's rule without adding it (the page
// and the API's "rule").
func TestAdminFilterAddedOffAndTried(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		s.createUser(t, "admin@example.org", model.RoleAdmin)
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		slow := 0
		ch, _ := s.newChannel(t, "physics", chat.ChannelInput{SlowModeSeconds: &slow})
		past := seedSessions(t, s, ch, []string{"a zonk in class", "nothing here"})

		admin := s.browser(t)
		admin.signIn("admin@example.org")
		r := admin.get("/admin/filters")
		if v, _ := r.Doc.Find(`#f-enabled option[selected]`).Attr("value"); v != "on" {
			t.Errorf("a new rule is on by default, got %q", v)
		}
		if r.Doc.Find(`[data-testid=filter-add] [data-testid=filter-try]`).Length() != 1 {
			t.Fatal("no Try this rule button in the add form")
		}

		// Try: the dry run on the typed rule, nothing added.
		before := snapshot(t, s)
		r = admin.post("/admin/filters/try", url.Values{"pattern": {"zonk"}, "kind": {"word"}, "action": {"hold"}, "enabled": {"off"}})
		if r.Status != http.StatusOK {
			t.Fatalf("try = %d %s", r.Status, r.Doc.Find(".field-error, [role=alert]").Text())
		}
		if id, _ := r.Doc.Find(`[data-testid=dry-run-hit]`).Attr("data-message-id"); id != itoa(past[0]) || r.Doc.Find(`[data-testid=dry-run-hit]`).Length() != 1 {
			t.Errorf("tried rule caught %q", id)
		}
		if sum := r.Doc.Find(`[data-testid=dry-run-summary]`).Text(); !strings.Contains(sum, "“zonk”") || !strings.Contains(sum, "not added yet") {
			t.Errorf("summary = %q", sum)
		}
		if v, _ := r.Doc.Find(`[data-testid=filter-add] #f-pattern`).Attr("value"); v != "zonk" {
			t.Errorf("the add form lost the rule: %q", v)
		}
		if v, _ := r.Doc.Find(`#f-enabled option[selected]`).Attr("value"); v != "off" {
			t.Errorf("the add form lost its state: %q", v)
		}
		r = admin.post("/admin/filters/try", url.Values{"pattern": {"(zonk"}, "kind": {"regex"}, "action": {"hold"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find(`[data-testid=filter-add] .field-error`).Text(), "regular expression") {
			t.Errorf("bad tried rule = %d %q", r.Status, r.Doc.Find(".field-error").Text())
		}
		if after := snapshot(t, s); after != before {
			t.Errorf("trying a rule changed the database:\n%s\n----\n%s", before, after)
		}

		// Added turned off: stored, listed as disabled, acts on nothing.
		r = admin.post("/admin/filters", url.Values{"pattern": {"zonk"}, "kind": {"word"}, "action": {"hold"}, "enabled": {"off"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("add off = %d %s", r.Status, r.Doc.Find(".field-error").Text())
		}
		rules, _ := s.Filters.Rules(ctx, filters.Site)
		if len(rules) != 1 || rules[0].Enabled {
			t.Fatalf("rules = %+v", rules)
		}
		r = admin.get("/admin/filters")
		if st := strings.TrimSpace(r.Doc.Find(`[data-testid=filter-row][data-pattern=zonk] [data-testid=filter-status]`).Text()); st != "disabled" {
			t.Errorf("listed as %q", st)
		}
		pat := s.browser(t)
		pat.signIn("pat@example.org")
		pat.accept("physics")
		stateOf := func(body string) model.MessageState {
			t.Helper()
			if r := pat.postMessage("physics", url.Values{"body": {body}, "kind": {"comment"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("post %q = %d", body, r.Status)
			}
			var m model.Message
			if err := s.DB.NewSelect().Model(&m).Where("body = ?", body).Scan(ctx); err != nil {
				t.Fatal(err)
			}
			return m.State
		}
		if st := stateOf("zonk while off"); st != model.StateVisible {
			t.Errorf("a rule added off acted: %s", st)
		}
		admin.get("/admin/filters")
		if r := admin.post("/admin/filters/"+itoa(rules[0].ID)+"/toggle", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("enable = %d", r.Status)
		}
		if st := stateOf("zonk once on"); st != model.StateHeld {
			t.Errorf("the enabled rule did not hold the post: %s", st)
		}

		// The API: try a rule; add one turned off.
		api := s.apiUser(t, "api@example.org", model.RoleAdmin)
		before = snapshot(t, s)
		var out struct {
			Caught []struct {
				MessageID int64 `json:"message_id"`
			} `json:"caught"`
			Rules []struct {
				Pattern string `json:"pattern"`
				Caught  int    `json:"caught"`
			} `json:"rules"`
		}
		api.do("POST", "/api/v1/filters/dry-run", map[string]any{"scope": "physics", "sessions": 5,
			"rule": map[string]any{"pattern": "nothing", "kind": "word", "action": "flag"}}).want(http.StatusOK).into(&out)
		if len(out.Caught) != 1 || out.Caught[0].MessageID != past[1] || len(out.Rules) != 1 || out.Rules[0].Pattern != "nothing" {
			t.Errorf("API try = %+v", out)
		}
		var e apiErr
		api.do("POST", "/api/v1/filters/dry-run", map[string]any{"rule": map[string]any{"pattern": "", "action": "flag"}}).
			want(http.StatusUnprocessableEntity).into(&e)
		if e.Error.Field != "pattern" {
			t.Errorf("API empty rule = %+v", e)
		}
		if after := snapshot(t, s); after != before {
			t.Errorf("the API's try changed the database")
		}
		var rule struct {
			Enabled bool `json:"enabled"`
		}
		api.do("POST", "/api/v1/filters", map[string]any{"pattern": "blorp", "action": "block", "enabled": false}).want(http.StatusCreated).into(&rule)
		if rule.Enabled {
			t.Error("API rule added on")
		}
		if st := stateOf("blorp while off"); st != model.StateVisible {
			t.Errorf("an API rule added off acted: %s", st)
		}
	})
}
