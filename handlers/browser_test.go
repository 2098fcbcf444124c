package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"backchannel/model"
	"backchannel/testenv"
)

// screenshotDir is where browser tests save the pictures the docs show.
const screenshotDir = "../docs/screenshots/"

// mainNavJS lists the labels of the main navigation.
const mainNavJS = `[...document.querySelectorAll('nav[aria-label="Main"] a')].map(a => a.textContent.trim())`

// buttonXPath finds a button by its visible text inside the element matching
// within (an XPath step such as "main" or "header").
func buttonXPath(within, text string) string {
	return fmt.Sprintf(`//%s//button[normalize-space()=%s]`, within, strconv.Quote(text))
}

// pageText returns the trimmed text of the first element matching the CSS
// selector, or "" when there is none.
func pageText(t testing.TB, ctx context.Context, css string) string {
	t.Helper()
	return testenv.Eval[string](t, ctx, fmt.Sprintf(`(document.querySelector(%s)?.textContent ?? "").replace(/\s+/g, " ").trim()`, strconv.Quote(css)))
}

func TestBrowserFirstRunSetupAndSignIn(t *testing.T) {
	ctx := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	token, err := s.Accounts.SetupToken(context.Background())
	if err != nil || token == "" {
		t.Fatalf("setup token: %q, %v", token, err)
	}
	const name, email, password = "Grace Hopper", "grace@example.com", "correct horse battery"

	// First run: the setup link creates the first admin.
	testenv.Do(t, ctx,
		chromedp.Navigate(s.URL+"/setup?token="+token),
		chromedp.WaitVisible(chromedp.ID("f-display_name")),
	)
	if !testenv.Eval[bool](t, ctx, `typeof htmx !== 'undefined'`) {
		t.Error("htmx did not load on the setup page")
	}
	testenv.Do(t, ctx,
		chromedp.SendKeys(chromedp.ID("f-display_name"), name),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
	)
	testenv.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur()`))
	testenv.Screenshot(t, ctx, screenshotDir+"setup.png")
	testenv.Do(t, ctx, chromedp.Click(buttonXPath("main", "Create admin account")))

	testenv.WaitPath(t, ctx, "/admin/users")
	testenv.WaitUntil(t, ctx, "the users table to list "+email, fmt.Sprintf(
		`document.querySelector('[data-testid="users-table"]')?.textContent.includes(%s)`, strconv.Quote(email)))
	if got := pageText(t, ctx, `[data-testid="current-user"]`); !strings.Contains(got, name) {
		t.Errorf("header shows %q, want the name %q", got, name)
	}
	if nav := testenv.Eval[[]string](t, ctx, mainNavJS); !slices.Contains(nav, "Admin") {
		t.Errorf("main navigation %q has no Admin", nav)
	}
	if got := pageText(t, ctx, `#flash`); !strings.Contains(got, "Your admin account is ready") {
		t.Errorf("flash after setup = %q", got)
	}
	if !testenv.Eval[bool](t, ctx, `typeof htmx !== 'undefined'`) {
		t.Error("htmx did not load on the admin users page")
	}
	testenv.Screenshot(t, ctx, screenshotDir+"admin-users.png")

	// Sign out from the header, then sign in again through the form.
	testenv.Do(t, ctx, chromedp.Click(buttonXPath("header", "Sign out")))
	testenv.WaitPath(t, ctx, "/login")
	if got := pageText(t, ctx, `#flash`); !strings.Contains(got, "signed out") {
		t.Errorf("flash after sign-out = %q", got)
	}
	if got := pageText(t, ctx, `[data-testid="current-user"]`); got != "" {
		t.Errorf("header still shows %q after sign-out", got)
	}
	testenv.Do(t, ctx,
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, ctx, "/channels")
	testenv.WaitUntil(t, ctx, "the empty channel list", `document.querySelector('[data-testid="channels-empty"]')`)
	if got := pageText(t, ctx, `[data-testid="current-user"]`); !strings.Contains(got, name) {
		t.Errorf("header shows %q after sign-in, want %q", got, name)
	}
	if nav := testenv.Eval[[]string](t, ctx, mainNavJS); !slices.Equal(nav, []string{"Channels", "Search", "Transcripts", "Moderation", "Admin", "Account"}) {
		t.Errorf("main navigation = %q, want [Channels Search Transcripts Moderation Admin Account]", nav)
	}
	testenv.Screenshot(t, ctx, screenshotDir+"channels-empty.png")
	testenv.NoJSErrors(t, ctx)

	// A visitor on a phone sees the sign-in form, with nothing wider than
	// the screen.
	phone := testenv.BrowserContext(t, ctx)
	testenv.Phone(t, phone)
	testenv.Do(t, phone,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
	)
	if w := testenv.Eval[[]int](t, phone, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
		t.Errorf("the phone sign-in page is %dpx wide on a %dpx screen", w[0], w[1])
	}
	if got := pageText(t, phone, `[data-testid="current-user"]`); got != "" {
		t.Errorf("a new browser context is signed in as %q", got)
	}
	testenv.Screenshot(t, phone, screenshotDir+"login-phone.png")
	testenv.NoJSErrors(t, phone)
}

func TestBrowserTwoContexts(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	s.createUser(t, "ada@example.com", model.RoleAdmin)
	s.createUser(t, "pat@example.com", model.RoleParticipant)

	people := []struct {
		email, name string
		admin       bool
		ctx         context.Context
	}{
		{email: "ada@example.com", name: "ada", admin: true, ctx: testenv.BrowserContext(t, root)},
		{email: "pat@example.com", name: "pat", admin: false, ctx: testenv.BrowserContext(t, root)},
	}

	// Both sign in at the same time, each in its own browser context.
	errs := make([]error, len(people))
	var wg sync.WaitGroup
	for i, p := range people {
		wg.Go(func() { errs[i] = signInBrowser(p.ctx, s.URL, p.email) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("sign in %s: %v", people[i].email, err)
		}
	}

	// Each still is who they were after the other signed in.
	for _, p := range people {
		testenv.Do(t, p.ctx, chromedp.Navigate(s.URL+"/channels"))
		testenv.WaitPath(t, p.ctx, "/channels")
		if got := pageText(t, p.ctx, `[data-testid="current-user"]`); !strings.Contains(got, p.name) {
			t.Errorf("%s's browser shows %q", p.email, got)
		}
		nav := testenv.Eval[[]string](t, p.ctx, mainNavJS)
		if slices.Contains(nav, "Admin") != p.admin {
			t.Errorf("%s's navigation = %q (admin: %v)", p.email, nav, p.admin)
		}
	}
	if !testenv.Eval[bool](t, people[1].ctx, `typeof htmx !== 'undefined'`) {
		t.Error("htmx did not load")
	}

	// A second tab of the admin's context shares the admin's cookies.
	tab := testenv.NewTab(t, people[0].ctx)
	testenv.Do(t, tab, chromedp.Navigate(s.URL+"/admin/users"))
	testenv.WaitPath(t, tab, "/admin/users")
	if got := pageText(t, tab, `[data-testid="current-user"]`); !strings.Contains(got, "ada") {
		t.Errorf("the admin's second tab shows %q", got)
	}
	// The participant may not open the admin pages.
	testenv.Do(t, people[1].ctx, chromedp.Navigate(s.URL+"/admin/users"))
	if testenv.Eval[bool](t, people[1].ctx, `!!document.querySelector('[data-testid="users-table"]')`) {
		t.Error("the participant sees the users table")
	}

	for _, ctx := range []context.Context{people[0].ctx, tab} {
		testenv.NoJSErrors(t, ctx)
	}
}

// signInBrowser signs email in through the /login form of the tab of ctx and
// waits for the page it lands on. It returns errors rather than failing the
// test, so that it can run in a goroutine.
func signInBrowser(ctx context.Context, base, email string) error {
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
	); err != nil {
		return err
	}
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil,
		chromedp.Click(buttonXPath("main", "Sign in")))); err != nil {
		return err
	}
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		return err
	}
	if path != "/channels" {
		return fmt.Errorf("landed on %s, want /channels", path)
	}
	return nil
}

// TestBrowserHarnessSeesJSErrors checks the harness itself: an exception or a
// console error in the page reaches JSErrors (so a clean NoJSErrors means
// something), and a quiet page reports none.
func TestBrowserHarnessSeesJSErrors(t *testing.T) {
	ctx := testenv.Browser(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/quiet" {
			fmt.Fprint(w, `<!DOCTYPE html><title>quiet</title><p>ok</p><script>console.log("hello")</script>`)
			return
		}
		fmt.Fprint(w, `<!DOCTYPE html><title>loud</title><script>console.error("boom-console"); throw new Error("boom-exception")</script>`)
	}))
	t.Cleanup(ts.Close)

	quiet := testenv.NewTab(t, ctx)
	testenv.Do(t, quiet, chromedp.Navigate(ts.URL+"/quiet"))
	if errs := testenv.JSErrors(quiet); len(errs) != 0 {
		t.Errorf("quiet page: JSErrors = %q", errs)
	}

	testenv.Do(t, ctx, chromedp.Navigate(ts.URL+"/loud"))
	errs := strings.Join(testenv.JSErrors(ctx), "\n")
	for _, want := range []string{"boom-console", "boom-exception"} {
		if !strings.Contains(errs, want) {
			t.Errorf("JSErrors = %q, want %q among them", errs, want)
		}
	}
}
