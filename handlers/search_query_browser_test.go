package handlers_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// A participant mistypes a word: the page shows what it searched instead,
// with a working link to search exactly what was typed, and a hint for a
// query it could not read as written.
func TestBrowserSearchCorrected(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()
	ch, _ := s.newChannel(t, "astro", chat.ChannelInput{})
	u := s.createUser(t, "alice@example.org", model.RoleParticipant)
	v, err := s.Chat.ViewerFor(ctx, ch, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Chat.AcceptGuideline(ctx, ch, v, 0); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"Did Hubble photograph the black hole?", "The black hole at the centre of our galaxy", "JWST sees infrared light"} {
		if _, err := s.Chat.Post(ctx, ch, v, chat.PostInput{Body: body, Kind: model.KindQuestion}); err != nil {
			t.Fatal(err)
		}
	}
	s.waitIndexed(t)

	tab := signedInTab(t, root, s, u.Email)
	testenv.Laptop(t, tab)
	testenv.Do(t, tab,
		chromedp.Navigate(s.URL+"/search"),
		chromedp.WaitVisible(chromedp.ID("search-q")),
		chromedp.SendKeys(chromedp.ID("search-q"), "blsck hole"),
		chromedp.Click(buttonXPath(`div[@class="search-main"]`, "Search")),
	)
	testenv.WaitUntil(t, tab, "corrected results", `document.querySelector('[data-testid="search-corrected"]') !== null && document.querySelectorAll('[data-testid="hit"]').length === 2`)
	testenv.Do(t, tab, chromedp.Focus(chromedp.CSS(`[data-testid="search-exact"]`)))
	testenv.Screenshot(t, tab, screenshotDir+"search-corrected.png")
	testenv.Phone(t, tab)
	testenv.Screenshot(t, tab, screenshotDir+"search-corrected-phone.png")
	testenv.Laptop(t, tab)
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(`[data-testid="search-exact"]`)))
	testenv.WaitUntil(t, tab, "the exact search", `location.search.includes('exact=1') && document.querySelector('[data-testid="no-results"]') !== null && document.querySelector('[data-testid="search-corrected"]') === null`)

	testenv.Do(t, tab,
		chromedp.SetValue(chromedp.ID("search-q"), `(jwst OR "black hole`),
		chromedp.Click(buttonXPath(`div[@class="search-main"]`, "Search")),
	)
	testenv.WaitUntil(t, tab, "hints", `document.querySelectorAll('[data-testid="search-problem"]').length === 2 && document.querySelectorAll('[data-testid="hit"]').length === 3`)
	testenv.Screenshot(t, tab, screenshotDir+"search-hints.png")
	testenv.NoJSErrors(t, tab)
}
