package inbox_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"backchannel/app/apptest"
	"backchannel/chat"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/store"
)

// setPolicy sets who may message u.
func (e *env) setPolicy(u *model.User, p model.DMPolicy) {
	e.T.Helper()
	if _, err := e.DB.NewUpdate().Model((*model.User)(nil)).Set("dm_policy = ?", p).Where("id = ?", u.ID).Exec(e.Ctx); err != nil {
		e.T.Fatal(err)
	}
}

// A first message from someone Bob does not follow waits in his Requests,
// out of his unread total; Accept moves it to the inbox; Delete takes it
// from his view only (the sender keeps it and is not told); Block + Delete
// also blocks the sender, who can then not write again.
func TestRequestsAcceptDeleteBlock(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		bob := e.User("Bob", model.RoleParticipant)
		ann, cat, dan := e.User("Ann", model.RoleParticipant), e.User("Cat", model.RoleParticipant), e.User("Dan", model.RoleParticipant)
		a := e.start(ann, inbox.StartInput{Body: "hi from Ann"}, bob).Conversation.ID
		c := e.start(cat, inbox.StartInput{Body: "hi from Cat"}, bob).Conversation.ID
		d := e.start(dan, inbox.StartInput{Body: "hi from Dan"}, bob).Conversation.ID
		req := e.list(bob, model.FolderRequests)
		if len(req) != 3 || len(e.list(bob, model.FolderInbox)) != 0 {
			t.Fatalf("Bob's requests %v, inbox %v", req, e.list(bob, model.FolderInbox))
		}
		if n, _ := e.Inbox.UnreadTotal(e.Ctx, bob.ID); n != 0 {
			t.Errorf("requests count in the unread total: %d", n)
		}
		if got := e.list(ann, model.FolderInbox); len(got) != 1 {
			t.Errorf("Ann's own inbox = %v, want her conversation", got)
		}

		if err := e.Inbox.Accept(e.Ctx, bob.ID, a); err != nil {
			t.Fatal(err)
		}
		if got := e.list(bob, model.FolderInbox); got[a] != 1 {
			t.Errorf("after accepting, Bob's inbox = %v", got)
		}
		apptest.Want{Problem: "not_a_request"}.Check(t, e.Inbox.Accept(e.Ctx, bob.ID, a))

		if err := e.Inbox.DeleteRequest(e.Ctx, bob.ID, c, false); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.list(bob, model.FolderRequests)[c]; ok {
			t.Error("a deleted request is still listed")
		}
		if got := e.bodies(cat, c); !slices.Equal(got, []string{"hi from Cat"}) {
			t.Errorf("Cat's history after Bob deleted the request = %q", got)
		}
		es, tos := e.events(c)
		if last := es[len(es)-1]; last.Kind != model.DMEventFolder || !slices.Equal(tos[len(tos)-1], ids(bob)) {
			t.Errorf("deleting the request: event %+v to %v, want a folder event to Bob only", last, tos[len(tos)-1])
		}

		if err := e.Inbox.DeleteRequest(e.Ctx, bob.ID, d, true); err != nil {
			t.Fatal(err)
		}
		if blocked, _ := store.BlockedBy(e.Ctx, e.DB, bob.ID, ids(dan)); !slices.Equal(blocked, ids(dan)) {
			t.Errorf("Block + Delete: Bob blocked %v", blocked)
		}
		_, err := e.Inbox.Post(e.Ctx, dan.ID, d, inbox.PostInput{Body: "again"})
		apptest.Want{Problem: "blocked"}.Check(t, err)
		_, _, err = e.Inbox.Start(e.Ctx, dan.ID, inbox.StartInput{UserIDs: ids(bob), Body: "again"})
		apptest.Want{Problem: "blocked"}.Check(t, err)
	})
}

// "Who can message me": people I follow only, or nobody; channel staff
// still reach a member's inbox about their channel.
func TestRequestPolicies(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		bob, ann := e.User("Bob", model.RoleParticipant), e.User("Ann", model.RoleParticipant)
		e.setPolicy(bob, model.DMPolicyFollowing)
		_, _, err := e.Inbox.Start(e.Ctx, ann.ID, inbox.StartInput{UserIDs: ids(bob), Body: "hi"})
		apptest.Want{Problem: "dm_following_only"}.Check(t, err)
		if err == nil || err.Error() != "Bob only accepts messages from people they follow" {
			t.Errorf("refusal = %v", err)
		}
		e.follow(bob, ann)
		v := e.start(ann, inbox.StartInput{Body: "hi"}, bob)
		if got := e.list(bob, model.FolderInbox); got[v.Conversation.ID] != 1 {
			t.Errorf("from someone Bob follows: inbox %v", got)
		}

		cat := e.User("Cat", model.RoleParticipant)
		e.setPolicy(cat, model.DMPolicyNobody)
		_, _, err = e.Inbox.Start(e.Ctx, ann.ID, inbox.StartInput{UserIDs: ids(cat), Body: "hi"})
		apptest.Want{Problem: "dm_closed"}.Check(t, err)

		// The host of a channel Cat is in, writing about it.
		host := e.User("Hana", model.RoleParticipant)
		ch := e.Channel(host, "talk", chat.ChannelInput{})
		e.Ready(ch, cat)
		_, _, err = e.Inbox.Start(e.Ctx, host.ID, inbox.StartInput{UserIDs: ids(cat), Body: "about tonight"})
		apptest.Want{Problem: "dm_closed"}.Check(t, err) // not about the channel
		v = e.start(host, inbox.StartInput{Body: "about tonight", AboutChannel: "talk"}, cat)
		if got := e.list(cat, model.FolderInbox); got[v.Conversation.ID] != 1 {
			t.Errorf("staff about their channel: Cat's inbox %v", got)
		}
		// Ann is no staff of the channel: naming it changes nothing.
		_, _, err = e.Inbox.Start(e.Ctx, ann.ID, inbox.StartInput{UserIDs: ids(cat), Body: "hi", AboutChannel: "talk"})
		apptest.Want{Problem: "dm_closed"}.Check(t, err)
	})
}

// Requests from accounts younger than dm.request_min_days are refused; the
// same person may message people who follow them.
func TestRequestMinimumAccountAge(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if err := store.SetSetting(e.Ctx, e.DB, model.SettingDMRequestMinAge, "3"); err != nil {
			t.Fatal(err)
		}
		ann, bob, cat := e.User("Ann", model.RoleParticipant), e.User("Bob", model.RoleParticipant), e.User("Cat", model.RoleParticipant)
		_, _, err := e.Inbox.Start(e.Ctx, ann.ID, inbox.StartInput{UserIDs: ids(bob), Body: "hi"})
		apptest.Want{Problem: "account_too_new"}.Check(t, err)
		if err == nil || !strings.Contains(err.Error(), "after 3 days") {
			t.Errorf("refusal = %v", err)
		}
		e.follow(cat, ann)
		e.start(ann, inbox.StartInput{Body: "hi"}, cat)
		e.Clock.Set(time.Now().Add(3*24*time.Hour + time.Minute))
		e.start(ann, inbox.StartInput{Body: "hi"}, bob)
	})
}

// Answering a request, or starting the 1:1 with its sender, moves it to
// the inbox as accepting does.
func TestRequestAnsweredMovesToInbox(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		bob, ann, cat := e.User("Bob", model.RoleParticipant), e.User("Ann", model.RoleParticipant), e.User("Cat", model.RoleParticipant)
		a := e.start(ann, inbox.StartInput{Body: "hi"}, bob).Conversation.ID
		c := e.start(cat, inbox.StartInput{Body: "hi"}, bob).Conversation.ID
		e.post(bob, a, "hello Ann")
		if v := e.start(bob, inbox.StartInput{}, cat); v.Conversation.ID != c || v.Me.Folder != model.FolderInbox {
			t.Errorf("Bob starting the 1:1 with Cat: %d in %s, want %d in the inbox", v.Conversation.ID, v.Me.Folder, c)
		}
		got := e.list(bob, model.FolderInbox)
		if _, ok := got[a]; !ok || len(got) != 2 || len(e.list(bob, model.FolderRequests)) != 0 {
			t.Errorf("Bob's inbox %v, requests %v", got, e.list(bob, model.FolderRequests))
		}
	})
}

// A request from someone the recipient has blocked since is not listed.
func TestRequestFromBlockedSenderHidden(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		bob, ann, cat := e.User("Bob", model.RoleParticipant), e.User("Ann", model.RoleParticipant), e.User("Cat", model.RoleParticipant)
		a := e.start(ann, inbox.StartInput{Body: "hi"}, bob).Conversation.ID
		c := e.start(cat, inbox.StartInput{Body: "hi"}, bob).Conversation.ID
		e.block(bob, ann)
		got := e.list(bob, model.FolderRequests)
		if _, ok := got[a]; ok || len(got) != 1 {
			t.Errorf("Bob's requests after blocking Ann = %v, want only Cat's %d", got, c)
		}
	})
}
