package handlers_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"backchannel/accounts"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/testenv"
)

// createPerson makes a participant account with a display name.
func (s *testServer) createPerson(t testing.TB, email, name string) *model.User {
	t.Helper()
	u, err := s.Accounts.CreateUser(context.Background(), 0, accounts.Input{Email: email, DisplayName: name, Password: "correct horse battery"}, model.RoleParticipant)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// signedInTab opens a browser context of its own for email, signed in.
func signedInTab(t *testing.T, root context.Context, s *testServer, email string) context.Context {
	t.Helper()
	ctx := testenv.BrowserContext(t, root)
	if err := signInBrowser(ctx, s.URL, email); err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
	return ctx
}

// fourPeople starts a browser and a server with Ann, Bob, Cat and Dev.
func fourPeople(t *testing.T) (context.Context, *testServer, *model.User, *model.User, *model.User, *model.User) {
	t.Helper()
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	return root, s, s.createPerson(t, "ann@example.org", "Ann Okafor"), s.createPerson(t, "bob@example.org", "Bob Lindqvist"),
		s.createPerson(t, "cat@example.org", "Cat Moreau"), s.createPerson(t, "dev@example.org", "Dev Raman")
}

// badgeIs is the script that tells whether the header's badge shows n
// (0: hidden).
func badgeIs(n int) string {
	if n == 0 {
		return `document.getElementById("inbox-badge")?.hidden === true`
	}
	return `(() => { const b = document.getElementById("inbox-badge"); return b && !b.hidden && b.textContent.trim() === "` + strconv.Itoa(n) + `" })()`
}

// Two people: a first message lands in the other's requests, without a
// badge; accepted, it moves to the inbox; a message then appears live for
// them with an unread badge in the header of whatever page they are on, and
// bumps the conversation to the top of their inbox list.
func TestBrowserInboxRequestAcceptLive(t *testing.T) {
	root, s, ann, bob, cat, dev := fourPeople(t)
	ctx := context.Background()
	// Bob's other conversations, for a lived-in inbox.
	speakers, _, err := s.Inbox.Start(ctx, cat.ID, inbox.StartInput{Handles: []string{bob.Handle, dev.Handle}, Title: "Speakers' room", Group: true, Body: "Slides for the 3pm panel are in the shared folder."})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*model.User{bob, dev} {
		_ = s.Inbox.Accept(ctx, u.ID, speakers.Conversation.ID)
	}
	read, err := s.Inbox.Post(ctx, dev.ID, speakers.Conversation.ID, inbox.PostInput{Body: "Thanks! I'll take the second question block."})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Inbox.MarkRead(ctx, bob.ID, speakers.Conversation.ID, read.ID); err != nil {
		t.Fatal(err)
	}
	withDev, _, err := s.Inbox.Start(ctx, bob.ID, inbox.StartInput{Handles: []string{dev.Handle}, Body: "Are you around after the keynote?"})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Inbox.Accept(ctx, dev.ID, withDev.Conversation.ID)
	if _, err := s.Inbox.Post(ctx, dev.ID, withDev.Conversation.ID, inbox.PostInput{Body: "Yes — coffee by the registration desk?"}); err != nil {
		t.Fatal(err)
	}

	annCtx := signedInTab(t, root, s, ann.Email)
	bobCtx := signedInTab(t, root, s, bob.Email)

	// Ann writes to Bob from New message (?to= as a profile's Message button).
	testenv.Do(t, annCtx, chromedp.Navigate(s.URL+"/inbox/new?to="+bob.Handle))
	testenv.WaitUntil(t, annCtx, "Bob to be picked", `document.querySelector('[data-testid="recipients"] input[checked]')`)
	testenv.Do(t, annCtx,
		chromedp.SendKeys(chromedp.ID("f-body"), "Hi Bob! Loved your talk on accessible slides."),
		chromedp.Click(chromedp.CSS(`[data-testid="start-dm"]`)),
	)
	testenv.WaitUntil(t, annCtx, "the conversation page", `document.querySelector('[data-testid="conversation-page"]')`)
	convID := testenv.Eval[string](t, annCtx, `document.querySelector('[data-testid="conversation-page"]').dataset.conversation`)

	// Bob: a request, no badge.
	testenv.Do(t, bobCtx, chromedp.Navigate(s.URL+"/inbox"))
	testenv.WaitPath(t, bobCtx, "/inbox")
	if got := pageText(t, bobCtx, `[data-testid="requests-link"]`); got != "Requests (1)" {
		t.Errorf("Bob's requests link = %q", got)
	}
	// Bob has one unread message from Dev; the request does not count.
	testenv.WaitUntil(t, bobCtx, "no badge for a request", badgeIs(1))
	testenv.Phone(t, bobCtx)
	testenv.Do(t, bobCtx, chromedp.Navigate(s.URL+"/inbox/requests"))
	testenv.WaitUntil(t, bobCtx, "Ann's request", `document.querySelector('[data-testid="request"]')?.textContent.includes("Ann Okafor")`)
	testenv.Screenshot(t, bobCtx, screenshotDir+"dm-requests-phone.png")
	testenv.Laptop(t, bobCtx)
	testenv.Do(t, bobCtx, chromedp.Click(chromedp.CSS(`[data-testid="request"] [data-testid="accept"]`)))
	testenv.WaitPath(t, bobCtx, "/inbox/"+convID)
	testenv.WaitUntil(t, bobCtx, "Ann's message", `document.querySelector('[data-testid="thread"]')?.textContent.includes("accessible slides")`)

	// Bob is elsewhere; Ann's answer lights the badge live.
	testenv.Do(t, bobCtx, chromedp.Navigate(s.URL+"/channels"))
	testenv.WaitPath(t, bobCtx, "/channels")
	testenv.WaitUntil(t, bobCtx, "the badge of Dev's message", badgeIs(1))
	testenv.Do(t, annCtx,
		chromedp.SendKeys(chromedp.ID("dm-body"), "Could you share the checklist you showed?"),
		chromedp.KeyEvent("\r"),
	)
	testenv.WaitUntil(t, annCtx, "Ann's own message on her page", `[...document.querySelectorAll('.dm-msg.mine')].some(a => a.textContent.includes("checklist"))`)
	testenv.WaitUntil(t, bobCtx, "the badge to show 2", badgeIs(2))

	// On the inbox list a new message bumps the conversation to the top.
	testenv.Do(t, bobCtx, chromedp.Navigate(s.URL+"/inbox"))
	testenv.WaitPath(t, bobCtx, "/inbox")
	testenv.WaitUntil(t, bobCtx, "the stream to be open", `document.getElementById("inbox-live")?._htmx?.sse`)
	testenv.Do(t, annCtx,
		chromedp.SendKeys(chromedp.ID("dm-body"), "No rush — after the session is fine."),
		chromedp.KeyEvent("\r"),
	)
	testenv.WaitUntil(t, bobCtx, "Ann's conversation first with 2 unread",
		`(() => { const r = document.querySelector('#dm-list > li'); return r && r.id === "conv-`+convID+`" && r.querySelector('[data-testid="unread"]').dataset.count === "2" && r.textContent.includes("after the session") })()`)
	testenv.WaitUntil(t, bobCtx, "the badge to show 3", badgeIs(3))
	testenv.Do(t, bobCtx, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur()`))
	testenv.Screenshot(t, bobCtx, screenshotDir+"inbox.png")

	// Open, the conversation reads itself and shows new messages live.
	testenv.Do(t, bobCtx, chromedp.Navigate(s.URL+"/inbox/"+convID))
	testenv.WaitUntil(t, bobCtx, "the badge to drop to Dev's 1", badgeIs(1))
	testenv.WaitUntil(t, bobCtx, "the stream to be open", `document.getElementById("inbox-live")?._htmx?.sse`)
	testenv.Do(t, annCtx,
		chromedp.SendKeys(chromedp.ID("dm-body"), "See you there!"),
		chromedp.KeyEvent("\r"),
	)
	testenv.WaitUntil(t, bobCtx, "the new message live", `document.querySelector('[data-testid="thread"]').lastElementChild?.textContent.includes("See you there!")`)
	// Bob reacts from the ☺+ menu; Ann sees the 👍 on her message, live.
	testenv.Do(t, bobCtx,
		chromedp.Click(chromedp.CSS(`[data-testid="thread"] > article:last-of-type .dm-react summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid="thread"] > article:last-of-type .dm-react-set button[value="👍"]`)),
	)
	testenv.WaitUntil(t, bobCtx, "Bob's 👍 pressed", `document.querySelector('[data-testid="thread"] > article:last-of-type .dm-msg-actions > .chip-reaction[aria-pressed="true"]')?.textContent.includes("1")`)
	testenv.WaitUntil(t, annCtx, "the 👍 on Ann's message", `[...document.querySelectorAll('.dm-msg.mine .dm-msg-actions > .chip-reaction')].some(b => b.value === "👍" && b.textContent.includes("1") && b.getAttribute("aria-pressed") === "false")`)
	testenv.WaitUntil(t, annCtx, "Seen under Ann's message", `[...document.querySelectorAll('.dm-msg.mine [data-testid="seen"]')].some(p => !p.hidden && p.textContent === "Seen")`)
	testenv.NoJSErrors(t, annCtx)
	testenv.NoJSErrors(t, bobCtx)
}

// A group of three where one member blocked another: the warning shows at
// once with a one-click Leave, and in another group it appears live when
// the blocked person is added later.
func TestBrowserInboxGroupBlockedWarning(t *testing.T) {
	root, s, ann, bob, cat, dev := fourPeople(t)
	ctx := context.Background()
	if _, err := s.DB.NewInsert().Model(&model.Block{BlockerID: bob.ID, BlockedID: cat.ID, CreatedAt: time.Now().UTC()}).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	start := func(title string, people ...*model.User) int64 {
		var handles []string
		for _, p := range people {
			handles = append(handles, p.Handle)
		}
		cv, _, err := s.Inbox.Start(ctx, ann.ID, inbox.StartInput{Handles: handles, Title: title, Group: true, Body: "Welcome! Let's plan the Q&A for Thursday."})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range people {
			_ = s.Inbox.Accept(ctx, p.ID, cv.Conversation.ID)
		}
		return cv.Conversation.ID
	}
	withCat := start("Thursday Q&A", bob, cat)
	if _, err := s.Inbox.Post(ctx, ann.ID, withCat, inbox.PostInput{Body: "I'll moderate; who takes the timer?"}); err != nil {
		t.Fatal(err)
	}
	later := start("Room logistics", bob, dev)

	bobCtx := signedInTab(t, root, s, bob.Email)
	testenv.Do(t, bobCtx, chromedp.Navigate(s.URL+convPath(withCat, "")))
	testenv.WaitUntil(t, bobCtx, "the warning", `(() => { const w = document.querySelector('[data-testid="blocked-warning"]'); return w && !w.hidden && w.textContent.includes("You blocked Cat Moreau, who is in this conversation") })()`)
	if !testenv.Eval[bool](t, bobCtx, `!!document.querySelector('[data-testid="blocked-warning"] [data-testid="blocked-leave"]')`) {
		t.Error("the warning has no Leave button")
	}
	testenv.Do(t, bobCtx, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur()`))
	testenv.Screenshot(t, bobCtx, screenshotDir+"dm-group-blocked.png")

	// Unblocking Cat elsewhere takes the warning away at once.
	testenv.WaitUntil(t, bobCtx, "the stream to be open", `document.getElementById("inbox-live")?._htmx?.sse`)
	if err := s.Inbox.Unblock(ctx, bob.ID, cat.Handle); err != nil {
		t.Fatal(err)
	}
	testenv.WaitUntil(t, bobCtx, "the warning gone", `document.querySelector('[data-testid="blocked-warning"]').hidden`)
	if _, err := s.Inbox.Block(ctx, bob.ID, cat.Handle); err != nil {
		t.Fatal(err)
	}
	testenv.WaitUntil(t, bobCtx, "the warning back", `!document.querySelector('[data-testid="blocked-warning"]').hidden`)

	// The other group: no warning, until Cat is added.
	testenv.Do(t, bobCtx, chromedp.Navigate(s.URL+convPath(later, "")))
	testenv.WaitUntil(t, bobCtx, "no warning", `document.querySelector('[data-testid="blocked-warning"]').hidden`)
	testenv.WaitUntil(t, bobCtx, "the stream to be open", `document.getElementById("inbox-live")?._htmx?.sse`)
	if err := s.Inbox.AddMember(ctx, ann.ID, later, cat.ID); err != nil {
		t.Fatal(err)
	}
	testenv.WaitUntil(t, bobCtx, "the warning, live", `(() => { const w = document.querySelector('[data-testid="blocked-warning"]'); return !w.hidden && w.textContent.includes("You blocked Cat Moreau") })()`)
	testenv.WaitUntil(t, bobCtx, "Cat in the members panel", `document.querySelector('[data-testid="member"][data-user="`+strconv.FormatInt(cat.ID, 10)+`"]')`)
	// One click leaves.
	testenv.Do(t, bobCtx, chromedp.Click(chromedp.CSS(`[data-testid="blocked-leave"]`)))
	testenv.WaitPath(t, bobCtx, "/inbox")
	if got := pageText(t, bobCtx, "#flash"); !strings.Contains(got, "You left") {
		t.Errorf("flash after leaving = %q", got)
	}
	testenv.NoJSErrors(t, bobCtx)
}
