package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
)

// agedMessages stores messages in ch created ageDays ago.
func agedMessages(t *testing.T, s *testServer, ch *model.Channel, ageDays int, bodies ...string) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for _, b := range bodies {
		m := &model.Message{ChannelID: ch.ID, AuthorName: "Ann", Kind: model.KindComment, Body: b}
		if err := store.InsertMessage(ctx, s.DB, m); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB.NewUpdate().Model((*model.Message)(nil)).Set("created_at = ?", time.Now().UTC().Add(-time.Duration(ageDays)*24*time.Hour)).
			Where("id = ?", m.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

// retentionState is the policy in force, for "nothing changed" checks.
func retentionState(t *testing.T, s *testServer) string {
	t.Helper()
	p, err := s.Retention.Policy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(store.JSON(p.SiteDays))
	for _, c := range p.Channels {
		b.WriteString(" " + c.Slug + "=" + store.JSON(c.Days))
	}
	return b.String()
}

func TestAdminRetentionPage(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		s.createUser(t, "admin@example.org", model.RoleAdmin)
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		physics, _ := s.newChannel(t, "physics", chat.ChannelInput{})
		history, _ := s.newChannel(t, "history", chat.ChannelInput{})
		oldPhysics := agedMessages(t, s, physics, 100, "physics from last year "+strings.Repeat("x", 100))
		agedMessages(t, s, physics, 5, "physics this week")
		agedMessages(t, s, history, 100, "history from last year")
		agedMessages(t, s, history, 40, "history last month")

		pat := s.browser(t)
		pat.signIn("pat@example.org")
		for _, r := range []*response{
			pat.get("/admin/retention"),
			pat.post("/admin/retention/preview", url.Values{"site_days": {"1"}}),
			pat.post("/admin/retention", url.Values{"site_days": {"1"}}),
		} {
			if r.Status != http.StatusForbidden {
				t.Errorf("participant on the retention page = %d, want 403", r.Status)
			}
		}

		admin := s.browser(t)
		admin.signIn("admin@example.org")
		r := admin.get("/admin/retention")
		if r.Status != 200 {
			t.Fatalf("GET /admin/retention = %d", r.Status)
		}
		if v := r.Doc.Find(`input[name=site_days]`).AttrOr("value", ""); v != "0" {
			t.Errorf("site days = %q", v)
		}
		if l := strings.TrimSpace(r.Doc.Find(`label[for=f-site_days]`).Text()); !strings.Contains(l, "days") {
			t.Errorf("site days label = %q", l)
		}
		if n := r.Doc.Find(`[data-testid=retention-row]`).Length(); n != 2 {
			t.Errorf("channel rows = %d", n)
		}
		if sel := r.Doc.Find(`select[name=mode-physics] option[selected]`).AttrOr("value", ""); sel != "site" {
			t.Errorf("physics mode = %q", sel)
		}
		before := retentionState(t, s)

		// Preview with htmx: a fragment, and nothing changes.
		form := url.Values{"site_days": {"30"}, "mode-physics": {"site"}, "days-physics": {""}, "mode-history": {"days"}, "days-history": {"60"}}
		r = admin.post("/admin/retention/preview", form, "HX-Request", "true")
		if r.Status != 200 || r.Doc.Find("html > body > main").Length() != 0 {
			t.Fatalf("htmx preview = %d (a fragment?)", r.Status)
		}
		counts := map[string]string{}
		r.Doc.Find(`[data-testid=retention-preview-row]`).Each(func(_ int, row *goquery.Selection) {
			counts[row.AttrOr("data-slug", "")] = strings.TrimSpace(row.Find(`[data-testid=retention-preview-count]`).Text())
		})
		if counts["physics"] != "1" || counts["history"] != "1" {
			t.Errorf("preview counts = %v", counts)
		}
		if s := r.Doc.Find(`[data-testid=retention-samples][data-slug=physics] [data-testid=retention-sample]`); s.Length() != 1 ||
			!strings.Contains(s.Text(), "physics from last year") || strings.Contains(s.Text(), strings.Repeat("x", 80)) {
			t.Errorf("physics sample = %q", s.Text())
		}
		if got := retentionState(t, s); got != before {
			t.Fatalf("preview changed the policy: %s → %s", before, got)
		}

		// Preview without JavaScript: the whole page, with the form as typed.
		r = admin.post("/admin/retention/preview", form)
		if r.Status != 200 || r.Doc.Find(`#retention-preview [data-testid=retention-preview-summary]`).Length() != 1 ||
			r.Doc.Find(`input[name=days-history]`).AttrOr("value", "") != "60" {
			t.Errorf("plain preview = %d", r.Status)
		}

		// Invalid input: shown beside the field, nothing changed.
		for _, bad := range []url.Values{
			{"site_days": {"-1"}},
			{"site_days": {"abc"}},
			{"site_days": {"36501"}},
			{"site_days": {"30"}, "mode-history": {"days"}, "days-history": {"-5"}},
			{"site_days": {"30"}, "mode-history": {"days"}, "days-history": {""}},
		} {
			r = admin.post("/admin/retention", bad)
			if r.Status != http.StatusUnprocessableEntity || r.Doc.Find(`.field-error`).Length() == 0 {
				t.Errorf("save %v = %d, errors %q", bad, r.Status, r.Doc.Find(`.field-error`).Text())
			}
			if got := retentionState(t, s); got != before {
				t.Fatalf("invalid save %v changed the policy: %s", bad, got)
			}
			r = admin.post("/admin/retention/preview", bad, "HX-Request", "true")
			if r.Status != http.StatusUnprocessableEntity || r.Doc.Find(`[data-testid=retention-preview-error]`).Length() != 1 {
				t.Errorf("htmx preview %v = %d", bad, r.Status)
			}
		}
		if es, _ := store.ListAudit(ctx, s.DB, store.AuditFilter{Action: "retention.update"}); len(es) != 0 {
			t.Fatalf("refused saves were audited: %d", len(es))
		}

		// Save: redirected back, stored, audited.
		r = admin.post("/admin/retention", form)
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/admin/retention" {
			t.Fatalf("save = %d → %q", r.Status, r.Header.Get("Location"))
		}
		if got := retentionState(t, s); got != `30 history=60 physics=null` && got != `30 physics=null history=60` {
			t.Errorf("saved policy = %s", got)
		}
		es, _ := store.ListAudit(ctx, s.DB, store.AuditFilter{Action: "retention.update"})
		if len(es) != 1 || !strings.Contains(es[0].After, `"site_days":30`) || !strings.Contains(es[0].Before, `"site_days":0`) {
			t.Errorf("audit = %+v", es)
		}
		r = admin.get("/admin/retention")
		if r.Doc.Find(`[role=status], .alert-success`).Length() == 0 {
			t.Errorf("no confirmation after saving")
		}
		if v := r.Doc.Find(`input[name=days-history]`).AttrOr("value", ""); v != "60" {
			t.Errorf("history days after saving = %q", v)
		}
		if txt := r.Doc.Find(`[data-testid=retention-row][data-slug=physics] [data-testid=retention-in-force]`).Text(); txt != "30 days (site)" {
			t.Errorf("physics in force = %q", txt)
		}

		// A run removes what the preview showed.
		run, err := s.Retention.RunOnce(ctx)
		if err != nil || run.Total != 2 {
			t.Fatalf("run = %+v, %v", run, err)
		}
		if m, _ := store.MessageByID(ctx, s.DB, oldPhysics[0]); m.Body != "" || m.BodyRemovedAt == nil {
			t.Errorf("old physics message = %q", m.Body)
		}
	})
}

func TestAPIRetention(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		admin := s.apiUser(t, "admin@example.org", model.RoleAdmin)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		physics, _ := s.newChannel(t, "physics", chat.ChannelInput{})
		s.newChannel(t, "history", chat.ChannelInput{})
		agedMessages(t, s, physics, 50, "old physics")

		pat.do("GET", "/api/v1/retention", nil).wantError(http.StatusForbidden, "forbidden", "")
		pat.do("PUT", "/api/v1/retention", map[string]any{"site_days": 1}).wantError(http.StatusForbidden, "forbidden", "")

		type policy struct {
			SiteDays *int `json:"site_days"`
			Channels []struct {
				Slug string `json:"slug"`
				Days *int   `json:"days"`
			} `json:"channels"`
		}
		var p policy
		admin.do("GET", "/api/v1/retention", nil).want(200).into(&p)
		if p.SiteDays == nil || *p.SiteDays != 0 || len(p.Channels) != 2 || p.Channels[0].Days != nil {
			t.Fatalf("GET = %+v", p)
		}
		before := retentionState(t, s)
		for _, tc := range []struct {
			body   any
			status int
			code   string
			field  string
		}{
			{map[string]any{"site_days": -1}, 422, "invalid", "site_days"},
			{map[string]any{"site_days": 36501}, 422, "invalid", "site_days"},
			{map[string]any{"site_days": "thirty"}, 400, "bad_request", ""},
			{map[string]any{"site_days": 1.5}, 400, "bad_request", ""},
			{map[string]any{"site_days": 30, "channels": []map[string]any{{"slug": "nope", "days": 3}}}, 422, "invalid", "channel:nope"},
			{map[string]any{"site_days": 30, "channels": []map[string]any{{"slug": "physics", "days": -3}}}, 422, "invalid", "channel:physics"},
			{map[string]any{"site_days": 30, "extra": true}, 400, "bad_request", ""},
			{nil, 400, "bad_request", ""},
		} {
			admin.do("PUT", "/api/v1/retention", tc.body).wantError(tc.status, tc.code, tc.field)
			if got := retentionState(t, s); got != before {
				t.Fatalf("PUT %v changed the policy: %s", tc.body, got)
			}
		}
		for body, want := range map[string]string{
			`{"site_days": 1.5}`:      `Field "site_days" must be a whole number, not 1.5.`,
			`{"site_days": "thirty"}`: `Field "site_days" must be a whole number, not a string.`,
		} {
			var e apiErr
			admin.do("PUT", "/api/v1/retention", json.RawMessage(body)).into(&e)
			if e.Error.Message != want {
				t.Errorf("PUT %s says %q, want %q", body, e.Error.Message, want)
			}
		}
		admin.do("POST", "/api/v1/retention/preview", map[string]any{"site_days": -1}).wantError(422, "invalid", "site_days")

		// Preview: counts without a change.
		var prev struct {
			Total    int `json:"total"`
			Channels []struct {
				Slug        string     `json:"slug"`
				Days        int        `json:"days"`
				FollowsSite bool       `json:"follows_site"`
				Count       int        `json:"count"`
				Oldest      *time.Time `json:"oldest"`
				Samples     []struct {
					ID      int64  `json:"id"`
					Excerpt string `json:"excerpt"`
				} `json:"samples"`
			} `json:"channels"`
		}
		body := map[string]any{"site_days": 30, "channels": []map[string]any{{"slug": "history", "days": 0}}}
		admin.do("POST", "/api/v1/retention/preview", body).want(200).into(&prev)
		if prev.Total != 1 || len(prev.Channels) != 2 {
			t.Fatalf("preview = %+v", prev)
		}
		for _, c := range prev.Channels {
			switch c.Slug {
			case "physics":
				if c.Days != 30 || !c.FollowsSite || c.Count != 1 || c.Oldest == nil || len(c.Samples) != 1 || c.Samples[0].Excerpt != "old physics" {
					t.Errorf("physics preview = %+v", c)
				}
			case "history":
				if c.Days != 0 || c.FollowsSite || c.Count != 0 {
					t.Errorf("history preview = %+v", c)
				}
			}
		}
		if got := retentionState(t, s); got != before {
			t.Fatalf("preview changed the policy: %s", got)
		}

		// Round trip.
		admin.do("PUT", "/api/v1/retention", body).want(200).into(&p)
		var again policy
		admin.do("GET", "/api/v1/retention", nil).want(200).into(&again)
		if *again.SiteDays != 30 || store.JSON(again) != store.JSON(p) {
			t.Fatalf("GET after PUT = %s; PUT answered %s", store.JSON(again), store.JSON(p))
		}
		for _, c := range again.Channels {
			if (c.Slug == "history") != (c.Days != nil) || (c.Days != nil && *c.Days != 0) {
				t.Errorf("channel %s days = %v", c.Slug, c.Days)
			}
		}
		// Back to following the site; site_days left out keeps the site's.
		admin.do("PUT", "/api/v1/retention", map[string]any{"channels": []map[string]any{{"slug": "history", "days": nil}}}).want(200).into(&p)
		if *p.SiteDays != 30 || p.Channels[0].Days != nil || p.Channels[1].Days != nil {
			t.Errorf("after resetting history = %s", store.JSON(p))
		}
	})
}

// Run now removes old bodies at once: from the store (the row stays) and,
// through the outbox, from search.
func TestAdminRetentionRunNow(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		admin := s.apiUser(t, "admin@example.org", model.RoleAdmin)
		ch, _ := s.newChannel(t, "astro", chat.ChannelInput{})
		old := agedMessages(t, s, ch, 100, "quasar spectra from last term")
		fresh := agedMessages(t, s, ch, 1, "quasar redshift this week")
		s.waitIndexed(t)
		if got := admin.search("quasar"); !sameIDs(hitIDs(got), old[0], fresh[0]) {
			t.Fatalf("before retention quasar finds %v", hitIDs(got))
		}
		admin.do("PUT", "/api/v1/retention", map[string]any{"site_days": 30}).want(http.StatusOK)

		b := s.browser(t)
		b.signIn("admin@example.org")
		r := b.post("/admin/retention/run", url.Values{})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("run now = %d", r.Status)
		}
		if page := b.get("/admin/retention"); !strings.Contains(page.Doc.Find("#flash").Text(), "Removed the bodies of 1 message") {
			t.Errorf("flash = %q", page.Doc.Find("#flash").Text())
		}
		m, err := store.MessageByID(ctx, s.DB, old[0])
		if err != nil {
			t.Fatal(err)
		}
		if m.Body != "" || m.BodyRemovedAt == nil {
			t.Errorf("old message after retention: body %q, removed at %v", m.Body, m.BodyRemovedAt)
		}
		s.waitIndexed(t)
		if got := admin.search("quasar"); !sameIDs(hitIDs(got), fresh[0]) {
			t.Errorf("after retention quasar finds %v, want only %d", hitIDs(got), fresh[0])
		}
	})
}
