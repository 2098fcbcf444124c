package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// An admin tries a word rule on recent sessions with a dry run, then adds
// it; a participant's next message containing the word is held.
func TestBrowserAdminFilterDryRunThenHold(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()

	s.createUser(t, "admin@example.org", model.RoleAdmin)
	ch, host := s.newChannel(t, "film-club", chat.ChannelInput{})
	if _, err := s.Chat.StartSession(ctx, host.ID, ch, "Week 4"); err != nil {
		t.Fatal(err)
	}
	pat := s.createUser(t, "pat@example.org", model.RoleParticipant)
	v, err := s.Chat.ViewerFor(ctx, ch, pat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Chat.AcceptGuideline(ctx, ch, v, 0); err != nil {
		t.Fatal(err)
	}
	var caughtID int64
	for _, body := range []string{"Great pick this week, the score was lovely.", "Careful with spoilers for the ending!"} {
		m, err := s.Chat.Post(ctx, ch, v, chat.PostInput{Body: body, Kind: model.KindComment})
		if err != nil {
			t.Fatal(err)
		}
		caughtID = m.ID
	}

	signIn := func(tab context.Context, email, next string) {
		testenv.Do(t, tab,
			chromedp.Navigate(s.URL+"/login?next="+next),
			chromedp.WaitVisible(chromedp.ID("f-email")),
			chromedp.SendKeys(chromedp.ID("f-email"), email),
			chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
			chromedp.Click(buttonXPath("main", "Sign in")),
		)
		testenv.WaitPath(t, tab, next)
	}

	// The admin tries the rule first, straight from the add form.
	admin := testenv.BrowserContext(t, root)
	signIn(admin, "admin@example.org", "/admin/filters")
	testenv.Do(t, admin,
		chromedp.WaitVisible(chromedp.ID("f-pattern")),
		chromedp.SendKeys(chromedp.ID("f-pattern"), "spoilers"),
		chromedp.SetValue(chromedp.ID("f-kind"), "word"),
		chromedp.SetValue(chromedp.ID("f-action"), "hold"),
		chromedp.Click(buttonXPath(`form[@data-testid="filter-add"]`, "Try this rule")),
	)
	testenv.WaitUntil(t, admin, "the dry run's result", `!!document.querySelector('[data-testid="dry-run-result"]')`)
	hits := testenv.Eval[[]string](t, admin, `[...document.querySelectorAll('[data-testid="dry-run-hit"]')].map(h => h.dataset.messageId)`)
	if len(hits) != 1 || hits[0] != fmt.Sprint(caughtID) {
		t.Errorf("dry run caught messages %q, want only %d", hits, caughtID)
	}
	if got := testenv.Eval[string](t, admin, `document.querySelector('[data-testid="dry-run-hit"] blockquote mark')?.outerHTML ?? ''`); got != "<mark>spoilers</mark>" {
		t.Errorf("the caught excerpt marks %q, want <mark>spoilers</mark>", got)
	}
	if got := pageText(t, admin, `[data-testid="dry-run-count"][data-pattern="spoilers"] [data-testid="caught"]`); got != "1" {
		t.Errorf("the spoilers rule caught %q messages, want 1", got)
	}
	if got := pageText(t, admin, `[data-testid="dry-run-summary"]`); got == "" || got[:7] != "1 of 2 " {
		t.Errorf("dry run summary = %q, want 1 of 2 messages", got)
	}
	if n := testenv.Eval[int](t, admin, `document.querySelectorAll('[data-testid="filter-row"][data-pattern="spoilers"]').length`); n != 0 {
		t.Errorf("the dry run stored %d rules", n)
	}
	testenv.Do(t, admin, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur()`))
	testenv.Screenshot(t, admin, screenshotDir+"admin-dry-run.png")

	// Now the admin adds it for real: the form still holds the rule tried.
	if got := testenv.Eval[string](t, admin, `document.getElementById('f-pattern').value`); got != "spoilers" {
		t.Errorf("after trying, the add form holds %q", got)
	}
	testenv.Do(t, admin, chromedp.Click(buttonXPath(`form[@data-testid="filter-add"]`, "Add rule")))
	testenv.WaitUntil(t, admin, "the new rule, enabled",
		`document.querySelector('[data-testid="filter-row"][data-pattern="spoilers"] [data-testid="filter-status"]')?.textContent.trim() === 'enabled'`)
	if got := pageText(t, admin, `[data-testid="filter-row"][data-pattern="spoilers"]`); !containsAll(got, "word", "hold") {
		t.Errorf("the new rule's row reads %q", got)
	}
	testenv.Do(t, admin, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur()`))
	testenv.Screenshot(t, admin, screenshotDir+"admin-filters.png")

	// Pat posts a message with the word; Pat sees it awaiting review.
	patTab := testenv.BrowserContext(t, root)
	signIn(patTab, "pat@example.org", "/c/film-club")
	testenv.WaitUntil(t, patTab, "the compose box", `!!document.querySelector('#compose-body')`)
	testenv.WaitUntil(t, patTab, "pat's stream", `!!document.querySelector('#live')?._htmx?.sse`)
	testenv.Do(t, patTab,
		chromedp.SendKeys(chromedp.ID("compose-body"), "no spoilers please"),
		chromedp.Click(buttonXPath("form", "Post")),
	)
	testenv.WaitUntil(t, patTab, "pat's message awaiting review",
		`[...document.querySelectorAll('[data-testid="message"]')].some(m => m.textContent.includes('no spoilers please') && m.querySelector('[data-testid="mod-state"]')?.textContent.trim().toLowerCase() === 'awaiting review')`)

	// The other admin pages, for the docs.
	for _, p := range []struct{ path, ready, file string }{
		{"/admin/guidelines", `!!document.querySelector('[data-testid="guidelines-form"]')`, "admin-guidelines.png"},
		{"/admin/roles", `!!document.querySelector('[data-testid="grant-form"]')`, "admin-roles.png"},
		{"/admin/audit", `!!document.querySelector('[data-testid="audit-table"]')`, "admin-audit.png"},
	} {
		testenv.Do(t, admin, chromedp.Navigate(s.URL+p.path))
		testenv.WaitPath(t, admin, p.path)
		testenv.WaitUntil(t, admin, p.path+" content", p.ready)
		testenv.Screenshot(t, admin, screenshotDir+p.file)
	}
	if got := pageText(t, admin, `[data-testid="audit-table"]`); !containsAll(got, "spoilers") {
		t.Errorf("the audit log does not mention the new rule: %q", got)
	}

	testenv.NoJSErrors(t, admin)
	testenv.NoJSErrors(t, patTab)
}

// containsAll reports whether s contains every one of subs.
func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
