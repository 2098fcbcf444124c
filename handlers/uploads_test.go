package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
)

// uploadBody is a multipart body with one file field.
func uploadBody(t *testing.T, field, name string, data []byte) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("note", "ignored")
	f, err := w.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write(data)
	_ = w.Close()
	return b.String(), w.FormDataContentType()
}

type uploadJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Kind     string `json:"kind"`
	Size     int64  `json:"size"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url"`
}

func (a *apiClient) upload(name string, data []byte) *apiResponse {
	a.t.Helper()
	body, ct := uploadBody(a.t.(*testing.T), "file", name, data)
	return a.do("POST", "/api/v1/uploads", body, "Content-Type", ct)
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{0, 128, 255, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestUploadAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		anon := &apiClient{t: t, s: s}

		// A PNG named .pdf is a PNG; it is shown inline, with a thumbnail.
		var img uploadJSON
		ada.upload("slides.pdf", testPNG(t, 640, 480)).want(http.StatusCreated).into(&img)
		if img.Type != "image/png" || img.Kind != "image" || img.Name != "slides.png" || img.Width != 640 ||
			img.URL != fmt.Sprintf("/files/%d/slides.png", img.ID) || img.ThumbURL != fmt.Sprintf("/files/thumbs/%d", img.ID) {
			t.Errorf("upload = %+v", img)
		}
		res := ada.do("GET", img.URL, nil).want(http.StatusOK)
		wantHeaders(t, res, "image/png", `inline; filename=slides.png`)
		th := ada.do("GET", img.ThumbURL, nil).want(http.StatusOK)
		wantHeaders(t, th, "image/png", `inline; filename=slides-thumb.png`)
		if cfg, err := png.DecodeConfig(bytes.NewReader(th.Body)); err != nil || cfg.Width != 320 || cfg.Height != 240 {
			t.Errorf("thumbnail %+v, %v", cfg, err)
		}

		// A text file is downloaded, never shown inline; its name is kept
		// (RFC 6266 filename* for what is not ASCII).
		var txt uploadJSON
		notes := []byte("Notes from class: <script>alert(1)</script>\n")
		ada.upload("../Notizen für heute.txt", notes).want(http.StatusCreated).into(&txt)
		res = ada.do("GET", txt.URL, nil).want(http.StatusOK)
		wantHeaders(t, res, "text/plain; charset=utf-8", `attachment; filename*=utf-8''Notizen%20f%C3%BCr%20heute.txt`)
		if !bytes.Equal(res.Body, notes) {
			t.Errorf("downloaded %q", res.Body)
		}
		ada.do("GET", fmt.Sprintf("/files/thumbs/%d", txt.ID), nil).want(http.StatusNotFound)

		// Refused types name what is allowed; nothing is stored.
		var e apiErr
		ada.upload("page.png", []byte("<!DOCTYPE html><html><body>hi</body></html>")).want(http.StatusUnsupportedMediaType).into(&e)
		if !strings.Contains(e.Error.Message, "allowed are images (PNG, JPEG, GIF, WEBP)") {
			t.Errorf("HTML refusal: %+v", e)
		}
		ada.upload("logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)).want(http.StatusUnsupportedMediaType)
		ada.do("POST", "/api/v1/uploads", `{"file":"x"}`).want(http.StatusUnprocessableEntity)

		// Before attaching, only the uploader sees an upload: 404 for others.
		for _, c := range []*apiClient{bob, anon} {
			c.do("GET", img.URL, nil).want(http.StatusNotFound)
			c.do("GET", img.ThumbURL, nil).want(http.StatusNotFound)
			c.do("GET", fmt.Sprintf("/api/v1/uploads/%d", img.ID), nil)
		}
		bob.do("GET", fmt.Sprintf("/api/v1/uploads/%d", img.ID), nil).want(http.StatusNotFound)
		bob.do("DELETE", fmt.Sprintf("/api/v1/uploads/%d", img.ID), nil).want(http.StatusNotFound)
		var got uploadJSON
		ada.do("GET", fmt.Sprintf("/api/v1/uploads/%d", img.ID), nil).want(http.StatusOK).into(&got)
		if got != img {
			t.Errorf("GET upload = %+v, want %+v", got, img)
		}
		ada.do("DELETE", fmt.Sprintf("/api/v1/uploads/%d", txt.ID), nil).want(http.StatusNoContent)
		ada.do("GET", txt.URL, nil).want(http.StatusNotFound)
	})
}

func wantHeaders(t *testing.T, r *apiResponse, typ, disposition string) {
	t.Helper()
	for k, v := range map[string]string{
		"Content-Type":           typ,
		"Content-Disposition":    disposition,
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "private, max-age=3600",
	} {
		if got := r.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", r.what, k, got, v)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") {
		t.Errorf("%s: CSP %q", r.what, csp)
	}
}

func TestUploadSizeLimitAndSettings(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		root := s.apiUser(t, "root@example.org", model.RoleAdmin)
		ada.do("PUT", "/api/v1/upload-settings", map[string]any{"types": []string{"txt"}}).want(http.StatusForbidden)
		var e apiErr
		root.do("PUT", "/api/v1/upload-settings", map[string]any{"types": []string{"svg"}, "image_max_bytes": 1, "file_max_bytes": 1}).
			want(http.StatusUnprocessableEntity).into(&e)
		if e.Error.Field != "types" {
			t.Errorf("bad settings: %+v", e)
		}
		root.do("PUT", "/api/v1/upload-settings", map[string]any{"types": []string{"txt", "png"},
			"image_max_bytes": 2 << 20, "file_max_bytes": 3 << 20, "daily_count": 10, "daily_bytes": 50 << 20}).want(http.StatusOK)

		// 3 MB + 1 of text: over the limit (and over the site's 1 MB body
		// limit for other routes, which the upload route does not apply).
		ada.upload("big.txt", bytes.Repeat([]byte("a"), 3<<20+1)).want(http.StatusRequestEntityTooLarge).into(&e)
		if !strings.Contains(e.Error.Message, "3 MB") {
			t.Errorf("413 message %q does not name the limit", e.Error.Message)
		}
		ada.upload("ok.txt", bytes.Repeat([]byte("a"), 3<<20)).want(http.StatusCreated)
		ada.upload("doc.pdf", []byte("%PDF-1.4\n%%EOF\n")).want(http.StatusUnsupportedMediaType).into(&e)
		if !strings.Contains(e.Error.Message, "files (TXT) up to 3 MB") {
			t.Errorf("refusal %q", e.Error.Message)
		}
	})
}

// boardImage is a visible message of ada's in ch with an uploaded image
// attached (rows written directly).
func boardImage(t *testing.T, s *testServer, ch *model.Channel, ada *apiClient) (uploadJSON, *model.Message) {
	t.Helper()
	var img uploadJSON
	ada.upload("board.png", testPNG(t, 40, 30)).want(http.StatusCreated).into(&img)
	m := &model.Message{ChannelID: ch.ID, AuthorUserID: &ada.user.ID, AuthorName: "ada", Kind: model.KindComment, Body: "the board", State: model.StateVisible}
	if err := store.InsertMessage(context.Background(), s.DB, m); err != nil {
		t.Fatal(err)
	}
	if err := store.AttachToMessage(context.Background(), s.DB, ada.user.ID, m.ID, []int64{img.ID}); err != nil {
		t.Fatal(err)
	}
	return img, m
}

func TestAttachedFilesFollowTheirMessage(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, _ := s.newChannel(t, "alpha", chat.ChannelInput{})
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		mod := s.apiUser(t, "mod@example.org", model.RoleModerator)
		img, m := boardImage(t, s, ch, ada)
		for _, c := range []*apiClient{ada, bob, mod} {
			c.do("GET", img.URL, nil).want(http.StatusOK)
		}
		(&apiClient{t: t, s: s}).do("GET", img.URL, nil).want(http.StatusNotFound)
		ada.do("DELETE", fmt.Sprintf("/api/v1/uploads/%d", img.ID), nil).want(http.StatusConflict)

		// Held: staff and its author only.
		m.State = model.StateHeld
		if err := store.UpdateMessage(ctx, s.DB, m); err != nil {
			t.Fatal(err)
		}
		bob.do("GET", img.URL, nil).want(http.StatusNotFound)
		bob.do("GET", img.ThumbURL, nil).want(http.StatusNotFound)
		mod.do("GET", img.URL, nil).want(http.StatusOK)
		ada.do("GET", img.URL, nil).want(http.StatusOK)
	})
}

func TestPostWithAttachments(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		host := s.apiUser(t, "host@example.org", model.RoleHost)
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		host.createChannel(map[string]any{"slug": "alpha", "title": "Alpha"})
		ada.accept("alpha")
		bob.accept("alpha")
		var ids []int64
		for i := range 5 {
			var u uploadJSON
			ada.upload(fmt.Sprintf("n%d.txt", i), []byte("notes\n")).want(http.StatusCreated).into(&u)
			ids = append(ids, u.ID)
		}
		var bobs uploadJSON
		bob.upload("b.txt", []byte("bob's\n")).want(http.StatusCreated).into(&bobs)

		var e apiErr
		for _, bad := range [][]int64{ids, {ids[0], ids[0]}, {ids[0], bobs.ID}, {999999}} {
			ada.do("POST", chanPath("alpha", "/messages"), map[string]any{"body": "files", "attachments": bad}).
				want(http.StatusUnprocessableEntity).into(&e)
			if e.Error.Field != "attachments" || e.Error.Message == "" {
				t.Errorf("attachments %v: %+v", bad, e)
			}
		}
		var m struct {
			ID          int64        `json:"id"`
			Attachments []uploadJSON `json:"attachments"`
		}
		ada.do("POST", chanPath("alpha", "/messages"), map[string]any{"body": "files", "attachments": ids[:2]}).
			want(http.StatusCreated).into(&m)
		if len(m.Attachments) != 2 || m.Attachments[0].ID != ids[0] || m.Attachments[1].URL == "" {
			t.Fatalf("posted message attachments = %+v", m.Attachments)
		}
		// Attached now: others who see the message fetch its files; the
		// same upload cannot be attached twice.
		bob.do("GET", m.Attachments[0].URL, nil).want(http.StatusOK)
		// An edit's answer carries them too.
		var edited struct {
			Attachments []uploadJSON `json:"attachments"`
		}
		ada.do("PATCH", chanPath("alpha", fmt.Sprintf("/messages/%d", m.ID)), map[string]any{"body": "files, edited"}).
			want(http.StatusOK).into(&edited)
		if len(edited.Attachments) != 2 {
			t.Errorf("edited message attachments = %+v", edited.Attachments)
		}
		ada.do("POST", chanPath("alpha", "/messages"), map[string]any{"body": "again", "attachments": ids[:1]}).
			want(http.StatusUnprocessableEntity)
		// The refused posts stored nothing and attached nothing.
		ada.do("GET", fmt.Sprintf("/api/v1/uploads/%d", ids[4]), nil).want(http.StatusOK)
		bob.do("GET", fmt.Sprintf("/files/%d/n4.txt", ids[4]), nil).want(http.StatusNotFound)
	})
}

// A guest without an account sees the files of the channel they joined (the
// page shows them the thumbnails), by the same rules as everyone: not with
// no guest cookie, not as the guest of another channel, not once the message
// is held.
func TestGuestsSeeTheirChannelsFiles(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, _ := s.newChannel(t, "talk", chat.ChannelInput{})
		s.newChannel(t, "other", chat.ChannelInput{})
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		img, m := boardImage(t, s, ch, ada)
		join := func(slug, name string) *browser {
			b := s.browser(t)
			if r := b.post("/c/"+slug+"/join", url.Values{"name": {name}}); r.Status != http.StatusSeeOther {
				t.Fatalf("guest join %s = %d", slug, r.Status)
			}
			return b
		}
		sam, olga, nobody := join("talk", "Sam"), join("other", "Olga"), s.browser(t)
		if r := sam.get(img.ThumbURL); r.Status != http.StatusOK {
			t.Errorf("the channel's guest: thumbnail %d, want 200", r.Status)
		}
		if r := sam.get(img.URL); r.Status != http.StatusOK {
			t.Errorf("the channel's guest: file %d, want 200", r.Status)
		}
		if r := olga.get(img.URL); r.Status != http.StatusNotFound {
			t.Errorf("another channel's guest: %d, want 404", r.Status)
		}
		if r := nobody.get(img.URL); r.Status != http.StatusNotFound {
			t.Errorf("no guest cookie: %d, want 404", r.Status)
		}
		m.State = model.StateHeld
		if err := store.UpdateMessage(ctx, s.DB, m); err != nil {
			t.Fatal(err)
		}
		if r := sam.get(img.URL); r.Status != http.StatusNotFound {
			t.Errorf("a held message's file to a guest: %d, want 404", r.Status)
		}
	})
}
