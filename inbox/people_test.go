package inbox_test

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/accounts"
	"backchannel/app/apptest"
	"backchannel/chat"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/testenv"
)

func handles(ps []inbox.Person) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Handle)
	}
	return out
}

// Handles: made from the name at creation, unique, validated; changing one
// checks the same rules, and a refusal changes nothing.
func TestHandles(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := apptest.New(t, db, chat.Options{})
		ada := person(e, "Ada Lovelace")
		ada2 := person(e, "ADA Lovelace")
		zoe := person(e, "Zoë")
		if ada.Handle != "ada_lovelace" || ada2.Handle != "ada_lovelace2" || zoe.Handle != "zoe" {
			t.Fatalf("handles from names = %q %q %q", ada.Handle, ada2.Handle, zoe.Handle)
		}
		// A name that makes no handle falls back on "user<id>".
		x := person(e, "李")
		if want := "user" + itoa(x.ID); x.Handle != want {
			t.Fatalf("fallback handle = %q, want %q", x.Handle, want)
		}
		// Chosen at creation: validated and unique.
		for i, c := range []struct {
			handle string
			want   apptest.Want
		}{
			{"ab", apptest.Want{Field: "handle"}},
			{"has space", apptest.Want{Field: "handle"}},
			{"émile", apptest.Want{Field: "handle"}},
			{"12345", apptest.Want{Field: "handle"}},
			{"admin", apptest.Want{Field: "handle"}},
			{"inbox", apptest.Want{Field: "handle"}},
			{"a234567890123456789012345678901", apptest.Want{Field: "handle"}},
			{"ada_lovelace", apptest.Want{Field: "handle"}}, // taken
			{"@Grace_H", apptest.Want{}},
		} {
			u, err := e.Accounts.CreateUser(e.Ctx, 0, accounts.Input{Email: "h" + strconv.Itoa(i) + "@example.org",
				DisplayName: "Grace", Password: "correct horse battery", Handle: c.handle}, model.RoleParticipant)
			c.want.Check(t, err)
			if err == nil && u.Handle != "grace_h" {
				t.Errorf("handle = %q, want grace_h", u.Handle)
			}
		}
		// Changing: the same rules; a refused change changes nothing.
		bio := "Physics, Tuesdays."
		_, err := e.Accounts.UpdateProfile(e.Ctx, ada.ID, accounts.ProfileInput{Handle: ptr("grace_h"), Bio: &bio})
		apptest.WantField(t, err, "handle")
		_, err = e.Accounts.UpdateProfile(e.Ctx, ada.ID, accounts.ProfileInput{Handle: ptr("ada.l"), Bio: &bio})
		apptest.WantField(t, err, "handle")
		_, err = e.Accounts.UpdateProfile(e.Ctx, ada.ID, accounts.ProfileInput{Bio: ptr(repeat("b", 161))})
		apptest.WantField(t, err, "bio")
		pol := model.DMPolicy("friends")
		_, err = e.Accounts.UpdateProfile(e.Ctx, ada.ID, accounts.ProfileInput{DMPolicy: &pol})
		apptest.WantField(t, err, "dm_policy")
		u, _ := e.Accounts.User(e.Ctx, ada.ID)
		if u.Handle != "ada_lovelace" || u.Bio != "" || u.DMPolicy != model.DMPolicyEveryone {
			t.Fatalf("after refused changes = %q %q %q", u.Handle, u.Bio, u.DMPolicy)
		}
		fol := model.DMPolicyFollowing
		u, err = e.Accounts.UpdateProfile(e.Ctx, ada.ID, accounts.ProfileInput{Handle: ptr("Ada"), Bio: ptr(repeat("b", 160)), DMPolicy: &fol})
		if err != nil || u.Handle != "ada" || len(u.Bio) != 160 || u.DMPolicy != fol {
			t.Fatalf("update = %+v, %v", u, err)
		}
		if _, err := e.Inbox.Profile(e.Ctx, 0, "ada_lovelace"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("old handle = %v, want not found", err)
		}
		if p, err := e.Inbox.Profile(e.Ctx, 0, "ada"); err != nil || p.DisplayName != "Ada Lovelace" {
			t.Fatalf("profile = %+v, %v", p, err)
		}
	})
}

// A channel message carries its account author's handle, kept current when
// the handle changes; an anonymous post's never reaches participants.
func TestAuthorHandle(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := apptest.New(t, db, chat.Options{})
		host := person(e, "Hana Host")
		ch := e.Channel(host, "alpha", chat.ChannelInput{AllowAnonymous: ptr(true)})
		ada := person(e, "Ada")
		v := e.Ready(ch, ada)
		m := e.Post(ch, v, chat.PostInput{Body: "hello"})
		anon := e.Post(ch, v, chat.PostInput{Body: "secret", Anonymous: true})
		if got := e.Message(m.ID).AuthorHandle; got != "ada" {
			t.Fatalf("author handle = %q", got)
		}
		if _, err := e.Accounts.UpdateProfile(e.Ctx, ada.ID, accounts.ProfileInput{Handle: ptr("ada_l")}); err != nil {
			t.Fatal(err)
		}
		if got := e.Message(m.ID).AuthorHandle; got != "ada_l" {
			t.Fatalf("author handle after change = %q", got)
		}
		bob := e.Ready(ch, person(e, "Bob"))
		it, err := e.Chat.MessageItem(e.Ctx, ch, bob, anon.ID)
		if err != nil || it.Message.AuthorHandle != "" || it.Author != "Anonymous" {
			t.Fatalf("anonymous item = %+v, %v", it, err)
		}
	})
}

// Follow, unfollow and the counts; oneself is refused.
func TestFollows(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := apptest.New(t, db, chat.Options{})
		ada, bob, cyd := person(e, "Ada"), person(e, "Bob"), person(e, "Cyd")
		_, err := e.Inbox.Follow(e.Ctx, ada.ID, "ada")
		apptest.WantProblem(t, err, "follow_self", model.ErrInvalid)
		if _, err := e.Inbox.Follow(e.Ctx, ada.ID, "nosuch"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("follow unknown = %v", err)
		}
		p, err := e.Inbox.Follow(e.Ctx, ada.ID, "bob")
		if err != nil || !p.IsFollowed || p.Followers != 1 {
			t.Fatalf("follow = %+v, %v", p, err)
		}
		if p, err = e.Inbox.Follow(e.Ctx, ada.ID, "bob"); err != nil || p.Followers != 1 { // again: no change
			t.Fatalf("follow again = %+v, %v", p, err)
		}
		if _, err := e.Inbox.Follow(e.Ctx, cyd.ID, "bob"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Inbox.Follow(e.Ctx, bob.ID, "ada"); err != nil {
			t.Fatal(err)
		}
		p, _ = e.Inbox.Profile(e.Ctx, ada.ID, "bob")
		if p.Followers != 2 || p.Following != 1 || !p.FollowedBy || !p.IsFollowed {
			t.Fatalf("bob as ada sees him = %+v", p)
		}
		fs, err := e.Inbox.Follows(e.Ctx, "bob", true, 10, 0)
		if err != nil || fs.Total != 2 || !slices.Equal(handles(fs.People), []string{"cyd", "ada"}) {
			t.Fatalf("bob's followers = %+v, %v", fs, err)
		}
		fs, _ = e.Inbox.Follows(e.Ctx, "bob", false, 10, 0)
		if !slices.Equal(handles(fs.People), []string{"ada"}) {
			t.Fatalf("bob follows = %v", handles(fs.People))
		}
		if p, err = e.Inbox.Unfollow(e.Ctx, ada.ID, "bob"); err != nil || p.IsFollowed || p.Followers != 1 {
			t.Fatalf("unfollow = %+v, %v", p, err)
		}
		if ok, _ := isFollowing(e, ada.ID, bob.ID); ok {
			t.Fatal("still following after unfollow")
		}
	})
}

// Blocking ends follows both ways and stops the blocked person following;
// oneself cannot be blocked; unblocking lets them follow again.
func TestBlocks(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := apptest.New(t, db, chat.Options{})
		ada, bob := person(e, "Ada"), person(e, "Bob")
		for _, f := range [][2]int64{{ada.ID, bob.ID}, {bob.ID, ada.ID}} {
			u, _ := e.Accounts.User(e.Ctx, f[1])
			if _, err := e.Inbox.Follow(e.Ctx, f[0], u.Handle); err != nil {
				t.Fatal(err)
			}
		}
		_, err := e.Inbox.Block(e.Ctx, ada.ID, "ada")
		apptest.WantProblem(t, err, "block_self", model.ErrInvalid)
		p, err := e.Inbox.Block(e.Ctx, ada.ID, "bob")
		if err != nil || !p.Blocked || p.IsFollowed || p.FollowedBy || p.Followers != 0 || p.Following != 0 {
			t.Fatalf("block = %+v, %v", p, err)
		}
		for _, f := range [][2]int64{{ada.ID, bob.ID}, {bob.ID, ada.ID}} {
			if ok, _ := isFollowing(e, f[0], f[1]); ok {
				t.Fatalf("%d still follows %d after the block", f[0], f[1])
			}
		}
		_, err = e.Inbox.Follow(e.Ctx, bob.ID, "ada")
		apptest.WantProblem(t, err, "follow_refused", model.ErrForbidden)
		_, err = e.Inbox.Follow(e.Ctx, ada.ID, "bob")
		apptest.WantProblem(t, err, "follow_blocked", model.ErrConflict)
		// The blocked person sees the blocker's profile, told only as much
		// as the page needs to leave out Follow and Message.
		p, err = e.Inbox.Profile(e.Ctx, bob.ID, "ada")
		if err != nil || !p.BlockedViewer || p.Blocked {
			t.Fatalf("ada as bob sees her = %+v, %v", p, err)
		}
		bl, err := e.Inbox.Blocked(e.Ctx, ada.ID)
		if err != nil || len(bl) != 1 || bl[0].Handle != "bob" {
			t.Fatalf("blocked list = %+v, %v", bl, err)
		}
		if err := e.Inbox.Unblock(e.Ctx, ada.ID, "bob"); err != nil {
			t.Fatal(err)
		}
		if bl, _ = e.Inbox.Blocked(e.Ctx, ada.ID); len(bl) != 0 {
			t.Fatalf("blocked after unblock = %+v", bl)
		}
		if _, err := e.Inbox.Follow(e.Ctx, bob.ID, "ada"); err != nil {
			t.Fatalf("follow after unblock: %v", err)
		}
	})
}

// The "New message" lookup: by handle or a word of the name, never oneself,
// nor anyone blocked either way, nor disabled accounts.
func TestFindPeople(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := apptest.New(t, db, chat.Options{})
		me := person(e, "Mara Sol")
		person(e, "Marek Nowak")
		person(e, "Ann Marsh")
		blocker := person(e, "Marta Block")
		blocked := person(e, "Maria Blocked")
		gone := person(e, "Marion Gone")
		person(e, "Zed 100pct")
		if _, err := e.Inbox.Block(e.Ctx, blocker.ID, me.Handle); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Inbox.Block(e.Ctx, me.ID, blocked.Handle); err != nil {
			t.Fatal(err)
		}
		if err := e.Accounts.SetDisabled(e.Ctx, 0, gone.ID, true); err != nil {
			t.Fatal(err)
		}
		ps, err := e.Inbox.FindPeople(e.Ctx, me.ID, "mar", 10)
		if got := handles(ps); err != nil || !slices.Equal(got, []string{"ann_marsh", "marek_nowak"}) {
			t.Fatalf("find mar = %v, %v", got, err)
		}
		ps, _ = e.Inbox.FindPeople(e.Ctx, me.ID, "@marek_", 10)
		if got := handles(ps); !slices.Equal(got, []string{"marek_nowak"}) {
			t.Fatalf("find @marek_ = %v", got)
		}
		// LIKE's wildcards match themselves only.
		if ps, _ = e.Inbox.FindPeople(e.Ctx, me.ID, "%", 10); len(ps) != 0 {
			t.Fatalf("find %% = %v", handles(ps))
		}
		if ps, _ = e.Inbox.FindPeople(e.Ctx, me.ID, "", 10); len(ps) != 0 {
			t.Fatalf("find empty = %v", handles(ps))
		}
		// The blocker does not find the person they blocked either.
		ps, _ = e.Inbox.FindPeople(e.Ctx, blocker.ID, "mara", 10)
		if len(ps) != 0 {
			t.Fatalf("blocker finds = %v", handles(ps))
		}
	})
}
