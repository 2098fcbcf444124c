package handlers_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/moderation"
	"backchannel/retention"
	"backchannel/store"
)

// fileSession is a session of "alpha" whose messages carry files: two on
// one message, a file with Markdown in its name, one removed by a moderator,
// one of a message whose body retention removed, and one of a hidden message.
type fileSession struct {
	host, ada, bob              *apiClient
	sess                        *model.ChannelSession
	pdf, png, notes, gone, old  uploadJSON
	secret                      uploadJSON
	both, withNotes, aged, spam tMessage
}

func (s *testServer) fileSession(t *testing.T) *fileSession {
	t.Helper()
	ctx := context.Background()
	host := s.apiUser(t, "host@example.org", model.RoleHost)
	ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
	bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
	f := &fileSession{host: host, ada: ada, bob: bob}
	host.createChannel(map[string]any{"slug": "alpha", "title": "Alpha"})
	ch, err := s.Chat.Channel(ctx, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	if f.sess, err = s.Chat.StartSession(ctx, host.user.ID, ch, "Week 3"); err != nil {
		t.Fatal(err)
	}
	ada.accept("alpha")
	bob.accept("alpha")
	ada.upload("week3-slides.pdf", []byte("%PDF-1.4\n%%EOF\n")).want(http.StatusCreated).into(&f.pdf)
	ada.upload("board.png", testPNG(t, 40, 30)).want(http.StatusCreated).into(&f.png)
	ada.upload("Notes *draft* [v2] (final).txt", []byte("notes\n")).want(http.StatusCreated).into(&f.notes)
	ada.upload("gone.txt", []byte("gone\n")).want(http.StatusCreated).into(&f.gone)
	bob.upload("old.txt", []byte("old\n")).want(http.StatusCreated).into(&f.old)
	bob.upload("secret.txt", []byte("secret\n")).want(http.StatusCreated).into(&f.secret)
	f.both = ada.post("alpha", map[string]any{"body": "Slides and the board", "attachments": []int64{f.pdf.ID, f.png.ID}})
	f.withNotes = ada.post("alpha", map[string]any{"body": "My notes", "attachments": []int64{f.notes.ID, f.gone.ID}})
	f.aged = bob.post("alpha", map[string]any{"body": "Old news", "attachments": []int64{f.old.ID}})
	f.spam = bob.post("alpha", map[string]any{"body": "Spam", "attachments": []int64{f.secret.ID}})
	staff, err := s.Chat.ViewerFor(ctx, ch, s.createUser(t, "mo@example.org", model.RoleModerator), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Moderation.Moderate(ctx, ch, staff, f.spam.ID, model.ActHide, moderation.ModInput{Reason: "spam"}); err != nil {
		t.Fatal(err)
	}
	// As a moderator's removal does: the row marked, the message re-indexed.
	if err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := store.RemoveAttachment(ctx, tx, f.gone.ID, host.user.ID); err != nil {
			return err
		}
		return store.EnqueueAttachmentIndex(ctx, tx, f.gone.ID)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.RemoveBodies(ctx, s.DB, map[int64]string{f.aged.ID: "Old news"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fileSession) path(rest string) string {
	return fmt.Sprintf("/transcripts/alpha/%d%s", f.sess.ID, rest)
}

// pageFiles are the attachments a page lists, by message id.
func pageFiles(doc *goquery.Document) map[int64][]string {
	out := map[int64][]string{}
	doc.Find(`[data-testid="transcript-message"]`).Each(func(_ int, m *goquery.Selection) {
		var id int64
		fmt.Sscanf(m.AttrOr("id", ""), "m-%d", &id)
		m.Children().Filter(`[data-testid="attachments"]`).Find("a").Each(func(_ int, a *goquery.Selection) {
			out[id] = append(out[id], a.AttrOr("href", ""))
		})
	})
	return out
}

type exportFileJSON struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
	URL  string `json:"url"`
}

type exportMsgJSON struct {
	ID          int64            `json:"id"`
	Removed     bool             `json:"removed"`
	Attachments []exportFileJSON `json:"attachments"`
	Replies     []exportMsgJSON  `json:"replies"`
}

// TestTranscriptFiles: the transcript page shows a message's files; the
// Markdown, CSV and JSON exports (and the API's transcript) name them with
// their download links; removed files and the files of messages whose body
// retention removed are left out; the staff version adds a hidden message's.
func TestTranscriptFiles(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		f := s.fileSession(t)
		ada := f.ada
		file := func(u uploadJSON) string { return fmt.Sprintf("/files/%d/%s", u.ID, url.PathEscape(u.Name)) }

		pb := s.browser(t)
		pb.signIn("ada@example.org")
		page := pb.get(f.path(""))
		if page.Status != http.StatusOK {
			t.Fatalf("transcript = %d", page.Status)
		}
		want := map[int64][]string{
			f.both.ID:      {file(f.pdf), file(f.png)},
			f.withNotes.ID: {file(f.notes)},
		}
		if got := pageFiles(page.Doc); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("participant page files = %v, want %v", got, want)
		}
		img := page.Doc.Find(fmt.Sprintf(`#m-%d img`, f.both.ID))
		if img.AttrOr("src", "") != fmt.Sprintf("/files/thumbs/%d", f.png.ID) || img.AttrOr("alt", "") != "board.png" {
			t.Errorf("thumbnail src %q alt %q", img.AttrOr("src", ""), img.AttrOr("alt", ""))
		}
		hb := s.browser(t)
		hb.signIn("host@example.org")
		want[f.spam.ID] = []string{file(f.secret)}
		if got := pageFiles(hb.get(f.path("?view=staff")).Doc); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("staff page files = %v, want %v", got, want)
		}
		delete(want, f.spam.ID)

		// Markdown: named links, the name escaped as text, the path kept one.
		md := string(exportOf(t, pb, f.path("/export/md?view=participant"), "alpha-session-"+fmt.Sprint(f.sess.ID)+"-participant.md"))
		for _, line := range []string{
			fmt.Sprintf("Slides and the board 📎 [week3-slides.pdf](%s%s), [board.png](%s%s)", s.URL, file(f.pdf), s.URL, file(f.png)),
			fmt.Sprintf(`My notes 📎 [Notes \*draft\* \[v2\] (final).txt](%s/files/%d/Notes%%20%%2Adraft%%2A%%20%%5Bv2%%5D%%20%%28final%%29.txt)`, s.URL, f.notes.ID),
		} {
			if !strings.Contains(md, line) {
				t.Errorf("markdown lacks %q:\n%s", line, md)
			}
		}
		for _, gone := range []string{"gone.txt", "old.txt", "secret.txt"} {
			if strings.Contains(md, gone) {
				t.Errorf("markdown names %s:\n%s", gone, md)
			}
		}

		// JSON, from the page's export and from the API.
		for _, raw := range [][]byte{
			exportOf(t, pb, f.path("/export/json?view=participant"), "alpha-session-"+fmt.Sprint(f.sess.ID)+"-participant.json"),
			ada.do("GET", fmt.Sprintf("/api/v1/channels/alpha/sessions/%d/transcript", f.sess.ID), nil).want(http.StatusOK).Body,
		} {
			var doc struct {
				Messages []exportMsgJSON `json:"messages"`
			}
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("json: %v\n%s", err, raw)
			}
			got := map[int64][]exportFileJSON{}
			for _, m := range doc.Messages {
				if m.Attachments == nil {
					t.Errorf("message %d: attachments is null, not []", m.ID)
				}
				if len(m.Attachments) > 0 {
					got[m.ID] = m.Attachments
				}
			}
			wantJSON := map[int64][]exportFileJSON{
				f.both.ID: {{"week3-slides.pdf", "application/pdf", f.pdf.Size, s.URL + file(f.pdf)},
					{"board.png", "image/png", f.png.Size, s.URL + file(f.png)}},
				f.withNotes.ID: {{f.notes.Name, "text/plain", f.notes.Size, s.URL + file(f.notes)}},
			}
			if fmt.Sprint(got) != fmt.Sprint(wantJSON) {
				t.Errorf("json attachments = %v\nwant %v", got, wantJSON)
			}
		}

		// CSV: a column of file names.
		rows, err := csv.NewReader(strings.NewReader(string(exportOf(t, hb, f.path("/export/csv?view=staff"),
			"alpha-session-"+fmt.Sprint(f.sess.ID)+"-staff.csv")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := slices.Index(rows[0], "attachments")
		if col < 0 {
			t.Fatalf("no attachments column in %v", rows[0])
		}
		names := map[string]string{}
		for _, r := range rows[1:] {
			names[r[0]] = r[col]
		}
		for id, want := range map[int64]string{f.both.ID: "week3-slides.pdf; board.png", f.withNotes.ID: f.notes.Name,
			f.aged.ID: "", f.spam.ID: "secret.txt"} {
			if got := names[fmt.Sprint(id)]; got != want {
				t.Errorf("csv attachments of %d = %q, want %q", id, got, want)
			}
		}
	})
}

// TestSearchExportFiles: the search export lists the files of the messages
// found.
func TestSearchExportFiles(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		f := s.fileSession(t)
		s.waitIndexed(t)
		b := s.browser(t)
		b.signIn("ada@example.org")
		var doc struct {
			Messages []exportMsgJSON `json:"messages"`
		}
		if err := json.Unmarshal(exportOf(t, b, "/search/export/json?q=has:file", "search-results.json"), &doc); err != nil {
			t.Fatal(err)
		}
		got := map[int64]int{}
		for _, m := range doc.Messages {
			got[m.ID] = len(m.Attachments)
		}
		if want := map[int64]int{f.both.ID: 2, f.withNotes.ID: 1}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("search export files = %v, want %v", got, want)
		}
		// The file a moderator removed is not found by its name.
		var res struct {
			Total int `json:"total"`
		}
		f.ada.do("GET", "/api/v1/search?q=gone", nil).want(http.StatusOK).into(&res)
		if res.Total != 0 {
			t.Errorf("a removed file's name finds %d messages", res.Total)
		}
	})
}

// TestTranscriptAnalyticsFiles: the analytics count the files and images
// shared in the session, on the page and in the API.
func TestTranscriptAnalyticsFiles(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		f := s.fileSession(t)
		host, ada := f.host, f.ada
		// An upload never posted, and a file posted outside the session, do
		// not count.
		ada.upload("draft.txt", []byte("draft\n")).want(http.StatusCreated)
		if _, err := s.Chat.EndSession(context.Background(), host.user.ID, mustChannel(t, s, "alpha")); err != nil {
			t.Fatal(err)
		}
		var later uploadJSON
		ada.upload("later.png", testPNG(t, 20, 20)).want(http.StatusCreated).into(&later)
		ada.post("alpha", map[string]any{"body": "after class", "attachments": []int64{later.ID}})

		hb := s.browser(t)
		hb.signIn("host@example.org")
		r := hb.get(f.path("/analytics"))
		if r.Status != http.StatusOK {
			t.Fatalf("analytics = %d", r.Status)
		}
		// Six files were shared in the session (two of them since removed),
		// one of them an image.
		for id, want := range map[string]string{"stat-files": "6", "stat-images": "1"} {
			if got := strings.TrimSpace(r.Doc.Find(`[data-testid="` + id + `"]`).Text()); got != want {
				t.Errorf("%s = %q, want %q", id, got, want)
			}
		}
		var body struct {
			Files  *int `json:"files_shared"`
			Images *int `json:"images_shared"`
		}
		host.do("GET", fmt.Sprintf("/api/v1/channels/alpha/sessions/%d/analytics", f.sess.ID), nil).want(http.StatusOK).into(&body)
		if body.Files == nil || *body.Files != 6 || body.Images == nil || *body.Images != 1 {
			t.Errorf("API files_shared %v images_shared %v", body.Files, body.Images)
		}
	})
}

func mustChannel(t *testing.T, s *testServer, slug string) *model.Channel {
	t.Helper()
	ch, err := s.Chat.Channel(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// TestRetentionFilesGone: once retention removed a message's body, its
// files are 404 for everyone and its transcript line names none.
func TestRetentionFilesGone(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		f := s.fileSession(t)
		for _, u := range []uploadJSON{f.pdf, f.png} {
			f.ada.do("GET", u.URL, nil).want(http.StatusOK)
		}
		old := time.Now().UTC().Add(-40 * 24 * time.Hour)
		if _, err := s.DB.NewUpdate().Model((*model.Message)(nil)).Set("created_at = ?", old).
			Where("id = ?", f.both.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		days := 30
		if _, err := s.Retention.Save(ctx, 0, retention.Input{SiteDays: &days}); err != nil {
			t.Fatal(err)
		}
		if run, err := s.Retention.RunOnce(ctx); err != nil || run.Total != 1 || run.Files != 2 {
			t.Fatalf("retention run %+v, %v", run, err)
		}
		for _, u := range []uploadJSON{f.pdf, f.png} {
			for _, c := range []*apiClient{f.ada, f.host} {
				c.do("GET", u.URL, nil).want(http.StatusNotFound)
			}
		}
		f.ada.do("GET", f.png.ThumbURL, nil).want(http.StatusNotFound)
		f.ada.do("GET", f.notes.URL, nil).want(http.StatusOK)
		pb := s.browser(t)
		pb.signIn("ada@example.org")
		if got := pageFiles(pb.get(f.path("")).Doc); len(got[f.both.ID]) != 0 || len(got[f.withNotes.ID]) != 1 {
			t.Errorf("transcript files after retention: %v", got)
		}
	})
}
