package handlers_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// A moderator removes one file of a message from the channel feed: the
// control is theirs only, opens from "Remove a file…", asks to confirm, and
// the file leaves the message on their page and, live, on a participant's
// (the text stays).
func TestBrowserChannelRemoveFile(t *testing.T) {
	forEachDBBrowser(t, func(t *testing.T, s *testServer, root context.Context, first bool) {
		slow := 0
		s.newChannel(t, "physics", chat.ChannelInput{SlowModeSeconds: &slow})
		s.createUser(t, "mod@example.org", model.RoleModerator)
		s.createUser(t, "bob@example.org", model.RoleParticipant)
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		ada.accept("physics")
		up := uploadID(t, ada, "board.png", testPNG(t, 120, 80))
		mid := ada.post("physics", map[string]any{"body": "the board", "attachments": []int64{up}}).ID
		msg := "#m-" + strconv.FormatInt(mid, 10)

		mod := openChannelAs(t, s, root, "mod@example.org", "physics")
		bob := openChannelAs(t, s, root, "bob@example.org", "physics")
		if testenv.Eval[bool](t, bob, `!!document.querySelector('`+msg+` [data-testid=file-remove]')`) {
			t.Error("a participant's page offers to remove the file")
		}
		testenv.WaitUntil(t, bob, "the image on the participant's page", `!!document.querySelector('`+msg+` .attachment-image img')`)

		// Cancelled at the confirm: nothing happens.
		testenv.Do(t, mod, chromedp.Click(chromedp.CSS(msg+` [data-testid=file-remove] summary`)))
		testenv.Eval[bool](t, mod, `(window.__asked = [], window.confirm = (q) => (window.__asked.push(q), false), true)`)
		testenv.Do(t, mod, chromedp.Click(chromedp.CSS(msg+` [aria-label="Remove file board.png"]`)))
		if got := testenv.Eval[string](t, mod, `window.__asked.join('|')`); got != "Remove the file board.png for everyone? The text stays; this cannot be undone." {
			t.Errorf("confirm asked %q", got)
		}
		ada.do("GET", fmt.Sprintf("/files/%d/board.png", up), nil).want(200)

		// Confirmed: gone from the moderator's page and, live, from the participant's.
		testenv.Eval[bool](t, mod, `(window.confirm = () => true, true)`)
		testenv.Do(t, mod, chromedp.Click(chromedp.CSS(msg+` [aria-label="Remove file board.png"]`)))
		for _, tab := range []context.Context{mod, bob} {
			testenv.WaitUntil(t, tab, "the file gone, the text kept", `!document.querySelector('`+msg+` [data-attachment-id]') &&
				document.querySelector('`+msg+` [data-testid=message-body]')?.textContent === 'the board'`)
		}
		if testenv.Eval[bool](t, mod, `!!document.querySelector('`+msg+` [data-testid=file-remove]')`) {
			t.Error("the remove control stays on a message without files")
		}
		ada.do("GET", fmt.Sprintf("/files/%d/board.png", up), nil).want(404)
		testenv.NoJSErrors(t, mod)
		testenv.NoJSErrors(t, bob)
	})
}

// A post of files alone, refused because the guidelines changed while the
// page was open, goes out once the new version is accepted.
func TestBrowserFilesOnlyPostResentAfterGuidelines(t *testing.T) {
	forEachDBBrowser(t, func(t *testing.T, s *testServer, root context.Context, first bool) {
		ctx := context.Background()
		slow := 0
		ch, host := s.newChannel(t, "ethics", chat.ChannelInput{SlowModeSeconds: &slow})
		if _, err := s.Chat.SaveChannelGuideline(ctx, host.ID, ch, chat.GuidelineInput{Title: "Seminar rules", Material: true,
			Body: "S1. Be kind."}); err != nil {
			t.Fatal(err)
		}
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		pat := openChannelAs(t, s, root, "pat@example.org", "ethics")
		testenv.WaitUntil(t, pat, "the file control shown", `!document.querySelector('form[data-testid=compose] [data-attach]').hidden`)
		if !testenv.Eval[bool](t, pat, pasteImageJS) {
			t.Fatal("the pasted image was not taken")
		}
		testenv.WaitUntil(t, pat, "the upload done", `!!document.querySelector('form[data-testid=compose] li[data-state=done]')`)

		if _, err := s.Chat.SaveChannelGuideline(ctx, host.ID, ch, chat.GuidelineInput{Title: "Seminar rules", Material: true,
			Body: "S1. Be kind.\nS2. No photos of people."}); err != nil {
			t.Fatal(err)
		}
		testenv.WaitUntil(t, pat, "the guideline-change banner", `document.querySelector('[data-testid="guideline-change"]')`)
		testenv.Do(t, pat, chromedp.Click(buttonXPath("form", "Post")))
		testenv.WaitUntil(t, pat, "the refusal", `document.querySelector('[data-testid="compose-error"]')?.textContent.includes('guidelines changed')`)
		testenv.WaitUntil(t, pat, "the file kept", `!!document.querySelector('form[data-testid=compose] input[name=attachments]')`)

		testenv.Do(t, pat, chromedp.Click(buttonXPath("main", "Accept the new guidelines")))
		testenv.WaitUntil(t, pat, "the files-only post after accepting", `[...document.querySelectorAll('[data-testid=message] .attachment-image img')].some(i => i.alt === 'whiteboard.png')`)
		noJSErrorsBut(t, pat, "status of 403 (Forbidden) ("+s.URL+"/c/ethics/messages")
	})
}
