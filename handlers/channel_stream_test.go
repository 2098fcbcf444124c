package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"backchannel/chat"
	"backchannel/model"
)

// sseReader reads one channel page stream into its frames by event id.
type sseReader struct {
	mu     sync.Mutex
	frames map[int64]string
	last   int64
}

// openPageStream opens b's channel page stream of slug from after.
func openPageStream(t *testing.T, b *browser, slug string, after int64) *sseReader {
	t.Helper()
	return openStreamReader(t, b, "/c/"+slug+"/events?since="+strconv.FormatInt(after, 10))
}

// openStreamReader opens b's page stream at path.
func openStreamReader(t *testing.T, b *browser, path string) *sseReader {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", b.s.URL+path, nil)
	res, err := (&http.Client{Jar: b.http.Jar}).Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("open stream: %v", err)
	}
	r := &sseReader{frames: map[int64]string{}}
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var data []string
		var id int64
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				id, _ = strconv.ParseInt(line[4:], 10, 64)
			case strings.HasPrefix(line, "data: "):
				data = append(data, line[6:])
			case line == "" && id != 0:
				r.mu.Lock()
				r.frames[id], r.last = strings.Join(data, "\n"), id
				r.mu.Unlock()
				data, id = nil, 0
			}
		}
	}()
	return r
}

// frame waits for the frame of event seq.
func (r *sseReader) frame(t *testing.T, seq int64) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		r.mu.Lock()
		f, ok := r.frames[seq]
		r.mu.Unlock()
		if ok {
			return f
		}
	}
	t.Fatalf("event %d never arrived", seq)
	return ""
}

// The channel page's live stream renders an event once per audience: two
// participants get byte-identical frames for someone else's message, its
// author gets their own (edit and delete), staff theirs; an anonymous
// post's shared frame names nobody.
func TestChannelStreamFramesPerAudience(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		slow := 0
		ch, _ := s.newChannel(t, "shared", chat.ChannelInput{SlowModeSeconds: &slow})
		people := map[string]*browser{}
		for _, name := range []string{"zelda", "pat", "sam", "mo"} {
			role := model.RoleParticipant
			if name == "mo" {
				role = model.RoleModerator
			}
			s.createUser(t, name+"@example.org", role)
			b := s.browser(t)
			b.signIn(name + "@example.org")
			if name != "mo" {
				b.accept("shared")
			} else {
				b.get("/c/shared")
			}
			people[name] = b
		}
		ch, err := s.Chat.Channel(ctx, ch.Slug)
		if err != nil {
			t.Fatal(err)
		}
		streams := map[string]*sseReader{}
		for name, b := range people {
			streams[name] = openPageStream(t, b, "shared", ch.LastSeq)
		}
		post := func(form url.Values) int64 {
			t.Helper()
			r := people["zelda"].postMessage("shared", form)
			if r.Status != http.StatusSeeOther {
				t.Fatalf("post = %d", r.Status)
			}
			id, _ := strconv.ParseInt(strings.TrimPrefix(r.Header.Get("Location"), "/c/shared#m-"), 10, 64)
			m, err := s.Chat.Message(ctx, ch, chat.Viewer{Staff: true}, id)
			if err != nil {
				t.Fatal(err)
			}
			return m.Seq
		}
		doc := func(frame string) *goquery.Document {
			d, err := goquery.NewDocumentFromReader(strings.NewReader(frame))
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		controls := func(frame string) (edit, del bool) {
			d := doc(frame)
			return d.Find(".edit-box").Length() > 0, d.Find(`button[formaction$="/delete"]`).Length() > 0
		}

		seq := post(url.Values{"body": {"Where are the slides?"}})
		pat, sam := streams["pat"].frame(t, seq), streams["sam"].frame(t, seq)
		if pat != sam || pat == "" {
			t.Errorf("two participants got different frames for one event:\n%s\n---\n%s", pat, sam)
		}
		if strings.Contains(pat, "_csrf") {
			t.Error("a shared frame carries a CSRF token")
		}
		for name, want := range map[string][2]bool{"pat": {false, false}, "zelda": {true, true}, "mo": {false, true}} {
			if edit, del := controls(streams[name].frame(t, seq)); edit != want[0] || del != want[1] {
				t.Errorf("%s's frame: edit %v delete %v, want %v", name, edit, del, want)
			}
		}

		// Anonymous: the participants' frame carries no trace of who wrote it.
		seq = post(url.Values{"body": {"Is this on the exam?"}, "anonymous": {"1"}})
		pat, sam = streams["pat"].frame(t, seq), streams["sam"].frame(t, seq)
		if pat != sam {
			t.Errorf("two participants got different frames for an anonymous post")
		}
		if strings.Contains(strings.ToLower(pat), "zelda") || doc(pat).Find(".author").Text() != "Anonymous" {
			t.Errorf("an anonymous post's shared frame tells its author:\n%s", pat)
		}
		own := streams["zelda"].frame(t, seq)
		if own == pat || doc(own).Find(".author").Text() != "zelda" {
			t.Errorf("the author's own frame of their anonymous post: %q", doc(own).Find(".author").Text())
		}
		if got := doc(streams["mo"].frame(t, seq)).Find(".author").Text(); got != "zelda" {
			t.Errorf("staff see the anonymous author as %q", got)
		}

		// A reaction: the reactor's frame shows it pressed, the others'
		// frames the count alone, still shared.
		r := people["sam"].post("/c/shared/messages/"+messageIDOfSeq(t, s, ch, seq)+"/react", url.Values{"emoji": {"👍"}}, "HX-Request", "true")
		if r.Status != http.StatusOK {
			t.Fatalf("react = %d", r.Status)
		}
		ch, _ = s.Chat.Channel(ctx, "shared")
		seq = ch.LastSeq
		pat, sam = streams["pat"].frame(t, seq), streams["sam"].frame(t, seq)
		pressed := func(frame string) string {
			return doc(frame).Find(`button[value="👍"]`).AttrOr("aria-pressed", "")
		}
		if pressed(sam) != "true" || pressed(pat) != "false" {
			t.Errorf("pressed: sam %q pat %q", pressed(sam), pressed(pat))
		}
		if !strings.Contains(pat, "👍 1") || !strings.Contains(sam, "👍 1") {
			t.Error("the reaction's count is missing from a frame")
		}
	})
}

// messageIDOfSeq is the id of the message created at seq in ch.
func messageIDOfSeq(t *testing.T, s *testServer, ch *model.Channel, seq int64) string {
	t.Helper()
	items, err := s.Chat.Messages(context.Background(), ch, chat.Viewer{Staff: true}, seq-1, 1)
	if err != nil || len(items) != 1 {
		t.Fatalf("message at %d: %v", seq, err)
	}
	return strconv.FormatInt(items[0].Message.ID, 10)
}

// The channel page carries the CSRF token once, outside its messages, and
// every action on a message works with it: without JavaScript through the
// page's action form (the token as a form field, the button's formaction),
// with htmx through the header; a message's text forms without a token are
// taken only from a page of the same origin (Sec-Fetch-Site).
func TestChannelActionsWithThePageToken(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		slow := 0
		ch, host := s.newChannel(t, "tok", chat.ChannelInput{SlowModeSeconds: &slow})
		hv, err := s.Chat.ViewerFor(ctx, ch, host, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Chat.AcceptGuideline(ctx, ch, hv, 0); err != nil {
			t.Fatal(err)
		}
		m, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: "Which chapter?", Kind: model.KindQuestion})
		if err != nil {
			t.Fatal(err)
		}
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		pat := s.browser(t)
		pat.signIn("pat@example.org")
		pat.accept("tok")
		page := pat.get("/c/tok")
		if n := page.Doc.Find(`[data-testid=message] input[name=_csrf]`).Length(); n != 0 {
			t.Errorf("%d CSRF fields inside messages, want none", n)
		}
		token := page.Doc.Find(`form#act input[name=_csrf]`).AttrOr("value", "")
		if token == "" || page.Doc.Find(`body`).AttrOr("hx-headers:inherited", "") == "" {
			t.Fatal("the page carries no token for its actions")
		}
		id := strconv.FormatInt(m.ID, 10)
		msg := page.Doc.Find("#m-" + id)
		vote := msg.Find(`[data-testid=vote]`)
		if vote.AttrOr("form", "") != "act" || vote.AttrOr("formaction", "") != "/c/tok/messages/"+id+"/vote" {
			t.Fatalf("vote button: form %q formaction %q", vote.AttrOr("form", ""), vote.AttrOr("formaction", ""))
		}
		react := msg.Find(`[data-testid=reaction]`).First()

		// Without JavaScript: the browser posts #act (its token) to the
		// button's formaction, with the button's name and value.
		r := pat.post(react.AttrOr("formaction", ""), url.Values{"_csrf": {token}, react.AttrOr("name", ""): {react.AttrOr("value", "")}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("react without JavaScript = %d", r.Status)
		}
		// With htmx: the token in the header only.
		r = pat.post(vote.AttrOr("formaction", ""), url.Values{"_csrf": {""}}, "HX-Request", "true", "X-CSRF-Token", token)
		if r.Status != http.StatusOK || r.Doc.Find(`[data-testid=vote]`).AttrOr("aria-pressed", "") != "true" {
			t.Fatalf("vote through htmx = %d", r.Status)
		}
		if got := r.Doc.Find(`[data-testid=reaction].on`).Length(); got != 1 {
			t.Errorf("pat's own reaction pressed on %d buttons, want 1", got)
		}
		// A reply form without a token: refused unless the browser says
		// it comes from this origin.
		reply := url.Values{"_csrf": {""}, "body": {"Chapter 4"}, "parent_id": {id}}
		for _, c := range []struct {
			site string
			want int
		}{{"", http.StatusForbidden}, {"cross-site", http.StatusForbidden}, {"same-site", http.StatusForbidden}, {"same-origin", http.StatusSeeOther}} {
			var hd []string
			if c.site != "" {
				hd = []string{"Sec-Fetch-Site", c.site}
			}
			if r := pat.post("/c/tok/messages", reply, hd...); r.Status != c.want {
				t.Errorf("reply with Sec-Fetch-Site %q = %d, want %d", c.site, r.Status, c.want)
			}
		}
		// A wrong token is refused whatever the browser says.
		if r := pat.post("/c/tok/messages", url.Values{"_csrf": {"forged"}, "body": {"x"}}, "Sec-Fetch-Site", "same-origin"); r.Status != http.StatusForbidden {
			t.Errorf("forged token = %d", r.Status)
		}
		// Edit and delete one's own message, through htmx with the header.
		page = pat.get("/c/tok")
		own := page.Doc.Find(`[data-testid=message]`).FilterFunction(func(_ int, s *goquery.Selection) bool {
			return s.Find(".edit-box").Length() == 1
		})
		if own.Length() != 1 {
			t.Fatalf("pat has edit controls on %d messages, want 1 (the reply)", own.Length())
		}
		ownID := strings.TrimPrefix(own.AttrOr("id", ""), "m-")
		edit := own.Find(".edit-box form").AttrOr("hx-post", "")
		if r := pat.post(edit, url.Values{"_csrf": {""}, "body": {"Chapter 5"}}, "HX-Request", "true", "X-CSRF-Token", token); r.Status != http.StatusOK ||
			!strings.Contains(r.Doc.Find("[data-testid=message-body]").Text(), "Chapter 5") {
			t.Fatalf("edit = %d", r.Status)
		}
		del := own.Find(`button[formaction$="/delete"]`)
		if del.AttrOr("form", "") != "act" {
			t.Fatal("the delete button does not submit the action form")
		}
		if r := pat.post(del.AttrOr("formaction", ""), url.Values{"_csrf": {token}}); r.Status != http.StatusSeeOther {
			t.Fatalf("delete without JavaScript = %d", r.Status)
		}
		if got := pat.get("/c/tok").Doc.Find("#m-" + ownID).Text(); !strings.Contains(got, "removed") {
			t.Errorf("deleted reply shows %q", got)
		}
		// The report form of someone else's message, through htmx.
		rep := pat.get("/c/tok").Doc.Find("#m-"+id+" .report-form").AttrOr("hx-post", "")
		if r := pat.post(rep, url.Values{"_csrf": {""}, "reason": {"off topic"}}, "HX-Request", "true", "X-CSRF-Token", token); r.Status != http.StatusOK ||
			r.Doc.Find("[data-testid=report-note]").Length() != 1 {
			t.Fatalf("report = %d", r.Status)
		}
	})
}
