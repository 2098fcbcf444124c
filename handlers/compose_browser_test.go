package handlers_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// forEachDBBrowser runs fn with a fresh server on every database, in one
// shared browser.
func forEachDBBrowser(t *testing.T, fn func(t *testing.T, s *testServer, root context.Context, first bool)) {
	t.Helper()
	root := testenv.Browser(t)
	for i, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) { fn(t, newServer(t, d.URL), root, i == 0) })
	}
}

// openChannelAs signs email in in a new browser context and opens the
// channel, accepting its guidelines when asked.
func openChannelAs(t *testing.T, s *testServer, root context.Context, email, slug string) context.Context {
	t.Helper()
	ctx := testenv.BrowserContext(t, root)
	if err := signInBrowser(ctx, s.URL, email); err != nil {
		t.Fatal(err)
	}
	testenv.Do(t, ctx, chromedp.Navigate(s.URL+"/c/"+slug))
	testenv.WaitUntil(t, ctx, "the channel page", `document.querySelector('[data-testid="live"]')`)
	if testenv.Eval[bool](t, ctx, `!!document.querySelector('[data-testid="guidelines"]')`) {
		testenv.Do(t, ctx, chromedp.Click(buttonXPath("main", "I accept")))
	}
	testenv.WaitUntil(t, ctx, "the compose box", `document.querySelector('#compose-body')`)
	testenv.WaitUntil(t, ctx, "the live stream to connect", `document.querySelector('#live')?._htmx?.sse`)
	return ctx
}

func jsText(s string) string { return strconv.Quote(s) }

// Item 1: a material guideline change reaches an open page as a banner with
// what changed and an Accept button; the draft stays; a post tried before
// accepting keeps its text and goes out as soon as the change is accepted.
func TestBrowserGuidelineChangeOnOpenPage(t *testing.T) {
	forEachDBBrowser(t, func(t *testing.T, s *testServer, root context.Context, first bool) {
		ctx := context.Background()
		ch, host := s.newChannel(t, "ethics", chat.ChannelInput{})
		if _, err := s.Chat.SaveChannelGuideline(ctx, host.ID, ch, chat.GuidelineInput{Title: "Seminar rules", Material: true,
			Body: "S1. Be kind to each other.\nS2. Stay on the topic of the seminar.\nS3. No recordings without consent."}); err != nil {
			t.Fatal(err)
		}
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		pat := openChannelAs(t, s, root, "pat@example.org", "ethics")
		marker := testenv.Eval[float64](t, pat, `window.__marker = Math.random()`)
		draft := "Is consent needed for a photo of the whiteboard?"
		testenv.Do(t, pat, chromedp.SendKeys(chromedp.ID("compose-body"), draft))

		// The host makes a material change while pat is typing.
		if _, err := s.Chat.SaveChannelGuideline(ctx, host.ID, ch, chat.GuidelineInput{Title: "Seminar rules", Material: true,
			Body: "S1. Be kind to each other.\nS2. Stay on the topic of the seminar.\nS3. No recordings or photos without everyone's consent.\nS4. Share slides only inside the course."}); err != nil {
			t.Fatal(err)
		}
		testenv.WaitUntil(t, pat, "the guideline-change banner", `document.querySelector('[data-testid="guideline-change"]')`)
		if got := testenv.Eval[float64](t, pat, `window.__marker`); got != marker {
			t.Fatal("the page reloaded instead of showing the change live")
		}
		added := testenv.Eval[string](t, pat, `[...document.querySelectorAll('[data-testid="guideline-diff"] .diff-add')].map(e => e.textContent.trim()).join('|')`)
		removed := testenv.Eval[string](t, pat, `[...document.querySelectorAll('[data-testid="guideline-diff"] .diff-del')].map(e => e.textContent.trim()).join('|')`)
		if added != "+Added: S3. No recordings or photos without everyone's consent.|+Added: S4. Share slides only inside the course." ||
			removed != "−Removed: S3. No recordings without consent." {
			t.Errorf("diff: added %q, removed %q", added, removed)
		}
		if got := testenv.Eval[string](t, pat, `document.querySelector('#compose-body').value`); got != draft {
			t.Errorf("draft = %q after the banner arrived", got)
		}
		if first {
			testenv.Do(t, pat, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur(); window.scrollTo(0, 0)`))
			testenv.Screenshot(t, pat, screenshotDir+"guideline-change.png")
		}

		// Posting before accepting: refused, the text kept, pointed at the banner.
		testenv.Do(t, pat, chromedp.Click(buttonXPath("form", "Post")))
		testenv.WaitUntil(t, pat, "the refusal", `document.querySelector('[data-testid="compose-error"]')?.textContent.includes('guidelines changed')`)
		if got := testenv.Eval[string](t, pat, `document.querySelector('#compose-body').value`); got != draft {
			t.Errorf("draft = %q after the refused post", got)
		}
		if n := testenv.Eval[int](t, pat, `document.querySelectorAll('[data-testid="guideline-change"] button').length`); n != 1 {
			t.Fatalf("%d accept buttons after the refusal", n)
		}

		// Accepting sends the post.
		testenv.Do(t, pat, chromedp.Click(buttonXPath("main", "Accept the new guidelines")))
		testenv.WaitUntil(t, pat, "the post after accepting", fmt.Sprintf(
			`[...document.querySelectorAll('[data-testid="message-body"]')].some(e => e.textContent.includes(%s))`, jsText("photo of the whiteboard")))
		testenv.WaitUntil(t, pat, "the box emptied", `document.querySelector('#compose-body').value === ''`)
		testenv.WaitUntil(t, pat, "the banner giving way to the thank-you",
			`!!document.querySelector('[data-testid="guidelines-accepted"]') && !document.querySelector('[data-testid="guideline-change"]')`)
		noJSErrorsBut(t, pat, "status of 403 (Forbidden) ("+s.URL+"/c/ethics/messages")
	})
}

// Item 3: the compose area says where the poster stands before they type.
func TestBrowserComposeStanding(t *testing.T) {
	forEachDBBrowser(t, func(t *testing.T, s *testServer, root context.Context, first bool) {
		ctx := context.Background()
		slow, limit, anon := 30, 50, true
		s.newChannel(t, "slow", chat.ChannelInput{SlowModeSeconds: &slow, MaxLength: &limit, AllowAnonymous: &anon})
		quiet, _ := s.newChannel(t, "quiet", chat.ChannelInput{})
		pat := s.createUser(t, "pat@example.org", model.RoleParticipant)
		s.createUser(t, "ban@example.org", model.RoleParticipant)
		b := openChannelAs(t, s, root, "pat@example.org", "slow")

		// The counter near the limit; nothing typed is cut.
		testenv.Do(t, b, chromedp.SendKeys(chromedp.ID("compose-body"), "0123456789012345678901234567890123456789012345"))
		testenv.WaitUntil(t, b, "the counter", `document.querySelector('[data-testid="char-count"]')?.textContent === '4 characters left'`)
		testenv.Do(t, b, chromedp.SendKeys(chromedp.ID("compose-body"), "abcdefghi"))
		testenv.WaitUntil(t, b, "the counter over the limit", `document.querySelector('[data-testid="char-count"]').textContent === '5 characters over the limit of 50'`)
		if n := testenv.Eval[int](t, b, `document.querySelector('#compose-body').value.length`); n != 55 {
			t.Errorf("the box holds %d characters, want all 55 typed", n)
		}

		// Kind and anonymity reset after posting; slow mode counts down.
		testenv.Do(t, b,
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#compose-body').value = ''`),
			chromedp.SendKeys(chromedp.ID("compose-body"), "When is the exam?"),
			chromedp.Click(chromedp.CSS(`input[name="kind"][value="question"]`)),
			chromedp.Click(chromedp.CSS(`input[name="anonymous"]`)),
			chromedp.Click(buttonXPath("form", "Post")),
		)
		testenv.WaitUntil(t, b, "the question", `[...document.querySelectorAll('[data-testid="message-body"]')].some(e => e.textContent.includes('When is the exam'))`)
		testenv.WaitUntil(t, b, "the slow-mode countdown", `/you can post again in \d+ s/.test(document.querySelector('[data-testid="slow-wait"]')?.textContent)`)
		testenv.WaitUntil(t, b, "Post to wait for slow mode", `document.querySelector('form.compose button[type=submit]').disabled`)
		if got := testenv.Eval[string](t, b, `document.querySelector('input[name="kind"]:checked').value + '|' + document.querySelector('input[name="anonymous"]').checked`); got != "comment|false" {
			t.Errorf("after posting: kind|anonymous = %s, want comment|false", got)
		}

		// A mute: its end in the reader's time zone; the box reopens when it ends.
		end := time.Now().UTC().Add(4 * time.Second)
		if err := store.CreateSanction(ctx, s.DB, &model.Sanction{ChannelID: &quiet.ID, Subject: model.Actor{UserID: pat.ID}.Key(),
			Kind: model.SanctionMute, Reason: "cool down", Guideline: "G1", ExpiresAt: &end, CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		testenv.Do(t, b, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Kolkata"})
			return err
		}), chromedp.Navigate(s.URL+"/c/quiet"))
		if testenv.Eval[bool](t, b, `!!document.querySelector('[data-testid="guidelines"]')`) {
			testenv.Do(t, b, chromedp.Click(buttonXPath("main", "I accept")))
		}
		testenv.WaitUntil(t, b, "the mute notice", `document.querySelector('[data-testid="compose-muted"]')`)
		notice := testenv.Eval[string](t, b, `document.querySelector('[data-testid="compose-muted"]').textContent`)
		local := testenv.Eval[string](t, b, fmt.Sprintf(`new Date(%q).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'})`, end.Add(time.Second-time.Nanosecond).Truncate(time.Second).Format(time.RFC3339)))
		for _, want := range []string{"muted you until " + local, "Reason: cool down", "guideline G1"} {
			if !containsFold(notice, want) {
				t.Errorf("mute notice %q lacks %q", notice, want)
			}
		}
		if containsFold(notice, "UTC") {
			t.Errorf("mute notice %q is in UTC", notice)
		}
		if !testenv.Eval[bool](t, b, `document.querySelector('#compose-body').disabled`) {
			t.Error("the box is open while muted")
		}
		testenv.WaitUntil(t, b, "the box to reopen when the mute ends", `!document.querySelector('[data-testid="compose-muted"]') && !document.querySelector('#compose-body').disabled`)
		testenv.Do(t, b,
			chromedp.SendKeys(chromedp.ID("compose-body"), "Back again."),
			chromedp.Click(buttonXPath("form", "Post")),
		)
		testenv.WaitUntil(t, b, "the post after the mute", `[...document.querySelectorAll('[data-testid="message-body"]')].some(e => e.textContent.includes('Back again'))`)

		// A ban: the channel says so, with the reason and the rule, instead of a join button that does nothing.
		banned := s.createUser(t, "banned@example.org", model.RoleParticipant)
		if err := store.CreateSanction(ctx, s.DB, &model.Sanction{ChannelID: &quiet.ID, Subject: model.Actor{UserID: banned.ID}.Key(),
			Kind: model.SanctionBan, Reason: "spam links", Guideline: "G3", CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		bb := testenv.BrowserContext(t, root)
		if err := signInBrowser(bb, s.URL, "banned@example.org"); err != nil {
			t.Fatal(err)
		}
		testenv.Do(t, bb, chromedp.Navigate(s.URL+"/c/quiet"))
		testenv.WaitUntil(t, bb, "the ban notice", `document.querySelector('[data-testid="banned"]')`)
		testenv.Phone(t, bb)
		testenv.Do(t, bb, chromedp.Reload())
		testenv.WaitUntil(t, bb, "the ban notice", `document.querySelector('[data-testid="banned"]')`)
		text := testenv.Eval[string](t, bb, `document.querySelector('[data-testid="banned"]').textContent`)
		for _, want := range []string{"banned you", "spam links", "G3"} {
			if !containsFold(text, want) {
				t.Errorf("ban notice %q lacks %q", text, want)
			}
		}
		if testenv.Eval[bool](t, bb, `[...document.querySelectorAll('button')].some(b => b.textContent.includes('Join'))`) {
			t.Error("a banned person is offered to join")
		}
		testenv.NoJSErrors(t, b)
		noJSErrorsBut(t, bb, "status of 403 (Forbidden) ("+s.URL+"/c/quiet:")
	})
}

// Item 4: posting after the sign-in ended keeps the draft, says so with a
// link to sign in again that comes back to the channel, and the header no
// longer says signed in; back on the channel the draft is in the box.
func TestBrowserSignInEndedKeepsDraft(t *testing.T) {
	forEachDBBrowser(t, func(t *testing.T, s *testServer, root context.Context, first bool) {
		ctx := context.Background()
		s.newChannel(t, "late", chat.ChannelInput{})
		pat := s.createUser(t, "pat@example.org", model.RoleParticipant)
		b := openChannelAs(t, s, root, "pat@example.org", "late")
		draft := "A long thought I do not want to type twice."
		testenv.Do(t, b, chromedp.SendKeys(chromedp.ID("compose-body"), draft))
		endSignIns(t, s, pat.ID)

		testenv.Do(t, b, chromedp.Click(buttonXPath("form", "Post")))
		testenv.WaitUntil(t, b, "the signed-out notice", `document.querySelector('[data-testid="signed-out"]')`)
		if got := testenv.Eval[string](t, b, `document.querySelector('#compose-body')?.value`); got != draft {
			t.Errorf("draft = %q after the refused post", got)
		}
		if testenv.Eval[bool](t, b, `!!document.querySelector('[data-testid="current-user"], #main-nav a[href="/account"]') || ![...document.querySelectorAll('#user-menu a')].some(a => a.textContent.trim() === 'Sign in')`) {
			t.Error("the header still shows the person signed in")
		}
		testenv.Do(t, b, chromedp.Click(chromedp.CSS(`[data-testid="signed-out"] a`)))
		testenv.WaitPath(t, b, "/login")
		testenv.Do(t, b,
			chromedp.SendKeys(chromedp.ID("f-email"), "pat@example.org"),
			chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
			chromedp.Click(buttonXPath("main", "Sign in")),
		)
		testenv.WaitPath(t, b, "/c/late")
		testenv.WaitUntil(t, b, "the draft back in the box", fmt.Sprintf(`document.querySelector('#compose-body')?.value === %s`, jsText(draft)))
		testenv.Do(t, b, chromedp.Click(buttonXPath("form", "Post")))
		testenv.WaitUntil(t, b, "the post", `[...document.querySelectorAll('[data-testid="message-body"]')].some(e => e.textContent.includes('type twice'))`)
		testenv.WaitUntil(t, b, "the draft forgotten once posted", `document.querySelector('#compose-body').value === '' && !sessionStorage.length`)
		_ = ctx
		noJSErrorsBut(t, b, "status of 401 (Unauthorized) ("+s.URL+"/c/late/messages")
	})
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// endSignIns ends every sign-in of a user, as their lifetime running out
// would.
func endSignIns(t *testing.T, s *testServer, userID int64) {
	t.Helper()
	if _, err := s.DB.NewUpdate().Model((*model.SignIn)(nil)).ModelTableExpr("sessions").
		Set("expires_at = ?", time.Now().UTC().Add(-time.Second)).Where("user_id = ?", userID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// noJSErrorsBut is testenv.NoJSErrors for a page that is expected to get
// the refusals named by expected (substrings of the browser's own report
// of the failed request), and nothing else.
func noJSErrorsBut(t *testing.T, ctx context.Context, expected ...string) {
	t.Helper()
	for _, e := range testenv.JSErrors(ctx) {
		ok := false
		for _, x := range expected {
			ok = ok || strings.Contains(e, x)
		}
		if !ok {
			t.Errorf("the browser reported an error: %s", e)
		}
	}
}
