package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"backchannel/chat"
	"backchannel/filters"
	"backchannel/model"
	"backchannel/store"
)

// seedSessions gives ch sessions holding bodies (one session per slice).
func seedSessions(t *testing.T, s *testServer, ch *model.Channel, sessions ...[]string) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for _, bodies := range sessions {
		cs := &model.ChannelSession{ChannelID: ch.ID, Title: "class"}
		if err := store.StartChannelSession(ctx, s.DB, cs); err != nil {
			t.Fatal(err)
		}
		for _, b := range bodies {
			m := &model.Message{ChannelID: ch.ID, SessionID: &cs.ID, AuthorName: "Ann", Kind: model.KindComment, Body: b}
			if err := store.InsertMessage(ctx, s.DB, m); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
	}
	return ids
}

func TestAdminFilterPages(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		s.createUser(t, "admin@example.org", model.RoleAdmin)
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		ch, _ := s.newChannel(t, "physics", chat.ChannelInput{})

		pat := s.browser(t)
		pat.signIn("pat@example.org")
		if r := pat.get("/admin/filters"); r.Status != http.StatusForbidden {
			t.Errorf("participant GET /admin/filters = %d, want 403", r.Status)
		}
		if r := pat.post("/admin/filters", url.Values{"pattern": {"x"}, "action": {"hold"}}); r.Status != http.StatusForbidden {
			t.Errorf("participant POST /admin/filters = %d, want 403", r.Status)
		}
		if r := pat.post("/admin/filters/dry-run", nil); r.Status != http.StatusForbidden {
			t.Errorf("participant dry run = %d, want 403", r.Status)
		}
		if r := pat.get("/admin/filters/export"); r.Status != http.StatusForbidden {
			t.Errorf("participant export = %d, want 403", r.Status)
		}

		admin := s.browser(t)
		admin.signIn("admin@example.org")
		r := admin.get("/admin/filters")
		if r.Status != http.StatusOK || r.Doc.Find(`[data-testid="filters-empty"]`).Length() != 1 {
			t.Fatalf("GET /admin/filters = %d", r.Status)
		}
		if r.Doc.Find(`nav[aria-label="Admin"] a[aria-current="page"]`).Text() != "Filters" {
			t.Errorf("Filters tab not current")
		}

		// Create, and a refused one shown beside its field.
		r = admin.post("/admin/filters", url.Values{"pattern": {"darn"}, "kind": {"word"}, "action": {"hold"}, "allow": {"darning, darned"}, "guideline": {"G3"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/admin/filters" {
			t.Fatalf("create = %d %q", r.Status, r.Header.Get("Location"))
		}
		r = admin.post("/admin/filters", url.Values{"pattern": {"(oops"}, "kind": {"regex"}, "action": {"hold"}})
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
			t.Errorf("bad regex = %d", r.Status)
		}
		if !strings.Contains(r.Doc.Find(".field-error").Text(), "regular expression") {
			t.Errorf("bad regex error: %q", r.Doc.Find(".field-error").Text())
		}
		rules, _ := s.Filters.Rules(ctx, filters.Site)
		if len(rules) != 1 || rules[0].Pattern != "darn" || rules[0].Allow != "darning|darned" || rules[0].Guideline != "G3" || !rules[0].Enabled {
			t.Fatalf("rules = %+v", rules)
		}
		id := strconv.FormatInt(rules[0].ID, 10)
		r = admin.get("/admin/filters")
		row := r.Doc.Find(`[data-testid="filter-row"][data-pattern="darn"]`)
		if row.Length() != 1 || !strings.Contains(row.Text(), "G3") || !strings.Contains(row.Text(), "hold") {
			t.Fatalf("row missing: %s", r.Body)
		}

		// Search.
		if r := admin.get("/admin/filters?q=zzz"); r.Doc.Find(`[data-testid="filter-row"]`).Length() != 0 {
			t.Errorf("search zzz shows rows")
		}
		if r := admin.get("/admin/filters?q=AR"); r.Doc.Find(`[data-testid="filter-row"]`).Length() != 1 {
			t.Errorf("search AR shows no row")
		}

		// Toggle: htmx gets the row, a plain form a redirect.
		r = admin.post("/admin/filters/"+id+"/toggle", nil, "HX-Request", "true")
		if r.Status != http.StatusOK || strings.TrimSpace(r.Doc.Find(`[data-testid="filter-status"]`).Text()) != "disabled" ||
			!strings.HasPrefix(r.Body, `<tr id="filter-`+id+`"`) {
			t.Fatalf("htmx toggle = %d %s", r.Status, r.Body)
		}
		if got, _ := s.Filters.Rule(ctx, filters.Site, rules[0].ID); got.Enabled {
			t.Errorf("still enabled")
		}
		admin.get("/admin/filters")
		r = admin.post("/admin/filters/"+id+"/toggle", nil)
		if r.Status != http.StatusSeeOther {
			t.Errorf("toggle = %d", r.Status)
		}
		if got, _ := s.Filters.Rule(ctx, filters.Site, rules[0].ID); !got.Enabled {
			t.Errorf("not enabled again")
		}

		// Channel scope: its own rules.
		admin.get("/admin/filters?channel=physics")
		r = admin.post("/admin/filters?channel=physics", url.Values{"pattern": {"spoiler"}, "kind": {"word"}, "action": {"flag"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/admin/filters?channel=physics" {
			t.Fatalf("channel create = %d %q", r.Status, r.Header.Get("Location"))
		}
		if crs, _ := s.Filters.Rules(ctx, filters.ChannelScope(ch.ID)); len(crs) != 1 || crs[0].Pattern != "spoiler" {
			t.Errorf("channel rules = %+v", crs)
		}
		if r := admin.get("/admin/filters?channel=physics"); r.Doc.Find(`[data-testid="filter-row"]`).Length() != 1 ||
			r.Doc.Find(`[data-pattern="spoiler"]`).Length() != 1 {
			t.Errorf("channel page rows wrong")
		}
		// A site rule is not found in the channel's scope.
		if r := admin.post("/admin/filters/"+id+"/toggle?channel=physics", nil); r.Status != http.StatusNotFound {
			t.Errorf("toggle across scopes = %d", r.Status)
		}

		// Import: a word list from the textarea, then CSV from a file.
		admin.get("/admin/filters")
		r = admin.post("/admin/filters/import", url.Values{"csv": {"heck\ndarn\ngosh golly\n"}, "format": {"words"}, "word_action": {"mask"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("import words = %d %s", r.Status, r.Doc.Find(".field-error, [role=alert]").Text())
		}
		rules, _ = s.Filters.Rules(ctx, filters.Site)
		if len(rules) != 3 || rules[1].Pattern != "heck" || rules[1].Action != "mask" || rules[2].Kind != "phrase" {
			t.Fatalf("after word import: %+v", rules)
		}
		if f := admin.get("/admin/filters"); !strings.Contains(f.Body, "Imported 2 rules; 1 were here already") {
			t.Errorf("import flash missing")
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("_csrf", admin.csrf)
		_ = mw.WriteField("format", "csv")
		fw, _ := mw.CreateFormFile("file", "rules.csv")
		_, _ = fw.Write([]byte("pattern,kind,action\nbad.example,domain,block\n"))
		_ = mw.Close()
		req, _ := http.NewRequest("POST", s.URL+"/admin/filters/import", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if r := admin.do(req); r.Status != http.StatusSeeOther {
			t.Fatalf("file import = %d %s", r.Status, r.Doc.Find(".field-error, [role=alert]").Text())
		}
		rules, _ = s.Filters.Rules(ctx, filters.Site)
		if len(rules) != 4 || rules[3].Pattern != "bad.example" || rules[3].Kind != "domain" {
			t.Fatalf("after file import: %+v", rules)
		}
		admin.get("/admin/filters")
		r = admin.post("/admin/filters/import", url.Values{"csv": {"pattern,kind,action\n(x,regex,hold\n"}})
		if r.Status < 400 || r.Doc.Find(".field-error").Length() == 0 {
			t.Errorf("bad import = %d", r.Status)
		}

		// Export.
		r = admin.get("/admin/filters/export")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.Header.Get("Content-Disposition"), "filters-site.csv") {
			t.Fatalf("export = %d %v", r.Status, r.Header)
		}
		for _, p := range []string{"darn", "heck", "gosh golly", "bad.example"} {
			if !strings.Contains(r.Body, p) {
				t.Errorf("export lacks %q: %s", p, r.Body)
			}
		}
		if !strings.HasPrefix(r.Body, "pattern") && !strings.Contains(strings.SplitN(r.Body, "\n", 2)[0], "pattern") {
			t.Errorf("export has no header: %s", r.Body)
		}

		// Delete.
		admin.get("/admin/filters")
		r = admin.post("/admin/filters/"+id+"/delete", nil, "HX-Request", "true")
		if r.Status != http.StatusOK || strings.TrimSpace(r.Body) != "" {
			t.Errorf("htmx delete = %d %q", r.Status, r.Body)
		}
		if _, err := s.Filters.Rule(ctx, filters.Site, rules[0].ID); !isNotFound(err) {
			t.Errorf("deleted rule: %v", err)
		}
		admin.get("/admin/filters")
		hid := strconv.FormatInt(rules[1].ID, 10)
		if r := admin.post("/admin/filters/"+hid+"/delete", nil); r.Status != http.StatusSeeOther {
			t.Errorf("delete = %d", r.Status)
		}
		if rs, _ := s.Filters.Rules(ctx, filters.Site); len(rs) != 2 {
			t.Errorf("after deletes: %+v", rs)
		}
	})
}

// snapshot is what a dry run must not change.
func snapshot(t *testing.T, s *testServer) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	var ms []model.Message
	if err := s.DB.NewSelect().Model(&ms).Order("id").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		b.WriteString(strconv.FormatInt(m.ID, 10) + string(m.State) + m.Body + m.RuleIDs + strconv.FormatBool(m.Flagged) + "\n")
	}
	var rs []model.FilterRule
	if err := s.DB.NewSelect().Model(&rs).Order("id").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		b.WriteString(strconv.FormatInt(r.ID, 10) + r.Scope + r.Pattern + r.Action + strconv.FormatBool(r.Enabled) + r.UpdatedAt.String() + "\n")
	}
	v, _ := store.Setting(ctx, s.DB, filters.VersionSetting, "")
	n, err := s.DB.NewSelect().Model((*model.AuditEntry)(nil)).Where("action LIKE ?", "filter%").Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString(v + " " + strconv.Itoa(n))
	return b.String()
}

func TestAdminFilterDryRun(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		s.createUser(t, "admin@example.org", model.RoleAdmin)
		physics, _ := s.newChannel(t, "physics", chat.ChannelInput{})
		maths, _ := s.newChannel(t, "maths", chat.ChannelInput{})
		// Oldest session of physics: outside the last 2 of physics.
		old := seedSessions(t, s, physics, []string{"darn it, in the oldest class"})
		ph := seedSessions(t, s, physics,
			[]string{"what the darn", "nice lecture", "<script>alert(1)</script> darn & heck"},
			[]string{"darning socks is fine", "heck yes"})
		ma := seedSessions(t, s, maths, []string{"darn maths"})
		if _, err := s.Filters.Create(ctx, 0, filters.Site, filters.Input{Pattern: "darn", Action: "hold"}); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, s)

		admin := s.browser(t)
		admin.signIn("admin@example.org")
		admin.get("/admin/filters?channel=physics")
		csv := "pattern,kind,action\ndarn,word,hold\nheck,word,flag\n"
		r := admin.post("/admin/filters/dry-run?channel=physics", url.Values{"rules_csv": {csv}, "sessions": {"2"}})
		if r.Status != http.StatusOK {
			t.Fatalf("dry run = %d %s", r.Status, r.Doc.Find(".field-error, [role=alert]").Text())
		}
		hits := r.Doc.Find(`[data-testid="dry-run-hit"]`)
		var got []string
		hits.Each(func(_ int, h *goquery.Selection) { v, _ := h.Attr("data-message-id"); got = append(got, v) })
		want := []string{itoa(ph[0]), itoa(ph[2]), itoa(ph[4])}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("caught %v, want %v (old %v, maths %v)", got, want, old, ma)
		}
		counts := map[string]string{}
		r.Doc.Find(`[data-testid="dry-run-count"]`).Each(func(_ int, c *goquery.Selection) {
			p, _ := c.Attr("data-pattern")
			counts[p] = strings.TrimSpace(c.Find(`[data-testid="caught"]`).Text())
		})
		if counts["darn"] != "2" || counts["heck"] != "2" {
			t.Errorf("counts = %v", counts)
		}
		if s := r.Doc.Find(`[data-testid="dry-run-summary"]`).Text(); !strings.Contains(s, "3 of 5 messages in 2 sessions") {
			t.Errorf("summary = %q", s)
		}
		// Highlighting: the match in <mark>, everything escaped.
		if strings.Contains(r.Body, "<script>alert(1)</script>") || !strings.Contains(r.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("message not escaped")
		}
		xss := r.Doc.Find(`[data-testid="dry-run-hit"][data-message-id="` + itoa(ph[2]) + `"]`)
		var marks []string
		xss.Find("mark").Each(func(_ int, m *goquery.Selection) { marks = append(marks, m.Text()) })
		if strings.Join(marks, "|") != "darn|heck" {
			t.Errorf("marks = %v", marks)
		}
		if !strings.Contains(xss.Text(), "flag") && !strings.Contains(xss.Text(), "hold") {
			t.Errorf("action missing: %s", xss.Text())
		}

		// The current rules, site scope, default sessions: every channel.
		admin.get("/admin/filters")
		r = admin.post("/admin/filters/dry-run", url.Values{"rules_csv": {""}})
		got = nil
		r.Doc.Find(`[data-testid="dry-run-hit"]`).Each(func(_ int, h *goquery.Selection) { v, _ := h.Attr("data-message-id"); got = append(got, v) })
		want = []string{itoa(old[0]), itoa(ph[0]), itoa(ph[2]), itoa(ma[0])}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("site dry run caught %v, want %v", got, want)
		}

		// A bad CSV is refused beside its field.
		r = admin.post("/admin/filters/dry-run", url.Values{"rules_csv": {"pattern,kind,action\n(x,regex,hold\n"}})
		if r.Status < 400 || r.Doc.Find(".field-error").Length() == 0 {
			t.Errorf("bad csv dry run = %d", r.Status)
		}

		// The API.
		api := s.apiUser(t, "api-admin@example.org", model.RoleAdmin)
		if after := snapshot(t, s); after != before {
			t.Errorf("page dry runs changed the database:\n%s\n----\n%s", before, after)
		}
		before = snapshot(t, s)
		var out struct {
			Sessions int `json:"sessions"`
			Checked  int `json:"checked"`
			Caught   []struct {
				MessageID int64  `json:"message_id"`
				Channel   string `json:"channel"`
				Action    string `json:"action"`
				Matches   []struct {
					Pattern    string `json:"pattern"`
					Start, End int
					Text       string `json:"text"`
				} `json:"matches"`
			} `json:"caught"`
			Rules []struct {
				Pattern string `json:"pattern"`
				Caught  int    `json:"caught"`
			} `json:"rules"`
		}
		api.do("POST", "/api/v1/filters/dry-run", map[string]any{"rules_csv": csv, "scope": "physics", "sessions": 1}).want(http.StatusOK).into(&out)
		if out.Sessions != 1 || out.Checked != 2 || len(out.Caught) != 1 || out.Caught[0].MessageID != ph[4] ||
			out.Caught[0].Action != "flag" || out.Caught[0].Channel != "physics" || len(out.Rules) != 2 || out.Rules[1].Caught != 1 || out.Rules[0].Caught != 0 {
			t.Errorf("api dry run = %+v", out)
		}
		if m := out.Caught; len(m) == 1 && (len(m[0].Matches) != 1 || m[0].Matches[0].Text != "heck") {
			t.Errorf("api matches = %+v", m[0].Matches)
		}
		api.do("POST", "/api/v1/filters/dry-run", map[string]any{"scope": "nope"}).want(http.StatusNotFound)
		api.do("POST", "/api/v1/filters/dry-run", map[string]any{"sessions": 500}).want(http.StatusUnprocessableEntity)
		if after := snapshot(t, s); after != before {
			t.Errorf("dry run changed the database:\n%s\n----\n%s", before, after)
		}
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		pat.do("POST", "/api/v1/filters/dry-run", map[string]any{}).want(http.StatusForbidden)
	})
}
