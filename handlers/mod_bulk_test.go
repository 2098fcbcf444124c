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

// tBulk is the answer of POST /api/v1/mod/messages/bulk.
type tBulk struct {
	Results []struct {
		ID      int64  `json:"id"`
		OK      bool   `json:"ok"`
		AuditID int64  `json:"audit_id"`
		Channel string `json:"channel"`
		State   string `json:"state"`
		Error   *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	} `json:"results"`
	Done   int `json:"done"`
	Failed int `json:"failed"`
}

// auditsOf counts the audit rows of action on message id.
func auditsOf(t *testing.T, s *testServer, action string, id int64) int {
	t.Helper()
	es, err := store.ListAudit(context.Background(), s.DB, store.AuditFilter{Action: action, TargetType: "message",
		TargetID: strconv.FormatInt(id, 10)})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// A bulk action through the JSON API: each message is acted on and audited
// on its own; one the state does not allow, one in a channel the caller does
// not moderate and one that does not exist fail alone, with a reason.
func TestAPIModBulk(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		m := newModSetup(t, s)
		mod := s.apiUser(t, "mod-api@example.org", model.RoleParticipant)
		if err := s.Authz.Grant(context.Background(), mod.user.ID, model.RoleModerator, "alpha"); err != nil {
			t.Fatal(err)
		}
		held := []int64{
			m.post(t, m.author, "alpha", "first held"),
			m.post(t, m.author, "alpha", "second held"),
			m.post(t, m.author, "alpha", "third held"),
		}
		approved := m.post(t, m.author, "alpha", "approved already")
		if r := act(m.modA, "alpha", approved, "approve", false, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("approve = %d", r.Status)
		}
		m.author.accept("beta")
		inBeta := m.post(t, m.author, "beta", "in beta, not moderated by the caller")

		ids := append([]int64{}, held[0], approved, held[1], inBeta, 999999, held[2], held[0])
		var out tBulk
		mod.do("POST", "/api/v1/mod/messages/bulk", map[string]any{"ids": ids, "action": "deny", "reason": "off topic"}).want(200).into(&out)
		if out.Done != 3 || out.Failed != 3 || len(out.Results) != 6 {
			t.Fatalf("bulk deny = %+v, want 3 done and 3 failed, one result per distinct id", out)
		}
		wantCode := map[int64]string{approved: "not_held", inBeta: "not_a_moderator", 999999: "not_found"}
		for i, r := range out.Results {
			if r.ID != ids[i] {
				t.Errorf("result %d is message %d, want %d (the order given)", i, r.ID, ids[i])
			}
			code, fails := wantCode[r.ID]
			switch {
			case fails && (r.OK || r.Error == nil || r.Error.Code != code || r.Error.Message == ""):
				t.Errorf("message %d: %+v, want refused with %s and a reason", r.ID, r, code)
			case !fails && (!r.OK || r.AuditID == 0 || r.State != "denied" || r.Channel != "alpha"):
				t.Errorf("message %d: %+v, want denied with an audit id", r.ID, r)
			}
		}
		for _, id := range held {
			if n := auditsOf(t, s, "message.deny", id); n != 1 {
				t.Errorf("message %d has %d deny audit rows, want 1", id, n)
			}
			if message(m.peer, "alpha", id).Length() != 0 {
				t.Errorf("a participant sees denied message %d", id)
			}
		}
		for _, id := range []int64{approved, inBeta} {
			if n := auditsOf(t, s, "message.deny", id); n != 0 {
				t.Errorf("refused message %d has %d deny audit rows", id, n)
			}
		}
		if message(m.peer, "alpha", approved).Length() != 1 || message(m.peer, "beta", inBeta).Length() != 1 {
			t.Error("a refused message changed")
		}

		// Bad input fails as a whole and changes nothing.
		mod.do("POST", "/api/v1/mod/messages/bulk", map[string]any{"ids": []int64{approved}, "action": "pin"}).wantError(422, "invalid", "action")
		mod.do("POST", "/api/v1/mod/messages/bulk", map[string]any{"ids": []int64{}, "action": "hide"}).wantError(422, "invalid", "ids")
		mod.do("POST", "/api/v1/mod/messages/bulk", map[string]any{"ids": "1,2", "action": "hide"}).wantError(400, "bad_request", "")
		if n := auditsOf(t, s, "message.hide", approved); n != 0 {
			t.Errorf("bad input hid a message (%d audit rows)", n)
		}
	})
}

// The wall's bulk form (without and with htmx): held messages approved in
// one go reach the participants' page, each audited once; one refused
// comes back with its reason, the others are done.
func TestModBulkForm(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		m := newModSetup(t, s)
		a := m.post(t, m.author, "alpha", "bulk one")
		b := m.post(t, m.author, "alpha", "bulk two")
		c := m.post(t, m.author, "alpha", "bulk three")
		m.author.accept("beta")
		inBeta := m.post(t, m.author, "beta", "beta message")
		wall := m.modA.get("/mod")
		if wall.Doc.Find("form#wall-bulk[action='/mod/messages/bulk']").Length() != 1 {
			t.Fatal("no bulk form on the wall")
		}
		box := wall.Doc.Find("#wh-" + strconv.FormatInt(a, 10) + " input[type=checkbox][name=id][form=wall-bulk]")
		if box.AttrOr("value", "") != strconv.FormatInt(a, 10) || !strings.Contains(box.Parent().Text(), "Select the message from") {
			t.Fatalf("held row's checkbox: %d found, value %q, label %q", box.Length(), box.AttrOr("value", ""), box.Parent().Text())
		}

		// Without JavaScript: approve a and b; beta's message is refused alone.
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		r := m.modA.post("/mod/messages/bulk", url.Values{"id": {id(a), id(inBeta), id(b)}, "action": {"approve"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/mod" {
			t.Fatalf("bulk approve = %d → %q", r.Status, r.Header.Get("Location"))
		}
		flash := m.modA.get("/mod").Doc.Find("#flash").Text()
		if !strings.Contains(flash, "Approved 2 messages") || !strings.Contains(flash, "You do not moderate") {
			t.Errorf("flash after the bulk approve: %q", flash)
		}
		for _, n := range []int64{a, b} {
			if message(m.peer, "alpha", n).Length() != 1 {
				t.Errorf("participant does not see approved message %d", n)
			}
			if k := auditsOf(t, s, "message.approve", n); k != 1 {
				t.Errorf("message %d has %d approve audit rows", n, k)
			}
		}
		if message(m.peer, "beta", inBeta).Find("[data-testid=mod-state]").Length() != 0 || auditsOf(t, s, "message.approve", inBeta) != 0 {
			t.Error("the message in a channel the moderator does not moderate was acted on")
		}

		// With htmx: hide c and deny a (approved now: refused, with its reason on its row).
		r = m.modA.post("/mod/messages/bulk", url.Values{"id": {id(c), id(a)}, "action": {"deny"}}, "HX-Request", "true")
		if r.Status != http.StatusOK {
			t.Fatalf("htmx bulk deny = %d", r.Status)
		}
		var trig map[string]struct {
			Message string `json:"message"`
			Done    int    `json:"done"`
			Failed  int    `json:"failed"`
		}
		if err := json.Unmarshal([]byte(r.Header.Get("HX-Trigger")), &trig); err != nil {
			t.Fatalf("HX-Trigger %q: %v", r.Header.Get("HX-Trigger"), err)
		}
		if d := trig["mod:bulk"]; d.Done != 1 || d.Failed != 1 || !strings.Contains(d.Message, "Denied 1 message") || !strings.Contains(d.Message, "Only held messages can be denied") {
			t.Errorf("mod:bulk = %+v", d)
		}
		if r.Doc.Find("hx-partial[hx-target='#wh-"+id(c)+"'] li.is-resolved").Length() != 1 {
			t.Error("the denied row does not come back resolved")
		}
		if got := r.Doc.Find("hx-partial[hx-target='#wh-" + id(a) + "'] [role=alert]").Text(); !strings.Contains(got, "Only held messages can be denied") {
			t.Errorf("the refused row says %q", got)
		}
		if message(m.peer, "alpha", c).Length() != 0 || auditsOf(t, s, "message.deny", c) != 1 || auditsOf(t, s, "message.deny", a) != 0 {
			t.Error("the htmx bulk deny did not act on exactly the held message")
		}

		// No selection, or no such action: a clear refusal, nothing changes.
		r = m.modA.post("/mod/messages/bulk", url.Values{"action": {"approve"}}, "HX-Request", "true")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Header.Get("HX-Trigger"), "Select at least one message") {
			t.Errorf("empty bulk = %d %q", r.Status, r.Header.Get("HX-Trigger"))
		}
		r = m.modA.post("/mod/messages/bulk", url.Values{"id": {id(c)}, "action": {"delete"}})
		if r.Status != http.StatusSeeOther || !strings.Contains(m.modA.get("/mod").Doc.Find("#flash").Text(), "Choose approve, deny or hide") {
			t.Errorf("bulk delete = %d", r.Status)
		}
	})
}
