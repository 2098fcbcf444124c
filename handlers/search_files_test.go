package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"backchannel/model"
)

// TestSearchByFile: words find messages by their files' names, has:file and
// has:image filter on every engine, and removing an attachment re-indexes its
// message.
func TestSearchByFile(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *testServer) {
		host := s.apiUser(t, "host@example.org", model.RoleHost)
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		host.createChannel(map[string]any{"slug": "alpha", "title": "Alpha"})
		ada.accept("alpha")
		var pdf, img uploadJSON
		ada.upload("week3-slides.pdf", []byte("%PDF-1.4\n%%EOF\n")).want(http.StatusCreated).into(&pdf)
		ada.upload("whiteboard.png", testPNG(t, 40, 30)).want(http.StatusCreated).into(&img)
		withPDF := ada.post("alpha", map[string]any{"body": "Here are the notes", "attachments": []int64{pdf.ID}})
		withImg := ada.post("alpha", map[string]any{"body": "Photo of the board", "attachments": []int64{img.ID}})
		plain := ada.post("alpha", map[string]any{"body": "No slides today, sorry"})
		s.waitIndexed(t)

		for q, want := range map[string][]int64{
			"slides":             {withPDF.ID, plain.ID},
			"week3":              {withPDF.ID},
			"has:file":           {withPDF.ID, withImg.ID},
			"has:image":          {withImg.ID},
			"whiteboard":         {withImg.ID},
			"slides has:file":    {withPDF.ID},
			"has:image has:file": {withImg.ID},
			"notes has:image":    nil,
		} {
			if got := ada.search(q); !sameIDs(hitIDs(got), want...) || len(got.Problems) != 0 {
				t.Errorf("%q finds %v (problems %q), want %v", q, hitIDs(got), got.Problems, want)
			}
		}
		var raw struct {
			Hits []struct {
				ID       int64    `json:"id"`
				Files    []string `json:"files"`
				HasFile  bool     `json:"has_file"`
				HasImage bool     `json:"has_image"`
			} `json:"hits"`
		}
		ada.do("GET", "/api/v1/search?q=whiteboard", nil).want(http.StatusOK).into(&raw)
		if len(raw.Hits) != 1 || len(raw.Hits[0].Files) != 1 || raw.Hits[0].Files[0] != "whiteboard.png" ||
			!raw.Hits[0].HasFile || !raw.Hits[0].HasImage {
			t.Errorf("API hit = %+v", raw.Hits)
		}
		if got := ada.search("has:video"); len(got.Problems) != 1 || !strings.Contains(got.Problems[0], "has:file") {
			t.Errorf("has:video problems %q", got.Problems)
		}

		// The page: the box's operator, the filter control, the files of a hit.
		b := s.browser(t)
		b.signIn("ada@example.org")
		page := b.get("/search?q=slides&has=file")
		if n := page.Doc.Find("[data-testid=hit]").Length(); n != 1 {
			t.Errorf("page with has=file shows %d hits, want 1", n)
		}
		if files := page.Doc.Find("[data-testid=hit-files]").Text(); !strings.Contains(files, "week3-slides.pdf") {
			t.Errorf("hit files %q", files)
		}
		if page.Doc.Find(`label[for=f-has]`).Length() != 1 || page.Doc.Find(`#f-has option[value=file][selected]`).Length() != 1 {
			t.Error("the Files filter is missing or not selected")
		}

		// A file a moderator removes leaves its message's document.
		s.apiUser(t, "mod@example.org", model.RoleModerator).
			do("POST", fmt.Sprintf("/api/v1/channels/alpha/attachments/%d/remove", img.ID), map[string]any{}).want(http.StatusOK)
		s.waitIndexed(t)
		for q, want := range map[string][]int64{"has:image": nil, "whiteboard": nil, "board": {withImg.ID}, "has:file": {withPDF.ID}} {
			if got := ada.search(q); !sameIDs(hitIDs(got), want...) {
				t.Errorf("after removal %q finds %v, want %v", q, hitIDs(got), want)
			}
		}
	})
}
