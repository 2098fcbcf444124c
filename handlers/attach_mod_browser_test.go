package handlers_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
	"backchannel/views"
)

// whiteboardPNG is a picture with something to see (a gradient with
// stripes), so blurring it shows.
func whiteboardPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 480, 320))
	for y := range 320 {
		for x := range 480 {
			c := color.RGBA{uint8(x / 2), uint8(120 + y/4), 200, 255}
			if (x/24+y/24)%2 == 0 {
				c = color.RGBA{250, 250, 245, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The wall shows a participant's image blurred (the moderator's setting,
// on by default); a click shows it, another blurs it again, Space on the
// focused image does the same, without moving anything; turning the
// setting off shows every image after a reload; Remove takes the file off
// the wall and off the server, and the audit names it.
func TestBrowserWallAttachmentBlurRemove(t *testing.T) {
	ctx := context.Background()
	s := newServer(t, testenv.Databases(t)[0].URL)
	host := s.apiUser(t, "host@example.org", model.RoleHost)
	mod := s.apiUser(t, "mia@example.org", model.RoleModerator)
	ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
	host.createChannel(map[string]any{"slug": "physics-101", "title": "Physics 101"})
	ada.accept("physics-101")
	// Seeded through the API as a client would: upload, then post.
	var up uploadJSON
	ada.upload("whiteboard.png", whiteboardPNG(t)).want(http.StatusCreated).into(&up)
	var notes uploadJSON
	ada.upload("problem-set.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")).want(http.StatusCreated).into(&notes)
	var m tMessage
	ada.do("POST", chanPath("physics-101", "/messages"), map[string]any{"body": "Here is the board from today, and the problem set",
		"attachments": []int64{up.ID, notes.ID}}).want(http.StatusCreated).into(&m)
	ada.do("GET", up.URL, nil).want(http.StatusOK)

	tab := testenv.BrowserContext(t, testenv.Browser(t))
	testenv.Laptop(t, tab)
	if err := signInBrowser(tab, s.URL, "mia@example.org"); err != nil {
		t.Fatal(err)
	}
	open := func() {
		testenv.Do(t, tab, chromedp.Navigate(s.URL+"/mod"))
		testenv.WaitUntil(t, tab, "the wall's stream", `!!document.querySelector('#wall-live')?._htmx?.sse`)
	}
	open()
	card := "#" + views.WallItemID(views.ListIncoming, m.ID)
	img := card + " .attachment-image img"
	link := card + " .attachment-image"
	testenv.WaitUntil(t, tab, "the thumbnail loaded", `document.querySelector('`+img+`')?.complete && document.querySelector('`+img+`').naturalWidth > 0`)
	filter := func() string {
		return testenv.Eval[string](t, tab, `getComputedStyle(document.querySelector('`+img+`')).filter`)
	}
	box := func() string {
		return testenv.Eval[string](t, tab, `JSON.stringify(document.querySelector('`+card+`').getBoundingClientRect())`)
	}
	if f := filter(); !strings.Contains(f, "blur") {
		t.Fatalf("image filter on load = %q, want a blur", f)
	}
	before := box()

	// Click shows it, click again blurs it; nothing moves.
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(link)))
	testenv.WaitUntil(t, tab, "the image shown", `getComputedStyle(document.querySelector('`+img+`')).filter === 'none'`)
	if got := testenv.Eval[string](t, tab, `document.querySelector('`+link+`').getAttribute('aria-pressed')`); got != "true" {
		t.Errorf("aria-pressed when shown = %q", got)
	}
	if after := box(); after != before {
		t.Errorf("the card moved when the image was shown:\n%s\n%s", before, after)
	}
	if path := testenv.Eval[string](t, tab, `location.pathname`); path != "/mod" {
		t.Fatalf("the click left the wall for %s", path)
	}
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(link)))
	testenv.WaitUntil(t, tab, "the image blurred again", `getComputedStyle(document.querySelector('`+img+`')).filter.includes('blur')`)
	// Space on the focused image does the same.
	testenv.Eval[bool](t, tab, `(document.querySelector('`+link+`').focus(), true)`)
	testenv.Do(t, tab, chromedp.KeyEvent(" "))
	testenv.WaitUntil(t, tab, "the image shown by Space", `getComputedStyle(document.querySelector('`+img+`')).filter === 'none'`)
	testenv.Do(t, tab, chromedp.KeyEvent(" "))
	testenv.WaitUntil(t, tab, "the image blurred by Space", `getComputedStyle(document.querySelector('`+img+`')).filter.includes('blur')`)
	testenv.Eval[bool](t, tab, `(document.activeElement.blur(), true)`)
	testenv.Screenshot(t, tab, "../docs/screenshots/wall-attachments.png")

	// The setting off: saved for this moderator, every image shown after
	// a reload.
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(`[data-testid=blur-toggle]`)))
	waitFor(t, "the setting saved", func() bool {
		blur, err := store.WallBlur(ctx, s.DB, mod.user.ID)
		return err == nil && !blur
	})
	open()
	testenv.WaitUntil(t, tab, "the thumbnail loaded", `document.querySelector('`+img+`')?.complete`)
	if f := filter(); f != "none" {
		t.Errorf("image filter with the setting off = %q", f)
	}
	if testenv.Eval[bool](t, tab, `document.querySelector('[data-testid=blur-toggle]').checked`) {
		t.Error("the checkbox is still on after a reload")
	}

	// Remove, behind a confirm step: the file leaves the card (the text
	// stays), the server, and the audit names it.
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(card+" [data-testid=remove-files] summary")))
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(card+` [aria-label="Remove file whiteboard.png"]`)))
	testenv.WaitUntil(t, tab, "the image gone from the wall", `!document.querySelector('`+img+`') && !!document.querySelector('`+card+`')`)
	if got := testenv.Eval[string](t, tab, `document.querySelector('`+card+` [data-testid=wall-body]').textContent`); !strings.Contains(got, "Here is the board") {
		t.Errorf("the text left with the file: %q", got)
	}
	if got := testenv.Eval[string](t, tab, `document.querySelector('`+card+` .attachment-file .attachment-name')?.textContent || ''`); got != "problem-set.pdf" {
		t.Errorf("the other file on the card = %q", got)
	}
	ada.do("GET", up.URL, nil).want(http.StatusNotFound)
	ada.do("GET", up.ThumbURL, nil).want(http.StatusNotFound)
	res := mod.do("GET", chanPath("physics-101", "/audit"), nil).want(http.StatusOK)
	if !strings.Contains(string(res.Body), "attachment.remove") || !strings.Contains(string(res.Body), "whiteboard.png") {
		t.Errorf("the channel's audit does not name the removed file: %s", res.Body)
	}
	testenv.NoJSErrors(t, tab)
}

// waitFor polls cond (a server-side state the page changed) for up to
// 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 200 {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}
