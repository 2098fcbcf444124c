package handlers_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/testenv"
)

// feedChannel is a channel with threads by its host, for the feed's tests.
type feedChannel struct {
	s    *testServer
	ch   *model.Channel
	host chat.Viewer
	ids  map[string]int64 // by body
}

// newFeedTest starts a browser and a server with a channel of threads
// "thread 00", "thread 01" and so on.
func newFeedTest(t *testing.T, slug string, threads int) (context.Context, *feedChannel) {
	t.Helper()
	root := testenv.Browser(t)
	f := newFeedChannel(t, newServer(t, testenv.Databases(t)[0].URL), slug)
	for i := range threads {
		f.post(t, fmt.Sprintf("thread %02d", i), 0)
	}
	return root, f
}

func newFeedChannel(t *testing.T, s *testServer, slug string) *feedChannel {
	t.Helper()
	ctx := context.Background()
	slow := 0
	ch, host := s.newChannel(t, slug, chat.ChannelInput{SlowModeSeconds: &slow})
	hv, err := s.Chat.ViewerFor(ctx, ch, host, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Chat.AcceptGuideline(ctx, ch, hv, 0); err != nil {
		t.Fatal(err)
	}
	return &feedChannel{s: s, ch: ch, host: hv, ids: map[string]int64{}}
}

func (f *feedChannel) post(t *testing.T, body string, parent int64) int64 {
	t.Helper()
	m, err := f.s.Chat.Post(context.Background(), f.ch, f.host, chat.PostInput{Body: body, ParentID: parent})
	if err != nil {
		t.Fatal(err)
	}
	f.ids[body] = m.ID
	return m.ID
}

func (f *feedChannel) moderate(t *testing.T, body string, act model.ModAction) {
	t.Helper()
	if _, err := f.s.Moderation.Moderate(context.Background(), f.ch, f.host, f.ids[body], act, moderation.ModInput{}); err != nil {
		t.Fatalf("%s %q: %v", act, body, err)
	}
}

// joinFeed signs email in in a new browser, opens the channel and accepts
// its guidelines, and waits for the live stream.
func joinFeed(t *testing.T, root context.Context, s *testServer, slug, email string, phone bool) context.Context {
	t.Helper()
	s.createUser(t, email, model.RoleParticipant)
	tab := testenv.BrowserContext(t, root)
	if phone {
		testenv.Phone(t, tab)
	}
	if err := signInBrowser(tab, s.URL, email); err != nil {
		t.Fatal(err)
	}
	testenv.Do(t, tab, chromedp.Navigate(s.URL+"/c/"+slug))
	testenv.WaitPath(t, tab, "/c/"+slug)
	testenv.Do(t, tab, chromedp.Click(buttonXPath("main", "I accept")))
	testenv.WaitUntil(t, tab, "the compose box", `!!document.querySelector('#compose-body')`)
	testenv.WaitUntil(t, tab, "the live stream to connect", `document.querySelector('#live')?._htmx?.sse?.status === 200`)
	return tab
}

// threadOrder is the bodies of the feed's threads, top to bottom.
const threadOrder = `[...document.querySelectorAll('#messages > li.thread > article [data-testid="message-body"]')].map(e => e.textContent.trim())`

// inView says whether the element with id is wholly in the viewport.
func inView(id string) string {
	return fmt.Sprintf(`(() => { const r = document.getElementById(%q)?.getBoundingClientRect(); return !!r && r.top >= 0 && r.bottom <= innerHeight; })()`, id)
}

func msgID(id int64) string { return "m-" + strconv.FormatInt(id, 10) }

// Issue 13, item 2: on a phone, the feed is newest first under the pinned
// threads; the participant's own post and reply are brought into view when
// they land; a message that arrives while they read further down goes in at
// the top without moving what they read, with a notice that takes them up.
func TestBrowserChannelFeedNewestFirstAndOwnPosts(t *testing.T) {
	long := strings.Repeat("Please read the notes before asking. ", 6)
	root, f := newFeedTest(t, "feed-order", 30)
	s := f.s
	for i := range 12 {
		f.post(t, fmt.Sprintf("reply %02d", i), f.ids["thread 05"])
	}
	for _, b := range []string{"pinned A " + long, "pinned B " + long, "pinned C " + long} {
		f.post(t, b, 0)
		f.moderate(t, b, model.ActPin)
	}
	pat := joinFeed(t, root, s, "feed-order", "pat@example.org", true)

	order := testenv.Eval[[]string](t, pat, threadOrder)
	if len(order) != 33 || !strings.HasPrefix(order[0], "pinned C") || !strings.HasPrefix(order[2], "pinned A") ||
		order[3] != "thread 29" || order[32] != "thread 00" {
		t.Fatalf("feed order: %d threads %q … %q", len(order), order[:min(5, len(order))], order[len(order)-1])
	}

	// Pat posts: the message lands under the pinned threads, out of a
	// phone's first screen, and the page brings it into view.
	testenv.Do(t, pat,
		chromedp.SendKeys(chromedp.ID("compose-body"), "Where are the slides?"),
		chromedp.Click(buttonXPath("form", "Post")),
	)
	own := `[...document.querySelectorAll('#messages > li.thread > article')].find(a => a.textContent.includes('Where are the slides?'))`
	testenv.WaitUntil(t, pat, "pat's message", own)
	mine := testenv.Eval[string](t, pat, own+`.id`)
	testenv.WaitUntil(t, pat, "pat's message in view", inView(mine))
	if got := testenv.Eval[[]string](t, pat, threadOrder)[3]; got != "Where are the slides?" {
		t.Errorf("pat's message is not the newest thread under the pinned ones: %q", got)
	}
	testenv.WaitUntil(t, pat, "the focus back in the compose box", `document.activeElement?.id === 'compose-body'`)

	// A reply to a thread with twelve replies lands below them, and is
	// brought into view too.
	thread := msgID(f.ids["thread 05"])
	testenv.Do(t, pat,
		chromedp.Click(chromedp.CSS(`#`+thread+` .reply-box summary`)),
		chromedp.SendKeys(chromedp.CSS(`#`+thread+` .reply-box textarea`), "Same question here."),
		chromedp.Click(chromedp.CSS(`#`+thread+` .reply-box button[type=submit]`)),
	)
	reply := `[...document.querySelectorAll('#replies-` + strconv.FormatInt(f.ids["thread 05"], 10) + ` article')].find(a => a.textContent.includes('Same question here.'))`
	testenv.WaitUntil(t, pat, "pat's reply", reply)
	testenv.WaitUntil(t, pat, "pat's reply in view", inView(testenv.Eval[string](t, pat, reply+`.id`)))
	// The focus stays with the thread: in the reply box, or on the message
	// replied to when the live update of its reply count closed the box.
	testenv.WaitUntil(t, pat, "the focus back in the thread", `['reply-`+strconv.FormatInt(f.ids["thread 05"], 10)+`', '`+thread+`'].includes(document.activeElement?.id)`)
	if y := testenv.Eval[float64](t, pat, `scrollY`); y < 1000 {
		t.Fatalf("the reply is in view without scrolling down (scrollY %v): the test shows nothing", y)
	}

	// Reading down there, a new message arrives at the top: what pat reads
	// stays put, and a notice offers the new message.
	readingID := testenv.Eval[string](t, pat, `[...document.querySelectorAll('#messages article')].find(a => a.getBoundingClientRect().top > 80).id`)
	before := testenv.Eval[float64](t, pat, `document.getElementById(`+strconv.Quote(readingID)+`).getBoundingClientRect().top`)
	f.post(t, "Break in five minutes "+long, 0)
	testenv.WaitUntil(t, pat, "the new message", `!!document.getElementById(`+strconv.Quote(msgID(f.ids["Break in five minutes "+long]))+`)`)
	if got := testenv.Eval[[]string](t, pat, threadOrder)[3]; !strings.HasPrefix(got, "Break in five minutes") {
		t.Errorf("the new message is not at the top under the pinned ones: %q", got)
	}
	after := testenv.Eval[float64](t, pat, `document.getElementById(`+strconv.Quote(readingID)+`).getBoundingClientRect().top`)
	if after-before > 1 || before-after > 1 {
		t.Errorf("the message pat reads moved from %v to %v px", before, after)
	}
	testenv.WaitUntil(t, pat, "the notice of a new message above", `!document.querySelector('[data-testid="new-above"]').hidden`)
	// A message above that an edit makes much taller does not move it
	// either.
	if _, err := s.Chat.Edit(context.Background(), f.ch, f.host, f.ids["thread 20"], "thread 20, edited: "+long+long); err != nil {
		t.Fatal(err)
	}
	testenv.WaitUntil(t, pat, "the edit", `document.getElementById(`+strconv.Quote(msgID(f.ids["thread 20"]))+`).textContent.includes('edited:')`)
	if now := testenv.Eval[float64](t, pat, `document.getElementById(`+strconv.Quote(readingID)+`).getBoundingClientRect().top`); now-after > 1 || after-now > 1 {
		t.Errorf("the message pat reads moved from %v to %v px when a message above grew", after, now)
	}
	testenv.Do(t, pat, chromedp.Click(chromedp.CSS(`[data-testid="new-above"]`)))
	testenv.WaitUntil(t, pat, "the new message in view", inView(msgID(f.ids["Break in five minutes "+long])))
	testenv.WaitUntil(t, pat, "the notice gone", `document.querySelector('[data-testid="new-above"]').hidden`)
	testenv.NoJSErrors(t, pat)
}

// setOffline cuts the tab's network for new requests, or restores it.
func setOffline(offline bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}}})
		return err
	})
}

// Issue 13, item 5: focus stays on the compose box after accepting the
// guidelines; each message is one tab stop, j / k move between messages,
// Enter reaches a message's buttons and Escape comes back; new messages are
// announced politely (a burst in one or two announcements); a dropped
// stream shows "Reconnecting…", then "Back", with what was missed.
func TestBrowserChannelFeedKeysAnnouncementsAndConnection(t *testing.T) {
	root, f := newFeedTest(t, "feed-keys", 4)
	s := f.s
	pat := joinFeed(t, root, s, "feed-keys", "pat@example.org", false)
	if got := testenv.Eval[string](t, pat, `document.activeElement?.id`); got != "compose-body" {
		t.Errorf("after accepting the guidelines the focus is on %q, want the compose box", got)
	}

	// Tab: from the first message to the next, not into its 12 buttons.
	first, second := msgID(f.ids["thread 03"]), msgID(f.ids["thread 02"])
	active := `document.activeElement?.id`
	testenv.Do(t, pat, chromedp.Evaluate[chromedp.Void](`document.getElementById(`+strconv.Quote(first)+`).focus()`))
	testenv.Do(t, pat, chromedp.KeyEvent("\t"))
	if got := testenv.Eval[string](t, pat, active); got != second {
		t.Errorf("Tab from the first message went to %q, want the next message %q", got, second)
	}
	testenv.Do(t, pat, chromedp.KeyEvent("k"))
	if got := testenv.Eval[string](t, pat, active); got != first {
		t.Errorf("k went to %q, want %q", got, first)
	}
	testenv.Do(t, pat, chromedp.KeyEvent("j"), chromedp.KeyEvent("j"))
	if got := testenv.Eval[string](t, pat, active); got != msgID(f.ids["thread 01"]) {
		t.Errorf("j j went to %q, want the third message", got)
	}
	// Enter: the message's own controls (the author's profile link, then
	// its buttons), one after the other with Tab.
	testenv.Do(t, pat, pressEnter())
	inside := `document.activeElement?.closest('article')?.id + ' ' + (document.activeElement === document.activeElement?.closest('article')?.querySelector('a[href], button') ? 'first' : document.activeElement?.tagName)`
	if got := testenv.Eval[string](t, pat, inside); got != msgID(f.ids["thread 01"])+" first" {
		t.Errorf("Enter on a message focused %q, want its first control", got)
	}
	testenv.Do(t, pat, chromedp.KeyEvent("\t"))
	if got := testenv.Eval[string](t, pat, `document.activeElement?.closest('article')?.id ?? document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'`); got != msgID(f.ids["thread 01"]) {
		t.Errorf("Tab inside a message left it for %q", got)
	}
	testenv.Do(t, pat, chromedp.KeyEvent(kbEscape))
	if got := testenv.Eval[string](t, pat, active); got != msgID(f.ids["thread 01"]) {
		t.Errorf("Escape went to %q, want back to the message", got)
	}
	tabStops := `[...document.querySelectorAll('#messages *')].filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length).length`
	if got, want := testenv.Eval[int](t, pat, tabStops), testenv.Eval[int](t, pat, `document.querySelectorAll('#messages article').length`); got != want {
		t.Errorf("%d tab stops in the feed, want one per message (%d)", got, want)
	}

	// Three messages in a burst: one polite announcement of all three.
	if got := testenv.Eval[string](t, pat, `document.querySelector('[data-testid="announce"]').getAttribute('aria-live')`); got != "polite" {
		t.Errorf("announcements are aria-live %q", got)
	}
	testenv.Do(t, pat, chromedp.Evaluate[chromedp.Void](`(() => {
		const el = document.querySelector('[data-testid="announce"]');
		window.__said = [];
		new MutationObserver(() => el.textContent && __said.push(el.textContent.trim())).observe(el, {childList: true, characterData: true, subtree: true});
	})()`))
	announced := `__said.reduce((n, s) => n + (parseInt(s) || 0), 0)`
	for i := range 4 {
		f.post(t, fmt.Sprintf("burst %d", i), 0)
	}
	testenv.WaitUntil(t, pat, "the burst announced", announced+` === 4`)
	if said := testenv.Eval[[]string](t, pat, `__said`); len(said) > 2 || !strings.HasSuffix(said[len(said)-1], "new messages.") && !strings.HasSuffix(said[len(said)-1], "new message.") {
		t.Errorf("a burst of 4 messages was announced as %q: want one or two announcements of how many", said)
	}

	// The stream drops: a quiet note; what is posted meanwhile arrives once
	// it is back.
	conn := `document.querySelector('[data-testid="connection"]').textContent`
	if got := testenv.Eval[string](t, pat, conn); got != "" {
		t.Errorf("connection note %q while connected", got)
	}
	testenv.Do(t, pat, setOffline(true),
		// The open response is not cut by the emulation: end it as a
		// dropped connection would.
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#live')._htmx.sse.reader.cancel()`))
	testenv.WaitUntil(t, pat, "the reconnecting note", conn+`.includes('Reconnecting')`)
	if got := testenv.Eval[string](t, pat, `document.querySelector('[data-testid="connection"]').getAttribute('role')`); got != "status" {
		t.Errorf("the connection note has role %q", got)
	}
	f.post(t, "posted while pat was away", 0)
	testenv.Do(t, pat, setOffline(false))
	testenv.WaitUntil(t, pat, "the back note", conn+`.includes('Back')`)
	testenv.WaitUntil(t, pat, "the missed message", `document.body.textContent.includes('posted while pat was away')`)
	testenv.WaitUntil(t, pat, "the note to go away", conn+` === ''`)
	if n := testenv.Eval[int](t, pat, `[...document.querySelectorAll('[data-testid="message-body"]')].filter(e => e.textContent.includes('posted while pat was away')).length`); n != 1 {
		t.Errorf("the missed message is shown %d times", n)
	}
	noJSErrorsOffline(t, pat)
}

const kbEscape = "\u001b"

// pressEnter is the Enter key as a keyboard sends it: chromedp.KeyEvent
// sends its character as an event of its own, which a browser would not
// after the page took the key down (and which would then press the button
// the page moved the focus to).
func pressEnter() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, input.DispatchKeyEventParams{Type: typ, Key: "Enter", Code: "Enter",
				WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}); err != nil {
				return err
			}
		}
		return nil
	})
}

// noJSErrorsOffline fails the test on any error the page reported but those
// of a network the test cut on purpose.
func noJSErrorsOffline(t *testing.T, ctx context.Context) {
	t.Helper()
	for _, e := range testenv.JSErrors(ctx) {
		if !strings.Contains(e, "ERR_INTERNET_DISCONNECTED") && !strings.Contains(e, "Failed to fetch") {
			t.Errorf("the browser reported: %s", e)
		}
	}
}

// Issue 13, item 7: pinning moves a thread to the top of an open page,
// highlighting under the pinned ones, and unpinning takes it back to its
// place, without a reload.
func TestBrowserChannelPinAndHighlightMoveLive(t *testing.T) {
	root, f := newFeedTest(t, "feed-pins", 6)
	s := f.s
	pat := joinFeed(t, root, s, "feed-pins", "pat@example.org", false)
	marker := testenv.Eval[float64](t, pat, `window.__marker = Math.random()`)
	order := func(want ...string) string {
		b := make([]string, len(want))
		for i, w := range want {
			b[i] = strconv.Quote(w)
		}
		return fmt.Sprintf(`JSON.stringify(%s.slice(0, %d)) === JSON.stringify([%s])`, threadOrder, len(want), strings.Join(b, ","))
	}
	f.moderate(t, "thread 01", model.ActPin)
	testenv.WaitUntil(t, pat, "the pinned thread on top", order("thread 01", "thread 05", "thread 04"))
	f.moderate(t, "thread 03", model.ActHighlight)
	testenv.WaitUntil(t, pat, "the highlighted thread under the pinned one", order("thread 01", "thread 03", "thread 05", "thread 04", "thread 02", "thread 00"))
	f.moderate(t, "thread 01", model.ActUnpin)
	testenv.WaitUntil(t, pat, "the unpinned thread back in its place", order("thread 03", "thread 05", "thread 04", "thread 02", "thread 01", "thread 00"))
	if got := testenv.Eval[float64](t, pat, `window.__marker`); got != marker {
		t.Fatal("the page reloaded instead of updating live")
	}
	if n := testenv.Eval[int](t, pat, `document.querySelectorAll('#messages > li.thread').length`); n != 6 {
		t.Errorf("%d threads after the moves, want 6", n)
	}
	testenv.NoJSErrors(t, pat)
}
