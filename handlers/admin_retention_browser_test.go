package handlers_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// An admin previews a retention period before saving it: the preview lists
// what would go, per channel, and nothing is removed until they save.
func TestBrowserAdminRetentionPreview(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	s.createUser(t, "admin@example.org", model.RoleAdmin)
	physics, _ := s.newChannel(t, "physics-101", chat.ChannelInput{})
	history, _ := s.newChannel(t, "history-210", chat.ChannelInput{})
	agedMessages(t, s, physics, 120, "Can we get the slides from the first lecture?", "What was the reading for week 2?")
	agedMessages(t, s, physics, 3, "Is the lab on Friday still on?")
	agedMessages(t, s, history, 45, "The map on slide 9 had the wrong date")

	tab := testenv.BrowserContext(t, root)
	testenv.Do(t, tab,
		chromedp.Navigate(s.URL+"/login?next=/admin/retention"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), "admin@example.org"),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, tab, "/admin/retention")
	testenv.Do(t, tab,
		chromedp.WaitVisible(chromedp.ID("f-site_days")),
		chromedp.SetValue(chromedp.ID("f-site_days"), "30"),
		chromedp.Click(chromedp.CSS(`[data-testid="retention-preview-button"]`)),
	)
	testenv.WaitUntil(t, tab, "the preview", `!!document.querySelector('[data-testid="retention-preview-summary"]')`)
	count := func(slug string) string {
		return pageText(t, tab, `[data-testid="retention-preview-row"][data-slug="`+slug+`"] [data-testid="retention-preview-count"]`)
	}
	if got := count("physics-101"); got != "2" {
		t.Errorf("physics-101 would lose %q bodies, want 2", got)
	}
	if got := count("history-210"); got != "1" {
		t.Errorf("history-210 would lose %q bodies, want 1", got)
	}
	testenv.NoJSErrors(t, tab)
	testenv.Laptop(t, tab)
	testenv.Screenshot(t, tab, screenshotDir+"admin-retention.png")
}
