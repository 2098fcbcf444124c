package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// The channel page shows the newest threads, newest first, and offers the
// earlier ones a page at a time below them, with htmx (a fragment that replaces the control) and
// without (a link to the page of earlier threads); every thread is shown
// exactly once across the pages.
func TestChannelPageLoadsEarlier(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		slow := 0
		ch, host := s.newChannel(t, "paged", chat.ChannelInput{SlowModeSeconds: &slow})
		v, err := s.Chat.ViewerFor(ctx, ch, host, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Chat.AcceptGuideline(ctx, ch, v, 0); err != nil {
			t.Fatal(err)
		}
		const n = chat.ThreadsPerPage*2 + 7
		for i := range n {
			if _, err := s.Chat.Post(ctx, ch, v, chat.PostInput{Body: fmt.Sprintf("thread %03d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		pat := s.browser(t)
		pat.signIn("pat@example.org")
		pat.accept("paged")

		bodies := func(doc *goquery.Selection) []string {
			var out []string
			doc.Find("li.thread [data-testid=message-body]").Each(func(_ int, b *goquery.Selection) {
				out = append(out, strings.TrimSpace(b.Text()))
			})
			return out
		}
		r := pat.get("/c/paged")
		first := bodies(r.Doc.Selection)
		if len(first) != chat.ThreadsPerPage || first[0] != fmt.Sprintf("thread %03d", n-1) || first[len(first)-1] != fmt.Sprintf("thread %03d", n-chat.ThreadsPerPage) {
			t.Fatalf("first paint: %d threads from %q to %q, want the newest first", len(first), first[0], first[len(first)-1])
		}
		if r.Doc.Find("#messages > li").Last().Is("[data-testid=load-earlier]") != true {
			t.Error("the load earlier control is not below the oldest thread")
		}
		control := r.Doc.Find("[data-testid=load-earlier] a")
		href, _ := control.Attr("href")
		hx, _ := control.Attr("hx-get")
		if control.Length() != 1 || !strings.Contains(href, "?before=") || !strings.Contains(hx, "/c/paged/earlier?before=") {
			t.Fatalf("load earlier: href %q hx-get %q", href, hx)
		}
		seen := map[string]bool{}
		for _, b := range first {
			seen[b] = true
		}
		// With htmx: fragments until there is no control.
		for pages := 1; hx != ""; pages++ {
			if pages > 3 {
				t.Fatal("more pages than threads")
			}
			r = pat.get(hx, "HX-Request", "true")
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s = %d", hx, r.Status)
			}
			page := bodies(r.Doc.Selection)
			if len(page) > 1 && page[0] < page[len(page)-1] {
				t.Errorf("an earlier page runs %q to %q, want newest first", page[0], page[len(page)-1])
			}
			for _, b := range page {
				if seen[b] {
					t.Errorf("%q shown twice", b)
				}
				seen[b] = true
			}
			hx, _ = r.Doc.Find("[data-testid=load-earlier] a").Attr("hx-get")
		}
		if len(seen) != n {
			t.Errorf("%d threads shown across the pages, want %d", len(seen), n)
		}
		// Without JavaScript: the link is a page of its own.
		r = pat.get(href)
		if got := bodies(r.Doc.Selection); r.Status != http.StatusOK || len(got) != chat.ThreadsPerPage || got[0] != fmt.Sprintf("thread %03d", n-1-chat.ThreadsPerPage) {
			t.Errorf("GET %s = %d, %d threads", href, r.Status, len(got))
		}
		// A bad position is a clear error and changes nothing.
		if r := pat.get("/c/paged/earlier?before=0", "HX-Request", "true"); r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
			t.Errorf("before=0 = %d", r.Status)
		}
	})
}

// In a browser: "Load earlier messages" brings the earlier threads below
// the ones shown, in place, with no error.
func TestBrowserChannelLoadEarlier(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()
	slow := 0
	ch, host := s.newChannel(t, "paged-browser", chat.ChannelInput{SlowModeSeconds: &slow})
	v, err := s.Chat.ViewerFor(ctx, ch, host, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Chat.AcceptGuideline(ctx, ch, v, 0); err != nil {
		t.Fatal(err)
	}
	const n = chat.ThreadsPerPage + 5
	for i := range n {
		if _, err := s.Chat.Post(ctx, ch, v, chat.PostInput{Body: fmt.Sprintf("thread %03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	s.createUser(t, "pat@example.org", model.RoleParticipant)
	pat := testenv.BrowserContext(t, root)
	testenv.Do(t, pat,
		chromedp.Navigate(s.URL+"/login?next=/c/paged-browser"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), "pat@example.org"),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, pat, "/c/paged-browser")
	count := `document.querySelectorAll('#messages > li.thread').length`
	if got := testenv.Eval[int](t, pat, count); got != chat.ThreadsPerPage {
		t.Fatalf("first paint shows %d threads, want %d", got, chat.ThreadsPerPage)
	}
	testenv.Do(t, pat, chromedp.Click(chromedp.CSS(`[data-testid="load-earlier"] a`)))
	testenv.WaitUntil(t, pat, "the earlier threads", count+` === `+strconv.Itoa(n))
	last := testenv.Eval[string](t, pat, `[...document.querySelectorAll('#messages > li.thread [data-testid="message-body"]')].at(-1).textContent.trim()`)
	if last != "thread 000" || testenv.Eval[int](t, pat, `document.querySelectorAll('[data-testid="load-earlier"]').length`) != 0 {
		t.Errorf("after loading: last thread %q; the control should be gone", last)
	}
	testenv.NoJSErrors(t, pat)
}
