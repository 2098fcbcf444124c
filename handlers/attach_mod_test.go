package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backchannel/model"
	"backchannel/store"
)

// attachRig is a channel "alpha" with a host, a moderator and two
// participants who accepted its guidelines.
type attachRig struct {
	s         *testServer
	host, mod *apiClient
	ada, bob  *apiClient
	admin     *apiClient
	channelID int64
}

func newAttachRig(t *testing.T, s *testServer) *attachRig {
	t.Helper()
	r := &attachRig{s: s}
	r.host = s.apiUser(t, "host@example.org", model.RoleHost)
	r.mod = s.apiUser(t, "mod@example.org", model.RoleModerator)
	r.admin = s.apiUser(t, "admin@example.org", model.RoleAdmin)
	r.ada = s.apiUser(t, "ada@example.org", model.RoleParticipant)
	r.bob = s.apiUser(t, "bob@example.org", model.RoleParticipant)
	ch := r.host.createChannel(map[string]any{"slug": "alpha", "title": "Alpha"})
	r.channelID = ch.ID
	for _, c := range []*apiClient{r.ada, r.bob, r.mod, r.host} {
		c.accept("alpha")
	}
	return r
}

// uploadID uploads a file as c and returns its id.
func uploadID(t *testing.T, c *apiClient, name string, data []byte) int64 {
	t.Helper()
	var u uploadJSON
	c.upload(name, data).want(http.StatusCreated).into(&u)
	return u.ID
}

func (r *attachRig) message(t *testing.T, id int64) *model.Message {
	t.Helper()
	m, err := store.MessageByID(context.Background(), r.s.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestChannelAttachmentsSetting(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		r := newAttachRig(t, s)

		// The host turns attachments off for participants on the settings
		// page; the change is audited like the other settings.
		hb := s.browser(t)
		hb.signIn("host@example.org")
		page := hb.get("/c/alpha/settings")
		if sel := page.Doc.Find(`select[name=attachments_mode] option[selected]`); sel.AttrOr("value", "") != "allowed" {
			t.Errorf("settings page attachments = %q", sel.AttrOr("value", ""))
		}
		if page.Doc.Find(`label[for=f-attachments_mode]`).Length() != 1 {
			t.Error("attachments setting has no label")
		}
		res := hb.post("/c/alpha/settings", url.Values{"title": {"Alpha"}, "visibility": {"public"}, "posting_mode": {"open"},
			"slow_mode_seconds": {"0"}, "max_length": {"500"}, "premod_mode": {"off"}, "attachments_mode": {"staff"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("save settings = %d %s", res.Status, res.Doc.Find(".field-error").Text())
		}
		es, err := store.ListAudit(ctx, s.DB, store.AuditFilter{Action: "channel.update"})
		if err != nil || len(es) != 1 || !strings.Contains(es[0].Before, `"attachments_mode":"allowed"`) ||
			!strings.Contains(es[0].After, `"attachments_mode":"staff"`) {
			t.Fatalf("audit = %+v, %v", es, err)
		}
		res = hb.post("/c/alpha/settings", url.Values{"title": {"Alpha"}, "visibility": {"public"}, "posting_mode": {"open"},
			"slow_mode_seconds": {"0"}, "max_length": {"500"}, "premod_mode": {"off"}, "attachments_mode": {"everyone"}})
		if res.Status != http.StatusUnprocessableEntity || res.Doc.Find("#e-attachments_mode").Length() != 1 {
			t.Errorf("bad attachments mode = %d", res.Status)
		}

		// Off for participants: a clear refusal naming the setting, nothing
		// posted, the upload still unattached; text alone still posts.
		before := s.countMessages(t, r.channelID)
		f := uploadID(t, r.ada, "notes.txt", []byte("notes\n"))
		var e apiErr
		r.ada.do("POST", chanPath("alpha", "/messages"), map[string]any{"body": "with a file", "attachments": []int64{f}}).
			want(http.StatusForbidden).into(&e)
		if e.Error.Code != "attachments_off" || !strings.Contains(e.Error.Message, "Attachments: staff only") {
			t.Errorf("refusal = %+v", e)
		}
		if n := s.countMessages(t, r.channelID); n != before {
			t.Errorf("messages %d → %d after a refused post", before, n)
		}
		if a, err := store.Attachment(ctx, s.DB, f); err != nil || a.Attached() {
			t.Errorf("refused upload = %+v, %v", a, err)
		}
		r.ada.post("alpha", map[string]any{"body": "text only"})
		// Hosts and moderators still attach.
		r.mod.post("alpha", map[string]any{"body": "slides", "attachments": []int64{uploadID(t, r.mod, "s.txt", []byte("s\n"))}})
		r.host.post("alpha", map[string]any{"body": "slides", "attachments": []int64{uploadID(t, r.host, "h.txt", []byte("h\n"))}})

		// The API reads and writes the setting too; a bad value is a 422.
		var ch struct {
			AttachmentsMode string `json:"attachments_mode"`
		}
		r.host.do("PATCH", chanPath("alpha"), map[string]any{"attachments_mode": "review"}).want(http.StatusOK).into(&ch)
		if ch.AttachmentsMode != "review" {
			t.Errorf("PATCH answer attachments_mode = %q", ch.AttachmentsMode)
		}
		r.host.do("PATCH", chanPath("alpha"), map[string]any{"attachments_mode": "sometimes"}).wantError(422, "invalid", "attachments_mode")
		r.ada.do("PATCH", chanPath("alpha"), map[string]any{"attachments_mode": "allowed"}).want(http.StatusForbidden)

		// Review: a participant's message with a file is held with the
		// reason the wall shows; without files, or from staff, it is not.
		held := r.ada.post("alpha", map[string]any{"body": "my photo", "attachments": []int64{f}})
		if m := r.message(t, held.ID); m.State != model.StateHeld || m.ModReason != model.ReviewReason {
			t.Errorf("reviewed post: state %s reason %q", m.State, m.ModReason)
		}
		if p := r.ada.post("alpha", map[string]any{"body": "no file"}); r.message(t, p.ID).State != model.StateVisible {
			t.Error("a post without files was held")
		}
		staff := r.mod.post("alpha", map[string]any{"body": "mine", "attachments": []int64{uploadID(t, r.mod, "m.txt", []byte("m\n"))}})
		if r.message(t, staff.ID).State != model.StateVisible {
			t.Error("staff post held for review")
		}
		// The held message's file is staff-only meanwhile.
		r.bob.do("GET", fmt.Sprintf("/files/%d/notes.txt", f), nil).want(http.StatusNotFound)
		r.mod.do("GET", fmt.Sprintf("/files/%d/notes.txt", f), nil).want(http.StatusOK)
	})
}

func TestAttachmentNamesFiltered(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		r := newAttachRig(t, s)
		for _, rule := range []map[string]any{
			{"pattern": "blorpish", "action": "block", "guideline": "G3"},
			{"pattern": "quarantinez", "action": "hold"},
			{"pattern": "snarkle", "action": "mask"},
			{"pattern": "wobblex", "action": "flag"},
		} {
			r.admin.do("POST", "/api/v1/filters", rule).want(http.StatusCreated)
		}
		ruleID := func(pattern string) int64 {
			rs, err := store.ListFilterRules(ctx, s.DB)
			if err != nil {
				t.Fatal(err)
			}
			for _, fr := range rs {
				if fr.Pattern == pattern {
					return fr.ID
				}
			}
			t.Fatalf("no rule %s", pattern)
			return 0
		}

		// Block: refused with the usual message, naming the file name;
		// nothing posted, nothing attached.
		before := s.countMessages(t, r.channelID)
		bad := uploadID(t, r.ada, "blorpish-notes.txt", []byte("x\n"))
		ok := uploadID(t, r.ada, "fine.txt", []byte("y\n"))
		var e apiErr
		r.ada.do("POST", chanPath("alpha", "/messages"), map[string]any{"body": "a clean body", "attachments": []int64{ok, bad}}).
			want(http.StatusUnprocessableEntity).into(&e)
		if e.Error.Code != "blocked_by_filter" || !strings.Contains(e.Error.Message, "a file name goes against guideline G3") {
			t.Errorf("blocked name = %+v", e)
		}
		if n := s.countMessages(t, r.channelID); n != before {
			t.Errorf("messages %d → %d after a blocked name", before, n)
		}
		if a, _ := store.Attachment(ctx, s.DB, ok); a.Attached() {
			t.Error("a blocked post attached a file")
		}

		// Hold: the message is held, with the file name in the reason.
		held := r.ada.post("alpha", map[string]any{"body": "a clean body", "attachments": []int64{uploadID(t, r.ada, "quarantinez.txt", []byte("z\n"))}})
		if m := r.message(t, held.ID); m.State != model.StateHeld || !strings.Contains(m.ModReason, "quarantinez.txt") ||
			m.RuleIDs != fmt.Sprint(ruleID("quarantinez")) {
			t.Errorf("held by name: state %s reason %q rules %q", m.State, m.ModReason, m.RuleIDs)
		}

		// Flag: posted, flagged with the rule's id.
		flagged := r.ada.post("alpha", map[string]any{"body": "a clean body", "attachments": []int64{uploadID(t, r.ada, "wobblex.txt", []byte("w\n"))}})
		if m := r.message(t, flagged.ID); m.State != model.StateVisible || !m.Flagged || m.RuleIDs != fmt.Sprint(ruleID("wobblex")) {
			t.Errorf("flagged by name: state %s flagged %v rules %q", m.State, m.Flagged, m.RuleIDs)
		}

		// Mask: the stored display name is starred out; the body stays.
		maskedID := uploadID(t, r.ada, "snarkle-plan.txt", []byte("p\n"))
		masked := r.ada.post("alpha", map[string]any{"body": "plan attached", "attachments": []int64{maskedID}})
		a, err := store.Attachment(ctx, s.DB, maskedID)
		if err != nil || a.Name != "*******-plan.txt" || r.message(t, masked.ID).Body != "plan attached" {
			t.Errorf("masked name = %q, %v", a.Name, err)
		}

		// The strongest verdict of body and names wins: a flagged body and a
		// held name hold the message.
		both := r.ada.post("alpha", map[string]any{"body": "wobblex body", "attachments": []int64{uploadID(t, r.ada, "quarantinez-2.txt", []byte("q\n"))}})
		if m := r.message(t, both.ID); m.State != model.StateHeld {
			t.Errorf("flag body + hold name: state %s", m.State)
		}
		// Staff names are not filtered, as their bodies are not.
		sp := r.mod.post("alpha", map[string]any{"body": "ok", "attachments": []int64{uploadID(t, r.mod, "blorpish.txt", []byte("m\n"))}})
		if r.message(t, sp.ID).State != model.StateVisible {
			t.Error("staff file name filtered")
		}
	})
}
