package handlers_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// viewportShot saves what the tab of ctx shows in its viewport: a sheet
// over a long page is seen there, not in a picture of the whole page.
func viewportShot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// On the wall, r on a reported message fills its Dismiss form with the
// usual reason and Enter keeps the message; on a phone, a person card
// opened from a message far down the wall shows as a sheet where the
// moderator is looking, takes the focus, and Escape closes it and gives the
// focus back to the author's name.
func TestBrowserModDismissKeyAndPersonSheet(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()
	ch, _ := s.newChannel(t, "physics-101", chat.ChannelInput{})
	mod := s.createUser(t, "mia@example.org", model.RoleModerator)
	viewer := func(email string) chat.Viewer {
		u := s.createUser(t, email, model.RoleParticipant)
		v, err := s.Chat.ViewerFor(ctx, ch, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Chat.AcceptGuideline(ctx, ch, v, 0); err != nil {
			t.Fatal(err)
		}
		return v
	}
	post := func(v chat.Viewer, body string) int64 {
		m, err := s.Chat.Post(ctx, ch, v, chat.PostInput{Body: body})
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	chloe, ben := viewer("chloe@example.org"), viewer("ben@example.org")
	reported := post(chloe, "I think the second worked example has a sign error.")
	if _, err := s.Moderation.Report(ctx, ch, ben, reported, "Rude to the lecturer"); err != nil {
		t.Fatal(err)
	}
	modV, err := s.Chat.ViewerFor(ctx, ch, mod, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Moderation.AddNote(ctx, modV, chloe.Actor.Key(), "Spotted two typos on the slides last week; helpful."); err != nil {
		t.Fatal(err)
	}
	// Incoming is newest first: the oldest message is the one far down the wall.
	const lastAuthor = "dana"
	last := post(viewer(lastAuthor+"@example.org"), "Could we get the worked examples as a PDF after class?")
	var who chat.Viewer
	for i := range 24 { // four posts a person: under the rate limit
		if i%4 == 0 {
			who = viewer(fmt.Sprintf("p%d@example.org", i))
		}
		post(who, fmt.Sprintf("Question %d: does the normal force do work on the block here?", i+1))
	}

	tab := testenv.BrowserContext(t, root)
	if err := signInBrowser(tab, s.URL, "mia@example.org"); err != nil {
		t.Fatal(err)
	}
	testenv.Do(t, tab, chromedp.Navigate(s.URL+"/mod"))
	testenv.WaitPath(t, tab, "/mod")
	testenv.WaitUntil(t, tab, "the wall's stream", `!!document.querySelector('#wall-live')?._htmx?.sse`)

	// On a laptop the card stays in its side panel, with no Close button.
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#wi-%d a.author`, reported))))
	testenv.WaitUntil(t, tab, "chloe's card in the side panel", `document.querySelector('#person-panel #person-name')?.textContent === 'chloe'`)
	if testenv.Eval[bool](t, tab, `document.querySelector('#person-panel').classList.contains('is-sheet') || getComputedStyle(document.querySelector('[data-person-close]')).display !== 'none'`) {
		t.Error("on a laptop the card is a sheet, or shows a Close button")
	}

	// r on the reported message: its reason field, filled; Enter dismisses.
	row := fmt.Sprintf("wr-%d", reported)
	testenv.Do(t, tab, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).click()`, row)))
	testenv.Do(t, tab, chromedp.KeyEvent("r"))
	testenv.WaitUntil(t, tab, "the dismiss reason focused and filled",
		fmt.Sprintf(`document.activeElement?.id === %q && document.activeElement.value === 'Breaks no rule'`, row+"-dismiss"))
	testenv.Do(t, tab, chromedp.KeyEvent(kb.Enter))
	testenv.WaitUntil(t, tab, "the report resolved on the wall", fmt.Sprintf(`!!document.querySelector('#%s.is-resolved')`, row))
	testenv.WaitUntil(t, tab, "the toast", `document.querySelector('#wall-toast')?.textContent.includes('Report dismissed')`)
	rs, err := store.ReportsOf(ctx, s.DB, reported)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].ResolvedAt == nil || rs[0].Resolution != "Breaks no rule" {
		t.Errorf("report after r, Enter: %+v", rs)
	}
	// r on a message nobody reported says so and changes nothing.
	testenv.Do(t, tab, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById('wi-%d').click()`, last)))
	testenv.Do(t, tab, chromedp.KeyEvent("r"))
	testenv.WaitUntil(t, tab, "the explanation", `document.querySelector('#wall-toast')?.textContent.includes('Only a reported message')`)

	// A phone: the oldest message's author, far down the wall.
	testenv.Phone(t, tab)
	testenv.Do(t, tab, chromedp.Reload())
	testenv.WaitUntil(t, tab, "the wall's stream", `!!document.querySelector('#wall-live')?._htmx?.sse`)
	link := fmt.Sprintf(`#wi-%d a.author`, last)
	testenv.Do(t, tab, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: 'center'})`, link)))
	scrolled := testenv.Eval[float64](t, tab, `window.scrollY`)
	if scrolled < 1500 {
		t.Fatalf("the oldest message is only %.0f px down the page; the test needs a long wall", scrolled)
	}
	if n := testenv.Eval[int](t, tab, `[...document.querySelectorAll('.wall-list, .staff-list')].filter(l => l.scrollHeight > l.clientHeight + 1 && getComputedStyle(l).overflowY !== 'visible').length`); n != 0 {
		t.Errorf("%d lists scroll inside the page on a phone", n)
	}
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(link)))
	testenv.WaitUntil(t, tab, "the card as a sheet", fmt.Sprintf(`document.querySelector('#person-panel.is-sheet #person-name')?.textContent === %q`, lastAuthor))
	testenv.WaitUntil(t, tab, "the focus in the card", `document.activeElement?.id === 'person-name'`)
	inView := `(() => { const r = document.querySelector('#person-panel').getBoundingClientRect();
		return r.top >= 0 && r.top < innerHeight / 2 && r.bottom <= innerHeight + 1 && r.height > 200; })()`
	if !testenv.Eval[bool](t, tab, inView) {
		t.Errorf("the sheet is not in view: %s", testenv.Eval[string](t, tab, `JSON.stringify(document.querySelector('#person-panel').getBoundingClientRect())`))
	}
	if y := testenv.Eval[float64](t, tab, `window.scrollY`); y != scrolled {
		t.Errorf("opening the card moved the page from %.0f to %.0f", scrolled, y)
	}
	if got := testenv.Eval[string](t, tab, `document.querySelector('#person-panel').getAttribute('role') + ' ' + document.querySelector('#person-panel').getAttribute('aria-modal')`); got != "dialog true" {
		t.Errorf("the sheet's role and aria-modal: %q", got)
	}
	if !testenv.Eval[bool](t, tab, `document.querySelector('.wall-channels').inert`) {
		t.Error("the wall behind the sheet is not inert")
	}
	if testenv.Eval[bool](t, tab, `document.querySelector('[data-person-close]').hidden`) {
		t.Error("the sheet has no visible Close button")
	}

	// Escape closes it and gives the focus back to the name it was opened from.
	testenv.Do(t, tab, chromedp.KeyEvent(kb.Escape))
	testenv.WaitUntil(t, tab, "the sheet to close", `!document.querySelector('#person-panel').classList.contains('is-sheet')`)
	if !testenv.Eval[bool](t, tab, fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, link)) {
		t.Errorf("after Escape the focus is on %s", testenv.Eval[string](t, tab, `document.activeElement?.outerHTML.slice(0, 80) ?? ''`))
	}
	if testenv.Eval[bool](t, tab, `document.querySelector('.wall-channels').inert || getComputedStyle(document.querySelector('#person-panel')).display !== 'none'`) {
		t.Error("the wall is still inert, or the card still shows, after Escape")
	}
	if y := testenv.Eval[float64](t, tab, `window.scrollY`); y != scrolled {
		t.Errorf("closing the card moved the page from %.0f to %.0f", scrolled, y)
	}

	// Chloe's card, with a note, for the picture.
	chloeLink := fmt.Sprintf(`#wi-%d a.author`, reported)
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(chloeLink)))
	testenv.WaitUntil(t, tab, "chloe's card as a sheet", `document.querySelector('#person-panel.is-sheet #person-name')?.textContent === 'chloe'`)
	testenv.WaitUntil(t, tab, "the focus in the card", `document.activeElement?.id === 'person-name'`)
	testenv.Do(t, tab, chromedp.Evaluate[chromedp.Void](`document.querySelector('#wall-toast').className = 'toast'`))
	testenv.WaitUntil(t, tab, "the toast to fade", `getComputedStyle(document.querySelector('#wall-toast')).opacity === '0'`)
	viewportShot(t, tab, screenshotDir+"mod-person-phone.png")
	// Close: the button works as Escape does.
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(`[data-person-close]`)))
	testenv.WaitUntil(t, tab, "the sheet to close", `!document.querySelector('#person-panel').classList.contains('is-sheet')`)
	if !testenv.Eval[bool](t, tab, fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, chloeLink)) {
		t.Error("after Close the focus is not back on chloe's name")
	}
	testenv.NoJSErrors(t, tab)
}
