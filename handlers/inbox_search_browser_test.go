package handlers_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/accounts"
	"backchannel/model"
	"backchannel/testenv"
)

// A member searches their direct messages from the box, sees the hit with
// its conversation and excerpt, and follows it into the conversation; the
// export links download.
func TestBrowserInboxSearch(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()
	user := func(email, name string) *model.User {
		u, err := s.Accounts.CreateUser(ctx, 0, accounts.Input{Email: email, DisplayName: name, Password: "correct horse battery"}, model.RoleParticipant)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	ada, bob, cat := user("ada@example.org", "Ada King"), user("bob@example.org", "Bob Stone"), user("cat@example.org", "Cat Ortiz")
	c := testenv.DMConversation(t, s.DB, "", ada.ID, bob.ID)
	testenv.DMPost(t, s.DB, c, ada.ID, "Are you coming to the thermodynamics review tomorrow?")
	m := testenv.DMPost(t, s.DB, c, bob.ID, "Yes — I'll bring the entropy problem set and the Carnot engine notes.")
	g := testenv.DMConversation(t, s.DB, "Lab partners", ada.ID, bob.ID, cat.ID)
	testenv.DMPost(t, s.DB, g, cat.ID, "Entropy lab write-up is due Friday, who has the data?")
	testenv.DMPost(t, s.DB, g, ada.ID, "I do, sharing it tonight.")
	s.waitDMIndexed(t)

	tab := testenv.BrowserContext(t, root)
	testenv.Laptop(t, tab)
	testenv.Do(t, tab,
		chromedp.Navigate(s.URL+"/login?next=/inbox/search"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), ada.Email),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, tab, "/inbox/search")
	// The inbox carries the box too.
	testenv.Do(t, tab, chromedp.Navigate(s.URL+"/inbox"), chromedp.WaitVisible(chromedp.ID("inbox-search-q")))
	testenv.Do(t, tab,
		chromedp.WaitVisible(chromedp.ID("inbox-search-q")),
		chromedp.Focus(chromedp.ID("inbox-search-q")),
		chromedp.SendKeys(chromedp.ID("inbox-search-q"), "entropy"),
		chromedp.Click(buttonXPath(`div[@class="search-main"]`, "Search")),
	)
	testenv.WaitUntil(t, tab, "two hits", `document.querySelectorAll('[data-testid="inbox-hit"]').length === 2`)
	names := testenv.Eval[[]string](t, tab, `[...document.querySelectorAll('[data-testid="inbox-hit-conversation"]')].map(e => e.textContent.trim())`)
	if len(names) != 2 || names[0] != "Lab partners" && names[1] != "Lab partners" {
		t.Errorf("conversations %v", names)
	}
	if got := testenv.Eval[string](t, tab, `document.querySelector('[data-testid="inbox-hit"] mark').textContent`); got != "Entropy" && got != "entropy" {
		t.Errorf("mark %q", got)
	}
	// The focused link shows its outline; on a phone nothing overflows
	// sideways.
	testenv.Do(t, tab, chromedp.Focus(`a.hit-link`))
	if got := testenv.Eval[string](t, tab, `getComputedStyle(document.activeElement).outlineStyle`); got == "none" {
		t.Error("the focused result link has no visible outline")
	}
	testenv.Phone(t, tab)
	if testenv.Eval[bool](t, tab, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the results overflow a phone's width")
	}
	href := testenv.Eval[[]string](t, tab, `[...document.querySelectorAll('a.hit-link')].map(a => a.getAttribute('href'))`)
	want := fmt.Sprintf("/inbox/%d#dm-%d", c, m)
	found := false
	for _, h := range href {
		found = found || h == want
	}
	if !found {
		t.Errorf("links %v lack %s", href, want)
	}
	// The hit opens its conversation at the message; the conversation's
	// options offer its exports.
	testenv.Laptop(t, tab)
	testenv.Do(t, tab, chromedp.Click(`a.hit-link[href="`+want+`"]`))
	testenv.WaitPath(t, tab, fmt.Sprintf("/inbox/%d", c))
	testenv.WaitUntil(t, tab, "the message's anchor", fmt.Sprintf(`document.getElementById('dm-%d') !== null && location.hash === '#dm-%d'`, m, m))
	testenv.Do(t, tab, chromedp.Click(`details.dm-menu > summary`))
	testenv.WaitUntil(t, tab, "the export links", `[...document.querySelectorAll('[data-testid="inbox-export"] a')].filter(a => a.offsetParent !== null).length === 2`)
	testenv.NoJSErrors(t, tab)
}
