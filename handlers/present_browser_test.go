package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/testenv"
)

// The presenter view in Chromium: the join link and a QR code that a
// reader decodes to it, the open questions in vote order and the
// highlighted message; votes, a new question and a new highlight arrive
// without a reload; the host's keys mark a question answered (it leaves the
// list) and pin one (it moves to the top).
func TestBrowserPresenterView(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()
	f := newPresentChannel(t, s, "thermo")
	if _, err := s.Chat.StartSession(ctx, f.host.ID, f.ch, "Lecture 7: entropy"); err != nil {
		t.Fatal(err)
	}
	hv, err := s.Chat.ViewerFor(ctx, f.ch, f.host, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Chat.Post(ctx, f.ch, hv, chat.PostInput{Body: "Which topic should we cover next week?", Kind: model.KindQuestion}); err != nil {
		t.Fatal(err)
	}

	tab := testenv.BrowserContext(t, root)
	if err := signInBrowser(tab, s.URL, f.host.Email); err != nil {
		t.Fatal(err)
	}
	testenv.Do(t, tab, chromedp.Navigate(s.URL+"/c/thermo/present"))
	testenv.WaitPath(t, tab, "/c/thermo/present")
	testenv.WaitUntil(t, tab, "the stream to connect", `document.querySelector('#present-conn')?.dataset.state === 'live'`)
	if got := pageText(t, tab, "#present-conn"); got != "Live" {
		t.Errorf("connection state = %q", got)
	}

	join := s.URL + "/c/thermo"
	if got := pageText(t, tab, "[data-testid=join-url]"); got != join {
		t.Errorf("join link = %q, want %q", got, join)
	}
	shot, err := chromedp.Run(tab, chromedp.Screenshot(chromedp.CSS(`svg[data-testid="qr"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeQR(t, shot); got != join {
		t.Errorf("the QR code reads %q, want %q", got, join)
	}
	questions := func() string {
		return testenv.Eval[string](t, tab, `[...document.querySelectorAll('[data-testid="present-question-body"]')].map(e => e.textContent.trim()).join('|')`)
	}
	if got, want := questions(), "How does entropy relate to information?|Is there a reading list?|Will the slides be shared?|Which topic should we cover next week?"; got != want {
		t.Errorf("questions = %q, want %q", got, want)
	}
	if got := pageText(t, tab, "[data-testid=present-highlight-body]"); got != "Great demo of the Maxwell demon!" {
		t.Errorf("highlighted = %q", got)
	}
	if got := pageText(t, tab, "#present-board [data-testid=author-role]"); got != "Host" {
		t.Errorf("the host's question carries badge %q, want Host", got)
	}
	testenv.Laptop(t, tab)
	testenv.Screenshot(t, tab, screenshotDir+"presenter.png")

	// Live: two more votes put the slides question first (ties go to the
	// earlier question); a new question and a new highlight arrive.
	marker := testenv.Eval[float64](t, tab, `window.__marker = Math.random()`)
	var voters []chat.Viewer
	for i := range 3 {
		u, err := s.Accounts.UserByEmail(ctx, "thermo-voter"+itoa(int64(i))+"@example.org")
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.Chat.ViewerFor(ctx, f.ch, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		voters = append(voters, v)
	}
	for _, v := range voters[1:] {
		if _, err := s.Chat.Vote(ctx, f.ch, v, f.q["Will the slides be shared?"], true); err != nil {
			t.Fatal(err)
		}
	}
	first := fmt.Sprintf(`document.querySelector('[data-testid="present-question-body"]')?.textContent.trim() === %s && document.querySelector('[data-testid="present-votes"]')?.textContent.trim() === '3'`, strconv.Quote("Will the slides be shared?"))
	testenv.WaitUntil(t, tab, "the slides question to lead with 3 votes", first)
	q, err := s.Chat.Post(ctx, f.ch, voters[2], chat.PostInput{Body: "Can entropy ever decrease locally?", Kind: model.KindQuestion})
	if err != nil {
		t.Fatal(err)
	}
	testenv.WaitUntil(t, tab, "the new question", `[...document.querySelectorAll('[data-testid="present-question-body"]')].some(e => e.textContent.includes('decrease locally'))`)
	if _, err := s.Moderation.Moderate(ctx, f.ch, hv, q.ID, model.ActHighlight, moderation.ModInput{}); err != nil {
		t.Fatal(err)
	}
	testenv.WaitUntil(t, tab, "the new highlight", `document.querySelector('[data-testid="present-highlight-body"]')?.textContent.includes('decrease locally')`)

	// Keys: ↓ chooses the second question (entropy), A marks it answered:
	// it leaves the list, and the question after it is chosen.
	testenv.Do(t, tab, chromedp.KeyEvent("\ue015")) // ArrowDown
	testenv.WaitUntil(t, tab, "the second question to be chosen", `document.activeElement?.matches('.present-q[aria-current="true"]') && document.activeElement.textContent.includes('entropy relate')`)
	if v := testenv.Eval[string](t, tab, `getComputedStyle(document.activeElement).outlineStyle`); v == "none" {
		t.Errorf("the chosen question shows no focus outline")
	}
	testenv.Do(t, tab, chromedp.KeyEvent("a"))
	testenv.WaitUntil(t, tab, "the answered question to leave the list", `![...document.querySelectorAll('[data-testid="present-question-body"]')].some(e => e.textContent.includes('entropy relate'))`)
	m, err := s.Chat.MessageItem(ctx, f.ch, chat.Viewer{Staff: true}, f.q["How does entropy relate to information?"])
	if err != nil || !m.Message.Answered {
		t.Errorf("the question is not answered in the database: %+v %v", m, err)
	}
	testenv.WaitUntil(t, tab, "a question to stay chosen", `!!document.querySelector('.present-q[aria-current="true"]')`)
	chosen := testenv.Eval[string](t, tab, `document.querySelector('.present-q[aria-current="true"] [data-testid="present-question-body"]').textContent.trim()`)

	// P pins the chosen question: it moves to the top, marked pinned.
	testenv.Do(t, tab, chromedp.KeyEvent("p"))
	testenv.WaitUntil(t, tab, "the pinned question at the top", fmt.Sprintf(`(q => q?.classList.contains('pinned') && q.textContent.includes(%s))(document.querySelector('.present-q'))`, strconv.Quote(chosen)))
	if got := testenv.Eval[float64](t, tab, `window.__marker`); got != marker {
		t.Error("the presenter view reloaded instead of updating live")
	}
	testenv.NoJSErrors(t, tab)

	// A phone (a second screen in the hand) lays it out in one column.
	testenv.Phone(t, tab)
	testenv.Do(t, tab, chromedp.Reload())
	testenv.WaitUntil(t, tab, "the stream to connect", `document.querySelector('#present-conn')?.dataset.state === 'live'`)
	if w := testenv.Eval[bool](t, tab, `document.documentElement.scrollWidth <= window.innerWidth`); !w {
		t.Error("the presenter view scrolls sideways on a phone")
	}
	testenv.Screenshot(t, tab, t.TempDir()+"/presenter-phone.png") // looked at by hand; not kept
}

// decodeQR reads the text of the QR code in a PNG.
func decodeQR(t *testing.T, shot []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code in the image: %v", err)
	}
	return res.GetText()
}
