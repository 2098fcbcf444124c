package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"backchannel/model"
)

// The retention preview says how many files each channel would lose with
// the bodies (files a moderator removed already, and files of messages
// kept, are not counted), on the page and in the API; nothing changes.
func TestRetentionPreviewCountsFiles(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		r := newAttachRig(t, s)
		r.host.createChannel(map[string]any{"slug": "beta", "title": "Beta"})
		r.ada.accept("beta")
		old1, _ := postFiles(t, r.ada, "slides", map[string][]byte{"a.txt": []byte("a\n"), "b.txt": []byte("b\n")}, "a.txt", "b.txt")
		old2, removed := postFiles(t, r.ada, "", map[string][]byte{"c.txt": []byte("c\n")}, "c.txt")
		postFiles(t, r.ada, "recent", map[string][]byte{"d.txt": []byte("d\n")}, "d.txt")
		oldBeta := r.ada.post("beta", map[string]any{"body": "old words"}).ID
		r.mod.do("POST", chanPath("alpha", fmt.Sprintf("/attachments/%d/remove", removed[0])), nil).want(http.StatusOK)
		for _, id := range []int64{old1, old2, oldBeta} {
			if _, err := s.DB.NewUpdate().Model((*model.Message)(nil)).Set("created_at = ?", time.Now().UTC().Add(-100*24*time.Hour)).
				Where("id = ?", id).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}

		var prev struct {
			Total    int `json:"total"`
			Files    int `json:"files"`
			Channels []struct {
				Slug  string `json:"slug"`
				Count int    `json:"count"`
				Files int    `json:"files"`
			} `json:"channels"`
		}
		r.admin.do("POST", "/api/v1/retention/preview", map[string]any{"site_days": 30}).want(http.StatusOK).into(&prev)
		got := map[string][2]int{}
		for _, c := range prev.Channels {
			got[c.Slug] = [2]int{c.Count, c.Files}
		}
		if prev.Total != 3 || prev.Files != 2 || got["alpha"] != [2]int{2, 2} || got["beta"] != [2]int{1, 0} {
			t.Errorf("API preview: total %d, files %d, per channel (bodies, files) %v", prev.Total, prev.Files, got)
		}

		ab := s.browser(t)
		ab.signIn("admin@example.org")
		res := ab.post("/admin/retention/preview", url.Values{"site_days": {"30"}, "mode-alpha": {"site"}, "mode-beta": {"site"}}, "HX-Request", "true")
		if res.Status != http.StatusOK {
			t.Fatalf("page preview = %d %s", res.Status, res.Body)
		}
		if sum := res.Doc.Find("[data-testid=retention-preview-summary]").Text(); !strings.Contains(sum, "3 message bodies and 2 files would be removed") {
			t.Errorf("summary = %q", sum)
		}
		if th := res.Doc.Find("[data-testid=retention-preview-table] thead th").Eq(3).Text(); th != "Files removed" {
			t.Errorf("fourth column = %q", th)
		}
		for slug, want := range map[string]string{"alpha": "2", "beta": "0"} {
			if c := strings.TrimSpace(res.Doc.Find("[data-testid=retention-preview-row][data-slug=" + slug + "] [data-testid=retention-preview-files]").Text()); c != want {
				t.Errorf("%s files = %q, want %s", slug, c, want)
			}
		}
		if r.message(t, old1).BodyRemovedAt != nil {
			t.Error("the preview removed a body")
		}
		r.bob.do("GET", fmt.Sprintf("/files/%d/d.txt", removed[0]+1), nil).want(http.StatusOK)
	})
}
