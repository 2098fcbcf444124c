package handlers_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"backchannel/export"
)

// The staff exports (Markdown, CSV, JSON; page and API) carry the
// moderation the staff transcript shows: who, what, when, reason and
// guideline, per message and for the rest of the session. The participant
// version carries none.
func TestTranscriptStaffExportsCarryModeration(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		f := s.classSession(t)
		host := s.browser(t)
		host.signIn(f.host.Email)
		pat := s.browser(t)
		pat.signIn("alice@example.org")
		base := "physics-101-session-" + strconv.FormatInt(f.sess.ID, 10)

		// JSON.
		var doc export.Document
		if err := json.Unmarshal(exportOf(t, host, f.path("/export/json?view=staff"), base+"-staff.json"), &doc); err != nil {
			t.Fatal(err)
		}
		var hid export.Message
		for _, m := range doc.Flatten() {
			if m.ID == f.ids["hid"] {
				hid = m
			}
		}
		if len(hid.Actions) != 1 {
			t.Fatalf("json: actions of the hidden message = %+v", hid.Actions)
		}
		a := hid.Actions[0]
		if a.Who != "mo" || a.What != "message.hide" || a.Reason != "test" || a.Guideline != "G2" || a.When.IsZero() {
			t.Errorf("json: action = %+v", a)
		}
		var shadow *export.Action
		for i, x := range doc.Activity {
			if x.What == "user.shadow_mute" {
				shadow = &doc.Activity[i]
			}
		}
		if shadow == nil || shadow.Who != "mo" || shadow.Target != "eve" || shadow.Guideline != "G1" || shadow.When.IsZero() {
			t.Errorf("json: activity = %+v", doc.Activity)
		}
		line := a.Line()
		if !strings.HasSuffix(line, "message.hide by mo — reason: test · guideline: G2") || !strings.HasPrefix(line, a.When.UTC().Format("2006-01-02 15:04")) {
			t.Errorf("line = %q", line)
		}

		// CSV: the message's moderation cell, and the session's other
		// moderation as rows of kind "moderation".
		rows, err := csv.NewReader(bytes.NewReader(exportOf(t, host, f.path("/export/csv?view=staff"), base+"-staff.csv"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		var cell string
		var activity []string
		for _, r := range rows[1:] {
			if r[col["id"]] == itoa(f.ids["hid"]) {
				cell = r[col["moderation"]]
			}
			if r[col["kind"]] == "moderation" {
				activity = append(activity, r[col["moderation"]])
			}
		}
		if cell != line {
			t.Errorf("csv: moderation of the hidden message = %q, want %q", cell, line)
		}
		if !strings.Contains(strings.Join(activity, "\n"), shadow.Line()) {
			t.Errorf("csv: activity rows = %q", activity)
		}

		// Markdown: under the message, and a section for the rest.
		md := string(exportOf(t, host, f.path("/export/md?view=staff"), base+"-staff.md"))
		if !strings.Contains(md, "Buy cheap essays\n  - 🛡 "+line+"\n") {
			t.Errorf("md: no action under the hidden message:\n%s", md)
		}
		if i := strings.Index(md, "## Other moderation during the session"); i < 0 || !strings.Contains(md[i:], "- "+strings.ReplaceAll(shadow.Line(), "_", `\_`)) {
			t.Errorf("md: no activity section:\n%s", md)
		}

		// The participant version carries none of it.
		for _, format := range []string{"md", "csv", "json"} {
			body := string(exportOf(t, pat, f.path("/export/"+format+"?view=participant"), base+"-participant."+format))
			if strings.Contains(body, "message.hide") || strings.Contains(body, "shadow_mute") || strings.Contains(body, "🛡") {
				t.Errorf("participant %s shows moderation", format)
			}
		}

		// The API: the same document.
		token, _, err := s.Accounts.CreateAPIToken(t.Context(), f.host.ID, "t")
		if err != nil {
			t.Fatal(err)
		}
		api := &apiClient{t: t, s: s, user: f.host, token: token}
		var viaAPI export.Document
		api.do("GET", "/api/v1/channels/physics-101/sessions/"+itoa(f.sess.ID)+"/transcript?view=staff", nil).want(http.StatusOK).into(&viaAPI)
		n := 0
		for _, m := range viaAPI.Flatten() {
			n += len(m.Actions)
		}
		if n == 0 || len(viaAPI.Activity) == 0 {
			t.Errorf("API staff transcript: %d actions, %d activity", n, len(viaAPI.Activity))
		}
	})
}
