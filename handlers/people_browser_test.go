package handlers_test

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"backchannel/accounts"
	"backchannel/model"
	"backchannel/testenv"
)

// A person signs up choosing a handle (proposed from the name as it is
// typed), visits another person's profile, follows them and then blocks
// them: the buttons change each time. The profile is screenshot on a laptop
// (docs/screenshots/profile.png) and read on a phone.
func TestBrowserSignupFollowBlock(t *testing.T) {
	root := testenv.Browser(t)
	s := newServer(t, testenv.Databases(t)[0].URL)
	grace, err := s.Accounts.CreateUser(context.Background(), 0, accounts.Input{Email: "grace@example.org",
		DisplayName: "Grace Hopper", Password: "correct horse battery"}, model.RoleParticipant)
	if err != nil {
		t.Fatal(err)
	}
	bio := "Teaches compilers on Tuesdays. Ask me about COBOL, nanoseconds and debugging."
	if _, err := s.Accounts.UpdateProfile(context.Background(), grace.ID, accounts.ProfileInput{Bio: &bio}); err != nil {
		t.Fatal(err)
	}
	tab := testenv.BrowserContext(t, root)
	testenv.Laptop(t, tab)
	testenv.Do(t, tab,
		chromedp.Navigate(s.URL+"/signup"),
		chromedp.WaitVisible(chromedp.ID("f-display_name")),
		chromedp.SendKeys(chromedp.ID("f-display_name"), "Ada Lovelace"),
	)
	testenv.WaitUntil(t, tab, "the handle proposed from the name", `document.getElementById("f-handle").value === "ada_lovelace"`)
	testenv.Eval[string](t, tab, `document.getElementById("f-handle").value = ""`)
	testenv.Do(t, tab,
		chromedp.SendKeys(chromedp.ID("f-handle"), "countess_ada"),
		chromedp.SendKeys(chromedp.ID("f-email"), "ada@example.org"),
		chromedp.SendKeys(chromedp.ID("f-password"), "correct horse battery"),
		chromedp.Click(buttonXPath("main", "Create account")),
	)
	testenv.WaitPath(t, tab, "/channels")
	testenv.Do(t, tab, chromedp.Navigate(s.URL+"/account"))
	testenv.WaitUntil(t, tab, "the chosen handle on the account page", `document.getElementById("f-handle").value === "countess_ada"`)

	testenv.Do(t, tab, chromedp.Navigate(s.URL+"/u/"+grace.Handle))
	testenv.WaitUntil(t, tab, "Grace's profile with Follow and Message",
		`!!document.querySelector('[data-testid=follow]') && !!document.querySelector('[data-testid=message]')`)
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(`[data-testid=follow]`)))
	testenv.WaitUntil(t, tab, "Unfollow in place of Follow",
		`!!document.querySelector('[data-testid=unfollow]') && !document.querySelector('[data-testid=follow]')`)
	if got := testenv.Eval[string](t, tab, `document.querySelector('[data-testid=followers-count]').textContent.trim()`); got != "1 follower" {
		t.Errorf("followers = %q", got)
	}
	// Keyboard focus is visible on the buttons.
	testenv.Do(t, tab, chromedp.Focus(chromedp.CSS(`[data-testid=unfollow]`)))
	if o := testenv.Eval[string](t, tab, `getComputedStyle(document.querySelector('[data-testid=unfollow]')).outlineStyle`); o == "none" {
		t.Errorf("no visible focus on the Unfollow button")
	}
	testenv.Do(t, tab, chromedp.Blur(chromedp.CSS(`[data-testid=unfollow]`)))
	testenv.Screenshot(t, tab, screenshotDir+"profile.png")

	// Block: a confirmation first, then the Follow and Message buttons go.
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(`[data-testid=block-open]`)))
	testenv.WaitUntil(t, tab, "the block confirmation", `!!document.querySelector('[data-testid=block]') && document.querySelector('[data-testid=block]').offsetParent !== null`)
	testenv.Do(t, tab, chromedp.Click(chromedp.CSS(`[data-testid=block]`)))
	testenv.WaitUntil(t, tab, "Unblock in place of the other buttons",
		`!!document.querySelector('[data-testid=unblock]') && !document.querySelector('[data-testid=follow], [data-testid=unfollow], [data-testid=message]')`)
	if got := testenv.Eval[string](t, tab, `document.querySelector('[data-testid=followers-count]').textContent.trim()`); got != "0 followers" {
		t.Errorf("followers after the block = %q", got)
	}

	// On a phone the profile fits the width.
	testenv.Phone(t, tab)
	testenv.Do(t, tab, chromedp.Navigate(s.URL+"/u/"+grace.Handle))
	testenv.WaitUntil(t, tab, "the profile on a phone", `!!document.querySelector('[data-testid=unblock]')`)
	if w := testenv.Eval[bool](t, tab, `document.documentElement.scrollWidth <= window.innerWidth`); !w {
		t.Error("the profile is wider than a phone's screen")
	}
	if shots := os.Getenv("BACKCHANNEL_PEOPLE_SHOTS"); shots != "" { // a folder to look at more pages in
		testenv.Screenshot(t, tab, shots+"/profile-blocked-phone.png")
		testenv.Do(t, tab, chromedp.Navigate(s.URL+"/account#profile-settings"))
		testenv.WaitUntil(t, tab, "the account page", `!!document.getElementById("f-handle")`)
		testenv.Screenshot(t, tab, shots+"/account-phone.png")
		testenv.Laptop(t, tab)
		testenv.Do(t, tab, chromedp.Navigate(s.URL+"/account#profile-settings"))
		testenv.WaitUntil(t, tab, "the account page", `!!document.getElementById("f-handle")`)
		testenv.Screenshot(t, tab, shots+"/account-laptop.png")
	}
	testenv.NoJSErrors(t, tab)
}
