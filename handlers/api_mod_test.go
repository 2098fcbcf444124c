package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"backchannel/model"
)

// Shapes of the moderation API the tests read.
type tRule struct {
	ID        int64    `json:"id"`
	Scope     string   `json:"scope"`
	Pattern   string   `json:"pattern"`
	Kind      string   `json:"kind"`
	Action    string   `json:"action"`
	Allow     []string `json:"allow"`
	Enabled   bool     `json:"enabled"`
	Guideline string   `json:"guideline"`
	CreatedBy *int64   `json:"created_by"`
}

type tRules struct {
	Rules []tRule `json:"rules"`
}

type tImport struct {
	Created int     `json:"created"`
	Skipped int     `json:"skipped"`
	Rules   []tRule `json:"rules"`
}

type tStaffMessage struct {
	tMessage
	Pinned    bool    `json:"pinned"`
	Flagged   bool    `json:"flagged"`
	ModReason string  `json:"mod_reason"`
	RuleIDs   []int64 `json:"rule_ids"`
}

type tModerated struct {
	Message tStaffMessage `json:"message"`
	AuditID int64         `json:"audit_id"`
}

type tSanction struct {
	Sanction struct {
		ID        int64      `json:"id"`
		ChannelID *int64     `json:"channel_id"`
		Subject   string     `json:"subject"`
		Kind      string     `json:"kind"`
		Reason    string     `json:"reason"`
		Guideline string     `json:"guideline"`
		ExpiresAt *time.Time `json:"expires_at"`
		RevokedAt *time.Time `json:"revoked_at"`
		SiteWide  bool       `json:"site_wide"`
	} `json:"sanction"`
	AuditID int64 `json:"audit_id"`
}

type tQueue struct {
	Held    []tStaffMessage `json:"held"`
	Flagged []tStaffMessage `json:"flagged"`
	Reports []struct {
		Message tStaffMessage `json:"message"`
		Reports []struct {
			ID     int64  `json:"id"`
			Reason string `json:"reason"`
		} `json:"reports"`
	} `json:"reports"`
}

type tAudit struct {
	Entries []struct {
		ID         int64           `json:"id"`
		ActorID    *int64          `json:"actor_id"`
		Actor      string          `json:"actor"`
		Action     string          `json:"action"`
		TargetType string          `json:"target_type"`
		TargetID   string          `json:"target_id"`
		Channel    *string         `json:"channel"`
		Before     json.RawMessage `json:"before"`
		After      json.RawMessage `json:"after"`
		Reason     string          `json:"reason"`
		Guideline  string          `json:"guideline"`
		UndoneAt   *time.Time      `json:"undone_at"`
	} `json:"entries"`
	HasMore bool `json:"has_more"`
}

func subj(a *apiClient) string { return "u:" + strconv.FormatInt(a.user.ID, 10) }

// grant gives a an extra role in one channel.
func (s *testServer) grant(t testing.TB, a *apiClient, role model.Role, slug string) {
	t.Helper()
	if err := s.Authz.Grant(context.Background(), a.user.ID, role, slug); err != nil {
		t.Fatal(err)
	}
}

func TestAPIFilters(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		host := s.apiUser(t, "hana@example.org", model.RoleHost)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		host.createChannel(map[string]any{"slug": "physics", "title": "Physics"})
		host.createChannel(map[string]any{"slug": "chemistry", "title": "Chemistry"})
		pat.accept("physics")
		pat.accept("chemistry")

		// Create, check, list.
		var r tRule
		admin.do("POST", "/api/v1/filters", map[string]any{"pattern": "badword", "action": "hold", "guideline": "G2",
			"allow": []string{"badwords united"}}).want(201).into(&r)
		if r.ID == 0 || r.Scope != "site" || r.Kind != "word" || r.Action != "hold" || !r.Enabled || r.Guideline != "G2" ||
			len(r.Allow) != 1 || r.CreatedBy == nil || *r.CreatedBy != admin.user.ID {
			t.Errorf("created %+v", r)
		}
		admin.do("POST", "/api/v1/filters", map[string]any{"pattern": "(oops", "kind": "regex", "action": "hold"}).wantError(422, "invalid", "pattern")
		var e apiErr
		admin.do("POST", "/api/v1/filters", map[string]any{"pattern": "(oops", "kind": "regex", "action": "hold"}).into(&e)
		if !strings.Contains(e.Error.Message, "regular expression") || !strings.Contains(e.Error.Message, "missing closing )") {
			t.Errorf("invalid regex message %q", e.Error.Message)
		}
		admin.do("POST", "/api/v1/filters", map[string]any{"pattern": "x", "kind": "soundex", "action": "hold"}).wantError(422, "invalid", "kind")
		admin.do("POST", "/api/v1/filters", map[string]any{"pattern": "x", "action": "explode"}).wantError(422, "invalid", "action")
		admin.do("POST", "/api/v1/filters", map[string]any{"pattern": "x", "action": "hold", "severity": 3}).wantError(400, "bad_request", "")
		admin.do("POST", "/api/v1/filters", map[string]any{"pattern": "BADWORD", "action": "block"}).wantError(409, "duplicate_rule", "")
		var list tRules
		admin.do("GET", "/api/v1/filters", nil).want(200).into(&list)
		if len(list.Rules) != 1 || list.Rules[0].ID != r.ID {
			t.Errorf("list %+v", list)
		}

		// The rule applies to participants' posts at once.
		if m := pat.post("physics", map[string]any{"body": "a badword here"}); m.State != "held" {
			t.Errorf("post with a held word: %s", m.State)
		}
		admin.do("PATCH", "/api/v1/filters/"+itoa(r.ID), map[string]any{"action": "block"}).want(200).into(&r)
		if r.Action != "block" || r.Pattern != "badword" {
			t.Errorf("patched %+v", r)
		}
		pat.do("POST", chanPath("physics", "/messages"), map[string]any{"body": "a badword again"}).wantError(422, "blocked_by_filter", "")
		admin.do("PATCH", "/api/v1/filters/"+itoa(r.ID), map[string]any{"enabled": false}).want(200)
		pat.post("physics", map[string]any{"body": "a badword, allowed now"})
		admin.do("PATCH", "/api/v1/filters/999999", map[string]any{"enabled": false}).wantError(404, "not_found", "")
		admin.do("PATCH", "/api/v1/filters/"+itoa(r.ID), map[string]any{"kind": "regex", "pattern": "a("}).wantError(422, "invalid", "pattern")

		// A channel's own rules: its host manages them; they apply there only.
		var cr tRule
		host.do("POST", chanPath("physics", "/filters"), map[string]any{"pattern": "spoiler", "action": "hold"}).want(201).into(&cr)
		if !strings.HasPrefix(cr.Scope, "channel:") {
			t.Errorf("channel rule scope %q", cr.Scope)
		}
		if m := pat.post("physics", map[string]any{"body": "spoiler alert"}); m.State != "held" {
			t.Errorf("channel rule in its channel: %s", m.State)
		}
		if m := pat.post("chemistry", map[string]any{"body": "spoiler alert"}); m.State != "visible" {
			t.Errorf("channel rule elsewhere: %s", m.State)
		}
		// A rule is reached only through its own scope.
		host.do("PATCH", chanPath("chemistry", "/filters/"+itoa(cr.ID)), map[string]any{"enabled": false}).wantError(404, "not_found", "")
		host.do("DELETE", chanPath("physics", "/filters/"+itoa(r.ID)), nil).wantError(404, "not_found", "")
		admin.do("DELETE", "/api/v1/filters/"+itoa(cr.ID), nil).wantError(404, "not_found", "")
		host.do("GET", chanPath("physics", "/filters"), nil).want(200).into(&list)
		if len(list.Rules) != 1 || list.Rules[0].ID != cr.ID {
			t.Errorf("channel list %+v", list)
		}
		host.do("DELETE", chanPath("physics", "/filters/"+itoa(cr.ID)), nil).want(204)
		host.do("DELETE", chanPath("physics", "/filters/"+itoa(cr.ID)), nil).wantError(404, "not_found", "")

		// Import: CSV as text/csv, CSV in JSON, a word list with ?action=.
		csv := "pattern,kind,action,allow,guideline\nfree money,phrase,block,,G1\nspam*,wildcard,flag,spammy|spamalot,\nevil.test,domain,hold,,\n"
		var imp tImport
		admin.do("POST", "/api/v1/filters/import", csv, "Content-Type", "text/csv").want(200).into(&imp)
		if imp.Created != 3 || imp.Skipped != 0 || len(imp.Rules) != 3 || imp.Rules[1].Allow[1] != "spamalot" {
			t.Errorf("import %+v", imp)
		}
		admin.do("POST", "/api/v1/filters/import", map[string]any{"csv": csv}).want(200).into(&imp)
		if imp.Created != 0 || imp.Skipped != 3 {
			t.Errorf("second import %+v", imp)
		}
		admin.do("POST", "/api/v1/filters/import?action=mask", "heck\nflipping heck\n", "Content-Type", "text/plain").want(200).into(&imp)
		if imp.Created != 2 || imp.Rules[0].Kind != "word" || imp.Rules[1].Kind != "phrase" || imp.Rules[1].Action != "mask" {
			t.Errorf("word list import %+v", imp)
		}
		admin.do("POST", "/api/v1/filters/import", "pattern,kind,action\nok,word,hold\n(,regex,hold\n", "Content-Type", "text/csv").wantError(422, "invalid", "csv")
		admin.do("POST", "/api/v1/filters/import?action=allow", "heck\n", "Content-Type", "text/plain").wantError(422, "invalid", "action")
		admin.do("POST", "/api/v1/filters/import", map[string]any{"csv": 3}).wantError(400, "bad_request", "")
		admin.do("POST", "/api/v1/filters/import", "", "Content-Type", "text/csv").wantError(400, "bad_request", "")

		// Export, and import the export into a channel: the same rules.
		res := admin.do("GET", "/api/v1/filters/export", nil).want(200)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("export Content-Type %q", ct)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "filters-site.csv") {
			t.Errorf("export Content-Disposition %q", cd)
		}
		exported := string(res.Body)
		if !strings.HasPrefix(exported, "pattern,kind,action") || strings.Count(exported, "\n") != 7 {
			t.Errorf("export:\n%s", exported)
		}
		host.do("POST", chanPath("chemistry", "/filters/import"), exported, "Content-Type", "text/csv").want(200).into(&imp)
		if imp.Created != 6 {
			t.Errorf("import of the export: %+v", imp)
		}
		var site, chem tRules
		admin.do("GET", "/api/v1/filters", nil).want(200).into(&site)
		host.do("GET", chanPath("chemistry", "/filters"), nil).want(200).into(&chem)
		if len(site.Rules) != 6 || len(chem.Rules) != 6 {
			t.Fatalf("site %d rules, channel %d", len(site.Rules), len(chem.Rules))
		}
		for i := range site.Rules {
			a, b := site.Rules[i], chem.Rules[i]
			if a.Pattern != b.Pattern || a.Kind != b.Kind || a.Action != b.Action || a.Enabled != b.Enabled ||
				a.Guideline != b.Guideline || strings.Join(a.Allow, "|") != strings.Join(b.Allow, "|") {
				t.Errorf("round trip: %+v became %+v", a, b)
			}
		}
		res = host.do("GET", chanPath("chemistry", "/filters/export"), nil).want(200)
		if !strings.Contains(res.Header.Get("Content-Disposition"), "filters-chemistry.csv") || strings.Count(string(res.Body), "\n") != 7 {
			t.Errorf("channel export %q:\n%s", res.Header.Get("Content-Disposition"), res.Body)
		}

		// Every change is in the audit log.
		var log tAudit
		admin.do("GET", "/api/v1/audit?target=filter_rule:"+itoa(r.ID), nil).want(200).into(&log)
		var actions []string
		for _, e := range log.Entries {
			actions = append(actions, e.Action)
		}
		if strings.Join(actions, ",") != "filter_rule.update,filter_rule.update,filter_rule.create" {
			t.Errorf("audit of rule %d: %v", r.ID, actions)
		}
	})
}

// Participants get 403 on every moderator route; a moderator of one channel
// gets 403 on another; site settings are for admins.
func TestAPIModPermissions(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		host := s.apiUser(t, "hana@example.org", model.RoleHost)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		mia := s.apiUser(t, "mia@example.org", model.RoleParticipant) // moderates chan-a only
		mod := s.apiUser(t, "mo@example.org", model.RoleModerator)    // moderates everywhere
		host.createChannel(map[string]any{"slug": "chan-a", "title": "A"})
		host.createChannel(map[string]any{"slug": "chan-b", "title": "B"})
		s.grant(t, mia, model.RoleModerator, "chan-a")
		pat.accept("chan-a")
		pat.accept("chan-b")
		ma := pat.post("chan-a", map[string]any{"body": "in a"})
		mb := pat.post("chan-b", map[string]any{"body": "in b"})
		msgOf := map[string]int64{"chan-a": ma.ID, "chan-b": mb.ID}

		type call struct {
			method, path string
			body         any
		}
		site := []call{
			{"GET", "/api/v1/filters", nil},
			{"POST", "/api/v1/filters", map[string]any{"pattern": "x", "action": "flag"}},
			{"POST", "/api/v1/filters/import", map[string]any{"csv": "pattern,kind,action\ny,word,flag\n"}},
			{"GET", "/api/v1/filters/export", nil},
			{"PATCH", "/api/v1/filters/999", map[string]any{"enabled": false}},
			{"DELETE", "/api/v1/filters/999", nil},
			{"GET", "/api/v1/audit", nil},
		}
		manage := func(slug string) []call {
			return []call{
				{"GET", chanPath(slug, "/filters"), nil},
				{"POST", chanPath(slug, "/filters"), map[string]any{"pattern": "x", "action": "flag"}},
				{"POST", chanPath(slug, "/filters/import"), map[string]any{"csv": "pattern,kind,action\ny,word,flag\n"}},
				{"GET", chanPath(slug, "/filters/export"), nil},
				{"PATCH", chanPath(slug, "/filters/999"), map[string]any{"enabled": false}},
				{"DELETE", chanPath(slug, "/filters/999"), nil},
			}
		}
		moderate := func(slug string) []call {
			id := itoa(msgOf[slug])
			return []call{
				{"GET", chanPath(slug, "/queue"), nil},
				{"POST", chanPath(slug, "/messages/"+id+"/moderate"), map[string]any{"action": "pin"}},
				{"POST", chanPath(slug, "/sanctions"), map[string]any{"subject": subj(pat), "kind": "warn"}},
				{"DELETE", chanPath(slug, "/sanctions/999"), nil},
				{"POST", chanPath(slug, "/purge"), map[string]any{"subject": subj(pat)}},
				{"POST", chanPath(slug, "/undo"), map[string]any{"audit_id": 999}},
				{"GET", chanPath(slug, "/people/"+subj(pat)), nil},
				{"POST", chanPath(slug, "/people/"+subj(pat)+"/notes"), map[string]any{"body": "a note"}},
				{"GET", chanPath(slug, "/audit"), nil},
			}
		}
		check := func(who *apiClient, calls []call, allowed bool) {
			t.Helper()
			for _, c := range calls {
				r := who.do(c.method, c.path, c.body)
				switch {
				case !allowed && r.Status != http.StatusForbidden:
					t.Errorf("%s %s %s = %d, want 403: %s", who.user.Email, c.method, c.path, r.Status, r.Body)
				case allowed && (r.Status == http.StatusForbidden || r.Status == http.StatusUnauthorized || r.Status >= 500):
					t.Errorf("%s %s %s = %d, want it allowed: %s", who.user.Email, c.method, c.path, r.Status, r.Body)
				}
			}
		}
		check(pat, site, false)
		check(pat, manage("chan-a"), false)
		check(pat, moderate("chan-a"), false)
		check(mia, site, false)
		check(mia, manage("chan-a"), false) // filters of a channel are its hosts'
		check(mia, moderate("chan-b"), false)
		check(mia, moderate("chan-a"), true)
		check(mod, site, false)
		check(mod, moderate("chan-a"), true)
		check(mod, moderate("chan-b"), true)
		check(host, manage("chan-b"), true)
		check(host, site, false)
		check(admin, site, true)
		check(admin, manage("chan-a"), true)
		check(admin, moderate("chan-b"), true)
		// Reporting is for participants (the sanction above was a warning).
		pat.do("POST", chanPath("chan-b", "/messages/"+itoa(mb.ID)+"/report"), map[string]any{"reason": "spam"}).want(201)
		// No token at all: 401.
		anon := &apiClient{t: t, s: s}
		anon.do("GET", chanPath("chan-a", "/queue"), nil).wantError(401, "unauthorized", "")
	})
}

func TestAPIModActions(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		host := s.apiUser(t, "hana@example.org", model.RoleHost)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		kim := s.apiUser(t, "kim@example.org", model.RoleParticipant)
		mia := s.apiUser(t, "mia@example.org", model.RoleParticipant) // moderates "room" only
		host.createChannel(map[string]any{"slug": "room", "title": "Room"})
		s.grant(t, mia, model.RoleModerator, "room")
		for _, a := range []*apiClient{pat, kim, mia} {
			a.accept("room")
		}
		m := pat.post("room", map[string]any{"body": "hello all", "kind": "question"})

		// Hide, with a reason and a guideline; peers no longer see it.
		var done tModerated
		mia.do("POST", chanPath("room", "/messages/"+itoa(m.ID)+"/moderate"),
			map[string]any{"action": "hide", "reason": "off-topic", "guideline": "G2"}).want(200).into(&done)
		if done.AuditID == 0 || done.Message.ID != m.ID || done.Message.State != "hidden" || done.Message.ModReason != "off-topic" ||
			done.Message.AuthorUserID == nil {
			t.Errorf("hide: %+v", done)
		}
		if p := kim.messages("room", ""); len(p.Messages) != 0 {
			t.Errorf("peer sees a hidden message: %+v", p.Messages)
		}
		// Undo within the window: visible again; a second undo is refused.
		mia.do("POST", chanPath("room", "/undo"), map[string]any{"audit_id": done.AuditID}).want(204)
		if p := kim.messages("room", ""); len(p.Messages) != 1 || p.Messages[0].State != "visible" {
			t.Errorf("after undo: %+v", p.Messages)
		}
		mia.do("POST", chanPath("room", "/undo"), map[string]any{"audit_id": done.AuditID}).wantError(409, "already_undone", "")
		mia.do("POST", chanPath("room", "/undo"), map[string]any{}).wantError(422, "invalid", "audit_id")
		admin.do("POST", chanPath("room", "/undo"), map[string]any{"audit_id": done.AuditID}).wantError(404, "not_found", "")

		// Refusals.
		path := chanPath("room", "/messages/"+itoa(m.ID)+"/moderate")
		mia.do("POST", path, map[string]any{"action": "approve"}).wantError(409, "not_held", "")
		mia.do("POST", path, map[string]any{"action": "shout"}).wantError(422, "invalid", "action")
		mia.do("POST", path, map[string]any{"action": "hide", "guideline": "the one about kindness"}).wantError(422, "invalid", "guideline")
		mia.do("POST", path, map[string]any{"action": "hide", "why": "x"}).wantError(400, "bad_request", "")
		mia.do("POST", chanPath("room", "/messages/999999/moderate"), map[string]any{"action": "hide"}).wantError(404, "not_found", "")
		mia.do("POST", path, map[string]any{"action": "pin"}).want(200).into(&done)
		if !done.Message.Pinned {
			t.Error("pin did not pin")
		}

		// Mute: refused to post until lifted.
		var sn tSanction
		mia.do("POST", chanPath("room", "/sanctions"), map[string]any{"subject": subj(pat), "kind": "mute", "duration": "10m",
			"reason": "cool down", "guideline": "G3"}).want(201).into(&sn)
		if sn.AuditID == 0 || sn.Sanction.ID == 0 || sn.Sanction.Kind != "mute" || sn.Sanction.ExpiresAt == nil ||
			time.Until(*sn.Sanction.ExpiresAt) < 9*time.Minute || sn.Sanction.SiteWide || sn.Sanction.Reason != "cool down" {
			t.Errorf("mute %+v", sn)
		}
		pat.do("POST", chanPath("room", "/messages"), map[string]any{"body": "hello?"}).wantError(403, "muted", "")
		mia.do("POST", chanPath("room", "/sanctions"), map[string]any{"subject": subj(pat), "kind": "mute", "duration": "2m"}).wantError(422, "invalid", "duration")
		mia.do("POST", chanPath("room", "/sanctions"), map[string]any{"subject": subj(pat), "kind": "mute", "duration": "session"}).wantError(409, "no_live_session", "")
		mia.do("POST", chanPath("room", "/sanctions"), map[string]any{"subject": "pat", "kind": "warn"}).wantError(422, "invalid", "subject")
		mia.do("POST", chanPath("room", "/sanctions"), map[string]any{"subject": subj(pat), "kind": "ban", "site_wide": true}).wantError(403, "not_site_moderator", "")
		var lifted tSanction
		mia.do("DELETE", chanPath("room", "/sanctions/"+itoa(sn.Sanction.ID)), map[string]any{"reason": "apologised"}).want(200).into(&lifted)
		if lifted.Sanction.RevokedAt == nil || lifted.AuditID == 0 {
			t.Errorf("revoked %+v", lifted)
		}
		mia.do("DELETE", chanPath("room", "/sanctions/"+itoa(sn.Sanction.ID)), nil).wantError(409, "already_revoked", "")
		pat.post("room", map[string]any{"body": "sorry"})

		// Ban, site-wide (an admin): the channel is closed to them.
		var ban tSanction
		admin.do("POST", chanPath("room", "/sanctions"), map[string]any{"subject": subj(kim), "kind": "ban", "site_wide": true}).want(201).into(&ban)
		if !ban.Sanction.SiteWide || ban.Sanction.ChannelID != nil {
			t.Errorf("site-wide ban %+v", ban)
		}
		kim.do("GET", chanPath("room", "/messages"), nil).wantError(403, "not_a_member", "")
		kim.do("POST", chanPath("room", "/messages"), map[string]any{"body": "let me in"}).wantError(403, "not_a_member", "")
		mia.do("DELETE", chanPath("room", "/sanctions/"+itoa(ban.Sanction.ID)), nil).wantError(403, "not_site_moderator", "")
		admin.do("DELETE", chanPath("room", "/sanctions/"+itoa(ban.Sanction.ID)), nil).want(200)
		kim.messages("room", "")

		// Reports: one per person and message; they reach the queue.
		var rep struct {
			ID        int64  `json:"id"`
			MessageID int64  `json:"message_id"`
			Reason    string `json:"reason"`
		}
		kim.do("POST", chanPath("room", "/messages/"+itoa(m.ID)+"/report"), map[string]any{"reason": "spam"}).want(201).into(&rep)
		if rep.ID == 0 || rep.MessageID != m.ID || rep.Reason != "spam" {
			t.Errorf("report %+v", rep)
		}
		kim.do("POST", chanPath("room", "/messages/"+itoa(m.ID)+"/report"), map[string]any{"reason": "spam"}).wantError(409, "already_reported", "")
		kim.do("POST", chanPath("room", "/messages/"+itoa(m.ID)+"/report"), map[string]any{"reason": " "}).wantError(422, "invalid", "reason")
		var q tQueue
		mia.do("GET", chanPath("room", "/queue"), nil).want(200).into(&q)
		if len(q.Reports) != 1 || q.Reports[0].Message.ID != m.ID || len(q.Reports[0].Reports) != 1 || q.Reports[0].Reports[0].Reason != "spam" {
			t.Errorf("queue reports %+v", q.Reports)
		}
		// Held and flagged messages are in the queue with their reasons.
		admin.do("POST", "/api/v1/filters", map[string]any{"pattern": "badword", "action": "hold"}).want(201)
		admin.do("POST", "/api/v1/filters", map[string]any{"pattern": "meh", "action": "flag"}).want(201)
		held := pat.post("room", map[string]any{"body": "a badword"})
		flagged := pat.post("room", map[string]any{"body": "meh"})
		mia.do("GET", chanPath("room", "/queue"), nil).want(200).into(&q)
		if len(q.Held) != 1 || q.Held[0].ID != held.ID || q.Held[0].ModReason == "" || len(q.Held[0].RuleIDs) != 1 {
			t.Errorf("queue held %+v", q.Held)
		}
		if len(q.Flagged) != 1 || q.Flagged[0].ID != flagged.ID || !q.Flagged[0].Flagged {
			t.Errorf("queue flagged %+v", q.Flagged)
		}
		// Approving resolves; the queue empties.
		mia.do("POST", chanPath("room", "/messages/"+itoa(held.ID)+"/moderate"), map[string]any{"action": "approve"}).want(200)
		mia.do("POST", chanPath("room", "/messages/"+itoa(m.ID)+"/moderate"), map[string]any{"action": "delete"}).want(200)
		mia.do("GET", chanPath("room", "/queue"), nil).want(200).into(&q)
		if len(q.Held) != 0 || len(q.Reports) != 0 {
			t.Errorf("queue after approve and delete: %+v", q)
		}

		// Purge: every message of the person here.
		var purged struct {
			Hidden  int   `json:"hidden"`
			AuditID int64 `json:"audit_id"`
		}
		mia.do("POST", chanPath("room", "/purge"), map[string]any{"subject": subj(pat), "reason": "spam run"}).want(200).into(&purged)
		if purged.Hidden != 3 || purged.AuditID == 0 { // sorry, a badword (approved), meh
			t.Errorf("purge %+v", purged)
		}
		if p := kim.messages("room", ""); len(p.Messages) != 1 || p.Messages[0].State != "deleted" {
			t.Errorf("after purge kim sees %+v", p.Messages)
		}

		// Person card and notes; the email is for admins.
		var note struct {
			ID        int64  `json:"id"`
			Body      string `json:"body"`
			CreatedBy *int64 `json:"created_by"`
		}
		mia.do("POST", chanPath("room", "/people/"+subj(pat)+"/notes"), map[string]any{"body": "Spammed twice."}).want(201).into(&note)
		if note.ID == 0 || note.Body != "Spammed twice." || note.CreatedBy == nil || *note.CreatedBy != mia.user.ID {
			t.Errorf("note %+v", note)
		}
		mia.do("POST", chanPath("room", "/people/"+subj(pat)+"/notes"), map[string]any{"body": ""}).wantError(422, "invalid", "body")
		var card struct {
			Subject   string                  `json:"subject"`
			Name      string                  `json:"name"`
			Email     *string                 `json:"email"`
			Messages  []map[string]any        `json:"messages"`
			Sanctions []map[string]any        `json:"sanctions"`
			Active    []map[string]any        `json:"active"`
			Notes     []struct{ Body string } `json:"notes"`
		}
		mia.do("GET", chanPath("room", "/people/"+subj(pat)), nil).want(200).into(&card)
		if card.Subject != subj(pat) || card.Name != "pat" || card.Email != nil || len(card.Messages) != 4 ||
			len(card.Sanctions) != 1 || len(card.Active) != 0 || len(card.Notes) != 1 || card.Notes[0].Body != "Spammed twice." {
			t.Errorf("card %+v", card)
		}
		admin.do("GET", chanPath("room", "/people/"+subj(pat)), nil).want(200).into(&card)
		if card.Email == nil || *card.Email != "pat@example.org" {
			t.Errorf("admin's card lacks the email: %+v", card)
		}
		mia.do("GET", chanPath("room", "/people/u:999999"), nil).wantError(404, "not_found", "")
		mia.do("GET", chanPath("room", "/people/nobody"), nil).wantError(422, "invalid", "subject")
	})
}

func TestAPIAudit(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		host := s.apiUser(t, "hana@example.org", model.RoleHost)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		mia := s.apiUser(t, "mia@example.org", model.RoleParticipant)
		host.createChannel(map[string]any{"slug": "room", "title": "Room"})
		host.createChannel(map[string]any{"slug": "hall", "title": "Hall"})
		s.grant(t, mia, model.RoleModerator, "room")
		pat.accept("room")
		pat.accept("hall")
		m := pat.post("room", map[string]any{"body": "one"})
		pat.post("hall", map[string]any{"body": "two"})
		var done tModerated
		mia.do("POST", chanPath("room", "/messages/"+itoa(m.ID)+"/moderate"), map[string]any{"action": "hide", "reason": "rude", "guideline": "G1"}).want(200).into(&done)
		mia.do("POST", chanPath("room", "/sanctions"), map[string]any{"subject": subj(pat), "kind": "warn", "reason": "language"}).want(201)
		admin.do("POST", chanPath("hall", "/sanctions"), map[string]any{"subject": subj(pat), "kind": "warn"}).want(201)

		var log tAudit
		admin.do("GET", "/api/v1/audit?action=message.hide", nil).want(200).into(&log)
		if len(log.Entries) != 1 {
			t.Fatalf("audit %+v", log)
		}
		e := log.Entries[0]
		var before, after map[string]any
		_ = json.Unmarshal(e.Before, &before)
		_ = json.Unmarshal(e.After, &after)
		if e.ID != done.AuditID || e.ActorID == nil || *e.ActorID != mia.user.ID || e.Actor != "mia" || e.TargetType != "message" ||
			e.TargetID != itoa(m.ID) || e.Channel == nil || *e.Channel != "room" || e.Reason != "rude" || e.Guideline != "G1" ||
			before["state"] != "visible" || after["state"] != "hidden" || e.UndoneAt != nil {
			t.Errorf("entry %+v (before %v, after %v)", e, before, after)
		}
		// Filters: actor, target, channel; paging.
		admin.do("GET", "/api/v1/audit?actor="+itoa(mia.user.ID), nil).want(200).into(&log)
		if len(log.Entries) != 3 || log.Entries[0].Action != "user.warn" || log.Entries[2].Action != "token.create" {
			t.Errorf("by actor: %+v", log.Entries)
		}
		admin.do("GET", "/api/v1/audit?target=message:"+itoa(m.ID), nil).want(200).into(&log)
		if len(log.Entries) != 1 {
			t.Errorf("by target: %+v", log.Entries)
		}
		admin.do("GET", "/api/v1/audit?channel=hall&action=user.warn", nil).want(200).into(&log)
		if len(log.Entries) != 1 || *log.Entries[0].ActorID != admin.user.ID {
			t.Errorf("by channel: %+v", log.Entries)
		}
		admin.do("GET", "/api/v1/audit?channel=nowhere", nil).wantError(400, "bad_request", "")
		admin.do("GET", "/api/v1/audit?limit=x", nil).wantError(400, "bad_request", "")
		var p1, p2 tAudit
		admin.do("GET", "/api/v1/audit?limit=1", nil).want(200).into(&p1)
		admin.do("GET", "/api/v1/audit?limit=1&offset=1", nil).want(200).into(&p2)
		if len(p1.Entries) != 1 || !p1.HasMore || len(p2.Entries) != 1 || p2.Entries[0].ID >= p1.Entries[0].ID {
			t.Errorf("paging: %+v then %+v", p1, p2)
		}
		// A channel's log: its entries only, for its staff.
		mia.do("GET", chanPath("room", "/audit"), nil).want(200).into(&log)
		for _, e := range log.Entries {
			if e.Channel == nil || *e.Channel != "room" {
				t.Errorf("room's log holds %+v", e)
			}
		}
		if len(log.Entries) < 2 {
			t.Errorf("room's log: %+v", log.Entries)
		}
		mia.do("GET", chanPath("hall", "/audit"), nil).wantError(403, "forbidden", "")
		mia.do("GET", "/api/v1/audit", nil).wantError(403, "forbidden", "")
		pat.do("GET", chanPath("room", "/audit"), nil).wantError(403, "forbidden", "")
	})
}
