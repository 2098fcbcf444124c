package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"backchannel/chat"
	"backchannel/model"
)

// The channel page's order on every database: pinned threads first, then
// highlighted ones, then the newest (or, on Top questions, the most voted);
// a post through htmx names the new message for the page to show it.
func TestChannelFeedOrderAndPostedMessage(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		f := newFeedChannel(t, s, "order")
		for _, b := range []string{"c0", "c1", "c2", "c3"} {
			f.post(t, b, 0)
		}
		q, err := s.Chat.Post(t.Context(), f.ch, f.host, chat.PostInput{Body: "q4", Kind: model.KindQuestion})
		if err != nil {
			t.Fatal(err)
		}
		f.post(t, "reply to c1", f.ids["c1"])
		f.moderate(t, "c1", model.ActPin)
		f.moderate(t, "c3", model.ActHighlight)
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		pat := s.browser(t)
		pat.signIn("pat@example.org")
		pat.accept("order")

		order := func(path string) string {
			r := pat.get(path)
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s = %d", path, r.Status)
			}
			var out []string
			r.Doc.Find("#messages > li.thread > article [data-testid=message-body]").Each(func(_ int, b *goquery.Selection) {
				out = append(out, strings.TrimSpace(b.Text()))
			})
			return strings.Join(out, " ")
		}
		if got, want := order("/c/order"), "c1 c3 q4 c2 c0"; got != want {
			t.Errorf("newest: %q, want %q", got, want)
		}
		if got := pat.get("/c/order").Doc.Find("#messages").AttrOr("data-sort", ""); got != "newest" {
			t.Errorf("data-sort = %q", got)
		}
		if _, err := s.Chat.Vote(t.Context(), f.ch, f.host, q.ID, true); err != nil {
			t.Fatal(err)
		}
		if got, want := order("/c/order?sort=top"), "c1 c3 q4 c0 c2"; got != want {
			t.Errorf("top: %q, want %q", got, want)
		}

		r := pat.postMessage("order", url.Values{"body": {"mine"}}, "HX-Request", "true")
		if r.Status != http.StatusOK {
			t.Fatalf("post = %d", r.Status)
		}
		m, err := s.Chat.Messages(t.Context(), f.ch, f.host, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		last := m[len(m)-1].Message
		want := `"m-` + strconv.FormatInt(last.ID, 10) + `"`
		if last.Body != "mine" || !strings.Contains(r.Header.Get("HX-Trigger"), `"bc:posted"`) || !strings.Contains(r.Header.Get("HX-Trigger"), want) {
			t.Errorf("HX-Trigger %q, want bc:posted with %s", r.Header.Get("HX-Trigger"), want)
		}
		// A refused post names nothing.
		r = pat.postMessage("order", url.Values{"body": {""}}, "HX-Request", "true")
		if r.Status < 400 || r.Header.Get("HX-Trigger") != "" {
			t.Errorf("empty post = %d, HX-Trigger %q", r.Status, r.Header.Get("HX-Trigger"))
		}
	})
}
