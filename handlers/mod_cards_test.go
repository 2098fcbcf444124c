package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"backchannel/model"
	"backchannel/store"
)

// openReports lists the open reports of message id.
func openReports(t *testing.T, s *testServer, id int64) []model.Report {
	t.Helper()
	rs, err := store.ReportsOf(context.Background(), s.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	var open []model.Report
	for _, r := range rs {
		if r.ResolvedAt == nil {
			open = append(open, r)
		}
	}
	return open
}

// auditOf lists the audit entries of action on message id, newest first.
func auditOf(t *testing.T, s *testServer, action string, id int64) []model.AuditEntry {
	t.Helper()
	es, err := store.ListAudit(context.Background(), s.DB, store.AuditFilter{Action: action, TargetType: "message", TargetID: strconv.FormatInt(id, 10)})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// modError reads the message of the mod:error event in an HX-Trigger header.
func modError(t *testing.T, r *response) string {
	t.Helper()
	var trig map[string]struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(r.Header.Get("HX-Trigger")), &trig); err != nil {
		t.Fatalf("HX-Trigger %q: %v", r.Header.Get("HX-Trigger"), err)
	}
	return trig["mod:error"].Message
}

// A reported message that breaks no rule is kept: "Dismiss report" on the
// wall (with and without htmx) and through the API resolves its open
// reports with the reason given, writes an audit entry and leaves the
// message as it was; a missing or overlong reason, a message whose reports
// were dealt with, or a participant changes nothing.
func TestModDismissReport(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		m := newModSetup(t, s)
		peerV, err := s.Chat.ViewerFor(ctx, m.alpha, m.peerU, nil)
		if err != nil {
			t.Fatal(err)
		}
		reported := func(body string) int64 {
			t.Helper()
			id := m.post(t, m.author, "alpha", body)
			if r := act(m.modA, "alpha", id, "approve", false, nil); r.Status != http.StatusSeeOther {
				t.Fatalf("approve = %d", r.Status)
			}
			if _, err := s.Moderation.Report(ctx, m.alpha, peerV, id, "I disagree with this"); err != nil {
				t.Fatal(err)
			}
			return id
		}
		one, two, three := reported("Newton's third law applies to the cart too."), reported("Friction is an external force here."), reported("The answer to 4b is 9.8 m/s².")
		path := func(id int64) string {
			return "/mod/c/alpha/messages/" + strconv.FormatInt(id, 10) + "/reports/dismiss"
		}
		hx := []string{"HX-Request", "true"}

		// The wall offers the dismissal, with its key, on reported messages.
		wall := m.modA.get("/mod")
		row := wallItemIn(wall, "reports", m.alphaID, one)
		form := row.Find(`form[data-testid="dismiss-form"]`)
		if form.Length() != 1 || form.AttrOr("action", "") != path(one) || form.Find(`input[name="reason"][required]`).Length() != 1 {
			t.Fatalf("reported row has no dismiss form: %s", row.Text())
		}
		if b := form.Find(`button[data-act="dismiss"]`); b.AttrOr("aria-keyshortcuts", "") != "r" || !strings.Contains(b.Text(), "Dismiss report") {
			t.Errorf("dismiss button %q", b.Text())
		}
		if wallItemIn(wall, "incoming", m.alphaID, one).Find(`form[data-testid="dismiss-form"]`).Length() != 0 {
			t.Error("the incoming list offers to dismiss reports")
		}

		// No reason, or one too long: a clear error, nothing changes.
		for _, reason := range []string{"", "   ", strings.Repeat("x", 501)} {
			r := m.modA.post(path(one), url.Values{"reason": {reason}}, hx...)
			if r.Status != http.StatusUnprocessableEntity || modError(t, r) == "" {
				t.Errorf("reason %q: %d %q", reason, r.Status, r.Header.Get("HX-Trigger"))
			}
		}
		if msg := modError(t, m.modA.post(path(one), nil, hx...)); !strings.Contains(msg, "Say why the message can stay") {
			t.Errorf("missing reason: %q", msg)
		}
		if n := len(openReports(t, s, one)); n != 1 {
			t.Fatalf("after refused dismissals %d open reports, want 1", n)
		}
		if es := auditOf(t, s, "report.dismiss", one); len(es) != 0 {
			t.Fatalf("refused dismissals audited: %+v", es)
		}

		// A participant may not.
		if r := m.peer.post(path(one), url.Values{"reason": {"fine"}}, hx...); r.Status != http.StatusForbidden {
			t.Errorf("participant dismissal = %d", r.Status)
		}

		// With htmx: the row as the reports list shows it now, resolved, and
		// the audit id for undo.
		r := m.modA.post(path(one), url.Values{"reason": {"Breaks no rule"}, "guideline": {"G2"}}, hx...)
		if r.Status != http.StatusOK {
			t.Fatalf("dismiss = %d %s", r.Status, r.Body)
		}
		auditID := doneAudit(t, r)
		if r.Doc.Find(`li.is-resolved[data-id="`+strconv.FormatInt(one, 10)+`"]`).Length() != 1 {
			t.Errorf("the answer is not the resolved row: %s", r.Body)
		}
		rs, err := store.ReportsOf(ctx, s.DB, one)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].ResolvedAt == nil || rs[0].ResolvedBy == nil || *rs[0].ResolvedBy != m.modAUser.ID || rs[0].Resolution != "Breaks no rule" {
			t.Errorf("report after dismissal %+v", rs)
		}
		es := auditOf(t, s, "report.dismiss", one)
		if len(es) != 1 || es[0].ID != auditID || es[0].Reason != "Breaks no rule" || es[0].Guideline != "G2" ||
			es[0].ActorID == nil || *es[0].ActorID != m.modAUser.ID {
			t.Errorf("audit %+v", es)
		}
		if got := message(m.peer, "alpha", one); got.Length() != 1 || !strings.Contains(got.Text(), "third law") {
			t.Error("the kept message is no longer on the participant's page")
		}
		if wallItemIn(m.modA.get("/mod"), "reports", m.alphaID, one).Length() != 0 {
			t.Error("the dismissed message is still in the reports list")
		}

		// Dealt with already: a clear error, nothing more recorded.
		r = m.modA.post(path(one), url.Values{"reason": {"Breaks no rule"}}, hx...)
		if r.Status != http.StatusConflict || !strings.Contains(modError(t, r), "no open reports") {
			t.Errorf("second dismissal = %d %q", r.Status, r.Header.Get("HX-Trigger"))
		}
		if n := len(auditOf(t, s, "report.dismiss", one)); n != 1 {
			t.Errorf("%d dismissal audit entries, want 1", n)
		}

		// Without JavaScript: back to the wall, which offers Undo.
		r = m.modA.post(path(two), url.Values{"reason": {"Correct physics"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/mod?undo=alpha%3A") {
			t.Errorf("form dismissal = %d %q", r.Status, r.Header.Get("Location"))
		}
		if n := len(openReports(t, s, two)); n != 0 {
			t.Errorf("form dismissal left %d open reports", n)
		}
		r = m.modA.post(path(two), url.Values{"reason": {"again"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/mod" {
			t.Errorf("form re-dismissal = %d %q", r.Status, r.Header.Get("Location"))
		}
		if flash := m.modA.get("/mod").Doc.Find("#flash").Text(); !strings.Contains(flash, "no open reports") {
			t.Errorf("form re-dismissal flash %q", flash)
		}

		// The API: a site moderator, with and without a reason; undo opens
		// the reports again.
		api := s.apiUser(t, "api-mod@example.org", model.RoleModerator)
		apiPath := func(id int64) string {
			return chanPath("alpha", "/messages/"+strconv.FormatInt(id, 10)+"/reports/dismiss")
		}
		api.do("POST", apiPath(three), map[string]any{}).wantError(422, "invalid", "reason")
		api.do("POST", apiPath(three), map[string]any{"reason": strings.Repeat("y", 501)}).wantError(422, "invalid", "reason")
		api.do("POST", apiPath(three), map[string]any{"reason": "ok", "extra": 1}).wantError(400, "bad_request", "")
		api.do("POST", apiPath(999999), map[string]any{"reason": "ok"}).wantError(404, "not_found", "")
		if n := len(openReports(t, s, three)); n != 1 {
			t.Fatalf("refused API dismissals left %d open reports, want 1", n)
		}
		pat := s.apiUser(t, "pat2@example.org", model.RoleParticipant)
		pat.do("POST", apiPath(three), map[string]any{"reason": "ok"}).wantError(403, "forbidden", "")
		var done tModerated
		api.do("POST", apiPath(three), map[string]any{"reason": "Within the guidelines", "guideline": "G1"}).want(200).into(&done)
		if done.AuditID == 0 || done.Message.ID != three || done.Message.State != "visible" {
			t.Errorf("API dismissal %+v", done)
		}
		if rs, _ := store.ReportsOf(ctx, s.DB, three); len(rs) != 1 || rs[0].Resolution != "Within the guidelines" {
			t.Errorf("API-dismissed report %+v", rs)
		}
		var audit tAudit
		api.do("GET", chanPath("alpha", "/audit?action=report.dismiss"), nil).want(200).into(&audit)
		if len(audit.Entries) != 3 || audit.Entries[0].Reason != "Within the guidelines" || audit.Entries[0].TargetID != strconv.FormatInt(three, 10) {
			t.Errorf("audit through the API %+v", audit.Entries)
		}
		api.do("POST", apiPath(three), map[string]any{"reason": "again"}).wantError(409, "no_open_reports", "")
		api.do("POST", chanPath("alpha", "/undo"), map[string]any{"audit_id": done.AuditID}).want(204)
		if open := openReports(t, s, three); len(open) != 1 || open[0].Resolution != "" {
			t.Errorf("after undo: open reports %+v", open)
		}
	})
}

// Filters tell moderators, not the poster: a blocked poster reads the
// guideline the rule cites, not the rule; staff can read the text of a
// masked message as written (the wall's toggle, the API) while it never
// reaches a participant (page, API, either stream); the wall's Why line
// quotes a pattern as written.
func TestModFiltersTellModerators(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		m := newModSetup(t, s)
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		for _, r := range []map[string]any{
			{"pattern": "scam.example", "kind": "domain", "action": "block", "guideline": "G4"},
			{"pattern": "darn", "action": "mask"},
			{"pattern": `\bfree\s+money\b`, "kind": "regex", "action": "flag"},
		} {
			admin.do("POST", "/api/v1/filters", r).want(201)
		}
		pat := s.apiUser(t, "pat2@example.org", model.RoleParticipant)
		pat.accept("beta")
		patB := s.browser(t)
		patB.signIn("pat2@example.org")
		peer := s.apiUser(t, "peer2@example.org", model.RoleParticipant)
		peer.accept("beta")
		peerB := s.browser(t)
		peerB.signIn("peer2@example.org")
		site := s.apiUser(t, "api-mod@example.org", model.RoleModerator)

		// Blocked: the page's form and the API name the guideline only.
		blocked := []string{}
		r := patB.postMessage("beta", url.Values{"body": {"Cheap answers at https://scam.example/physics"}}, "HX-Request", "true")
		blocked = append(blocked, r.Doc.Find(".field-error, [role=alert]").Text())
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("blocked htmx post = %d", r.Status)
		}
		patB.postMessage("beta", url.Values{"body": {"Cheap answers at https://scam.example/physics"}})
		blocked = append(blocked, patB.get("/c/beta").Doc.Find("#flash").Text())
		var e apiErr
		pat.do("POST", chanPath("beta", "/messages"), map[string]any{"body": "see scam.example"}).into(&e)
		if e.Error.Code != "blocked_by_filter" {
			t.Errorf("API block %+v", e.Error)
		}
		blocked = append(blocked, e.Error.Message)
		for i, msg := range blocked {
			if !strings.Contains(msg, "guideline G4") || strings.Contains(msg, "scam") || strings.Contains(msg, "rule") {
				t.Errorf("blocked message %d tells the poster %q", i, msg)
			}
		}

		// Masked: the participant, the peer and their streams never see the word.
		peerStream := openPageStream(t, peerB, "beta", 0)
		authorStream := openPageStream(t, patB, "beta", 0)
		apiStream := peer.openStream("beta", "")
		mm := pat.post("beta", map[string]any{"body": "Well darn, the lab is cancelled"})
		if mm.Body != "Well ****, the lab is cancelled" {
			t.Fatalf("masked body %q", mm.Body)
		}
		for who, b := range map[string]*browser{"author": patB, "peer": peerB} {
			if page := b.get("/c/beta"); page.Status != 200 || strings.Contains(page.Body, "darn") || !strings.Contains(page.Body, "Well ****") {
				t.Errorf("%s's page: status %d, holds the original: %v", who, page.Status, strings.Contains(page.Body, "darn"))
			}
		}
		for who, a := range map[string]*apiClient{"author": pat, "peer": peer} {
			if res := a.do("GET", chanPath("beta", "/messages"), nil).want(200); strings.Contains(string(res.Body), "darn") {
				t.Errorf("%s's API messages hold the original: %s", who, res.Body)
			}
			a.do("GET", chanPath("beta", "/messages/"+itoa(mm.ID)+"/original"), nil).wantError(403, "forbidden", "")
		}
		for who, st := range map[string]*sseReader{"author": authorStream, "peer": peerStream} {
			if f := st.frame(t, mm.Seq); strings.Contains(f, "darn") || !strings.Contains(f, "Well ****") {
				t.Errorf("%s's page stream frame holds the original: %s", who, f)
			}
		}
		for {
			ev := apiStream.next()
			if ev.ID == itoa(mm.Seq) {
				if strings.Contains(ev.Data, "darn") || !strings.Contains(ev.Data, "Well ****") {
					t.Errorf("API stream frame %s", ev.Data)
				}
				break
			}
		}

		// Staff read the original: on the wall behind a toggle, and through the API.
		wall := m.site.get("/mod")
		row := wallItemIn(wall, "incoming", m.betaID, mm.ID)
		if got := row.Find(`[data-testid="wall-body"]`).Text(); strings.Contains(got, "darn") {
			t.Errorf("the wall shows the original as the body: %q", got)
		}
		orig := row.Find(`details[data-testid="original"]`)
		if orig.Length() != 1 || orig.AttrOr("open", "none") != "none" || !strings.Contains(orig.Find("summary").Text(), "Show original") ||
			strings.TrimSpace(orig.Find(".wall-original-body").Text()) != "Well darn, the lab is cancelled" {
			t.Errorf("the wall's original toggle: %q", orig.Text())
		}
		var o struct {
			Body     string  `json:"body"`
			Original *string `json:"original"`
			Masked   bool    `json:"masked"`
		}
		site.do("GET", chanPath("beta", "/messages/"+itoa(mm.ID)+"/original"), nil).want(200).into(&o)
		if !o.Masked || o.Original == nil || *o.Original != "Well darn, the lab is cancelled" || o.Body != mm.Body {
			t.Errorf("API original %+v", o)
		}
		plain := pat.post("beta", map[string]any{"body": "No lab, then"})
		site.do("GET", chanPath("beta", "/messages/"+itoa(plain.ID)+"/original"), nil).want(200).into(&o)
		if o.Masked || o.Original != nil {
			t.Errorf("an unmasked message's original %+v", o)
		}
		if wallItemIn(m.site.get("/mod"), "incoming", m.betaID, plain.ID).Find(`[data-testid="original"]`).Length() != 0 {
			t.Error("the wall offers the original of an unmasked message")
		}

		// The Why line quotes the pattern as written.
		flagged := pat.post("beta", map[string]any{"body": "Get free money now"})
		why := wallItemIn(m.site.get("/mod"), "flagged", m.betaID, flagged.ID).Find(".wall-reason").Text()
		if !strings.Contains(why, `matched regex rule "\bfree\s+money\b"`) || strings.Contains(why, `\\`) {
			t.Errorf("Why line %q", why)
		}
		var q tQueue
		site.do("GET", chanPath("beta", "/queue"), nil).want(200).into(&q)
		if len(q.Flagged) != 1 || q.Flagged[0].ModReason != `matched regex rule "\bfree\s+money\b"` {
			t.Errorf("queue's flagged %+v", q.Flagged)
		}
	})
}

// Notes on a person card show who wrote them and when, on the wall's card
// (fragment and page) and through the API.
func TestModNotesShowAuthor(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		m := newModSetup(t, s)
		site := s.apiUser(t, "api-mod@example.org", model.RoleModerator)
		card := "/mod/c/alpha/people/" + url.PathEscape(m.authorKey)
		if r := m.modA.post(card+"/notes", url.Values{"body": {"Asked twice about the deadline."}}); r.Status != http.StatusSeeOther {
			t.Fatalf("note = %d", r.Status)
		}
		var n struct {
			Body      string `json:"body"`
			Author    string `json:"author"`
			CreatedAt string `json:"created_at"`
		}
		site.do("POST", chanPath("alpha", "/people/"+m.authorKey+"/notes"), map[string]any{"body": "Helpful in the lab."}).want(201).into(&n)
		if n.Author != "api-mod" || n.CreatedAt == "" {
			t.Errorf("created note %+v", n)
		}
		for _, r := range []*response{m.modA.get(card), m.modA.get(card, "HX-Request", "true")} {
			notes := r.Doc.Find(`[data-testid="notes"] li`)
			if notes.Length() != 2 {
				t.Fatalf("%d notes on the card", notes.Length())
			}
			for i, want := range []string{"api-mod", "mod-a"} {
				by := notes.Eq(i).Find(`[data-testid="note-by"]`)
				if !strings.Contains(by.Text(), want) || by.Find("time[datetime]").Length() != 1 {
					t.Errorf("note %d: by %q, want %s and a time", i, by.Text(), want)
				}
			}
		}
		var p struct {
			Notes []struct {
				Body      string `json:"body"`
				Author    string `json:"author"`
				CreatedBy *int64 `json:"created_by"`
				CreatedAt string `json:"created_at"`
			} `json:"notes"`
		}
		site.do("GET", chanPath("alpha", "/people/"+m.authorKey), nil).want(200).into(&p)
		if len(p.Notes) != 2 || p.Notes[0].Author != "api-mod" || p.Notes[1].Author != "mod-a" ||
			p.Notes[1].CreatedBy == nil || *p.Notes[1].CreatedBy != m.modAUser.ID || p.Notes[1].CreatedAt == "" {
			t.Errorf("API notes %+v", p.Notes)
		}
	})
}
