package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// wallRig is a server with live channels, a site-wide moderator signed in
// on the wall in a browser tab, and a way to post as participants.
type wallRig struct {
	t      *testing.T
	s      *testServer
	root   context.Context // the browser (see browser)
	host   *model.User
	guests map[int64][]chat.Viewer // per channel: the audience (see crowd)
	posts  int                     // how many the audience has posted
}

func newWallRig(t *testing.T) *wallRig {
	s := newServer(t, testenv.Databases(t)[0].URL)
	r := &wallRig{t: t, s: s, guests: map[int64][]chat.Viewer{}}
	r.host = s.createUser(t, "host@example.org", model.RoleHost)
	s.createUser(t, "mia@example.org", model.RoleModerator)
	return r
}

// channel creates a channel with a live session.
func (r *wallRig) channel(slug, title string, in chat.ChannelInput) *model.Channel {
	ctx := context.Background()
	in.Slug, in.Title = &slug, &title
	ch, err := r.s.Chat.CreateChannel(ctx, r.host.ID, in)
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.s.Chat.StartSession(ctx, r.host.ID, ch, "Lecture 1"); err != nil {
		r.t.Fatal(err)
	}
	return ch
}

// participant is a signed-in participant who accepted ch's guidelines.
func (r *wallRig) participant(ch *model.Channel, email, name string) chat.Viewer {
	ctx := context.Background()
	u, err := r.s.Accounts.CreateUser(ctx, 0, accounts.Input{Email: email, DisplayName: name, Password: "correct horse battery"}, model.RoleParticipant)
	if err != nil {
		r.t.Fatal(err)
	}
	return r.accepted(ch, u, nil)
}

// accepted is user's or guest's viewer of ch, once they accepted its guidelines.
func (r *wallRig) accepted(ch *model.Channel, u *model.User, g *model.Guest) chat.Viewer {
	ctx := context.Background()
	v, err := r.s.Chat.ViewerFor(ctx, ch, u, g)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.s.Chat.AcceptGuideline(ctx, ch, v, 0); err != nil {
		r.t.Fatal(err)
	}
	return v
}

// say posts body as v.
func (r *wallRig) say(ch *model.Channel, v chat.Viewer, body string) int64 {
	m, err := r.s.Chat.Post(context.Background(), ch, v, chat.PostInput{Body: body, Kind: model.KindComment})
	if err != nil {
		r.t.Fatalf("post %q: %v", body, err)
	}
	return m.ID
}

// crowd adds n guests to the channel's audience, who accepted its guidelines.
func (r *wallRig) crowd(ch *model.Channel, n int) {
	ctx := context.Background()
	for range n {
		gs := r.guests[ch.ID]
		_, g, err := r.s.Chat.JoinAsGuest(ctx, ch, "Guest "+strconv.Itoa(len(gs)+1), "", "127.0.0.1")
		if err != nil {
			r.t.Fatal(err)
		}
		r.guests[ch.ID] = append(gs, r.accepted(ch, nil, g))
	}
}

// audience posts body as the next guest of the channel's audience (crowd),
// each guest posting 5 times at most (the rate limit).
func (r *wallRig) audience(ch *model.Channel, body string) int64 {
	gs := r.guests[ch.ID]
	if r.posts/5 >= len(gs) {
		r.t.Fatalf("the audience of %s has posted all it may", ch.Slug)
	}
	v := gs[r.posts/5]
	r.posts++
	return r.say(ch, v, body)
}

// burst posts 5 messages from each of the guests of ch not yet heard, all
// at once (as a live audience does), and returns the highest id.
func (r *wallRig) burst(ch *model.Channel) int64 {
	gs := r.guests[ch.ID][(r.posts+4)/5:]
	r.posts = len(r.guests[ch.ID]) * 5
	var mu sync.Mutex
	var last int64
	var wg sync.WaitGroup
	for i, v := range gs {
		wg.Go(func() {
			for k := range 5 {
				m, err := r.s.Chat.Post(context.Background(), ch, v, chat.PostInput{Body: fmt.Sprintf("audience %d says %d", i, k)})
				if err != nil {
					r.t.Errorf("burst post: %v", err)
					return
				}
				mu.Lock()
				last = max(last, m.ID)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return last
}

// browser is the test's browser, started on first use.
func (r *wallRig) browser() context.Context {
	if r.root == nil {
		r.root = testenv.Browser(r.t)
	}
	return r.root
}

// wall opens /mod as the moderator in a new browser context and waits for
// its stream.
func (r *wallRig) wall() context.Context {
	tab := testenv.BrowserContext(r.t, r.browser())
	if err := signInBrowser(tab, r.s.URL, "mia@example.org"); err != nil {
		r.t.Fatal(err)
	}
	testenv.Do(r.t, tab, chromedp.Navigate(r.s.URL+"/mod"))
	testenv.WaitUntil(r.t, tab, "the wall's stream", `!!document.querySelector('#wall-live')?._htmx?.sse`)
	return tab
}

// rowIDs lists the message ids of the rows of list (a JS expression).
func rowIDs(t *testing.T, tab context.Context, list string) []string {
	t.Helper()
	var out []string
	if err := json.Unmarshal([]byte(testenv.Eval[string](t, tab, `JSON.stringify([...`+list+`.children].map(li => li.dataset.id))`)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// mouseTo moves the pointer to x, y of the page's viewport.
func mouseTo(t *testing.T, tab context.Context, x, y float64) {
	t.Helper()
	testenv.Do(t, tab, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y))
}

// Item 9: the Incoming list follows the stream. New messages go on top;
// while the pointer or the focus is inside the list arrivals wait behind an
// "N new" button and what is shown does not move; leaving the list or
// pressing the button shows them; the list keeps 300 as more arrive.
func TestBrowserModIncomingFollowsStream(t *testing.T) {
	r := newWallRig(t)
	ch := r.channel("physics-101", "Physics 101", chat.ChannelInput{})
	r.crowd(ch, 3)
	for i := 1; i <= 3; i++ {
		r.audience(ch, fmt.Sprintf("before the wall opened %d", i))
	}
	tab := r.wall()
	list := fmt.Sprintf("document.querySelector('#incoming-%d')", ch.ID)
	ids := func() []string { return rowIDs(t, tab, list) }
	// layout is where every shown row is: it must not change while paused.
	layout := func() string {
		return testenv.Eval[string](t, tab, `JSON.stringify([...`+list+`.children].map(li => [li.id, Math.round(li.getBoundingClientRect().top)]))`)
	}
	newButton := fmt.Sprintf(`document.querySelector('[aria-controls="incoming-%d"]')`, ch.ID)
	if got := ids(); len(got) != 3 || got[0] < got[2] {
		t.Fatalf("incoming on load = %v, want the newest first", got)
	}
	if got := testenv.Eval[string](t, tab, list+`.dataset.cap`); got != "300" {
		t.Errorf("the list's cap is %q, want 300", got)
	}

	// Live: a new message goes to the top.
	id := r.audience(ch, "live at the top")
	testenv.WaitUntil(t, tab, "the new message on top", fmt.Sprintf(`%s.firstElementChild?.dataset.id === "%d"`, list, id))

	// The pointer in the list: arrivals wait, counted; nothing moves.
	x := testenv.Eval[float64](t, tab, `(() => { const r = `+list+`.getBoundingClientRect(); return r.left + r.width / 2 })()`)
	y := testenv.Eval[float64](t, tab, `(() => { const r = `+list+`.getBoundingClientRect(); return r.top + 20 })()`)
	mouseTo(t, tab, x, y)
	testenv.WaitUntil(t, tab, "the pointer over the list", list+`.matches(':hover')`)
	before := layout()
	var waiting []int64
	for i := 1; i <= 3; i++ {
		waiting = append(waiting, r.audience(ch, fmt.Sprintf("while hovering %d", i)))
	}
	testenv.WaitUntil(t, tab, `the "3 new" button`, newButton+`.checkVisibility({ visibilityProperty: true }) && `+newButton+`.textContent.includes('3 new')`)
	if after := layout(); after != before {
		t.Errorf("the rows moved while the pointer was in the list:\n%s\n%s", before, after)
	}
	for _, w := range waiting {
		if testenv.Eval[bool](t, tab, fmt.Sprintf(`!!%s.querySelector('[data-id="%d"]')`, list, w)) {
			t.Errorf("message %d was shown while the pointer was in the list", w)
		}
	}
	// Leaving the list shows them, newest first, and the button goes.
	mouseTo(t, tab, 5, 5)
	testenv.WaitUntil(t, tab, "the waiting messages on top", fmt.Sprintf(`%s.firstElementChild?.dataset.id === "%d"`, list, waiting[2]))
	if got := ids(); got[0] != fmt.Sprint(waiting[2]) || got[1] != fmt.Sprint(waiting[1]) || got[2] != fmt.Sprint(waiting[0]) || got[3] != fmt.Sprint(id) {
		t.Errorf("after leaving the list: %v", got[:4])
	}
	if testenv.Eval[bool](t, tab, newButton+`.checkVisibility({ visibilityProperty: true })`) {
		t.Error(`the "new" button still shows`)
	}

	// The focus in the list (j selects its first row): arrivals wait; the
	// button shows them.
	testenv.Do(t, tab, chromedp.KeyEvent("j"))
	testenv.WaitUntil(t, tab, "the focus in the list", list+`.contains(document.activeElement)`)
	before = layout()
	waiting = waiting[:0]
	for i := 1; i <= 2; i++ {
		waiting = append(waiting, r.audience(ch, fmt.Sprintf("while focused %d", i)))
	}
	testenv.WaitUntil(t, tab, `the "2 new" button`, newButton+`.checkVisibility({ visibilityProperty: true }) && `+newButton+`.textContent.includes('2 new')`)
	if after := layout(); after != before {
		t.Errorf("the rows moved while the focus was in the list:\n%s\n%s", before, after)
	}
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(fmt.Sprintf(`[aria-controls="incoming-%d"]`, ch.ID))))
	testenv.WaitUntil(t, tab, "the waiting messages shown by the button", fmt.Sprintf(`%s.firstElementChild?.dataset.id === "%d"`, list, waiting[1]))
	testenv.WaitUntil(t, tab, "the newest row focused", list+`.firstElementChild === document.activeElement`)

	testenv.NoJSErrors(t, tab)
}

// Item 10: bulk actions. Held messages selected with click and shift-click,
// with s and with "all from this person" (Shift+S) are approved, hidden and
// denied in one go each; they leave the held list and reach the
// participants' page accordingly.
func TestBrowserModBulkActions(t *testing.T) {
	r := newWallRig(t)
	all := model.PremodAll
	physics := r.channel("physics-101", "Physics 101", chat.ChannelInput{PremodMode: &all})
	history := r.channel("history-20c", "Modern History", chat.ChannelInput{PremodMode: &all})
	ana := r.participant(physics, "ana@example.org", "Ana Ruiz")
	ben := r.participant(physics, "ben@example.org", "Ben Okafor")
	chloe := r.participant(history, "chloe@example.org", "Chloe Martin")
	a1 := r.say(physics, ana, "Could you go over the second worked example again?")
	b1 := r.say(physics, ben, "Is the lab on Thursday still in room B12?")
	a2 := r.say(physics, ana, "Does friction count as an external force here?")
	b2 := r.say(physics, ben, "lol this lecture is sooo boring")
	a3 := r.say(physics, ana, "BUY CHEAP ESSAYS at example.com")
	a4 := r.say(physics, ana, "BUY CHEAP ESSAYS at example.com, DM me")
	c1 := r.say(history, chloe, "Will the essay question be about the interwar period?")

	// A guest watches physics: only what is approved reaches them.
	peer := testenv.BrowserContext(t, r.browser())
	testenv.Do(t, peer,
		chromedp.Navigate(r.s.URL+"/c/physics-101"),
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.SendKeys(chromedp.ID("f-name"), "Sam"),
		chromedp.Click(buttonXPath("main", "Join as guest")),
	)
	testenv.WaitUntil(t, peer, "the guest's stream", `!!document.querySelector('#live')?._htmx?.sse`)

	tab := r.wall()
	row := func(id int64) string { return fmt.Sprintf("#wh-%d", id) }
	box := func(id int64) string { return row(id) + " .bulk-check" }
	checked := func() string {
		return testenv.Eval[string](t, tab, `[...document.querySelectorAll('.bulk-check:checked')].map(b => b.value).join(',')`)
	}
	ids := func(ns ...int64) string {
		s := make([]string, len(ns))
		for i, n := range ns {
			s[i] = strconv.FormatInt(n, 10)
		}
		return strings.Join(s, ",")
	}
	if testenv.Eval[bool](t, tab, `document.querySelector('[data-testid="bulk-bar"]').checkVisibility({ visibilityProperty: true })`) {
		t.Error("the bulk bar shows with nothing selected")
	}
	if got := testenv.Eval[string](t, tab, fmt.Sprintf(`document.querySelector('%s').labels[0].textContent.trim()`, box(a1))); got != "Select the message from Ana Ruiz" {
		t.Errorf("the checkbox's label is %q", got)
	}

	// Click a1, shift-click a2: a1, b1 and a2 are selected.
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(box(a1))))
	testenv.Do(t, tab, chromedp.QueryAfter(chromedp.CSS(box(a2)), func(ctx context.Context, tg *chromedp.Target, nodes []*chromedp.Node) (chromedp.Void, error) {
		return chromedp.MouseClickNode(nodes[0], chromedp.ButtonModifiers(chromedp.ModifierShift))(ctx, tg)
	}))
	if got := checked(); got != ids(a1, b1, a2) {
		t.Fatalf("after click and shift-click: %s, want %s", got, ids(a1, b1, a2))
	}
	testenv.WaitUntil(t, tab, "the bulk bar", `document.querySelector('[data-testid="bulk-bar"]').checkVisibility({ visibilityProperty: true }) && document.querySelector('[data-bulk-count]').textContent === '3'`)
	testenv.Screenshot(t, tab, "../docs/screenshots/mod-bulk.png")

	// Approve all three at once.
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(`#wall-bulk button[value="approve"]`)))
	for _, id := range []int64{a1, b1, a2} {
		testenv.WaitUntil(t, tab, fmt.Sprintf("message %d out of the held list", id), fmt.Sprintf(`!!document.querySelector('%s.is-resolved')`, row(id)))
		testenv.WaitUntil(t, peer, fmt.Sprintf("approved message %d on the guest's page", id), fmt.Sprintf(`!!document.querySelector('#m-%d')`, id))
	}
	testenv.WaitUntil(t, tab, "the summary", `document.querySelector('#wall-toast').textContent.includes('Approved 3 messages')`)
	testenv.WaitUntil(t, tab, "the bar gone", `!document.querySelector('[data-testid="bulk-bar"]').checkVisibility({ visibilityProperty: true })`)

	// The keyboard: select b2's row, s selects it, Shift+H hides it.
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(row(b2)+" .wall-body")))
	testenv.Do(t, tab, chromedp.KeyEvent("s"))
	if got := checked(); got != ids(b2) {
		t.Fatalf("after s: %s, want %s", got, ids(b2))
	}
	testenv.Do(t, tab, chromedp.KeyEvent("H"))
	testenv.WaitUntil(t, tab, "b2 hidden", fmt.Sprintf(`!!document.querySelector('%s.is-resolved[data-state="hidden"]')`, row(b2)))

	// Ana's a3 row; Shift+S selects every held message of hers; Shift+D denies them.
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(row(a3)+" .wall-body")))
	testenv.Do(t, tab, chromedp.KeyEvent("S"))
	if got := checked(); got != ids(a3, a4) {
		t.Fatalf("after Shift+S: %s, want %s", got, ids(a3, a4))
	}
	testenv.WaitUntil(t, tab, `"All from Ana Ruiz" in the bar`, `document.querySelector('[data-bulk-person]').textContent.includes('Ana Ruiz')`)
	testenv.Do(t, tab, chromedp.KeyEvent("D"))
	for _, id := range []int64{a3, a4} {
		testenv.WaitUntil(t, tab, fmt.Sprintf("message %d denied", id), fmt.Sprintf(`!!document.querySelector('%s.is-resolved[data-state="denied"]')`, row(id)))
	}
	// Chloe's message in the other channel was never selected.
	if !testenv.Eval[bool](t, tab, fmt.Sprintf(`!!document.querySelector('%s:not(.is-resolved)[data-state="held"]')`, row(c1))) {
		t.Error("chloe's held message changed")
	}
	testenv.WaitUntil(t, tab, "the held counts", fmt.Sprintf(`document.querySelector('#counts-%d [data-count="held"] strong').textContent === '0'`, physics.ID))
	for _, id := range []int64{b2, a3, a4} {
		if testenv.Eval[bool](t, peer, fmt.Sprintf(`!!document.querySelector('#m-%d')`, id)) {
			t.Errorf("the guest sees message %d, hidden or denied", id)
		}
	}
	testenv.NoJSErrors(t, tab)
	testenv.NoJSErrors(t, peer)

	// On a phone the bar fits the screen (a screenshot to look at, kept out of the docs).
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(box(c1))))
	testenv.Phone(t, tab)
	testenv.WaitUntil(t, tab, "the bar on a phone", `(() => { const r = document.querySelector('[data-testid="bulk-bar"]').getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth })()`)
	testenv.Screenshot(t, tab, filepath.Join(os.TempDir(), "mod-bulk-phone.png"))
}

// Item 9, bounded: as a burst of hundreds of messages arrives, the Incoming
// list keeps 300 rows, the newest on top, none twice.
func TestBrowserModIncomingBounded(t *testing.T) {
	r := newWallRig(t)
	ch := r.channel("physics-101", "Physics 101", chat.ChannelInput{})
	r.crowd(ch, 64)
	tab := r.wall()
	list := fmt.Sprintf("document.querySelector('#incoming-%d')", ch.ID)
	ids := func() []string { return rowIDs(t, tab, list) }
	// Bounded: 300 rows as hundreds more arrive, newest on top, no repeats.
	testenv.Do(t, tab, chromedp.Evaluate[chromedp.Void](`window.__most = 0;
		new MutationObserver(() => { window.__most = Math.max(window.__most, `+list+`.children.length) }).observe(`+list+`, { childList: true })`))
	mouseTo(t, tab, 5, 5)
	start := time.Now()
	last := r.burst(ch)
	t.Logf("the audience posted 320 messages in %s", time.Since(start).Round(time.Millisecond))
	testenv.WaitUntil(t, tab, "the last of them on top", fmt.Sprintf(`%s.firstElementChild?.dataset.id === "%d"`, list, last))
	got := ids()
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Errorf("message %s shown twice", id)
		}
		seen[id] = true
	}
	if len(got) != 300 || testenv.Eval[int](t, tab, `window.__most`) > 300 {
		t.Errorf("the list holds %d rows (at most %d), want 300", len(got), testenv.Eval[int](t, tab, `window.__most`))
	}
	for i := 1; i < len(got); i++ {
		a, _ := strconv.ParseInt(got[i-1], 10, 64)
		b, _ := strconv.ParseInt(got[i], 10, 64)
		if a <= b {
			t.Errorf("rows %d and %d are messages %d and %d: not newest first", i-1, i, a, b)
			break
		}
	}
	testenv.NoJSErrors(t, tab)
}
