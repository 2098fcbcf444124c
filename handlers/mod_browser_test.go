package handlers_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/testenv"
)

// A participant posts in a pre-moderated channel and sees it awaiting
// review; a moderator selects it on the wall with j, approves it with a,
// and it reaches the participant's and a peer's pages live.
func TestBrowserModWallApproveLive(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()
	person := func(email, name string, role model.Role) *model.User {
		u, err := s.Accounts.CreateUser(ctx, 0, accounts.Input{Email: email, DisplayName: name, Password: "correct horse battery"}, role)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	host := person("host@example.org", "Dr. Ada Park", model.RoleHost)
	mia := person("mia@example.org", "Mia Moderator", model.RoleModerator)
	omar := person("omar@example.org", "Omar Haddad", model.RoleModerator)
	person("pat@example.org", "Pat Lee", model.RoleParticipant)
	channel := func(slug, title string, in chat.ChannelInput) *model.Channel {
		in.Slug, in.Title = &slug, &title
		ch, err := s.Chat.CreateChannel(ctx, host.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Chat.StartSession(ctx, host.ID, ch, "Lecture 3"); err != nil {
			t.Fatal(err)
		}
		return ch
	}
	all, yes := model.PremodAll, true
	physics := channel("physics-101", "Physics 101", chat.ChannelInput{PremodMode: &all})
	history := channel("history-20c", "Modern History", chat.ChannelInput{FilterCaps: &yes})
	viewer := func(ch *model.Channel, u *model.User) chat.Viewer {
		v, err := s.Chat.ViewerFor(ctx, ch, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Staff {
			if err := s.Chat.AcceptGuideline(ctx, ch, v, 0); err != nil {
				t.Fatal(err)
			}
		}
		return v
	}
	post := func(ch *model.Channel, v chat.Viewer, body string, kind model.MessageKind) int64 {
		m, err := s.Chat.Post(ctx, ch, v, chat.PostInput{Body: body, Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	miaP := viewer(physics, mia)
	approve := func(ch *model.Channel, v chat.Viewer, id int64) {
		if _, err := s.Moderation.Moderate(ctx, ch, v, id, model.ActApprove, moderation.ModInput{}); err != nil {
			t.Fatal(err)
		}
	}

	// What is on the wall before the moderator opens it.
	ana := viewer(physics, person("ana@example.org", "Ana Ruiz", model.RoleParticipant))
	ben := viewer(physics, person("ben@example.org", "Ben Okafor", model.RoleParticipant))
	chloe := viewer(physics, person("chloe@example.org", "Chloe Martin", model.RoleParticipant))
	approve(physics, miaP, post(physics, ben, "Is the lab on Thursday still in room B12?", model.KindQuestion))
	sale := post(physics, chloe, "Selling last year's graded lab reports, DM me for prices", model.KindComment)
	approve(physics, miaP, sale)
	if _, err := s.Moderation.Report(ctx, physics, ben, sale, "Selling coursework"); err != nil {
		t.Fatal(err)
	}
	post(physics, ana, "Could you go over the second worked example again?", model.KindQuestion)
	dan := viewer(history, person("dan@example.org", "Dan Weber", model.RoleParticipant))
	eve := viewer(history, person("eve@example.org", "Eve Novak", model.RoleParticipant))
	post(history, eve, "The map of 1914 alliances on slide 12 really helped.", model.KindComment)
	post(history, dan, "WHY IS THE READING LIST SO LONG THIS WEEK", model.KindComment)
	post(history, eve, "Will the essay question be about the interwar period?", model.KindQuestion)
	if _, err := s.Moderation.StaffPost(ctx, physics, viewer(physics, omar), "I'll watch History; can you take the held queue here?"); err != nil {
		t.Fatal(err)
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
	connected := `!!document.querySelector('%s')?._htmx?.sse`

	// Pat, a participant, in one browser context; a guest peer in another.
	pat := testenv.BrowserContext(t, root)
	signIn(pat, "pat@example.org", "/c/physics-101")
	testenv.Do(t, pat, chromedp.Click(buttonXPath("main", "I accept")))
	testenv.WaitUntil(t, pat, "the compose box", `!!document.querySelector('#compose-body')`)
	testenv.WaitUntil(t, pat, "pat's stream", fmt.Sprintf(connected, "#live"))
	peer := testenv.BrowserContext(t, root)
	testenv.Do(t, peer,
		chromedp.Navigate(s.URL+"/c/physics-101"),
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.SendKeys(chromedp.ID("f-name"), "Sam"),
		chromedp.Click(buttonXPath("main", "Join as guest")),
	)
	testenv.WaitUntil(t, peer, "the guest's stream", fmt.Sprintf(connected, "#live"))

	// The moderator opens the wall in a third.
	mod := testenv.BrowserContext(t, root)
	signIn(mod, "mia@example.org", "/mod")
	testenv.WaitUntil(t, mod, "the wall's stream", fmt.Sprintf(connected, "#wall-live"))
	if n := testenv.Eval[int](t, mod, `document.querySelectorAll('[data-testid="wall-channel"]').length`); n != 2 {
		t.Fatalf("the wall shows %d channels, want 2", n)
	}

	// Pat posts; it is held: Pat sees it awaiting review, the guest nothing.
	testenv.Do(t, pat,
		chromedp.SendKeys(chromedp.ID("compose-body"), "Does friction count as an external force here?"),
		chromedp.Click(buttonXPath("form", "Post")),
	)
	testenv.WaitUntil(t, pat, "pat's message awaiting review",
		`[...document.querySelectorAll('[data-testid="message"]')].some(m => m.textContent.includes('friction') && m.querySelector('[data-testid="mod-state"]')?.textContent.trim().toLowerCase() === 'awaiting review')`)
	id := testenv.Eval[string](t, pat, `[...document.querySelectorAll('[data-testid="message"]')].find(m => m.textContent.includes('friction')).id.slice(2)`)
	held := "wh-" + id
	// It reaches the wall live, at the end of the held list.
	testenv.WaitUntil(t, mod, "the held message on the wall",
		fmt.Sprintf(`document.querySelector('#held-%d > li:last-child')?.id === %q`, physics.ID, held))
	if testenv.Eval[bool](t, peer, `document.body.textContent.includes('friction')`) {
		t.Error("the guest sees a held message")
	}

	// j until it is selected, then a.
	marker := testenv.Eval[float64](t, pat, `window.__marker = Math.random()`)
	for range 20 {
		if testenv.Eval[string](t, mod, `document.querySelector('.wall-item[aria-selected="true"]')?.id ?? ''`) == held {
			break
		}
		testenv.Do(t, mod, chromedp.KeyEvent("j"))
	}
	if got := testenv.Eval[string](t, mod, `document.activeElement?.id ?? ''`); got != held {
		t.Fatalf("after j the focus is on %q, want %q", got, held)
	}
	testenv.Do(t, mod, chromedp.KeyEvent("a"))
	testenv.WaitUntil(t, pat, "the awaiting-review mark to go, live",
		fmt.Sprintf(`document.querySelector('#m-%s') && !document.querySelector('#m-%s [data-testid="mod-state"]')`, id, id))
	testenv.WaitUntil(t, peer, "the approved message on the guest's page, live", `document.body.textContent.includes('friction')`)
	if got := testenv.Eval[float64](t, pat, `window.__marker`); got != marker {
		t.Error("pat's page reloaded instead of updating live")
	}
	testenv.WaitUntil(t, mod, "a compact approved line in its place, still selected",
		fmt.Sprintf(`document.querySelector('#%s.is-resolved')?.getAttribute('aria-selected') === 'true'`, held))
	testenv.WaitUntil(t, mod, "the toast", `document.querySelector('#wall-toast')?.textContent.includes('Approved')`)
	if n := testenv.Eval[int](t, mod, fmt.Sprintf(`document.querySelectorAll('#%s').length`, held)); n != 1 {
		t.Errorf("%d copies of the held row", n)
	}

	// Approve Ana's question with the keyboard too, then undo with u.
	testenv.Do(t, mod, chromedp.KeyEvent("k"))
	ana1 := testenv.Eval[string](t, mod, `document.querySelector('.wall-item[aria-selected="true"]')?.id ?? ''`)
	if ana1 == "" || ana1 == held {
		t.Fatalf("k selected %q", ana1)
	}
	before := testenv.Eval[string](t, mod, `document.querySelector('#wall').dataset.lastAudit ?? ''`)
	testenv.Do(t, mod, chromedp.KeyEvent("a"))
	testenv.WaitUntil(t, mod, "ana's question approved", fmt.Sprintf(`!!document.querySelector('#%s.is-resolved')`, ana1))
	testenv.WaitUntil(t, mod, "the action's audit id", fmt.Sprintf(`(document.querySelector('#wall').dataset.lastAudit ?? '') !== %q`, before))
	testenv.Do(t, mod, chromedp.KeyEvent("u"))
	testenv.WaitUntil(t, mod, "the undo", `document.querySelector('#wall-toast')?.textContent.includes('Undone')`)
	testenv.WaitUntil(t, mod, "ana's question held again", fmt.Sprintf(`!!document.querySelector('#%s[data-state="held"]:not(.is-resolved)')`, ana1))

	// The shortcuts dialog: ? opens it, Escape closes it.
	testenv.Do(t, mod, chromedp.KeyEvent("?"))
	testenv.WaitUntil(t, mod, "the shortcuts dialog", `document.querySelector('#shortcuts').open`)
	testenv.Do(t, mod, chromedp.KeyEvent(kb.Escape))
	testenv.WaitUntil(t, mod, "the dialog to close", `!document.querySelector('#shortcuts').open`)

	// Chloe's reported message: select it and open the author's card with o.
	testenv.Do(t, mod, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('#wr-%d').click()`, sale)))
	testenv.Do(t, mod, chromedp.KeyEvent("o"))
	testenv.WaitUntil(t, mod, "chloe's card", `document.querySelector('#person-card #person-name')?.textContent === 'Chloe Martin'`)
	// 2 mutes her for 10 minutes; n opens the note field.
	testenv.Do(t, mod, chromedp.KeyEvent("2"))
	testenv.WaitUntil(t, mod, "the mute on her card", `document.querySelector('[data-testid="card-notice"]')?.textContent.includes('Muted Chloe Martin for 10 minutes')`)
	testenv.Do(t, mod, chromedp.KeyEvent("n"))
	testenv.WaitUntil(t, mod, "the note field focused", `document.activeElement?.id === 'note-body'`)
	testenv.Do(t, mod, chromedp.SendKeys(chromedp.ID("note-body"), "Second time selling coursework this term."), chromedp.Click(buttonXPath("form", "Save note")))
	testenv.WaitUntil(t, mod, "the note", `document.querySelector('[data-testid="notes"]')?.textContent.includes('Second time')`)

	// A staff chat message arrives on the wall live.
	if _, err := s.Moderation.StaffPost(ctx, physics, viewer(physics, omar), "Thanks! The lab-report seller is reported, over to you."); err != nil {
		t.Fatal(err)
	}
	testenv.WaitUntil(t, mod, "the staff chat message", fmt.Sprintf(`document.querySelector('#staff-%d')?.textContent.includes('over to you')`, physics.ID))
	if testenv.Eval[bool](t, pat, `document.body.textContent.includes('over to you')`) {
		t.Error("the staff chat reached a participant")
	}
	if got := testenv.Eval[string](t, mod, fmt.Sprintf(`document.querySelector('#counts-%d [data-count="held"] strong').textContent`, physics.ID)); got != "1" {
		t.Errorf("held count = %s, want 1", got)
	}

	testenv.NoJSErrors(t, pat)
	testenv.NoJSErrors(t, peer)
	testenv.NoJSErrors(t, mod)
	// The toast has gone by the time anyone looks at the picture.
	testenv.Do(t, mod, chromedp.Evaluate[chromedp.Void](`document.querySelector('#wall-toast').className = 'toast'; document.activeElement?.blur(); window.scrollTo(0, 0)`))
	testenv.WaitUntil(t, mod, "the toast to fade", `getComputedStyle(document.querySelector('#wall-toast')).opacity === '0'`)
	testenv.Screenshot(t, mod, screenshotDir+"mod-wall.png")
}
