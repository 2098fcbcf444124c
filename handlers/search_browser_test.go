package handlers_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
	"backchannel/transcripts"
)

// A host searches with an operator, tags a result from the results list and
// sees the tag's facet count change.
func TestBrowserSearchTagFacet(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()

	ch, host := s.newChannel(t, "physics-101", chat.ChannelInput{})
	if _, err := s.Chat.StartSession(ctx, host.ID, ch, "Week 7: thermodynamics"); err != nil {
		t.Fatal(err)
	}
	post := func(email, name, body string, kind model.MessageKind, parent int64) *model.Message {
		t.Helper()
		u, err := s.Accounts.UserByEmail(ctx, email)
		if err != nil {
			u, err = s.Accounts.CreateUser(ctx, 0, accounts.Input{Email: email, DisplayName: name, Password: "correct horse battery"}, model.RoleParticipant)
			if err != nil {
				t.Fatal(err)
			}
		}
		v, err := s.Chat.ViewerFor(ctx, ch, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Chat.AcceptGuideline(ctx, ch, v, 0); err != nil {
			t.Fatal(err)
		}
		in := chat.PostInput{Body: body, Kind: kind}
		if parent != 0 {
			in.ParentID = parent
		}
		m, err := s.Chat.Post(ctx, ch, v, in)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	q1 := post("alice@example.org", "Alice Martin", "Why does entropy always increase in an isolated system?", model.KindQuestion, 0)
	post("sam@example.org", "Sam Okafor", "Because there are far more disordered microstates than ordered ones.", model.KindComment, q1.ID)
	post("alice@example.org", "Alice Martin", "Is the heat death of the universe a real prediction?", model.KindQuestion, 0)
	post("jose@example.org", "José Núñez", "The Carnot engine example on slide 12 helped a lot.", model.KindComment, 0)
	post("sam@example.org", "Sam Okafor", "Could you post the entropy problem set before Friday?", model.KindQuestion, 0)
	if _, err := s.Transcripts.Tag(ctx, host.ID, ch, transcripts.TagInput{MessageIDs: []int64{q1.ID}, Tag: "follow-up", Thread: true}); err != nil {
		t.Fatal(err)
	}
	s.waitIndexed(t)

	tab := testenv.BrowserContext(t, root)
	testenv.Do(t, tab,
		chromedp.Navigate(s.URL+"/login?next=/search"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), host.Email),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, tab, "/search")
	testenv.Do(t, tab,
		chromedp.WaitVisible(chromedp.ID("search-q")),
		chromedp.SendKeys(chromedp.ID("search-q"), "from:alice is:question"),
		chromedp.Click(buttonXPath(`div[@class="search-main"]`, "Search")),
	)
	testenv.WaitUntil(t, tab, "two results", `document.querySelectorAll('[data-testid="hit"]').length === 2`)
	facet := `(v => document.querySelector('[data-testid="facet-tags"] a[data-value="' + v + '"] [data-testid="facet-count"]')?.textContent.trim() ?? '0')`
	if got := testenv.Eval[string](t, tab, facet+`('exam')`); got != "0" {
		t.Fatalf("exam facet before tagging = %q", got)
	}
	if got := testenv.Eval[string](t, tab, facet+`('follow-up')`); got != "1" {
		t.Errorf("follow-up facet = %q, want 1", got)
	}
	testenv.Do(t, tab,
		chromedp.Click(chromedp.CSS(`[data-testid="hit"] input[type=checkbox]`)),
		chromedp.SendKeys(chromedp.ID("bulk-tag-name"), "exam"),
		chromedp.Click(chromedp.CSS(`[data-testid="bulk-tag-submit"]`)),
	)
	testenv.WaitUntil(t, tab, "the exam facet", `!!document.querySelector('[data-testid="facet-tags"] a[data-value="exam"]')`)
	if got := testenv.Eval[string](t, tab, facet+`('exam')`); got != "1" {
		t.Errorf("exam facet after tagging = %q, want 1", got)
	}
	if got := pageText(t, tab, `[role=status], .alert-success`); got == "" {
		t.Errorf("no confirmation after tagging")
	}
	if n := testenv.Eval[int](t, tab, `[...document.querySelectorAll('[data-testid="hit-tag"]')].filter(e => e.textContent === 'exam').length`); n != 1 {
		t.Errorf("%d results show the exam chip, want 1", n)
	}
	testenv.NoJSErrors(t, tab)

	// Screenshots for the README: a broader search on a laptop and a phone.
	testenv.Laptop(t, tab)
	testenv.Do(t, tab, chromedp.Navigate(s.URL+"/search?q=entropy"))
	testenv.WaitUntil(t, tab, "results", `document.querySelectorAll('[data-testid="hit"]').length >= 2`)
	testenv.Screenshot(t, tab, screenshotDir+"search.png")
	testenv.Phone(t, tab)
	testenv.Do(t, tab, chromedp.Navigate(s.URL+"/search?q=entropy"))
	testenv.WaitUntil(t, tab, "results", `document.querySelectorAll('[data-testid="hit"]').length >= 2`)
	testenv.Screenshot(t, tab, screenshotDir+"search-phone.png")
}
