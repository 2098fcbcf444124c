package handlers_test

import (
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/testenv"
)

// A host reads a transcript whose messages carry files: the image's
// thumbnail loads, every file is a link that takes the keyboard focus with a
// visible outline, and neither a laptop nor a phone scrolls sideways. The
// analytics count the files and search finds them by has:file.
func TestBrowserTranscriptFiles(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	f := s.fileSession(t)
	s.waitIndexed(t)
	shots := filepath.Join("..", "docs", "screenshots")
	for _, device := range []string{"laptop", "phone"} {
		tab := testenv.BrowserContext(t, root)
		if device == "phone" {
			testenv.Phone(t, tab)
		} else {
			testenv.Laptop(t, tab)
		}
		if err := signInBrowser(tab, s.URL, f.host.user.Email); err != nil {
			t.Fatal(err)
		}
		testenv.Do(t, tab, chromedp.Navigate(s.URL+f.path("")))
		testenv.WaitUntil(t, tab, "the thumbnail", `(() => { const i = document.querySelector('.attachment-image img');
			return i && i.complete && i.naturalWidth > 0 })()`)
		if n := testenv.Eval[int](t, tab, `document.querySelectorAll('[data-testid="attachments"] a').length`); n != 4 {
			t.Errorf("%s: %d file links, want 4 (the staff version: 3 visible, 1 hidden message's)", device, n)
		}
		if over := testenv.Eval[bool](t, tab, `document.documentElement.scrollWidth > window.innerWidth + 1`); over {
			t.Errorf("%s: the transcript scrolls sideways", device)
		}
		if o := testenv.Eval[string](t, tab, `(() => { const a = document.querySelector('.attachment-file'); a.focus();
			return getComputedStyle(a).outlineStyle })()`); o == "none" || o == "" {
			t.Errorf("%s: a focused file link has no outline", device)
		}
		testenv.NoJSErrors(t, tab)
		testenv.Screenshot(t, tab, filepath.Join(shots, "transcript-files-"+device+".png"))

		testenv.Do(t, tab, chromedp.Navigate(s.URL+f.path("/analytics")))
		testenv.WaitUntil(t, tab, "the files figure", `document.querySelector('[data-testid="stat-files"]')?.textContent === "6"`)
		testenv.Screenshot(t, tab, filepath.Join(shots, "analytics-files-"+device+".png"))

		testenv.Do(t, tab, chromedp.Navigate(s.URL+"/search?q=has:file"))
		testenv.WaitUntil(t, tab, "the hits", `document.querySelectorAll('[data-testid="hit-files"]').length === 3`)
		if over := testenv.Eval[bool](t, tab, `document.documentElement.scrollWidth > window.innerWidth + 1`); over {
			t.Errorf("%s: search scrolls sideways", device)
		}
		testenv.NoJSErrors(t, tab)
		testenv.Screenshot(t, tab, filepath.Join(shots, "search-files-"+device+".png"))
	}
}
