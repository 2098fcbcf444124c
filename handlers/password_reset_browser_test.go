package handlers_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/model"
	"backchannel/testenv"
)

// An admin forces a password reset and is shown the one-time link; the
// person opens it in their own browser, chooses a new password and is
// signed in; the link then no longer works.
func TestBrowserPasswordResetLink(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	admin := s.createUser(t, "admin@example.org", model.RoleAdmin)
	mia := s.createUser(t, "mia@example.org", model.RoleParticipant)
	shots := os.Getenv("BACKCHANNEL_SIGNIN_SHOTS") // a folder to look at the pages in; none by default
	tab := testenv.BrowserContext(t, root)
	testenv.Do(t, tab,
		chromedp.Navigate(s.URL+"/login?next=/admin/users/"+strconv.FormatInt(mia.ID, 10)),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), admin.Email),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, tab, "/admin/users/"+strconv.FormatInt(mia.ID, 10))
	testenv.Do(t, tab, chromedp.Click(buttonXPath("main", "Force password reset")))
	testenv.WaitUntil(t, tab, "the reset link", `!!document.querySelector('[data-testid="reset-link"]')`)
	link := testenv.Eval[string](t, tab, `document.querySelector('[data-testid="reset-link"]').textContent.trim()`)
	if !strings.HasPrefix(link, s.URL+"/reset/") {
		t.Fatalf("link %q", link)
	}
	if shots != "" {
		testenv.Screenshot(t, tab, shots+"/reset-link-laptop.png")
		testenv.Phone(t, tab)
		testenv.Screenshot(t, tab, shots+"/reset-link-phone.png")
	}
	testenv.NoJSErrors(t, tab)

	person := testenv.BrowserContext(t, root)
	testenv.Phone(t, person)
	testenv.Do(t, person, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("f-password")))
	if label := testenv.Eval[string](t, person, `document.querySelector('label[for="f-password"]')?.textContent ?? ""`); !strings.Contains(label, "New password") {
		t.Errorf("the password field's label is %q", label)
	}
	if shots != "" {
		testenv.Screenshot(t, person, shots+"/reset-form-phone.png")
	}
	testenv.Do(t, person,
		chromedp.SendKeys(chromedp.ID("f-password"), "a brand new passphrase"),
		chromedp.Click(buttonXPath("main", "Set password and sign in")),
	)
	testenv.WaitUntil(t, person, "signed in away from the reset page", `!location.pathname.startsWith("/reset/")`)
	testenv.NoJSErrors(t, person)
	testenv.Do(t, person, chromedp.Navigate(link))
	testenv.WaitUntil(t, person, "the used link's message", `document.body.textContent.includes("already used")`)
}
