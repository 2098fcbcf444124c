package handlers_test

import (
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/testenv"
)

// A host reads the staff transcript and the class analytics of a session;
// the pages load without script errors and the chart is drawn. Screenshots
// of both go to docs/screenshots, and the transcript is also read on a phone.
func TestBrowserTranscriptAnalytics(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	f := s.classSession(t)

	tab := testenv.BrowserContext(t, root)
	testenv.Do(t, tab,
		chromedp.Navigate(s.URL+"/login?next="+f.path("")),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), f.host.Email),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, tab, f.path(""))
	testenv.WaitUntil(t, tab, "the transcript", `document.querySelectorAll('[data-testid="transcript-message"]').length === 8`)
	testenv.NoJSErrors(t, tab)
	testenv.Screenshot(t, tab, filepath.Join("..", "docs", "screenshots", "transcript.png"))

	testenv.Do(t, tab, chromedp.Navigate(s.URL+f.path("/analytics")))
	testenv.WaitUntil(t, tab, "the chart", `document.querySelectorAll('svg[data-testid="chart"] rect.bar').length > 0`)
	if w := testenv.Eval[float64](t, tab, `document.querySelector('svg[data-testid="chart"]').getBoundingClientRect().width`); w < 300 {
		t.Errorf("chart is %v px wide", w)
	}
	testenv.NoJSErrors(t, tab)
	testenv.Screenshot(t, tab, filepath.Join("..", "docs", "screenshots", "analytics.png"))

	// On a phone, nothing is wider than the screen.
	phone := testenv.BrowserContext(t, root)
	testenv.Phone(t, phone)
	testenv.Do(t, phone,
		chromedp.Navigate(s.URL+"/login?next="+f.path("")),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), f.host.Email),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, phone, f.path(""))
	if over := testenv.Eval[bool](t, phone, `document.documentElement.scrollWidth > window.innerWidth + 1`); over {
		t.Errorf("the transcript scrolls sideways on a phone")
	}
	testenv.Screenshot(t, phone, filepath.Join(t.TempDir(), "transcript-phone.png"))
}
