package handlers_test

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/chat"
	"backchannel/testenv"
)

// A host starts a named session from the channel page, renames it, and ends
// it through the confirmation step, clicking as a person would.
func TestBrowserSessionNameRenameEnd(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ch, host := s.newChannel(t, "physics", chat.ChannelInput{})
	tab := testenv.BrowserContext(t, root)
	testenv.Do(t, tab,
		chromedp.Navigate(s.URL+"/login?next=/c/physics"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), host.Email),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, tab, "/c/physics")
	shots := os.Getenv("BACKCHANNEL_SESSION_SHOTS") // a folder to look at the steps in; none by default

	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(`[data-testid="session-start"]`)))
	testenv.WaitPath(t, tab, "/c/physics/sessions/start")
	testenv.Do(t, tab,
		chromedp.WaitVisible(chromedp.ID("f-title")),
		chromedp.SendKeys(chromedp.ID("f-title"), "Week 3: Forces"),
		chromedp.Click(buttonXPath("main", "Start session")),
	)
	testenv.WaitPath(t, tab, "/c/physics")
	testenv.WaitUntil(t, tab, "the live badge and the session's name",
		`!!document.querySelector('[data-testid="live-badge"]') && document.querySelector('.channel-facts')?.textContent.includes('Week 3: Forces')`)

	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(`[data-testid="session-rename"]`)))
	testenv.WaitPath(t, tab, "/c/physics/sessions/rename")
	testenv.Do(t, tab,
		chromedp.WaitVisible(chromedp.ID("f-title")),
		chromedp.SetValue(chromedp.ID("f-title"), "Week 3: Newton's laws"),
		chromedp.Click(buttonXPath("main", "Save name")),
	)
	testenv.WaitPath(t, tab, "/c/physics")
	testenv.WaitUntil(t, tab, "the new name", `document.querySelector('.channel-facts')?.textContent.includes("Week 3: Newton's laws")`)

	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(`[data-testid="session-end"]`)))
	testenv.WaitPath(t, tab, "/c/physics/sessions/end")
	testenv.WaitUntil(t, tab, "the question", `document.querySelector('h1')?.textContent.includes("Week 3: Newton's laws")`)
	if live, _ := s.Chat.LiveSession(context.Background(), ch); live == nil {
		t.Fatal("opening the end step ended the session")
	}
	if shots != "" {
		testenv.Screenshot(t, tab, shots+"/session-end-laptop.png")
		testenv.Phone(t, tab)
		testenv.Screenshot(t, tab, shots+"/session-end-phone.png")
		testenv.Laptop(t, tab)
	}
	testenv.Do(t, tab, chromedp.Navigate(s.URL+"/c/physics/sessions/end"), chromedp.Click(chromedp.CSS(`[data-testid="session-end-confirm"]`)))
	testenv.WaitPath(t, tab, "/c/physics")
	testenv.WaitUntil(t, tab, "no live badge", `!document.querySelector('[data-testid="live-badge"]') && !!document.querySelector('[data-testid="session-start"]')`)
	testenv.NoJSErrors(t, tab)
}
