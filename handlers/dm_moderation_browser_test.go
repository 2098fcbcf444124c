package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/store"
	"backchannel/testenv"
)

// A member reports a message from the report page (seeing the excerpt
// first); the report reaches the triage wall, where a site moderator opens
// its excerpt and suspends the author's direct messages.
func TestBrowserDMReportReachesTheWall(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	ctx := context.Background()
	alice := s.createUser(t, "alice@example.org", model.RoleParticipant)
	bob := s.createUser(t, "bob@example.org", model.RoleParticipant)
	s.createUser(t, "mia@example.org", model.RoleModerator)
	s.newChannel(t, "physics", chat.ChannelInput{})
	c := testenv.DMConversationOf(t, s.DB, alice, bob)
	base := time.Now().Add(-10 * time.Minute)
	for i, line := range []struct {
		by   *model.User
		body string
	}{
		{alice, "Hi Bob, about the lab report: can we split the sections?"},
		{bob, "Sure. I'll take the method and results."},
		{alice, "Great, I'll write the discussion."},
		{bob, "Actually, do it all yourself."},
		{alice, "That's not what we agreed."},
	} {
		testenv.DMPostAt(t, s.DB, c, line.by, line.body, base.Add(time.Duration(i)*time.Minute))
	}
	reported := testenv.DMPostAt(t, s.DB, c, bob, "Nobody cares what you agreed, you useless idiot.", base.Add(6*time.Minute))

	// Alice reports the message.
	member := testenv.BrowserContext(t, root)
	if err := signInBrowser(member, s.URL, "alice@example.org"); err != nil {
		t.Fatal(err)
	}
	page := s.URL + "/inbox/" + strconv.FormatInt(c.ID, 10) + "/report?message=" + strconv.FormatInt(reported.ID, 10)
	testenv.Do(t, member, chromedp.Navigate(page))
	testenv.WaitUntil(t, member, "the excerpt", `document.querySelectorAll('[data-testid="dm-excerpt-line"]').length === 6`)
	if got := pageText(t, member, `.dm-excerpt-line.is-reported`); !strings.Contains(got, "useless idiot") {
		t.Fatalf("the reported line reads %q", got)
	}
	testenv.Do(t, member,
		chromedp.SetValue(chromedp.CSS(`#f-guideline`), "G1"),
		chromedp.SendKeys(chromedp.CSS(`#f-reason`), "Insulting me after we split the work."),
		chromedp.Click(buttonXPath("main", "Send report")),
	)
	testenv.WaitUntil(t, member, "the report sent", `!!document.querySelector('[data-testid="dm-report-sent"]')`)
	testenv.NoJSErrors(t, member)

	// Mia opens it on the wall and suspends Bob's direct messages.
	mod := testenv.BrowserContext(t, root)
	if err := signInBrowser(mod, s.URL, "mia@example.org"); err != nil {
		t.Fatal(err)
	}
	testenv.Do(t, mod, chromedp.Navigate(s.URL+"/mod"))
	testenv.WaitUntil(t, mod, "the DM report on the wall", `!!document.querySelector('[data-testid="wall-dm-report"]')`)
	if got := pageText(t, mod, `[data-testid="wall-dm-report"]`); !strings.Contains(got, "Insulting me") || strings.Contains(got, "useless idiot") {
		t.Fatalf("the wall's report line reads %q (the excerpt shows only when opened)", got)
	}
	testenv.Do(t, mod, chromedp.Click(chromedp.CSS(`[data-testid="open-dm-report"]`)))
	testenv.WaitUntil(t, mod, "the excerpt in the panel", `(document.querySelector('#person-panel [data-testid="dm-excerpt"]') || {}).textContent?.includes('useless idiot')`)
	if es := dmAudits(t, s, "dm_report.view"); len(es) != 1 {
		t.Fatalf("%d openings audited, want 1", len(es))
	}
	testenv.Do(t, mod, chromedp.ScrollIntoView(chromedp.CSS(`#dm-report-panel`)))
	testenv.Screenshot(t, mod, "../docs/screenshots/dm-report-wall.png")
	testenv.Do(t, mod,
		chromedp.SendKeys(chromedp.CSS(`#dm-reason-`+strconv.FormatInt(bob.ID, 10)), "Insults in direct messages"),
		chromedp.Click(chromedp.CSS(`[data-testid="dm-suspend"]`)),
	)
	testenv.WaitUntil(t, mod, "the suspension done", `!!document.querySelector('#person-panel [data-testid="dm-action-done"]')`)
	ss, err := store.ActiveSanctions(ctx, s.DB, model.Actor{UserID: bob.ID}.Key(), 0, time.Now())
	if err != nil || len(ss) != 1 || ss[0].Kind != model.SanctionDMSuspend || ss[0].Reason != "Insults in direct messages" {
		t.Fatalf("bob's sanctions %+v, %v", ss, err)
	}
	testenv.Do(t, mod, chromedp.Navigate(s.URL+"/mod"))
	testenv.WaitPath(t, mod, "/mod")
	if n := testenv.Eval[int](t, mod, `document.querySelectorAll('[data-testid="wall-dm-report"]').length`); n != 0 {
		t.Errorf("%d DM reports still on the wall", n)
	}
	// A new report reaches the open wall by itself.
	if _, err := s.Moderation.ReportDM(ctx, alice.ID, c.ID, moderation.DMReportInput{Reason: "Still insulting me"}); err != nil {
		t.Fatal(err)
	}
	testenv.WaitUntil(t, mod, "the new report on the open wall", `document.querySelectorAll('[data-testid="wall-dm-report"]').length === 1`)
	testenv.NoJSErrors(t, mod)

	// The person card offers the same actions; a warning there, taken back
	// with its Undo, leaves nothing in force.
	testenv.Do(t, mod, chromedp.Navigate(s.URL+"/mod/c/physics/people/u:"+strconv.FormatInt(bob.ID, 10)))
	testenv.WaitUntil(t, mod, "the card's DM part", `!!document.querySelector('[data-testid="person-dm"]')`)
	testenv.Do(t, mod, chromedp.Click(chromedp.CSS(`[data-testid="person-dm"] button[value="warn"]`)))
	testenv.WaitUntil(t, mod, "the warning done", `!!document.querySelector('[data-testid="dm-action-done"]')`)
	testenv.Do(t, mod, chromedp.Click(chromedp.CSS(`[data-testid="dm-undo"]`)))
	testenv.WaitUntil(t, mod, "the warning undone", `!!document.querySelector('[data-testid="dm-undone"]')`)
	if es := dmAudits(t, s, "user.warn.undo"); len(es) != 1 {
		t.Errorf("%d undo entries, want 1", len(es))
	}
	testenv.NoJSErrors(t, mod)

	// The report page on a phone (looked at, not committed).
	testenv.Phone(t, member)
	testenv.Do(t, member, chromedp.Navigate(page))
	testenv.WaitUntil(t, member, "the excerpt", `document.querySelectorAll('[data-testid="dm-excerpt-line"]').length === 6`)
	testenv.Screenshot(t, member, filepath.Join(os.TempDir(), "dm-report-phone.png"))
}
