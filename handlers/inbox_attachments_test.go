package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"backchannel/filters"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/moderation"
)

// tDMFiles is a direct message as the API shows it, with its files.
type tDMFiles struct {
	ID          int64        `json:"id"`
	Body        string       `json:"body"`
	Deleted     bool         `json:"deleted"`
	Attachments []uploadJSON `json:"attachments"`
}

// dmMessages is what a reads of a conversation through the API.
func dmMessages(a *apiClient, conv int64) []tDMFiles {
	a.t.Helper()
	var p struct {
		Messages []tDMFiles `json:"messages"`
	}
	a.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages", conv), nil).want(http.StatusOK).into(&p)
	return p.Messages
}

// Through the JSON API a direct message carries up to 4 of its sender's own
// uploads (a first message too, with or without text); the API lists them
// as channel messages do. Refused files send nothing. The files are
// fetched by the conversation's members only: not by others, not by a
// member who deleted the chat for themselves before the message, not by
// anyone once the message is deleted for everyone.
func TestDMAttachmentsAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ann := s.apiUser(t, "ann@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		cat := s.apiUser(t, "cat@example.org", model.RoleParticipant)
		if _, err := s.Inbox.Follow(ctx, bob.user.ID, ann.user.Handle); err != nil {
			t.Fatal(err)
		}
		var img uploadJSON
		ann.upload("board.png", testPNG(t, 40, 30)).want(http.StatusCreated).into(&img)
		var ids []int64
		for i := range 5 {
			var u uploadJSON
			ann.upload(fmt.Sprintf("n%d.txt", i), []byte("notes\n")).want(http.StatusCreated).into(&u)
			ids = append(ids, u.ID)
		}
		var cats uploadJSON
		cat.upload("c.txt", []byte("cat's\n")).want(http.StatusCreated).into(&cats)

		// A first message of files alone.
		var started struct {
			Conversation struct {
				ID int64 `json:"id"`
			} `json:"conversation"`
			Message *tDMFiles `json:"message"`
		}
		ann.do("POST", "/api/v1/conversations", map[string]any{"members": []string{bob.user.Handle}, "attachments": []int64{img.ID}}).
			want(http.StatusCreated).into(&started)
		conv := started.Conversation.ID
		if m := started.Message; m == nil || m.Body != "" || len(m.Attachments) != 1 || m.Attachments[0].ID != img.ID ||
			m.Attachments[0].ThumbURL == "" || m.Attachments[0].Type != "image/png" {
			t.Fatalf("first message = %+v", started.Message)
		}
		posts := fmt.Sprintf("/api/v1/conversations/%d/messages", conv)

		// Refused: more than 4, twice the same, someone else's, unknown,
		// and no text without files. Nothing is sent.
		for _, bad := range [][]int64{ids, {ids[0], ids[0]}, {ids[0], cats.ID}, {999999}} {
			var e apiErr
			ann.do("POST", posts, map[string]any{"body": "files", "attachments": bad}).want(http.StatusUnprocessableEntity).into(&e)
			if e.Error.Field != "attachments" || e.Error.Message == "" {
				t.Errorf("attachments %v: %+v", bad, e)
			}
		}
		ann.do("POST", posts, map[string]any{"body": " ", "attachments": []int64{}}).wantError(http.StatusUnprocessableEntity, "invalid", "body")
		cat.do("POST", "/api/v1/conversations", map[string]any{"members": []string{ann.user.Handle}, "body": "hi", "attachments": []int64{ids[0]}}).
			wantError(http.StatusUnprocessableEntity, "invalid", "attachments")
		if ms := dmMessages(bob, conv); len(ms) != 1 {
			t.Fatalf("refused posts sent something: %+v", ms)
		}
		cat.do("GET", fmt.Sprintf("/api/v1/uploads/%d", cats.ID), nil).want(http.StatusOK) // still Cat's, unattached

		var m tDMFiles
		ann.do("POST", posts, map[string]any{"body": "notes", "attachments": ids[:2]}).want(http.StatusCreated).into(&m)
		if len(m.Attachments) != 2 || m.Attachments[0].ID != ids[0] || m.Attachments[1].URL != fmt.Sprintf("/files/%d/n1.txt", ids[1]) {
			t.Fatalf("posted attachments = %+v", m.Attachments)
		}
		// Attached once: the same upload is refused again.
		ann.do("POST", posts, map[string]any{"body": "again", "attachments": ids[:1]}).wantError(http.StatusUnprocessableEntity, "invalid", "attachments")
		ms := dmMessages(bob, conv)
		if len(ms) != 2 || len(ms[1].Attachments) != 2 || ms[1].Attachments[1].Name != "n1.txt" {
			t.Fatalf("Bob reads = %+v", ms)
		}
		for _, u := range []string{img.URL, img.ThumbURL, m.Attachments[0].URL} {
			ann.do("GET", u, nil).want(http.StatusOK)
			bob.do("GET", u, nil).want(http.StatusOK)
			cat.do("GET", u, nil).want(http.StatusNotFound)
			(&apiClient{t: t, s: s}).do("GET", u, nil).want(http.StatusNotFound)
		}

		// Bob deletes the chat for himself: what came before is gone for
		// him, files included; what comes after is his.
		bob.do("DELETE", fmt.Sprintf("/api/v1/conversations/%d", conv), nil).want(http.StatusNoContent)
		var later tDMFiles
		ann.do("POST", posts, map[string]any{"attachments": ids[2:3]}).want(http.StatusCreated).into(&later)
		bob.do("GET", img.URL, nil).want(http.StatusNotFound)
		bob.do("GET", m.Attachments[0].URL, nil).want(http.StatusNotFound)
		ann.do("GET", img.URL, nil).want(http.StatusOK)
		bob.do("GET", later.Attachments[0].URL, nil).want(http.StatusOK)

		// Deleted for everyone: no files listed, none fetched.
		ann.do("DELETE", fmt.Sprintf("%s/%d", posts, later.ID), nil).want(http.StatusNoContent)
		for _, c := range []*apiClient{ann, bob} {
			c.do("GET", later.Attachments[0].URL, nil).want(http.StatusNotFound)
			ms := dmMessages(c, conv)
			if last := ms[len(ms)-1]; last.ID != later.ID || !last.Deleted || last.Attachments == nil || len(last.Attachments) != 0 {
				t.Errorf("deleted message as read = %+v", last)
			}
		}
	})
}

// A person suspended from direct messages cannot send files either, and
// their uploads stay unattached.
func TestDMAttachmentsSuspendedSender(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		mod := s.createUser(t, "mod@example.org", model.RoleModerator)
		ann := s.apiUser(t, "ann@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		conv := dmStart(t, s, ann.user.ID, "hello", bob.user.Handle)
		var u uploadJSON
		ann.upload("n.txt", []byte("notes\n")).want(http.StatusCreated).into(&u)
		if _, err := s.Moderation.DMSanction(ctx, mod.ID, moderation.DMSanctionInput{
			UserID: ann.user.ID, Kind: model.SanctionDMSuspend, Duration: moderation.Suspend24h,
			ModInput: moderation.ModInput{Reason: "spam"},
		}); err != nil {
			t.Fatal(err)
		}
		ann.do("POST", fmt.Sprintf("/api/v1/conversations/%d/messages", conv), map[string]any{"attachments": []int64{u.ID}}).
			want(http.StatusForbidden)
		ann.do("POST", "/api/v1/conversations", map[string]any{"members": []string{bob.user.Handle}, "attachments": []int64{u.ID}}).
			want(http.StatusForbidden)
		if ms := dmMessages(ann, conv); len(ms) != 1 {
			t.Errorf("a suspended sender's files were sent: %+v", ms)
		}
		bob.do("GET", u.URL, nil).want(http.StatusNotFound)
	})
}

// uploadAs stores a file as userID's upload and returns its id.
func uploadAs(t *testing.T, s *testServer, userID int64, name string, data []byte) int64 {
	t.Helper()
	a, err := s.Attachments.Upload(context.Background(), userID, name, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// postMultipart submits fields as multipart/form-data (what the page's
// script sends) with b's CSRF token.
func postMultipart(t *testing.T, b *browser, path string, fields url.Values, headers ...string) *response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fields.Set("_csrf", b.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	_ = w.Close()
	req, _ := http.NewRequest("POST", b.s.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// The pages: the New message form and the conversation's compose box send
// the repeated form values "attachments" (urlencoded without JavaScript,
// multipart from the page's script), with or without text; the thread
// shows the files (images as thumbnails to their members); someone else's
// upload is refused with a message and sends nothing.
func TestDMAttachmentsForms(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ann, bob, cat := s.threePeople(t)
		if _, err := s.Inbox.Follow(ctx, bob.ID, ann.Handle); err != nil {
			t.Fatal(err)
		}
		ab := s.browser(t)
		ab.signIn(ann.Email)
		form := ab.get("/inbox/new")
		for _, id := range []string{"f-body", "f-attach"} {
			if form.Doc.Find("#"+id).Length() != 1 || form.Doc.Find(`label[for="`+id+`"]`).Length() != 1 {
				t.Fatalf("New message form lacks #%s with its label:\n%s", id, form.Body)
			}
		}
		img := uploadAs(t, s, ann.ID, "board.png", testPNG(t, 40, 30))
		r := ab.post("/inbox/new", url.Values{"to": {bob.Handle}, "body": {""}, "attachments": {strconv.FormatInt(img, 10)}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("New message with a file = %d:\n%s", r.Status, r.Doc.Find(".field-error").Text())
		}
		conv, _ := strconv.ParseInt(strings.TrimPrefix(r.Header.Get("Location"), "/inbox/"), 10, 64)

		page := ab.get(convPath(conv, ""))
		if page.Doc.Find(`#dm-compose #dm-attach`).Length() != 1 || page.Doc.Find(`#dm-compose label[for="dm-attach"]`).Length() != 1 {
			t.Fatalf("compose box lacks the file control:\n%s", page.Body)
		}
		if _, ok := page.Doc.Find(`#dm-body`).Attr("required"); ok {
			t.Error("the compose box requires text, so files alone cannot be sent")
		}
		notes := uploadAs(t, s, ann.ID, "notes.txt", []byte("notes\n"))
		// The page's script: multipart, as HTMX.
		r = postMultipart(t, ab, convPath(conv, "/messages"), url.Values{"body": {"see notes"}, "attachments": {strconv.FormatInt(notes, 10)}},
			"HX-Request", "true")
		if r.Status != http.StatusNoContent {
			t.Fatalf("post with a file (multipart) = %d: %s", r.Status, r.Body)
		}

		bb := s.browser(t)
		bb.signIn(bob.Email)
		thread := bb.get(convPath(conv, "")).Doc.Find(`[data-testid="thread"]`)
		if n := thread.Find(`[data-testid="attachments"]`).Length(); n != 2 {
			t.Fatalf("Bob's thread shows %d file lists, want 2:\n%s", n, bb.get(convPath(conv, "")).Body)
		}
		thumb := fmt.Sprintf("/files/thumbs/%d", img)
		if src, _ := thread.Find(`.attachment-image img`).Attr("src"); src != thumb {
			t.Errorf("image thumbnail src = %q, want %q", src, thumb)
		}
		card := thread.Find(`.attachment-file`)
		if href, _ := card.Attr("href"); href != fmt.Sprintf("/files/%d/notes.txt", notes) || !strings.Contains(card.Text(), "notes.txt") {
			t.Errorf("file card = %q %q", href, card.Text())
		}
		if r := bb.get(thumb); r.Status != http.StatusOK {
			t.Errorf("Bob fetches the thumbnail: %d", r.Status)
		}
		cb := s.browser(t)
		cb.signIn(cat.Email)
		if r := cb.get(thumb); r.Status != http.StatusNotFound {
			t.Errorf("Cat, not a member, fetches the thumbnail: %d", r.Status)
		}

		// Someone else's upload: refused, said so, nothing sent — as a
		// fragment for the script and in the New message form.
		bobs := uploadAs(t, s, bob.ID, "b.txt", []byte("bob's\n"))
		r = ab.post(convPath(conv, "/messages"), url.Values{"body": {"take this"}, "attachments": {strconv.FormatInt(bobs, 10)}}, "HX-Request", "true")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "not one you uploaded") {
			t.Errorf("someone else's file = %d: %s", r.Status, r.Body)
		}
		r = ab.post(convPath(conv, "/messages"), url.Values{"body": {"take this"}, "attachments": {"x1"}}, "HX-Request", "true")
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("a file id that is not a number = %d: %s", r.Status, r.Body)
		}
		r = ab.post("/inbox/new", url.Values{"to": {cat.Handle}, "body": {"hi"}, "attachments": {strconv.FormatInt(bobs, 10)}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find("#e-attachments").Text(), "not one you uploaded") ||
			r.Doc.Find("#f-body").Text() != "hi" {
			t.Errorf("New message with someone else's file = %d:\n%s", r.Status, r.Body)
		}
		page = ab.get(convPath(conv, ""))
		if n := page.Doc.Find(`[data-testid="dm-message"]`).Length(); n != 2 {
			t.Errorf("refused posts sent something: %d messages", n)
		}
		if cs, err := s.Inbox.Conversations(ctx, cat.ID, model.FolderRequests); err != nil || len(cs) != 0 {
			t.Errorf("the refused New message started a conversation: %v %v", cs, err)
		}
		if r := bb.get(fmt.Sprintf("/files/%d/b.txt", bobs)); r.Status != http.StatusOK {
			t.Errorf("Bob's upload, still his and unattached: %d", r.Status)
		}
		if r := ab.get(fmt.Sprintf("/files/%d/b.txt", bobs)); r.Status != http.StatusNotFound {
			t.Errorf("Ann fetches Bob's unattached upload: %d", r.Status)
		}

		// Ann deletes the picture's message for everyone: the page shows a
		// tombstone without files, and the picture is gone.
		first := page.Doc.Find(`[data-testid="dm-message"]`).First()
		mid, _ := first.Attr("data-id")
		ab.get(convPath(conv, ""))
		if r := ab.post(convPath(conv, "/messages/"+mid+"/delete"), nil); r.Status != http.StatusSeeOther {
			t.Fatalf("delete = %d", r.Status)
		}
		thread = bb.get(convPath(conv, "")).Doc.Find(`[data-testid="thread"]`)
		if thread.Find(`[data-testid="tombstone"]`).Length() != 1 || thread.Find(`[data-testid="attachments"]`).Length() != 1 ||
			thread.Find(`img`).Length() != 0 {
			t.Errorf("after deleting the picture's message, Bob's thread:\n%s", bb.get(convPath(conv, "")).Body)
		}
		for _, u := range []string{thumb, fmt.Sprintf("/files/%d/board.png", img)} {
			if r := bb.get(u); r.Status != http.StatusNotFound {
				t.Errorf("Bob fetches %s of a deleted message: %d", u, r.Status)
			}
		}
	})
}

// A message request's images reach the recipient as file cards — no
// thumbnail is loaded, on the page or live — and the page says so; once
// accepted they are pictures. Members who read the conversation in their
// inbox get the pictures live at once. Every member of an audience gets
// the same frame.
func TestDMRequestImagesAsCardsAndLive(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ann, bob, cat := s.threePeople(t)
		if _, err := s.Inbox.Follow(ctx, bob.ID, ann.Handle); err != nil {
			t.Fatal(err)
		}
		group := dmStart(t, s, ann.ID, "hello both", bob.Handle, cat.Handle)
		since, err := s.InboxFeed.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		bb, cb := s.browser(t), s.browser(t)
		bb.signIn(bob.Email)
		cb.signIn(cat.Email)
		bobStream, catStream := openInboxPageStream(t, bb, since), openInboxPageStream(t, cb, since)

		img := uploadAs(t, s, ann.ID, "board.png", testPNG(t, 40, 30))
		if _, err := s.Inbox.Post(ctx, ann.ID, group, inbox.PostInput{Attachments: []int64{img}}); err != nil {
			t.Fatal(err)
		}
		id, err := s.InboxFeed.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		thumb := fmt.Sprintf(`src="/files/thumbs/%d"`, img)
		fb, fc := bobStream.frame(t, id), catStream.frame(t, id)
		if !strings.Contains(fb, `data-testid="attachments"`) || !strings.Contains(fb, thumb) {
			t.Errorf("Bob's live frame lacks the picture:\n%s", fb)
		}
		if !strings.Contains(fc, `data-testid="attachments"`) || !strings.Contains(fc, `class="attachment-file"`) || strings.Contains(fc, "/files/thumbs/") {
			t.Errorf("Cat's live frame (a request) is not a file card:\n%s", fc)
		}
		if strings.Contains(fb, "_csrf") {
			t.Errorf("frame holds something of one viewer:\n%s", fb)
		}

		if !strings.Contains(fc, "📎 board.png") {
			t.Errorf("the live signal does not name the file of a message without text:\n%s", fc)
		}
		if r := cb.get("/inbox/requests"); !strings.Contains(r.Body, "📎 board.png") {
			t.Errorf("the requests list does not name the file of a message without text:\n%s", r.Body)
		}
		page := cb.get(convPath(group, ""))
		if page.Doc.Find(`[data-testid="request-files-note"]`).Length() != 1 {
			t.Errorf("the request page does not say images show as files:\n%s", page.Body)
		}
		if n := page.Doc.Find(`[data-testid="thread"] img`).Length(); n != 0 || page.Doc.Find(`.attachment-file`).Length() != 1 {
			t.Errorf("Cat's request shows %d pictures:\n%s", n, page.Body)
		}
		if err := s.Inbox.Accept(ctx, cat.ID, group); err != nil {
			t.Fatal(err)
		}
		page = cb.get(convPath(group, ""))
		if src, _ := page.Doc.Find(`[data-testid="thread"] .attachment-image img`).Attr("src"); src != fmt.Sprintf("/files/thumbs/%d", img) ||
			page.Doc.Find(`[data-testid="request-files-note"]`).Length() != 0 {
			t.Errorf("accepted: the picture is not shown (src %q):\n%s", src, page.Body)
		}
	})
}

// A conversation's export lists its files: Markdown as named links, JSON
// as attachments [{name, type, size, url}]; a deleted message's files are
// left out.
func TestDMExportListsFiles(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ann, bob, _ := s.threePeople(t)
		conv := dmStart(t, s, ann.ID, "hello", bob.Handle)
		notes := uploadAs(t, s, ann.ID, "week_1 notes.txt", []byte("notes\n"))
		gone := uploadAs(t, s, ann.ID, "gone.txt", []byte("gone\n"))
		if _, err := s.Inbox.Post(ctx, ann.ID, conv, inbox.PostInput{Body: "notes", Attachments: []int64{notes}}); err != nil {
			t.Fatal(err)
		}
		del, err := s.Inbox.Post(ctx, ann.ID, conv, inbox.PostInput{Attachments: []int64{gone}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Inbox.Delete(ctx, ann.ID, conv, del.ID); err != nil {
			t.Fatal(err)
		}
		bb := s.browser(t)
		bb.signIn(bob.Email)
		md := bb.get(convPath(conv, "/export.md"))
		link := fmt.Sprintf(`notes 📎 [week\_1 notes.txt](/files/%d/week_1%%20notes.txt)`, notes)
		if md.Status != http.StatusOK || !strings.Contains(md.Body, link) || strings.Contains(md.Body, "gone.txt") {
			t.Errorf("Markdown export lacks %s:\n%s", link, md.Body)
		}
		js := bb.get(convPath(conv, "/export.json"))
		var doc struct {
			Messages []struct {
				ID          int64 `json:"id"`
				Attachments []struct {
					Name string `json:"name"`
					Type string `json:"type"`
					Size int64  `json:"size"`
					URL  string `json:"url"`
				} `json:"attachments"`
			} `json:"messages"`
		}
		if err := json.Unmarshal([]byte(js.Body), &doc); err != nil || len(doc.Messages) != 3 {
			t.Fatalf("JSON export (%v):\n%s", err, js.Body)
		}
		f := doc.Messages[1].Attachments
		if len(f) != 1 || f[0].Name != "week_1 notes.txt" || f[0].Type != "text/plain" || f[0].Size != 6 ||
			f[0].URL != fmt.Sprintf("/files/%d/week_1%%20notes.txt", notes) {
			t.Errorf("JSON export attachments = %+v", f)
		}
		if a := doc.Messages[2].Attachments; a == nil || len(a) != 0 {
			t.Errorf("deleted message's attachments in the export = %+v", a)
		}
		if a := doc.Messages[0].Attachments; a == nil {
			t.Error("a message without files has no attachments list")
		}
	})
}

// A direct message's file names go through the site's word filters as its
// text does: a blocked name refuses the message (naming the file, citing no
// rule) and sends nothing, a masked name is stored masked.
func TestDMAttachmentNamesFiltered(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		for word, action := range map[string]string{"badword": "block", "maskword": "mask"} {
			if _, err := s.Filters.Create(ctx, 0, filters.Site, filters.Input{Pattern: word, Action: action}); err != nil {
				t.Fatal(err)
			}
		}
		ann := s.apiUser(t, "ann@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		if _, err := s.Inbox.Follow(ctx, bob.user.ID, ann.user.Handle); err != nil {
			t.Fatal(err)
		}
		var bad, masked uploadJSON
		ann.upload("badword-notes.txt", []byte("notes\n")).want(http.StatusCreated).into(&bad)
		ann.upload("maskword-notes.txt", []byte("notes\n")).want(http.StatusCreated).into(&masked)
		var started struct {
			Conversation struct {
				ID int64 `json:"id"`
			} `json:"conversation"`
		}
		ann.do("POST", "/api/v1/conversations", map[string]any{"members": []string{bob.user.Handle}, "body": "hello"}).
			want(http.StatusCreated).into(&started)
		posts := fmt.Sprintf("/api/v1/conversations/%d/messages", started.Conversation.ID)
		var e apiErr
		ann.do("POST", posts, map[string]any{"body": "the notes", "attachments": []int64{bad.ID}}).
			want(http.StatusUnprocessableEntity).into(&e)
		if e.Error.Code != "blocked_by_filter" || !strings.Contains(e.Error.Message, "badword-notes.txt") || strings.Contains(e.Error.Message, "rule") {
			t.Errorf("blocked name: %+v", e.Error)
		}
		if ms := dmMessages(bob, started.Conversation.ID); len(ms) != 1 {
			t.Fatalf("a refused message was sent: %+v", ms)
		}
		ann.do("POST", posts, map[string]any{"attachments": []int64{masked.ID}}).want(http.StatusCreated)
		ms := dmMessages(bob, started.Conversation.ID)
		if len(ms) != 2 || len(ms[1].Attachments) != 1 || strings.Contains(ms[1].Attachments[0].Name, "maskword") {
			t.Errorf("masked name: %+v", ms)
		}
	})
}
