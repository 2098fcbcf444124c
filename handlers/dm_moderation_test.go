package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

type tDMReport struct {
	ID        int64  `json:"id"`
	MessageID *int64 `json:"message_id"`
	Reason    string `json:"reason"`
	Reporter  *struct {
		Name string `json:"name"`
	} `json:"reporter"`
	People []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"people"`
	Excerpt []struct {
		MessageID int64  `json:"message_id"`
		Body      string `json:"body"`
		Reported  bool   `json:"reported"`
	} `json:"excerpt"`
}

func excerptBodies(r tDMReport) string {
	var out []string
	for _, l := range r.Excerpt {
		out = append(out, l.Body)
	}
	return strings.Join(out, ",")
}

func dmAudits(t *testing.T, s *testServer, action string) []model.AuditEntry {
	t.Helper()
	es, err := store.ListAudit(context.Background(), s.DB, store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// A member reports a message through the API: the preview is what is sent,
// a non-member gets 404 on both, bad input is 422 and stores nothing; site
// moderators list and open it (each opening audited), others are refused.
func TestDMReportAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		alice, bob := s.apiUser(t, "alice@example.org", model.RoleParticipant), s.apiUser(t, "bob@example.org", model.RoleParticipant)
		eve := s.apiUser(t, "eve@example.org", model.RoleParticipant)
		mod := s.apiUser(t, "mod@example.org", model.RoleModerator)
		chanMod := s.apiUser(t, "chanmod@example.org", model.RoleParticipant)
		if err := s.Authz.Grant(context.Background(), chanMod.user.ID, model.RoleModerator, "alpha"); err != nil {
			t.Fatal(err)
		}
		c := testenv.DMConversationOf(t, s.DB, alice.user, bob.user)
		for i := range 8 {
			author := bob.user
			if i%2 == 1 {
				author = alice.user
			}
			testenv.DMPostAt(t, s.DB, c, author, "line "+strconv.Itoa(i), time.Time{})
		}
		rude := testenv.DMPostAt(t, s.DB, c, bob.user, "you fool", time.Time{})
		testenv.DMPostAt(t, s.DB, c, alice.user, "after", time.Time{})
		path := "/api/v1/conversations/" + strconv.FormatInt(c.ID, 10) + "/report"
		q := "?message_id=" + strconv.FormatInt(rude.ID, 10)
		var preview tDMReport
		alice.do("GET", path+q, nil).want(http.StatusOK).into(&preview)
		if excerptBodies(preview) != "line 3,line 4,line 5,line 6,line 7,you fool" || !preview.Excerpt[5].Reported ||
			len(preview.People) != 1 || preview.People[0].Name != "bob" {
			t.Fatalf("preview %+v", preview)
		}
		eve.do("GET", path+q, nil).want(http.StatusNotFound)
		eve.do("POST", path, map[string]any{"message_id": rude.ID, "reason": "x"}).want(http.StatusNotFound)
		alice.do("GET", "/api/v1/conversations/999999/report", nil).want(http.StatusNotFound)
		var e apiErr
		alice.do("POST", path, map[string]any{"message_id": rude.ID, "reason": ""}).want(http.StatusUnprocessableEntity).into(&e)
		if e.Error.Field != "reason" || e.Error.Message == "" {
			t.Errorf("empty reason: %+v", e)
		}
		alice.do("POST", path, map[string]any{"message_id": rude.ID, "reason": "x", "guideline": "Q7"}).want(http.StatusUnprocessableEntity)
		if rs, _ := store.ListDMReports(context.Background(), s.DB, store.DMReportFilter{}); len(rs) != 0 {
			t.Fatalf("refused reports stored: %v", rs)
		}
		var sent tDMReport
		alice.do("POST", path, map[string]any{"message_id": rude.ID, "reason": "insult", "guideline": "G1"}).want(http.StatusCreated).into(&sent)
		if excerptBodies(sent) != excerptBodies(preview) || sent.Reporter != nil {
			t.Errorf("sent %+v, previewed %+v", sent, preview)
		}
		// Site moderators only; channel moderators and members are refused.
		for _, who := range []*apiClient{chanMod, alice, bob} {
			who.do("GET", "/api/v1/mod/dm-reports", nil).want(http.StatusForbidden)
			who.do("GET", "/api/v1/mod/dm-reports/"+strconv.FormatInt(sent.ID, 10), nil).want(http.StatusForbidden)
		}
		var list struct {
			Reports []tDMReport `json:"reports"`
		}
		mod.do("GET", "/api/v1/mod/dm-reports", nil).want(http.StatusOK).into(&list)
		if len(list.Reports) != 1 || len(list.Reports[0].Excerpt) != 0 || list.Reports[0].Reporter.Name != "alice" {
			t.Fatalf("list %+v", list)
		}
		if n := len(dmAudits(t, s, "dm_report.view")); n != 0 {
			t.Fatalf("%d views audited before any opening", n)
		}
		for i := 1; i <= 2; i++ {
			var got tDMReport
			mod.do("GET", "/api/v1/mod/dm-reports/"+strconv.FormatInt(sent.ID, 10), nil).want(http.StatusOK).into(&got)
			if excerptBodies(got) != excerptBodies(preview) {
				t.Errorf("opened %+v", got)
			}
			es := dmAudits(t, s, "dm_report.view")
			if len(es) != i || *es[0].ActorID != mod.user.ID || es[0].TargetID != strconv.FormatInt(sent.ID, 10) {
				t.Fatalf("after opening %d: %+v", i, es)
			}
		}
		// Suspending from the report, then undoing it.
		var sn tSanction
		var res struct {
			AuditID int64 `json:"audit_id"`
		}
		r := mod.do("POST", "/api/v1/mod/dm-sanctions", map[string]any{"user_id": bob.user.ID, "kind": "dm_suspend", "duration": "7d",
			"report_id": sent.ID, "reason": "insults"}).want(http.StatusCreated)
		r.into(&sn)
		r.into(&res)
		if sn.Sanction.Kind != "dm_suspend" || sn.Sanction.ChannelID != nil || sn.Sanction.ExpiresAt == nil || res.AuditID == 0 {
			t.Fatalf("sanction %+v", sn)
		}
		mod.do("POST", "/api/v1/mod/dm-sanctions", map[string]any{"user_id": bob.user.ID, "kind": "dm_suspend", "duration": "forever"}).want(http.StatusUnprocessableEntity)
		chanMod.do("POST", "/api/v1/mod/dm-sanctions", map[string]any{"user_id": bob.user.ID, "kind": "warn"}).want(http.StatusForbidden)
		mod.do("POST", "/api/v1/mod/dm-undo", map[string]any{"audit_id": res.AuditID}).want(http.StatusNoContent)
		if got, _ := store.SanctionByID(context.Background(), s.DB, sn.Sanction.ID); got.RevokedAt == nil {
			t.Error("undo left the suspension in force")
		}
		mod.do("GET", "/api/v1/mod/dm-reports", nil).want(http.StatusOK).into(&list)
		if len(list.Reports) != 1 {
			t.Errorf("report not open again after undo: %+v", list)
		}
		mod.do("POST", "/api/v1/mod/dm-reports/"+strconv.FormatInt(sent.ID, 10)+"/dismiss", map[string]any{"reason": "ok"}).want(http.StatusOK)
		mod.do("GET", "/api/v1/mod/dm-reports", nil).want(http.StatusOK).into(&list)
		if len(list.Reports) != 0 {
			t.Errorf("dismissed report still open: %+v", list)
		}
	})
}

// The report page shows the excerpt before sending and what was shared
// after; a non-member gets 404.
func TestDMReportPage(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		alice := s.createUser(t, "alice@example.org", model.RoleParticipant)
		bob := s.createUser(t, "bob@example.org", model.RoleParticipant)
		s.createUser(t, "eve@example.org", model.RoleParticipant)
		c := testenv.DMConversationOf(t, s.DB, alice, bob)
		testenv.DMPostAt(t, s.DB, c, alice, "hello", time.Time{})
		m := testenv.DMPostAt(t, s.DB, c, bob, "buy my pills", time.Time{})
		page := "/inbox/" + strconv.FormatInt(c.ID, 10) + "/report?message=" + strconv.FormatInt(m.ID, 10)
		eve := s.browser(t)
		eve.signIn("eve@example.org")
		if r := eve.get(page); r.Status != http.StatusNotFound {
			t.Errorf("non-member: %d", r.Status)
		}
		b := s.browser(t)
		b.signIn("alice@example.org")
		r := b.get(page)
		if r.Status != http.StatusOK {
			t.Fatalf("report page: %d", r.Status)
		}
		lines := r.Doc.Find(`[data-testid="dm-excerpt-line"]`)
		if lines.Length() != 2 || !strings.Contains(lines.Eq(1).Text(), "buy my pills") || !lines.Eq(1).HasClass("is-reported") {
			t.Fatalf("excerpt %q", lines.Text())
		}
		if r.Doc.Find(`label[for="f-reason"]`).Length() != 1 || r.Doc.Find(`select#f-guideline option[value="G3"]`).Length() != 1 {
			t.Error("the form's labelled fields are missing")
		}
		r = b.post(page, url.Values{"reason": {""}})
		if r.Status != http.StatusUnprocessableEntity || r.Doc.Find("#e-reason").Text() == "" || r.Doc.Find(`[data-testid="dm-excerpt-line"]`).Length() != 2 {
			t.Fatalf("empty reason: %d %q", r.Status, r.Doc.Find(".field-error").Text())
		}
		r = b.post(page, url.Values{"reason": {"spam"}, "guideline": {"G3"}})
		if r.Status != http.StatusCreated || r.Doc.Find(`[data-testid="dm-report-sent"]`).Length() != 1 || r.Doc.Find("form[data-testid=dm-report-form]").Length() != 0 {
			t.Fatalf("sent: %d", r.Status)
		}
		rs, _ := store.ListDMReports(context.Background(), s.DB, store.DMReportFilter{})
		if len(rs) != 1 || rs[0].Guideline != "G3" || rs[0].Reason != "spam" {
			t.Fatalf("stored %+v", rs)
		}
	})
}

// The wall lists DM reports for site moderators only; opening one is
// audited and shows the excerpt; channel-only moderators see their
// channels without them.
func TestDMReportsOnTheWall(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		alice := s.createUser(t, "alice@example.org", model.RoleParticipant)
		bob := s.createUser(t, "bob@example.org", model.RoleParticipant)
		s.createUser(t, "mod@example.org", model.RoleModerator)
		cm := s.createUser(t, "chanmod@example.org", model.RoleParticipant)
		s.newChannel(t, "alpha", chat.ChannelInput{})
		if err := s.Authz.Grant(context.Background(), cm.ID, model.RoleModerator, "alpha"); err != nil {
			t.Fatal(err)
		}
		c := testenv.DMConversationOf(t, s.DB, alice, bob)
		m := testenv.DMPostAt(t, s.DB, c, bob, "threat", time.Time{})
		a := s.browser(t)
		a.signIn("alice@example.org")
		a.get("/inbox/" + strconv.FormatInt(c.ID, 10) + "/report")
		if r := a.post("/inbox/"+strconv.FormatInt(c.ID, 10)+"/report?message="+strconv.FormatInt(m.ID, 10), url.Values{"reason": {"threatening"}}); r.Status != http.StatusCreated {
			t.Fatalf("report: %d", r.Status)
		}
		cb := s.browser(t)
		cb.signIn("chanmod@example.org")
		r := cb.get("/mod")
		if r.Status != http.StatusOK || r.Doc.Find(`[data-testid="wall-dm-reports"]`).Length() != 0 || strings.Contains(r.Body, "threatening") {
			t.Errorf("channel moderator's wall: %d, DM section %d", r.Status, r.Doc.Find(`[data-testid="wall-dm-reports"]`).Length())
		}
		mb := s.browser(t)
		mb.signIn("mod@example.org")
		r = mb.get("/mod")
		items := r.Doc.Find(`[data-testid="wall-dm-report"]`)
		if items.Length() != 1 || !strings.Contains(items.Text(), "threatening") || strings.Contains(r.Body, ">threat<") {
			t.Fatalf("site moderator's wall: %q", items.Text())
		}
		// The list asks for itself again: the fragment, the same report.
		if r := mb.get("/mod/dm-reports", "HX-Request", "true"); r.Status != http.StatusOK || r.Doc.Find(`[data-testid="wall-dm-report"]`).Length() != 1 {
			t.Errorf("the list's fragment: %d %s", r.Status, r.Body)
		}
		if r := cb.get("/mod/dm-reports"); r.Status != http.StatusForbidden {
			t.Errorf("a channel moderator's list fragment: %d", r.Status)
		}
		if n := len(dmAudits(t, s, "dm_report.view")); n != 0 {
			t.Fatalf("the wall's list audited %d views", n)
		}
		href, _ := items.Find(`[data-testid="open-dm-report"]`).Attr("href")
		r = mb.get(href, "HX-Request", "true")
		if r.Status != http.StatusOK || !strings.Contains(r.Doc.Find(`[data-testid="dm-excerpt"]`).Text(), "threat") {
			t.Fatalf("opened: %d %s", r.Status, r.Body)
		}
		if n := len(dmAudits(t, s, "dm_report.view")); n != 1 {
			t.Fatalf("%d views audited, want 1", n)
		}
		if r := cb.get(href); r.Status != http.StatusForbidden {
			t.Errorf("a channel moderator opens a DM report: %d", r.Status)
		}
		// The person card shows the DM part to site moderators only.
		card := "/mod/c/alpha/people/u:" + strconv.FormatInt(bob.ID, 10)
		if r := mb.get(card); r.Status != http.StatusOK || !strings.Contains(r.Doc.Find(`[data-testid="person-dm"]`).Text(), "threatening") {
			t.Errorf("site moderator's person card: %d %q", r.Status, r.Doc.Find(`[data-testid="person-dm"]`).Text())
		}
		if r := cb.get(card); r.Status != http.StatusOK || r.Doc.Find(`[data-testid="person-dm"]`).Length() != 0 {
			t.Errorf("channel moderator's person card: %d, DM part %d", r.Status, r.Doc.Find(`[data-testid="person-dm"]`).Length())
		}
		// Suspend from the panel; the report leaves the wall.
		rid := strings.TrimPrefix(href, "/mod/dm-reports/")
		r = mb.post("/mod/dm/people/"+strconv.FormatInt(bob.ID, 10)+"/sanctions", url.Values{"do": {"dm_suspend"}, "duration": {"24h"}, "report": {rid}}, "HX-Request", "true")
		if r.Status != http.StatusOK || r.Doc.Find(`[data-testid="dm-undo"]`).Length() != 1 || !strings.Contains(r.Header.Get("HX-Trigger"), "mod:done") {
			t.Fatalf("suspend: %d %s", r.Status, r.Body)
		}
		if r := mb.get("/mod"); r.Doc.Find(`[data-testid="wall-dm-report"]`).Length() != 0 {
			t.Error("the resolved report is still on the wall")
		}
		if r := mb.get("/mod/dm-reports", "HX-Request", "true"); r.Doc.Find(`[data-testid="wall-dm-report"]`).Length() != 0 {
			t.Error("the resolved report is still in the list's fragment")
		}
		es := dmAudits(t, s, "user.dm_suspend")
		if len(es) != 1 || es[0].TargetID != strconv.FormatInt(bob.ID, 10) {
			t.Fatalf("suspension audit %+v", es)
		}
	})
}

// The admin settings page and API validate, save and audit.
func TestDMSettingsPageAndAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.createUser(t, "admin@example.org", model.RoleAdmin)
		b := s.browser(t)
		b.signIn("admin@example.org")
		r := b.get("/admin/direct-messages")
		if r.Status != http.StatusOK || r.Doc.Find(`input[name="mode"][value="on"][checked]`).Length() != 1 || r.Doc.Find(`label[for="f-retention_days"]`).Length() != 1 {
			t.Fatalf("settings page: %d", r.Status)
		}
		form := url.Values{"mode": {"staff"}, "groups": {"staff"}, "request_min_days": {"7"}, "retention_days": {"4000"}}
		r = b.post("/admin/direct-messages", form)
		if r.Status != http.StatusUnprocessableEntity || r.Doc.Find("#e-retention_days").Text() == "" {
			t.Fatalf("bad retention: %d %q", r.Status, r.Doc.Find(".field-error").Text())
		}
		form.Set("retention_days", "abc")
		if r = b.post("/admin/direct-messages", form); r.Status != http.StatusUnprocessableEntity || r.Doc.Find("#e-retention_days").Text() == "" {
			t.Fatalf("not a number: %d", r.Status)
		}
		if v, _ := store.Setting(context.Background(), s.DB, model.SettingDMMode, "unset"); v != "unset" {
			t.Fatalf("a refused form changed the mode to %q", v)
		}
		form.Set("retention_days", "90")
		if r = b.post("/admin/direct-messages", form); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %q", r.Status, r.Doc.Find(".field-error, [role=alert]").Text())
		}
		if r = b.get("/admin/direct-messages"); r.Doc.Find(`input[name="retention_days"][value="90"]`).Length() != 1 || r.Doc.Find(`input[name="mode"][value="staff"][checked]`).Length() != 1 {
			t.Error("saved values not shown")
		}
		if n := len(dmAudits(t, s, "settings.dm")); n != 1 {
			t.Errorf("%d audit entries, want 1", n)
		}
		admin := s.apiUser(t, "admin2@example.org", model.RoleAdmin)
		var got map[string]any
		admin.do("GET", "/api/v1/settings/dm", nil).want(http.StatusOK).into(&got)
		if got["mode"] != "staff" || got["retention_days"] != float64(90) {
			t.Errorf("API read %v", got)
		}
		var e apiErr
		admin.do("PUT", "/api/v1/settings/dm", map[string]any{"request_min_days": 400}).want(http.StatusUnprocessableEntity).into(&e)
		if e.Error.Field != "request_min_days" {
			t.Errorf("error %+v", e)
		}
		admin.do("PUT", "/api/v1/settings/dm", map[string]any{"mode": "off"}).want(http.StatusOK).into(&got)
		if got["mode"] != "off" || got["groups"] != "staff" {
			t.Errorf("API save %v", got)
		}
		s.apiUser(t, "mod@example.org", model.RoleModerator).do("PUT", "/api/v1/settings/dm", map[string]any{"mode": "on"}).want(http.StatusForbidden)
	})
}
