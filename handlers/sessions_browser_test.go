package handlers_test

import (
	"context"
	"os"
	"strconv"
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

	// name follows the title bar's link to a step's page, types the name
	// and sends it; the channel shows the name.
	name := func(link, step, title, button string) {
		t.Helper()
		testenv.Do(t, tab, chromedp.Click(chromedp.CSS(`[data-testid="`+link+`"]`)))
		testenv.WaitPath(t, tab, "/c/physics/sessions/"+step)
		testenv.Do(t, tab,
			chromedp.WaitVisible(chromedp.ID("f-title")),
			chromedp.SetValue(chromedp.ID("f-title"), title),
			chromedp.Click(buttonXPath("main", button)),
		)
		testenv.WaitPath(t, tab, "/c/physics")
		testenv.WaitUntil(t, tab, "the live badge and the session's name "+title,
			`!!document.querySelector('[data-testid="live-badge"]') && document.querySelector('.channel-facts')?.textContent.includes(`+strconv.Quote(title)+`)`)
	}
	name("session-start", "start", "Week 3: Forces", "Start session")
	name("session-rename", "rename", "Week 3: Newton's laws", "Save name")

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
