package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// pasteImageJS pastes a PNG drawn on a canvas into the compose box, as a
// screenshot pasted from the clipboard arrives: a real paste event whose
// clipboardData holds the file. It returns whether the page took it (the
// text box gets no text from it).
const pasteImageJS = `(() => {
  const c = document.createElement('canvas');
  c.width = 480; c.height = 320;
  const g = c.getContext('2d');
  g.fillStyle = '#f4f1e8'; g.fillRect(0, 0, 480, 320);
  g.strokeStyle = '#4f46e5'; g.lineWidth = 6; g.strokeRect(30, 30, 420, 260);
  g.fillStyle = '#0d7068'; g.font = 'bold 40px sans-serif'; g.fillText('E = mc²', 140, 175);
  const bin = atob(c.toDataURL('image/png').split(',')[1]);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], 'whiteboard.png', {type: 'image/png'}));
  const ev = new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true});
  document.querySelector('#compose-body').dispatchEvent(ev);
  // Taken, and the Post button waits while it uploads.
  return ev.defaultPrevented && document.querySelector('form[data-testid=compose] button[type=submit]').disabled;
})()`

// Issue 16: an image pasted into the channel box uploads at once (Post
// waits for it; then its thumbnail in the list), a file chosen with the
// button (reached with Tab, focus shown) and one dropped on the form join
// it, a refused file shows the server's reason, a fifth file is turned
// away, Remove drops an upload, a refused post keeps the files; the post
// carries what is left, and another browser's open page shows the thumbnail
// (loaded) and the file's card live.
func TestBrowserAttachPasteLive(t *testing.T) {
	forEachDBBrowser(t, func(t *testing.T, s *testServer, root context.Context, first bool) {
		ctx := context.Background()
		slow, limit := 0, 80
		ch, _ := s.newChannel(t, "physics", chat.ChannelInput{SlowModeSeconds: &slow, MaxLength: &limit})
		s.createUser(t, "ada@example.org", model.RoleParticipant)
		s.createUser(t, "bob@example.org", model.RoleParticipant)
		a := openChannelAs(t, s, root, "ada@example.org", "physics")
		b := openChannelAs(t, s, root, "bob@example.org", "physics")
		dir := t.TempDir()
		file := func(name, body string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		const picker = `form[data-testid=compose] [data-attach]`
		doneItems := `[...document.querySelectorAll('` + picker + ` li[data-state=done]')]`

		testenv.WaitUntil(t, a, "the file control shown", `!document.querySelector('`+picker+`').hidden`)
		// The button is reached from the text box with Tab, and shows its focus.
		testenv.Do(t, a, chromedp.Click(chromedp.ID("compose-body")), chromedp.KeyEvent("\t"))
		if !testenv.Eval[bool](t, a, `document.activeElement.id === 'compose-body-files' &&
			getComputedStyle(document.querySelector('label[for=compose-body-files]')).outlineStyle === 'solid'`) {
			t.Error("the Attach files button is not focused visibly after Tab")
		}
		testenv.Do(t, a, chromedp.SendKeys(chromedp.ID("compose-body"), "The whiteboard after the break, and the agenda"))
		if !testenv.Eval[bool](t, a, pasteImageJS) {
			t.Fatal("the paste was not taken as a file, or Post did not wait for its upload")
		}
		testenv.WaitUntil(t, a, "the pasted image uploaded, its thumbnail in the list", doneItems+`.some(li =>
			li.querySelector('.attach-name').textContent === 'whiteboard.png' && !li.querySelector('progress') &&
			li.querySelector('img').src.includes('/files/thumbs/') && li.querySelector('img').naturalWidth > 0 &&
			li.querySelector('input[type=hidden][name=attachments]'))`)
		if got := testenv.Eval[string](t, a, `document.querySelector('#compose-body').value`); got != "The whiteboard after the break, and the agenda" {
			t.Errorf("the paste changed the text: %q", got)
		}

		// A file chosen with the button; one the site refuses, with its reason.
		testenv.Do(t, a, chromedp.SetUploadFiles(chromedp.ID("compose-body-files"), []string{file("agenda.csv", "time,topic\n10:00,relativity\n")}))
		testenv.WaitUntil(t, a, "the CSV uploaded", doneItems+`.some(li => li.textContent.includes('agenda.csv'))`)
		testenv.Do(t, a, chromedp.SetUploadFiles(chromedp.ID("compose-body-files"), []string{file("page.html", "<!DOCTYPE html><html><body>hi</body></html>")}))
		testenv.WaitUntil(t, a, "the refusal beside the file", `document.querySelector('`+picker+` li[data-state=error] [role=alert]')?.textContent.includes('allowed are')`)
		if first {
			testenv.Do(t, a, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur(); window.scrollTo(0, 0)`))
			testenv.Screenshot(t, a, screenshotDir+"attach-compose.png")
		}
		testenv.Do(t, a, chromedp.Click(chromedp.CSS(`[aria-label="Remove page.html"]`)))

		// A file dropped on the form: the form shows where it goes while one
		// is dragged over it.
		if !testenv.Eval[bool](t, a, `(() => {
			const dt = new DataTransfer();
			dt.items.add(new File(['notes\n'], 'notes.txt', {type: 'text/plain'}));
			const area = document.querySelector('#compose-body'), form = area.closest('form');
			area.dispatchEvent(new DragEvent('dragenter', {dataTransfer: dt, bubbles: true, cancelable: true}));
			const shown = form.classList.contains('attach-dragging');
			area.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
			return shown && !form.classList.contains('attach-dragging');
		})()`) {
			t.Error("no drop state while a file is dragged over the form")
		}
		testenv.WaitUntil(t, a, "the dropped file uploaded", doneItems+`.some(li => li.textContent.includes('notes.txt'))`)

		// One more fills the four; a fifth is turned away with the reason.
		testenv.Do(t, a, chromedp.SetUploadFiles(chromedp.ID("compose-body-files"), []string{file("draft.txt", "draft\n"), file("extra.txt", "extra\n")}))
		testenv.WaitUntil(t, a, "four uploads", doneItems+`.length === 4`)
		if note := pageText(t, a, picker+` [data-attach-note]`); note != "A message carries at most 4 files: “extra.txt” was not added." {
			t.Errorf("fifth file note %q", note)
		}
		// Remove before posting deletes the upload.
		removed := testenv.Eval[[]string](t, a, doneItems+`.filter(li => /draft|notes/.test(li.textContent)).map(li => li.dataset.attachId)`)
		testenv.Do(t, a,
			chromedp.Click(chromedp.CSS(`[aria-label="Remove draft.txt"]`)),
			chromedp.Click(chromedp.CSS(`[aria-label="Remove notes.txt"]`)))
		testenv.WaitUntil(t, a, "two uploads left", doneItems+`.length === 2 && document.querySelectorAll('`+picker+` input[name=attachments]').length === 2`)

		if testenv.Eval[bool](t, a, `document.querySelector('form[data-testid=compose] button[type=submit]').disabled`) {
			t.Error("Post still disabled with every upload finished")
		}

		// A refused post keeps the files in the form that comes back.
		text := testenv.Eval[string](t, a, `document.querySelector('#compose-body').value`)
		testenv.Do(t, a, chromedp.SendKeys(chromedp.ID("compose-body"), " — and a long aside that takes it over the channel's limit"))
		testenv.Do(t, a, chromedp.Click(buttonXPath("form", "Post")))
		testenv.WaitUntil(t, a, "the refusal", `document.querySelector('[data-testid=compose-error]')?.textContent.includes('at most 80 characters')`)
		if n := testenv.Eval[int](t, a, `document.querySelectorAll('`+picker+` li[data-state=done] input[name=attachments]').length`); n != 2 {
			t.Fatalf("%d files kept after the refusal, want 2", n)
		}
		testenv.Do(t, a, chromedp.Evaluate[chromedp.Void](`document.querySelector('#compose-body').value = `+jsText(text)))

		testenv.Do(t, a, chromedp.Click(buttonXPath("form", "Post")))
		testenv.WaitUntil(t, a, "the box emptied, its list too",
			`document.querySelector('#compose-body').value === '' && document.querySelectorAll('`+picker+` li').length === 0`)

		// Bob's open page shows the message live: the thumbnail loaded, the card.
		live := `[...document.querySelectorAll('article[data-testid=message]')].find(m => m.textContent.includes('The whiteboard after the break'))`
		testenv.WaitUntil(t, b, "the thumbnail live on the other page", live+`?.querySelector('[data-testid=attachments] img')?.naturalWidth > 0`)
		if card := testenv.Eval[string](t, b, live+`.querySelector('.attachment-file').textContent.replace(/\s+/g, ' ').trim()`); card != "agenda.csv text/csv · 28 B" {
			t.Errorf("file card %q", card)
		}

		// The post carries the two left; the removed uploads are gone.
		ms, err := store.ListMessages(ctx, s.DB, store.MessageFilter{ChannelID: ch.ID})
		if err != nil || len(ms) != 1 {
			t.Fatalf("messages %d, %v", len(ms), err)
		}
		files, err := store.MessageAttachments(ctx, s.DB, []int64{ms[0].ID})
		if err != nil || len(files[ms[0].ID]) != 2 || files[ms[0].ID][0].Name != "whiteboard.png" || files[ms[0].ID][1].Name != "agenda.csv" {
			t.Fatalf("the post's files: %+v, %v", files, err)
		}
		for _, id := range removed {
			n, _ := strconv.ParseInt(id, 10, 64)
			if f, err := store.Attachment(ctx, s.DB, n); err != nil || f.RemovedAt == nil || f.Attached() {
				t.Errorf("removed upload %s: %+v, %v", id, f, err)
			}
		}

		if first {
			testenv.Phone(t, b)
			testenv.Do(t, b, chromedp.Reload())
			testenv.WaitUntil(t, b, "the thumbnail on the phone", live+`?.querySelector('[data-testid=attachments] img')?.naturalWidth > 0`)
			testenv.Do(t, b, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur(); window.scrollTo(0, 0)`))
			testenv.Screenshot(t, b, screenshotDir+"attach-feed-phone.png")
		}
		noJSErrorsBut(t, a, "415", "422")
		testenv.NoJSErrors(t, b)
	})
}
