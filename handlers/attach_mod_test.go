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
	"backchannel/views"
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

// postFiles posts a message with files as c and returns its id and the
// files' ids.
func postFiles(t *testing.T, c *apiClient, body string, files map[string][]byte, order ...string) (int64, []int64) {
	t.Helper()
	var ids []int64
	for _, name := range order {
		ids = append(ids, uploadID(t, c, name, files[name]))
	}
	return c.post("alpha", map[string]any{"body": body, "attachments": ids}).ID, ids
}

func TestModRemoveAttachment(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		r := newAttachRig(t, s)
		r.host.createChannel(map[string]any{"slug": "beta", "title": "Beta"})
		files := map[string][]byte{"board.png": testPNG(t, 64, 48), "notes.txt": []byte("notes\n")}
		mid, ids := postFiles(t, r.ada, "see the board", files, "board.png", "notes.txt")
		img, txt := ids[0], ids[1]
		imgURL := fmt.Sprintf("/files/%d/board.png", img)
		r.bob.do("GET", imgURL, nil).want(http.StatusOK)
		removePath := func(slug string, id int64) string { return chanPath(slug, fmt.Sprintf("/attachments/%d/remove", id)) }

		// Only moderators of the channel remove files.
		r.ada.do("POST", removePath("alpha", img), nil).want(http.StatusForbidden)
		r.host.do("POST", removePath("alpha", img), nil).want(http.StatusForbidden)
		r.mod.do("POST", removePath("beta", img), nil).want(http.StatusNotFound)
		r.mod.do("POST", removePath("alpha", 999999), nil).want(http.StatusNotFound)
		r.mod.do("POST", removePath("alpha", img), map[string]any{"reason": strings.Repeat("x", 501)}).wantError(422, "invalid", "reason")
		r.bob.do("GET", imgURL, nil).want(http.StatusOK)

		var out struct {
			Message struct {
				ID          int64        `json:"id"`
				Body        string       `json:"body"`
				Attachments []uploadJSON `json:"attachments"`
			} `json:"message"`
			AuditID int64 `json:"audit_id"`
		}
		r.mod.do("POST", removePath("alpha", img), map[string]any{"reason": "photo of a student"}).want(http.StatusOK).into(&out)
		if out.Message.ID != mid || out.Message.Body != "see the board" || len(out.Message.Attachments) != 1 ||
			out.Message.Attachments[0].ID != txt || out.AuditID == 0 {
			t.Errorf("remove answer = %+v", out)
		}
		// Gone for everyone, its bytes deleted from storage; the text stays.
		for _, c := range []*apiClient{r.ada, r.bob, r.mod, r.admin} {
			c.do("GET", imgURL, nil).want(http.StatusNotFound)
			c.do("GET", fmt.Sprintf("/files/thumbs/%d", img), nil).want(http.StatusNotFound)
		}
		for _, v := range []string{"original", "thumb"} {
			if _, err := store.Chunk(ctx, s.DB, model.AttachmentObjectKey(img, v), 0); !isNotFound(err) {
				t.Errorf("%s bytes after removal: %v", v, err)
			}
		}
		if r.message(t, mid).Body != "see the board" {
			t.Error("the text changed")
		}
		r.bob.do("GET", fmt.Sprintf("/files/%d/notes.txt", txt), nil).want(http.StatusOK)
		r.mod.do("POST", removePath("alpha", img), nil).want(http.StatusNotFound)
		// The audit names the file; the channel's readers were told the
		// message changed.
		es, err := store.ListAudit(ctx, s.DB, store.AuditFilter{Action: "attachment.remove"})
		if err != nil || len(es) != 1 || es[0].Reason != "photo of a student" ||
			es[0].Before != fmt.Sprintf(`{"id":%d,"name":"board.png","type":"image/png","size":%d,"message_id":%d}`, img, mustSize(t, s, img), mid) {
			t.Fatalf("audit = %+v, %v", es, err)
		}
		adm := s.browser(t)
		adm.signIn("admin@example.org")
		if page := adm.get("/admin/audit"); !strings.Contains(page.Body, "attachment.remove") || !strings.Contains(page.Body, "board.png") {
			t.Error("the admin audit page does not name the removed file")
		}
		if ev, err := s.DB.NewSelect().Model((*model.ChannelEvent)(nil)).Where("channel_id = ?", r.channelID).Where("message_id = ?", mid).
			Where("kind = ?", model.EventMessageUpdated).Count(ctx); err != nil || ev != 1 {
			t.Errorf("message.updated events = %d, %v", ev, err)
		}

		// The wall's page route: with htmx the answer is the card without
		// the file.
		mb := s.browser(t)
		mb.signIn("mod@example.org")
		mb.get("/mod")
		res := mb.post(fmt.Sprintf("/mod/c/alpha/attachments/%d/remove", txt), url.Values{"list": {"incoming"}}, "HX-Request", "true")
		if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("HX-Trigger"), "File removed") ||
			res.Doc.Find("[data-testid=wall-body]").Text() != "see the board" || res.Doc.Find("[data-testid=wall-files]").Length() != 0 {
			t.Errorf("page remove = %d %s", res.Status, res.Body)
		}
		r.bob.do("GET", fmt.Sprintf("/files/%d/notes.txt", txt), nil).want(http.StatusNotFound)
		// Again: a toast saying so, and the card stays as it is.
		res = mb.post(fmt.Sprintf("/mod/c/alpha/attachments/%d/remove", txt), url.Values{"list": {"incoming"}}, "HX-Request", "true")
		if res.Status != http.StatusNotFound || !strings.Contains(res.Header.Get("HX-Trigger"), "mod:error") || res.Header.Get("HX-Reswap") != "none" {
			t.Errorf("second page remove = %d %v", res.Status, res.Header)
		}
		pb := s.browser(t)
		pb.signIn("ada@example.org")
		if res := pb.post(fmt.Sprintf("/mod/c/alpha/attachments/%d/remove", img), nil); res.Status != http.StatusForbidden {
			t.Errorf("participant page remove = %d", res.Status)
		}

		// Deleting and purging messages: their audit rows name the files.
		del, _ := postFiles(t, r.ada, "delete me", map[string][]byte{"d.txt": []byte("d\n")}, "d.txt")
		r.mod.do("POST", chanPath("alpha", fmt.Sprintf("/messages/%d/moderate", del)), map[string]any{"action": "delete"}).want(http.StatusOK)
		es, _ = store.ListAudit(ctx, s.DB, store.AuditFilter{Action: "message.delete"})
		if len(es) != 1 || !strings.Contains(es[0].After, `"files":[{"id":`) || !strings.Contains(es[0].After, `"name":"d.txt"`) {
			t.Errorf("delete audit = %+v", es)
		}
		purgedMsg, purgedIDs := postFiles(t, r.bob, "purge me", map[string][]byte{"p.txt": []byte("p\n")}, "p.txt")
		var purge struct {
			AuditID int64 `json:"audit_id"`
		}
		r.mod.do("POST", chanPath("alpha", "/purge"), map[string]any{"subject": fmt.Sprintf("u:%d", r.bob.user.ID)}).want(http.StatusOK).into(&purge)
		es, _ = store.ListAudit(ctx, s.DB, store.AuditFilter{Action: "user.purge"})
		if len(es) != 1 || !strings.Contains(es[0].After, `"name":"p.txt"`) || !strings.Contains(es[0].After, `"messages":1`) {
			t.Errorf("purge audit = %+v", es)
		}
		// A purge removes the files with their bytes, for staff too; its
		// undo brings the message back, not the file.
		r.mod.do("GET", fmt.Sprintf("/files/%d/p.txt", purgedIDs[0]), nil).want(http.StatusNotFound)
		if _, err := store.Chunk(ctx, s.DB, model.AttachmentObjectKey(purgedIDs[0], "original"), 0); !isNotFound(err) {
			t.Errorf("purged file's bytes: %v", err)
		}
		r.mod.do("POST", chanPath("alpha", "/undo"), map[string]any{"audit_id": purge.AuditID}).want(http.StatusNoContent)
		if r.message(t, purgedMsg).State != model.StateVisible {
			t.Error("undo did not bring the purged message back")
		}
		r.bob.do("GET", fmt.Sprintf("/files/%d/p.txt", purgedIDs[0]), nil).want(http.StatusNotFound)
	})
}

func mustSize(t *testing.T, s *testServer, id int64) int64 {
	t.Helper()
	a, err := store.Attachment(context.Background(), s.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Size
}

func TestWallAttachmentsAndBlurSetting(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		r := newAttachRig(t, s)
		mid, ids := postFiles(t, r.ada, "look", map[string][]byte{"board.png": testPNG(t, 64, 48), "notes.txt": []byte("n\n")},
			"board.png", "notes.txt")
		mb := s.browser(t)
		mb.signIn("mod@example.org")

		// Blurred by default; the card shows the thumbnail, the file card
		// and a Remove button per file.
		page := mb.get("/mod")
		if !page.Doc.Find("#wall").HasClass("wall-blur") {
			t.Error("wall not blurred by default")
		}
		if _, ok := page.Doc.Find("[data-testid=blur-toggle]").Attr("checked"); !ok {
			t.Error("blur checkbox unchecked by default")
		}
		card := page.Doc.Find("#" + views.WallItemID(views.ListIncoming, mid))
		if src := card.Find(".attachment-image img").AttrOr("src", ""); src != fmt.Sprintf("/files/thumbs/%d", ids[0]) {
			t.Errorf("wall thumbnail src = %q", src)
		}
		if name := card.Find(".attachment-file .attachment-name").Text(); name != "notes.txt" {
			t.Errorf("wall file card = %q", name)
		}
		if n := card.Find("[data-testid=remove-file]").Length(); n != 2 {
			t.Errorf("remove buttons = %d", n)
		}
		if l := card.Find("[data-testid=remove-file]").First().AttrOr("aria-label", ""); l != "Remove file board.png" {
			t.Errorf("remove label = %q", l)
		}

		// Turned off through the page (htmx), then read and set through the API.
		if res := mb.post("/mod/settings/blur", url.Values{"wall_blur": {"0"}}, "HX-Request", "true"); res.Status != http.StatusNoContent {
			t.Fatalf("save blur = %d", res.Status)
		}
		page = mb.get("/mod")
		if page.Doc.Find("#wall").HasClass("wall-blur") {
			t.Error("wall blurred after turning it off")
		}
		var set struct {
			WallBlur bool `json:"wall_blur"`
		}
		r.mod.do("GET", "/api/v1/mod/settings", nil).want(http.StatusOK).into(&set)
		if set.WallBlur {
			t.Error("API: wall_blur still on")
		}
		r.mod.do("PUT", "/api/v1/mod/settings", map[string]any{"wall_blur": true}).want(http.StatusOK).into(&set)
		if !set.WallBlur || !mb.get("/mod").Doc.Find("#wall").HasClass("wall-blur") {
			t.Error("API: wall_blur not on again")
		}
		r.mod.do("PUT", "/api/v1/mod/settings", map[string]any{}).wantError(422, "invalid", "wall_blur")
		// Each person's own: another moderator's wall is still blurred.
		r.admin.do("GET", "/api/v1/mod/settings", nil).want(http.StatusOK).into(&set)
		if !set.WallBlur {
			t.Error("admin's setting changed")
		}
		// Live: another moderator's wall stream carries the cards with
		// their files, and the card without a file once it is removed.
		ab := s.browser(t)
		ab.signIn("admin@example.org")
		since := strings.TrimPrefix(ab.get("/mod").Doc.Find("[data-testid=wall-live]").AttrOr("hx-sse:connect", ""), "/mod/events?since=")
		stream := openSSE(t, ab, "/mod/events?since="+url.QueryEscape(since))
		live, liveIDs := postFiles(t, r.ada, "live files", map[string][]byte{"live.png": testPNG(t, 32, 32)}, "live.png")
		liveThumb := fmt.Sprintf("/files/thumbs/%d", liveIDs[0])
		if _, data := stream.until("live files"); !strings.Contains(data, liveThumb) || !strings.Contains(data, `data-testid="wall-files"`) {
			t.Errorf("new card on the stream has no files: %s", data)
		}
		r.mod.do("POST", chanPath("alpha", fmt.Sprintf("/attachments/%d/remove", liveIDs[0])), nil).want(http.StatusOK)
		if _, data := stream.until("live files"); strings.Contains(data, liveThumb) || !strings.Contains(data, views.WallItemID(views.ListIncoming, live)) {
			t.Errorf("the card after removal still shows the file: %s", data)
		}
		// No file removed: without files, no file list on the card.
		plain := r.ada.post("alpha", map[string]any{"body": "plain"})
		if mb.get("/mod").Doc.Find(fmt.Sprintf("#%s [data-testid=wall-files]", views.WallItemID(views.ListIncoming, plain.ID))).Length() != 0 {
			t.Error("file list on a card without files")
		}
	})
}

func TestReportAttachment(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		r := newAttachRig(t, s)
		mid, ids := postFiles(t, r.ada, "look", map[string][]byte{"board.png": testPNG(t, 64, 48)}, "board.png")
		other, otherIDs := postFiles(t, r.ada, "other", map[string][]byte{"o.txt": []byte("o\n")}, "o.txt")

		// A file of another message, or no such file: 422, nothing stored.
		for _, bad := range []int64{otherIDs[0], 999999} {
			r.bob.do("POST", chanPath("alpha", fmt.Sprintf("/messages/%d/report", mid)), map[string]any{"reason": "nasty", "attachment_id": bad}).
				wantError(422, "invalid", "attachment_id")
		}
		if rs, err := store.OpenReports(ctx, s.DB, []int64{r.channelID}); err != nil || len(rs) != 0 {
			t.Fatalf("reports after refusals = %d, %v", len(rs), err)
		}
		var rep struct {
			AttachmentID *int64 `json:"attachment_id"`
		}
		r.bob.do("POST", chanPath("alpha", fmt.Sprintf("/messages/%d/report", mid)), map[string]any{"reason": "nasty photo", "attachment_id": ids[0]}).
			want(http.StatusCreated).into(&rep)
		if rep.AttachmentID == nil || *rep.AttachmentID != ids[0] {
			t.Errorf("report answer attachment_id = %v", rep.AttachmentID)
		}
		// Through the page's report form too.
		cb := s.browser(t)
		cb.signIn("admin@example.org")
		cb.get("/c/alpha")
		res := cb.post(fmt.Sprintf("/c/alpha/messages/%d/report", other), url.Values{"reason": {"spam file"}, "attachment_id": {fmt.Sprint(ids[0])}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("page report = %d", res.Status)
		}
		if f := cb.get("/c/alpha"); !strings.Contains(f.Body, "That file is not one of this message") {
			t.Error("page report with another message's file: no error shown")
		}
		res = cb.post(fmt.Sprintf("/c/alpha/messages/%d/report", other), url.Values{"reason": {"spam file"}, "attachment_id": {fmt.Sprint(otherIDs[0])}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("page report = %d", res.Status)
		}

		// The wall's report card names the file and shows its thumbnail.
		mb := s.browser(t)
		mb.signIn("mod@example.org")
		card := mb.get("/mod").Doc.Find("#" + views.WallItemID(views.ListReports, mid))
		rf := card.Find("[data-testid=reported-file]")
		if rf.Length() != 1 || rf.Find("img").AttrOr("alt", "") != "board.png" ||
			rf.Find("img").AttrOr("src", "") != fmt.Sprintf("/files/thumbs/%d", ids[0]) {
			t.Errorf("reported file on the wall: %q", rf.Text())
		}
		if card := mb.get("/mod").Doc.Find("#" + views.WallItemID(views.ListReports, other)); !strings.Contains(card.Find("[data-testid=reported-file]").Text(), "o.txt") {
			t.Error("the page report's file is not named on the wall")
		}
	})
}
