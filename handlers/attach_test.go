package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
)

// channelMessages is GET /api/v1/channels/{slug}/messages as a's account
// sees it.
func channelMessages(a *apiClient, slug string) []struct {
	ID          int64        `json:"id"`
	Body        string       `json:"body"`
	Attachments []uploadJSON `json:"attachments"`
} {
	a.t.Helper()
	var out struct {
		Messages []struct {
			ID          int64        `json:"id"`
			Body        string       `json:"body"`
			Attachments []uploadJSON `json:"attachments"`
		} `json:"messages"`
	}
	a.do("GET", "/api/v1/channels/"+slug+"/messages", nil).want(http.StatusOK).into(&out)
	return out.Messages
}

// attachForm is a compose form's values with the given upload ids.
func attachForm(body string, ids ...int64) url.Values {
	f := url.Values{"body": {body}, "kind": {"comment"}}
	for _, id := range ids {
		f.Add("attachments", strconv.FormatInt(id, 10))
	}
	return f
}

// The channel's compose form takes the files uploaded from it (the
// repeated "attachments" values): the message shows them on the page and
// in the API; files that are not the poster's own, attached already or more
// than four come back as the form's error and post nothing; files need no
// text.
func TestChannelFormAttachments(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		slow := 0
		_, host := s.newChannel(t, "lab", chat.ChannelInput{SlowModeSeconds: &slow})
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		page := s.browser(t)
		page.signIn("ada@example.org")
		page.accept("lab")
		htmx := []string{"HX-Request", "true"}

		// Accounts get the file control in the compose box.
		r := page.get("/c/lab")
		if r.Doc.Find(`form[data-testid=compose] [data-attach] input[type=file]#compose-body-files`).Length() != 1 ||
			strings.TrimSpace(r.Doc.Find(`form[data-testid=compose] label[for=compose-body-files]`).Text()) != "Attach files" {
			t.Fatal("no labelled file control in the compose box")
		}

		var img, csv uploadJSON
		ada.upload("board.png", testPNG(t, 640, 480)).want(http.StatusCreated).into(&img)
		ada.upload("marks.csv", []byte("name,mark\nada,1\n")).want(http.StatusCreated).into(&csv)
		r = page.postMessage("lab", attachForm("See the board", img.ID, csv.ID), htmx...)
		if r.Status != http.StatusOK || strings.TrimSpace(r.Doc.Find(`[data-testid=compose-error]`).Text()) != "" {
			t.Fatalf("post with files = %d: %s", r.Status, r.Doc.Find(`[data-testid=compose-error]`).Text())
		}
		if r.Doc.Find(`[data-attach-list] li`).Length() != 0 {
			t.Error("the fresh form after a post still lists files")
		}

		// The page shows them: the image as a sized thumbnail that opens the
		// original, the file as a card with name, type and size.
		msg := func(r *response, text string) *goquery.Selection {
			return r.Doc.Find(`article[data-testid=message]`).FilterFunction(func(_ int, a *goquery.Selection) bool {
				return strings.Contains(a.Find(`[data-testid=message-body]`).Text(), text)
			})
		}
		art := msg(page.get("/c/lab"), "See the board")
		thumb := art.Find(`[data-testid=attachments] a.attachment-image img`)
		if src, _ := thumb.Attr("src"); src != fmt.Sprintf("/files/thumbs/%d", img.ID) {
			t.Errorf("thumbnail src %q", src)
		}
		if w, _ := thumb.Attr("width"); w != "213" {
			t.Errorf("thumbnail width %q, want 213 (640×480 shown 160 tall)", w)
		}
		if h, _ := thumb.Attr("height"); h != "160" {
			t.Errorf("thumbnail height %q", h)
		}
		if href, _ := thumb.Parent().Attr("href"); href != img.URL {
			t.Errorf("thumbnail opens %q, want %q", href, img.URL)
		}
		card := art.Find(`[data-testid=attachments] a.attachment-file`)
		if href, _ := card.Attr("href"); href != csv.URL || !strings.Contains(card.Text(), "marks.csv") ||
			!strings.Contains(card.Text(), "text/csv") || !strings.Contains(card.Text(), "16 B") {
			t.Errorf("file card %q → %q", card.Text(), href)
		}
		// Everyone who may see the message gets them (bob reads the API).
		ms := channelMessages(bob, "lab")
		if len(ms) != 1 || len(ms[0].Attachments) != 2 || ms[0].Attachments[0].ID != img.ID ||
			ms[0].Attachments[1].ID != csv.ID || ms[0].Attachments[0].ThumbURL != fmt.Sprintf("/files/thumbs/%d", img.ID) {
			t.Fatalf("API messages = %+v", ms)
		}
		bob.do("GET", fmt.Sprintf("/files/thumbs/%d", img.ID), nil).want(http.StatusOK)

		// Refusals come back in the form, the text kept, and post nothing.
		var bobs uploadJSON
		bob.upload("bob.png", testPNG(t, 20, 20)).want(http.StatusCreated).into(&bobs)
		var five []int64
		for i := range 5 {
			var u uploadJSON
			ada.upload(fmt.Sprintf("n%d.txt", i), []byte("note\n")).want(http.StatusCreated).into(&u)
			five = append(five, u.ID)
		}
		for _, c := range []struct {
			name string
			form url.Values
			want string
		}{
			{"someone else's", attachForm("Mine now", bobs.ID), "not one you uploaded"},
			{"already attached", attachForm("Again", img.ID), "already attached"},
			{"five", attachForm("Many", five...), "at most 4 files"},
			{"not an id", url.Values{"body": {"Odd"}, "attachments": {"x"}}, "not named by its upload id"},
		} {
			r := page.postMessage("lab", c.form, htmx...)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find(`[data-testid=compose-error]`).Text(), c.want) {
				t.Errorf("%s: %d %q", c.name, r.Status, r.Doc.Find(`[data-testid=compose-error]`).Text())
			}
			if got := r.Doc.Find(`textarea[name=body]`).Text(); got != c.form.Get("body") {
				t.Errorf("%s: text kept %q", c.name, got)
			}
		}
		if n := len(channelMessages(ada, "lab")); n != 1 {
			t.Errorf("%d messages after the refusals, want 1", n)
		}
		for _, id := range append([]int64{bobs.ID}, five...) {
			if a, err := store.Attachment(ctx, s.DB, id); err != nil || a.Attached() {
				t.Errorf("upload %d after the refusals: %+v, %v", id, a, err)
			}
		}

		// Files alone make a message (form and API); nothing at all does not.
		r = page.postMessage("lab", attachForm("  ", five[0]), htmx...)
		if r.Status != http.StatusOK {
			t.Fatalf("files only = %d: %s", r.Status, r.Doc.Find(`[data-testid=compose-error]`).Text())
		}
		var posted struct {
			ID          int64        `json:"id"`
			Attachments []uploadJSON `json:"attachments"`
		}
		ada.do("POST", "/api/v1/channels/lab/messages", map[string]any{"body": "", "attachments": []int64{five[1]}}).
			want(http.StatusCreated).into(&posted)
		if len(posted.Attachments) != 1 || posted.Attachments[0].ID != five[1] {
			t.Errorf("API files-only post = %+v", posted)
		}
		if r := page.postMessage("lab", attachForm(" "), htmx...); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Doc.Find(`[data-testid=compose-error]`).Text(), "Write something first") {
			t.Errorf("empty post = %d", r.Status)
		}
		ms = channelMessages(ada, "lab")
		if len(ms) != 3 || ms[1].Body != "" || len(ms[1].Attachments) != 1 || ms[1].Attachments[0].ID != five[0] {
			t.Fatalf("messages = %+v", ms)
		}
		for _, m := range ms[1:] {
			a := page.get("/c/lab").Doc.Find("#m-" + strconv.FormatInt(m.ID, 10))
			if a.Find(`[data-testid=attachments] li`).Length() != 1 || a.Find(`[data-testid=message-body]`).Length() != 0 {
				t.Errorf("files-only message %d on the page: %s", m.ID, a.Text())
			}
		}

		// The presenter view shows a question's image too.
		var q uploadJSON
		ada.upload("graph.png", testPNG(t, 300, 600)).want(http.StatusCreated).into(&q)
		f := attachForm("Is this graph right?", q.ID)
		f.Set("kind", "question")
		if r := page.postMessage("lab", f, htmx...); r.Status != http.StatusOK {
			t.Fatalf("question with a file = %d", r.Status)
		}
		presenter := s.browser(t)
		presenter.signIn(host.Email)
		shown := presenter.get("/c/lab/present").Doc.Find(`[data-testid=attachments] img`)
		if src, _ := shown.Attr("src"); src != fmt.Sprintf("/files/thumbs/%d", q.ID) {
			t.Errorf("presenter view image %q", src)
		}
		if w, _ := shown.Attr("width"); w != "80" {
			t.Errorf("a tall image's thumbnail width %q, want 80 (300×600 shown 160 tall)", w)
		}

		// A file may be named "thumb": its path is its own, apart from the
		// thumbnails'.
		var named uploadJSON
		ada.upload("thumb", []byte("just text\n")).want(http.StatusCreated).into(&named)
		if res := ada.do("GET", named.URL, nil).want(http.StatusOK); string(res.Body) != "just text\n" {
			t.Errorf("/files/%d/thumb = %q", named.ID, res.Body)
		}
	})
}

// Guests cannot upload (the uploads API needs an account): their compose
// box has no file control.
func TestChannelComposeGuestNoAttach(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		guests := true
		s.newChannel(t, "open", chat.ChannelInput{AllowGuests: &guests})
		g := s.browser(t)
		g.get("/c/open")
		if r := g.post("/c/open/join", url.Values{"name": {"Sam"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("guest join = %d", r.Status)
		}
		g.accept("open")
		r := g.get("/c/open")
		if r.Doc.Find(`form[data-testid=compose]`).Length() != 1 || r.Doc.Find(`[data-attach]`).Length() != 0 {
			t.Error("a guest's compose box offers the file control (or there is no box)")
		}
		// Ids sent anyway are refused with the reason.
		r = g.postMessage("open", attachForm("A file", 1), "HX-Request", "true")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find(`[data-testid=compose-error]`).Text(), "Sign in to attach") {
			t.Errorf("guest post with a file = %d %q", r.Status, r.Doc.Find(`[data-testid=compose-error]`).Text())
		}
	})
}
