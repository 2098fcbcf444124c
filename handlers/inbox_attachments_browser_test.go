package handlers_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/inbox"
	"backchannel/testenv"
)

// In the browser: Bob has the conversation open; Ann's files arrive live
// (the picture loads, the document is a card with name, type and size);
// Cat, to whom the same group is a request, gets the picture as a card and
// is told why. Laptop and phone.
func TestBrowserDMAttachments(t *testing.T) {
	root, s, ann, bob, cat, _ := fourPeople(t)
	ctx := context.Background()
	if _, err := s.Inbox.Follow(ctx, bob.ID, ann.Handle); err != nil {
		t.Fatal(err)
	}
	cv, _, err := s.Inbox.Start(ctx, ann.ID, inbox.StartInput{Handles: []string{bob.Handle, cat.Handle}, Title: "Workshop notes", Group: true,
		Body: "Photos of the whiteboard from this morning, and the reading list."})
	if err != nil {
		t.Fatal(err)
	}
	conv := cv.Conversation.ID
	bobCtx := signedInTab(t, root, s, bob.Email)
	catCtx := signedInTab(t, root, s, cat.Email)
	for _, c := range []context.Context{bobCtx, catCtx} {
		testenv.Do(t, c, chromedp.Navigate(fmt.Sprintf("%s/inbox/%d", s.URL, conv)))
		testenv.WaitUntil(t, c, "the conversation", `document.querySelector('[data-testid="thread"]')?.textContent.includes("whiteboard")`)
	}
	img := uploadAs(t, s, ann.ID, "whiteboard.png", whiteboardPNG(t))
	doc := uploadAs(t, s, ann.ID, "reading list.txt", []byte("1. Nielsen, Usability Engineering\n2. Krug, Don't Make Me Think\n"))
	if _, err := s.Inbox.Post(ctx, ann.ID, conv, inbox.PostInput{Body: "Here they are.", Attachments: []int64{img, doc}}); err != nil {
		t.Fatal(err)
	}
	testenv.WaitUntil(t, bobCtx, "the picture, live and loaded",
		`(() => { const i = document.querySelector('[data-testid="thread"] .attachment-image img'); return i && i.complete && i.naturalWidth > 0 })()`)
	testenv.WaitUntil(t, bobCtx, "the document card", `document.querySelector('[data-testid="thread"] .attachment-file')?.textContent.includes("reading list.txt")`)
	testenv.WaitUntil(t, catCtx, "two cards, no picture",
		`document.querySelectorAll('[data-testid="thread"] .attachment-file').length === 2 && !document.querySelector('[data-testid="thread"] .attachments img')`)
	testenv.Do(t, bobCtx, chromedp.Focus(chromedp.CSS(`[data-testid="thread"] .attachment-file`)))
	testenv.Screenshot(t, bobCtx, screenshotDir+"dm-attachments-laptop.png")
	testenv.Phone(t, bobCtx)
	testenv.Screenshot(t, bobCtx, screenshotDir+"dm-attachments-phone.png")
	testenv.Phone(t, catCtx)
	testenv.Do(t, catCtx, chromedp.Reload())
	testenv.WaitUntil(t, catCtx, "the request's note", `document.querySelector('[data-testid="request-files-note"]')`)
	testenv.Screenshot(t, catCtx, screenshotDir+"dm-attachments-request-phone.png")
	// New message: the file control sits under the text, labelled.
	testenv.Laptop(t, bobCtx)
	testenv.Do(t, bobCtx, chromedp.Navigate(s.URL+"/inbox/new?to="+ann.Handle))
	testenv.WaitUntil(t, bobCtx, "the form's file control", `document.querySelector('.dm-new-form label[for="f-attach"]')?.textContent.includes("Attach")`)
	testenv.Do(t, bobCtx, chromedp.Focus(chromedp.ID("f-attach")))
	testenv.Screenshot(t, bobCtx, screenshotDir+"dm-attachments-new-laptop.png")
	testenv.NoJSErrors(t, bobCtx)
	testenv.NoJSErrors(t, catCtx)
}
