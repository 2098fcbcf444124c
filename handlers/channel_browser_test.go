package handlers_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// Two people in two browsers: one posts, the other sees it without reloading;
// a reaction and a reply travel the same way.
func TestBrowserChannelLiveBetweenTwoBrowsers(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()
	host := s.createUser(t, "host@example.org", model.RoleHost)
	s.createUser(t, "pat@example.org", model.RoleParticipant)
	title, slug, desc := "Physics 101", "physics-101", "Week 3: waves and oscillations"
	ch, err := s.Chat.CreateChannel(ctx, host.ID, chat.ChannelInput{Title: &title, Slug: &slug, Description: &desc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Chat.StartSession(ctx, host.ID, ch, "Lecture 3"); err != nil {
		t.Fatal(err)
	}

	// Pat signs in and accepts the guidelines in the first browser.
	pat := testenv.BrowserContext(t, root)
	testenv.Do(t, pat,
		chromedp.Navigate(s.URL+"/login?next=/c/physics-101"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), "pat@example.org"),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, pat, "/c/physics-101")
	testenv.Do(t, pat, chromedp.Click(buttonXPath("main", "I accept")))
	testenv.WaitUntil(t, pat, "the compose box", `!!document.querySelector('#compose-body')`)

	// A guest joins in the second browser with a display name.
	guest := testenv.BrowserContext(t, root)
	testenv.Do(t, guest,
		chromedp.Navigate(s.URL+"/c/physics-101"),
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.SendKeys(chromedp.ID("f-name"), "Sam"),
		chromedp.Click(buttonXPath("main", "Join as guest")),
	)
	testenv.WaitUntil(t, guest, "the guidelines", `!!document.querySelector('[data-testid="guidelines"]')`)
	testenv.Do(t, guest, chromedp.Click(buttonXPath("main", "I accept")))
	testenv.WaitUntil(t, guest, "the compose box", `!!document.querySelector('#compose-body')`)
	testenv.WaitUntil(t, guest, "the live stream to connect", `!!document.querySelector('#live')?._htmx?.sse`)
	testenv.WaitUntil(t, pat, "the live stream to connect", `!!document.querySelector('#live')?._htmx?.sse`)

	// Pat asks a question; the guest sees it appear without reloading.
	marker := testenv.Eval[float64](t, guest, `window.__marker = Math.random()`)
	question := "How does damping change the resonance peak? See https://en.wikipedia.org/wiki/Resonance"
	testenv.Do(t, pat,
		chromedp.SendKeys(chromedp.ID("compose-body"), question),
		chromedp.Click(chromedp.CSS(`input[name="kind"][value="question"]`)),
		chromedp.Click(buttonXPath("form", "Post")),
	)
	bodyHas := func(text string) string {
		return fmt.Sprintf(`[...document.querySelectorAll('[data-testid="message-body"]')].some(e => e.textContent.includes(%s))`, strconv.Quote(text))
	}
	testenv.WaitUntil(t, guest, "pat's question to arrive live", bodyHas("damping change"))
	if got := testenv.Eval[float64](t, guest, `window.__marker`); got != marker {
		t.Fatal("the guest's page reloaded instead of updating live")
	}
	testenv.WaitUntil(t, pat, "the question on pat's own page", bodyHas("damping change"))
	testenv.WaitUntil(t, pat, "the compose box to be emptied", `document.querySelector('#compose-body').value === ''`)
	if n := testenv.Eval[int](t, pat, `document.querySelectorAll('[data-testid="message"]').length`); n != 1 {
		t.Errorf("pat sees %d messages, want exactly 1 (no duplicate from the stream)", n)
	}
	link := testenv.Eval[string](t, guest, `document.querySelector('[data-testid="message-body"] a')?.getAttribute('rel') ?? ''`)
	if link != "nofollow ugc noopener" {
		t.Errorf("link rel = %q", link)
	}

	// The guest upvotes; pat sees the count change live.
	testenv.Do(t, guest, chromedp.Click(chromedp.CSS(`[data-testid="vote"]`)))
	testenv.WaitUntil(t, pat, "the vote count to reach 1", `document.querySelector('[data-testid="vote"]')?.textContent.includes('1')`)

	// The guest replies; pat sees the reply in the thread.
	testenv.Do(t, guest,
		chromedp.Click(chromedp.CSS(`.reply-box summary`)),
		chromedp.SendKeys(chromedp.CSS(`.reply-box textarea`), "Good question, I wondered too."),
		chromedp.Click(chromedp.CSS(`.reply-box button[type=submit]`)),
	)
	testenv.WaitUntil(t, pat, "the reply in the thread", `[...document.querySelectorAll('.replies [data-testid="message-body"]')].some(e => e.textContent.includes('wondered too'))`)

	// Each got the other's message from the stream's shared frame, and each
	// sees edit and delete on their own message only.
	withControls := func(ctx context.Context, css string) string {
		return testenv.Eval[string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('[data-testid="message"]')].filter(m => m.querySelector(%s)).map(m => m.querySelector('[data-testid="message-body"]').textContent.trim().slice(0, 12)).join('|')`, strconv.Quote(css)))
	}
	for _, c := range []struct {
		who  string
		ctx  context.Context
		want string
	}{{"pat", pat, "How does dam"}, {"the guest", guest, "Good questio"}} {
		if got := withControls(c.ctx, ".edit-box"); got != c.want {
			t.Errorf("%s has edit controls on %q, want %q", c.who, got, c.want)
		}
		if got := withControls(c.ctx, `button[formaction$="/delete"]`); got != c.want {
			t.Errorf("%s has delete buttons on %q, want %q", c.who, got, c.want)
		}
	}

	// Pat reacts to the reply (a button of the page's one action form, sent
	// through htmx): the guest sees the count; only pat's button is pressed.
	testenv.Do(t, pat, chromedp.Click(chromedp.CSS(`.replies [data-testid="reaction"][value="👍"]`)))
	testenv.WaitUntil(t, guest, "pat's reaction to arrive", `document.querySelector('.replies [data-testid="reaction"][value="👍"]')?.textContent.includes('1')`)
	testenv.WaitUntil(t, pat, "pat's reaction pressed", `document.querySelector('.replies [data-testid="reaction"][value="👍"]')?.getAttribute('aria-pressed') === 'true'`)
	if got := testenv.Eval[string](t, guest, `document.querySelector('.replies [data-testid="reaction"][value="👍"]').getAttribute('aria-pressed')`); got != "false" {
		t.Errorf("the guest's 👍 is pressed (%s): pat's reaction leaked into the guest's page", got)
	}

	// A few more messages for the screenshot.
	pv, err := s.Chat.ViewerFor(ctx, ch, host, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Chat.AcceptGuideline(ctx, ch, pv, 0); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"Slides for today are on the course page.", "Reminder: problem set 3 is due Friday."} {
		if _, err := s.Chat.Post(ctx, ch, pv, chat.PostInput{Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	testenv.WaitUntil(t, guest, "the host's messages", bodyHas("problem set 3"))
	testenv.NoJSErrors(t, pat)
	testenv.NoJSErrors(t, guest)
	testenv.Do(t, guest, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur(); window.scrollTo(0, 0)`))
	testenv.Screenshot(t, guest, screenshotDir+"channel.png")
	testenv.Phone(t, guest)
	testenv.Screenshot(t, guest, screenshotDir+"channel-phone.png")
	if strings.Contains(testenv.Eval[string](t, guest, `document.body.innerHTML`), "<script>alert") {
		t.Error("unescaped markup")
	}
}

// Without JavaScript the channel page still works: the message buttons
// submit the page's one action form (its token, their formaction), and a
// reply form without a token is taken because the browser says it comes from
// this origin (Sec-Fetch-Site).
func TestBrowserChannelWithoutJavaScript(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()
	slow := 0
	ch, host := s.newChannel(t, "nojs", chat.ChannelInput{SlowModeSeconds: &slow})
	hv, err := s.Chat.ViewerFor(ctx, ch, host, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Chat.AcceptGuideline(ctx, ch, hv, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: "Questions welcome", Kind: model.KindQuestion}); err != nil {
		t.Fatal(err)
	}
	s.createUser(t, "pat@example.org", model.RoleParticipant)
	pat := testenv.BrowserContext(t, root)
	testenv.Do(t, pat, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	testenv.Do(t, pat,
		chromedp.Navigate(s.URL+"/login?next=/c/nojs"),
		chromedp.SendKeys(chromedp.ID("f-email"), "pat@example.org"),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Sign in")),
	)
	testenv.WaitPath(t, pat, "/c/nojs")
	testenv.Do(t, pat, chromedp.Click(buttonXPath("main", "I accept")))
	testenv.WaitUntil(t, pat, "the compose box", `!!document.querySelector('#compose-body') && !document.querySelector('[data-testid="guidelines"]')`)
	if testenv.Eval[bool](t, pat, `!!window.htmx`) {
		t.Fatal("scripts ran")
	}
	testenv.Do(t, pat, chromedp.Click(chromedp.CSS(`[data-testid="vote"]`)))
	testenv.WaitUntil(t, pat, "the vote, after the page came back", `document.querySelector('[data-testid="vote"]')?.getAttribute('aria-pressed') === 'true'`)
	testenv.Do(t, pat, chromedp.Click(chromedp.CSS(`[data-testid="reaction"][value="🎉"]`)))
	testenv.WaitUntil(t, pat, "the reaction", `document.querySelector('[data-testid="reaction"][value="🎉"]')?.textContent.includes('1')`)
	testenv.Do(t, pat,
		chromedp.Click(chromedp.CSS(`.reply-box summary`)),
		chromedp.SendKeys(chromedp.CSS(`.reply-box textarea`), "Is chapter 4 included?"),
		chromedp.Click(chromedp.CSS(`.reply-box button[type=submit]`)),
	)
	testenv.WaitUntil(t, pat, "the reply", `[...document.querySelectorAll('.replies [data-testid="message-body"]')].some(e => e.textContent.includes('chapter 4'))`)
	// Pat deletes the reply (no confirmation without JavaScript).
	testenv.Do(t, pat, chromedp.Click(chromedp.CSS(`.replies button[formaction$="/delete"]`)))
	testenv.WaitUntil(t, pat, "the reply removed", `document.querySelector('.replies .message')?.textContent.includes('removed')`)
}
