package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// A channel's moderators remove one file of a message from the feed (the
// wall's route, marked as sent from the channel): the control is in the
// staff's view of the message only, with a confirm step; with htmx the
// answer is the message without the file, without JavaScript a redirect
// back to it; the text stays. Participants neither see the control nor may
// use the route.
func TestChannelFeedRemoveFile(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		r := newAttachRig(t, s)
		files := map[string][]byte{"board.png": testPNG(t, 64, 48), "notes.txt": []byte("notes\n")}
		mid, ids := postFiles(t, r.ada, "see the board", files, "board.png", "notes.txt")
		img, txt := ids[0], ids[1]
		mref := "#m-" + strconv.FormatInt(mid, 10)

		mb := s.browser(t)
		mb.signIn("mod@example.org")
		btns := mb.get("/c/alpha").Doc.Find(mref + " [data-testid=file-remove] button[data-testid=channel-remove-file]")
		if btns.Length() != 2 {
			t.Fatalf("moderator sees %d remove buttons, want 2", btns.Length())
		}
		want := fmt.Sprintf("/mod/c/alpha/attachments/%d/remove?from=channel", img)
		if btns.First().AttrOr("formaction", "") != want || btns.First().AttrOr("form", "") != "act" ||
			btns.First().AttrOr("aria-label", "") != "Remove file board.png" || !strings.Contains(btns.First().AttrOr("data-confirm", ""), "board.png") {
			t.Errorf("remove button = %v", btns.First().Nodes[0].Attr)
		}
		pb := s.browser(t)
		pb.signIn("bob@example.org")
		if n := pb.get("/c/alpha").Doc.Find(mref + " [data-testid=file-remove]").Length(); n != 0 {
			t.Errorf("a participant sees %d remove controls", n)
		}
		if res := pb.post(want, nil, "HX-Request", "true"); res.Status != http.StatusForbidden {
			t.Errorf("participant remove = %d", res.Status)
		}

		// With htmx: the message as the moderator sees it now, one file left.
		res := mb.post(want, url.Values{}, "HX-Request", "true")
		if res.Status != http.StatusOK || res.Doc.Find("article"+mref).Length() != 1 ||
			res.Doc.Find("[data-testid=message-body]").Text() != "see the board" ||
			res.Doc.Find("[data-attachment-id]").Length() != 1 || res.Doc.Find(fmt.Sprintf("[data-attachment-id='%d']", txt)).Length() != 1 {
			t.Fatalf("htmx remove = %d %s", res.Status, res.Body)
		}
		r.bob.do("GET", fmt.Sprintf("/files/%d/board.png", img), nil).want(http.StatusNotFound)
		// Again: refused as gone, nothing else changes.
		if res := mb.post(want, url.Values{}, "HX-Request", "true"); res.Status != http.StatusNotFound {
			t.Errorf("second htmx remove = %d", res.Status)
		}
		if res := mb.post(want, url.Values{}); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/c/alpha" {
			t.Errorf("second remove without htmx = %d → %q", res.Status, res.Header.Get("Location"))
		}
		// Without JavaScript: back to the message, which keeps its text.
		res = mb.post(fmt.Sprintf("/mod/c/alpha/attachments/%d/remove?from=channel", txt), url.Values{})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/c/alpha"+mref {
			t.Fatalf("remove without htmx = %d → %q", res.Status, res.Header.Get("Location"))
		}
		m := pb.get("/c/alpha").Doc.Find(mref)
		if m.Find("[data-testid=message-body]").Text() != "see the board" || m.Find("[data-attachment-id]").Length() != 0 {
			t.Errorf("participant's view after the removals: %q, %d files", m.Find("[data-testid=message-body]").Text(), m.Find("[data-attachment-id]").Length())
		}
		if mb.get("/c/alpha").Doc.Find(mref+" [data-testid=file-remove]").Length() != 0 {
			t.Error("the remove control stays on a message without files")
		}
	})
}

// A message with files may lose its text on edit (page and API), as it may
// be posted without words; a message without files, or whose files were all
// removed, still needs some.
func TestEditFilesOnlyMessage(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		r := newAttachRig(t, s)
		mid, ids := postFiles(t, r.ada, "caption", map[string][]byte{"a.txt": []byte("a\n")}, "a.txt")
		plain := r.ada.post("alpha", map[string]any{"body": "just words"}).ID
		path := func(id int64) string { return chanPath("alpha", fmt.Sprintf("/messages/%d", id)) }

		r.ada.do("PATCH", path(plain), map[string]any{"body": "  "}).wantError(http.StatusUnprocessableEntity, "invalid", "body")
		var out struct {
			Body string `json:"body"`
		}
		r.ada.do("PATCH", path(mid), map[string]any{"body": " "}).want(http.StatusOK).into(&out)
		if out.Body != "" || r.message(t, mid).Body != "" {
			t.Errorf("edited body = %q, stored %q", out.Body, r.message(t, mid).Body)
		}

		// The page: the edit box of a message with files does not require
		// text; saving it empty keeps the files.
		ab := s.browser(t)
		ab.signIn("ada@example.org")
		page := ab.get("/c/alpha").Doc
		mref, pref := "#m-"+strconv.FormatInt(mid, 10), "#m-"+strconv.FormatInt(plain, 10)
		if _, req := page.Find(mref + " .edit-box textarea").Attr("required"); req {
			t.Error("the edit box of a message with files requires text")
		}
		if _, req := page.Find(pref + " .edit-box textarea").Attr("required"); !req {
			t.Error("the edit box of a message without files does not require text")
		}
		r.ada.do("PATCH", path(mid), map[string]any{"body": "caption again"}).want(http.StatusOK)
		res := ab.post(fmt.Sprintf("/c/alpha/messages/%d/edit", mid), url.Values{"body": {""}}, "HX-Request", "true")
		if res.Status != http.StatusOK || res.Doc.Find("[data-testid=message-body]").Length() != 0 ||
			res.Doc.Find("[data-attachment-id]").Length() != 1 || res.Doc.Find(".edit-box [role=alert]").Length() != 0 {
			t.Errorf("page edit to no text = %d %s", res.Status, res.Body)
		}
		res = ab.post(fmt.Sprintf("/c/alpha/messages/%d/edit", plain), url.Values{"body": {""}}, "HX-Request", "true")
		if !strings.Contains(res.Doc.Find(".edit-box [role=alert]").Text(), "Write something first") || r.message(t, plain).Body != "just words" {
			t.Errorf("page edit of a plain message to no text = %d %s", res.Status, res.Body)
		}

		// Once a moderator removed its file, the message needs words again.
		r.ada.do("PATCH", path(mid), map[string]any{"body": "back"}).want(http.StatusOK)
		r.mod.do("POST", chanPath("alpha", fmt.Sprintf("/attachments/%d/remove", ids[0])), nil).want(http.StatusOK)
		r.ada.do("PATCH", path(mid), map[string]any{"body": ""}).wantError(http.StatusUnprocessableEntity, "invalid", "body")
		if r.message(t, mid).Body != "back" {
			t.Error("a refused edit changed the text")
		}
	})
}
