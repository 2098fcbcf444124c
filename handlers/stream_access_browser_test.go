package handlers_test

import (
	"context"
	"testing"

	"backchannel/model"
	"backchannel/moderation"
	"backchannel/testenv"
)

// In the browser: a participant banned while the channel page is open
// loses its live stream at once; the page says it is reconnecting, its
// reconnects are refused, and what is posted after the ban never reaches
// it.
func TestBrowserBanEndsTheLiveStream(t *testing.T) {
	root, f := newFeedTest(t, "feed-ban", 1)
	s := f.s
	pat := joinFeed(t, root, s, "feed-ban", "pat@example.org", false)
	f.post(t, "before the ban", 0)
	testenv.WaitUntil(t, pat, "the message before the ban", `document.body.textContent.includes('before the ban')`)

	ctx := context.Background()
	admin := s.createUser(t, "admin@example.org", model.RoleAdmin)
	av, err := s.Chat.ViewerFor(ctx, f.ch, admin, nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Accounts.UserByEmail(ctx, "pat@example.org")
	if err != nil {
		t.Fatal(err)
	}
	in := moderation.SanctionInput{Subject: model.Actor{UserID: u.ID}.Key(), Kind: model.SanctionBan}
	in.Reason = "spam"
	if _, err := s.Moderation.Sanction(ctx, f.ch, av, in); err != nil {
		t.Fatal(err)
	}
	conn := `document.querySelector('[data-testid="connection"]').textContent`
	testenv.WaitUntil(t, pat, "the reconnecting note", conn+`.includes('Reconnecting')`)

	f.post(t, "after the ban", 0)
	// Two more reconnect attempts, so one surely started after that post:
	// had it been let in, it would have replayed the post.
	attempt := `document.querySelector('#live')._htmx.sse.attempt`
	after := testenv.Eval[int](t, pat, attempt)
	testenv.WaitUntil(t, pat, "a reconnect attempt after the post", attempt+` > `+itoa(int64(after)+1))
	if testenv.Eval[bool](t, pat, `document.body.textContent.includes('after the ban')`) {
		t.Error("a message posted after the ban reached the banned participant's page")
	}
}
