package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
)

// hostile is text written to break out of a Markdown export: raw HTML and a
// javascript: link.
const hostile = `<img src=x onerror=alert(1)> [click](javascript:alert(2)) <javascript:alert(3)>`

// TestExportsEscapeMarkup: a transcript's Markdown export keeps raw HTML
// and links in a body, channel title and session title as text, and the
// filter CSV export guards formula cells (and imports them back unchanged).
func TestExportsEscapeMarkup(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		host := s.createUser(t, "host-lab@example.org", model.RoleHost)
		slug, title := "lab", "Lab "+hostile
		ch, err := s.Chat.CreateChannel(ctx, host.ID, chat.ChannelInput{Slug: &slug, Title: &title})
		if err != nil {
			t.Fatal(err)
		}
		sess, err := s.Chat.StartSession(ctx, host.ID, ch, "Week 1 "+hostile)
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.Chat.ViewerFor(ctx, ch, host, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Chat.AcceptGuideline(ctx, ch, v, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Chat.Post(ctx, ch, v, chat.PostInput{Body: "see " + hostile}); err != nil {
			t.Fatal(err)
		}
		hb := s.browser(t)
		hb.signIn(host.Email)
		r := hb.get("/transcripts/lab/" + strconv.FormatInt(sess.ID, 10) + "/export/md?view=staff")
		if r.Status != http.StatusOK {
			t.Fatalf("markdown export = %d: %s", r.Status, r.Body)
		}
		unescaped := strings.NewReplacer(`\[`, "", `\]`, "").Replace(r.Body)
		for _, bad := range []string{"<img", "<javascript:", "](javascript:", "[click]"} {
			if strings.Contains(unescaped, bad) {
				t.Errorf("markdown export carries %q:\n%s", bad, r.Body)
			}
		}
		if n := strings.Count(r.Body, `&lt;img src=x onerror=alert(1)&gt; \[click\](javascript:alert(2))`); n != 5 {
			t.Errorf("want the heading (title and session), channel, session and body as escaped text (5 times), got %d:\n%s", n, r.Body)
		}

		admin := s.apiUser(t, "root@example.org", model.RoleAdmin)
		csv := "pattern,kind,action,allow,guideline\n-darn,phrase,hold,\"=HYPERLINK(\"\"http://x\"\")\",@SUM(1)\n"
		admin.do("POST", "/api/v1/filters/import", csv, "Content-Type", "text/csv").want(http.StatusOK)
		out := admin.do("GET", "/api/v1/filters/export", nil).want(http.StatusOK)
		for _, cell := range []string{`'-darn`, `'=HYPERLINK`, `'@SUM(1)`} {
			if !strings.Contains(string(out.Body), cell) {
				t.Errorf("filter export lacks the guarded cell %s:\n%s", cell, out.Body)
			}
		}
		// The export imports back as the same rules.
		admin.do("POST", "/api/v1/filters/import", string(out.Body), "Content-Type", "text/csv").want(http.StatusOK)
		again := admin.do("GET", "/api/v1/filters/export", nil).want(http.StatusOK)
		if string(again.Body) != string(out.Body) {
			t.Errorf("round trip changed the rules:\n%s\nthen\n%s", out.Body, again.Body)
		}
	})
}

// TestSearchTagDoesNotRevealHiddenChannels: tagging by id from /search/tag
// answers a message in a channel the person cannot read exactly as an id
// that names nothing (404, no slug), on every database.
func TestSearchTagDoesNotRevealHiddenChannels(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		members := model.VisibilityMembers
		_, host := s.newChannel(t, "secret-lab", chat.ChannelInput{Visibility: &members})
		token, _, err := s.Accounts.CreateAPIToken(ctx, host.ID, "t")
		if err != nil {
			t.Fatal(err)
		}
		hostAPI := &apiClient{t: t, s: s, user: host, token: token}
		hostAPI.accept("secret-lab")
		secret := hostAPI.post("secret-lab", map[string]any{"body": "Exam answers are in the drawer"})

		s.createUser(t, "mallory@example.org", model.RoleParticipant)
		mb := s.browser(t)
		mb.signIn("mallory@example.org")
		hidden := mb.post("/search/tag", url.Values{"id": {strconv.FormatInt(secret.ID, 10)}, "tag": {"x"}, "back": {"/search"}})
		missing := mb.post("/search/tag", url.Values{"id": {strconv.FormatInt(secret.ID+1000, 10)}, "tag": {"x"}, "back": {"/search"}})
		if hidden.Status != http.StatusNotFound || missing.Status != http.StatusNotFound {
			t.Errorf("tag a hidden channel's message = %d, a missing id = %d; want 404 for both", hidden.Status, missing.Status)
		}
		if strings.Contains(hidden.Body, "secret-lab") {
			t.Errorf("the answer names the members-only channel: %s", hidden.Body)
		}
		if ts, _ := s.Transcripts.Tags(ctx); len(ts) != 0 {
			t.Errorf("a refused tag was stored: %v", ts)
		}
	})
}

// TestSearchAPIRejectsMalformedNumbers: limit and offset that are not whole
// numbers in range are a 400, not a silent default.
func TestSearchAPIRejectsMalformedNumbers(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		a := s.apiUser(t, "reader@example.org", model.RoleParticipant)
		for _, q := range []string{"limit=1e3", "limit=10.5", "limit=abc", "limit=0", "limit=101", "offset=1e3", "offset=-1", "offset=x"} {
			a.do("GET", "/api/v1/search?q=hello&"+q, nil).wantError(http.StatusBadRequest, "bad_request", "")
		}
		a.do("GET", "/api/v1/search?q=hello&limit=5&offset=0", nil).want(http.StatusOK)
	})
}

// TestRegexRulesBounded: a regex that compiles to too large a program is
// refused when added (page and API) or imported, changing nothing; heavy
// regex rules over a long post stop at the budget and hold the post, with
// the reason in the audit log.
func TestRegexRulesBounded(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		admin := s.apiUser(t, "root@example.org", model.RoleAdmin)
		huge := `(?:ab|cd|ef){400}`
		admin.do("POST", "/api/v1/filters", map[string]any{"pattern": huge, "kind": "regex", "action": "hold"}).
			wantError(http.StatusUnprocessableEntity, "invalid", "pattern")
		admin.do("POST", "/api/v1/filters/import", "pattern,kind,action\n\""+huge+"\",regex,hold\n", "Content-Type", "text/csv").
			wantError(http.StatusUnprocessableEntity, "invalid", "csv")
		ab := s.browser(t)
		ab.signIn("root@example.org")
		ab.get("/admin/filters")
		r := ab.post("/admin/filters", url.Values{"pattern": {huge}, "kind": {"regex"}, "action": {"hold"}})
		if msg := r.Doc.Find(".field-error").Text(); r.Status != http.StatusUnprocessableEntity || !strings.Contains(msg, "too complex") || !strings.Contains(msg, "at most 1000") {
			t.Errorf("page add of a huge regex = %d %q, want 422 saying it is too complex", r.Status, msg)
		}
		if rules, _ := s.Filters.Rules(ctx, "site"); len(rules) != 0 {
			t.Fatalf("a refused rule was stored: %+v", rules)
		}

		heavy := "pattern,kind,action\n" + strings.Join([]string{`"(?:\w+\s+){1,180}zq"`, `"(?:[a-y]+\W*){1,170}qz"`,
			`"(?:\pL{1,3}\s?){1,110}xxq"`, `"(?:\S+\s){2,220}qqz"`, `"(?:[^q]{1,4}){1,110}zzq"`}, ",regex,flag\n") + ",regex,flag\n"
		admin.do("POST", "/api/v1/filters/import", heavy, "Content-Type", "text/csv").want(http.StatusOK)
		long := 4000
		ch, _ := s.newChannel(t, "regex-lab", chat.ChannelInput{MaxLength: &long})
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		pat.accept("regex-lab")
		m := pat.post("regex-lab", map[string]any{"body": strings.Repeat("lorem ipsum dolor sit amet ", 150)[:4000]})
		if m.State != string(model.StateHeld) {
			t.Errorf("a long post under heavy regexes is %q, want held", m.State)
		}
		es, err := store.ListAudit(ctx, s.DB, store.AuditFilter{ChannelID: ch.ID, Action: "filter.hold"})
		if err != nil || len(es) != 1 || !strings.Contains(es[0].After, "budget") {
			t.Errorf("audit = %+v %v, want one filter.hold naming the regex budget", es, err)
		}
		if short := pat.post("regex-lab", map[string]any{"body": "lorem ipsum"}); short.State != string(model.StateVisible) {
			t.Errorf("a short post is %q, want visible", short.State)
		}
	})
}

// TestJoinCodes: new codes have at least 8 characters from an alphabet
// without look-alikes, hosts cannot set a shorter one, an older short code
// still works, and guessing is limited per person and per address (429)
// on the page and the API.
func TestJoinCodes(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		host := s.apiUser(t, "host@example.org", model.RoleHost)
		host.do("POST", "/api/v1/channels", map[string]any{"slug": "short", "title": "Short", "visibility": "join-code", "join_code": "AB12"}).
			wantError(http.StatusUnprocessableEntity, "invalid", "join_code")
		made := host.createChannel(map[string]any{"slug": "made", "title": "Made", "visibility": "join-code"})
		if made.JoinCode == nil || len(*made.JoinCode) < 8 || strings.Trim(*made.JoinCode, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789") != "" {
			t.Errorf("a made-up code %v, want 8+ characters without look-alikes", made.JoinCode)
		}
		host.do("PATCH", "/api/v1/channels/made", map[string]any{"join_code": "XY9"}).wantError(http.StatusUnprocessableEntity, "invalid", "join_code")

		// A channel whose short code predates the rule keeps it, and saving
		// its settings unchanged is fine.
		ch, err := s.Chat.Channel(ctx, "made")
		if err != nil {
			t.Fatal(err)
		}
		ch.JoinCode = "OLD6AB"
		if err := store.UpdateChannel(ctx, s.DB, ch); err != nil {
			t.Fatal(err)
		}
		host.do("PATCH", "/api/v1/channels/made", map[string]any{"join_code": "OLD6AB", "title": "Made again"}).want(http.StatusOK)
		early := s.apiUser(t, "early@example.org", model.RoleParticipant)
		early.do("POST", chanPath("made", "/join"), map[string]any{"code": "old6ab"}).want(http.StatusNoContent)

		// Ten wrong codes from one account, then even the right one is 429.
		users := make([]*apiClient, 3)
		for i := range users {
			users[i] = s.apiUser(t, "guesser"+strconv.Itoa(i)+"@example.org", model.RoleParticipant)
			for n := 0; n < 10; n++ {
				users[i].do("POST", chanPath("made", "/join"), map[string]any{"code": "WRONG" + strconv.Itoa(100+n)}).
					wantError(http.StatusUnprocessableEntity, "invalid", "code")
			}
		}
		r := users[0].do("POST", chanPath("made", "/join"), map[string]any{"code": "OLD6AB"})
		r.wantError(http.StatusTooManyRequests, "rate_limited", "")
		if r.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After on a limited join")
		}
		// Thirty from one address: a fresh account there is limited too, and
		// so is a guest on the page.
		fresh := s.apiUser(t, "fresh@example.org", model.RoleParticipant)
		fresh.do("POST", chanPath("made", "/join"), map[string]any{"code": "OLD6AB"}).wantError(http.StatusTooManyRequests, "rate_limited", "")
		gb := s.browser(t)
		gb.get("/c/made")
		page := gb.post("/c/made/join", url.Values{"name": {"Gus"}, "code": {"OLD6AB"}})
		if page.Status != http.StatusTooManyRequests || !strings.Contains(page.Body, "Too many wrong join codes") {
			t.Errorf("guest join after many guesses = %d, want 429 with a message", page.Status)
		}
		if gb.cookie("bc_guest_"+strconv.FormatInt(ch.ID, 10)) != "" {
			t.Error("a limited guest got a cookie")
		}
	})
}
