package inbox_test

import (
	"errors"
	"slices"
	"testing"

	"backchannel/app/apptest"
	"backchannel/inbox"
	"backchannel/live"
	"backchannel/model"
)

// A 1:1 between people who follow each other: the message lands in the
// inbox with an unread count, the pair's conversation is reused, and one
// event goes to both.
func TestDirectStartPostList(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann, bob := e.User("Ann", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		e.follow(bob, ann)
		v, m, err := e.Inbox.Start(e.Ctx, ann.ID, inbox.StartInput{Handles: []string{"@" + bob.Handle}, Body: "hello"})
		if err != nil {
			t.Fatal(err)
		}
		if v.Conversation.Kind != model.ConversationDirect || m == nil || m.Body != "hello" || !m.Mine {
			t.Fatalf("started %+v, message %+v", v.Conversation, m)
		}
		if got := e.list(bob, model.FolderInbox); got[v.Conversation.ID] != 1 {
			t.Errorf("Bob's inbox = %v, want the conversation with 1 unread", got)
		}
		if n, _ := e.Inbox.UnreadTotal(e.Ctx, bob.ID); n != 1 {
			t.Errorf("Bob's unread total = %d, want 1", n)
		}
		again, m2, err := e.Inbox.Start(e.Ctx, ann.ID, inbox.StartInput{UserIDs: ids(bob), Body: "again"})
		if err != nil {
			t.Fatal(err)
		}
		if again.Conversation.ID != v.Conversation.ID {
			t.Errorf("second start made conversation %d, want the pair's %d", again.Conversation.ID, v.Conversation.ID)
		}
		if got := e.bodies(bob, v.Conversation.ID); !slices.Equal(got, []string{"hello", "again"}) {
			t.Errorf("Bob sees %q", got)
		}
		es, tos := e.events(v.Conversation.ID)
		if len(es) != 2 || es[0].Kind != model.DMEventMessage {
			t.Fatalf("events %+v, want two message events", es)
		}
		for _, to := range tos {
			if !slices.Equal(to, ids(ann, bob)) {
				t.Errorf("event went to %v, want %v", to, ids(ann, bob))
			}
		}
		if err := e.Inbox.MarkRead(e.Ctx, bob.ID, v.Conversation.ID, m2.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.list(bob, model.FolderInbox); got[v.Conversation.ID] != 0 {
			t.Errorf("after reading, Bob's unread = %v", got)
		}
		cv, err := e.Inbox.Conversation(e.Ctx, ann.ID, v.Conversation.ID)
		if err != nil {
			t.Fatal(err)
		}
		if bm, _ := cv.Member(bob.ID); bm.LastReadID == 0 {
			t.Errorf("Ann does not see Bob's read marker: %+v", cv.Members)
		}
	})
}

// Someone outside a conversation gets model.ErrNotFound on all of it.
func TestNonMemberNotFound(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann, bob, eve := e.User("Ann", model.RoleParticipant), e.User("Bob", model.RoleParticipant), e.User("Eve", model.RoleParticipant)
		e.follow(bob, ann)
		v := e.start(ann, inbox.StartInput{Body: "hi"}, bob)
		id := v.Conversation.ID
		mid := v.Conversation.LastMessageID
		if mid == 0 {
			cv, _ := e.Inbox.Conversation(e.Ctx, ann.ID, id)
			mid = cv.Conversation.LastMessageID
		}
		calls := map[string]func() error{
			"view":     func() error { _, err := e.Inbox.Conversation(e.Ctx, eve.ID, id); return err },
			"messages": func() error { _, err := e.Inbox.Messages(e.Ctx, eve.ID, id, inbox.PageInput{}); return err },
			"post": func() error {
				_, err := e.Inbox.Post(e.Ctx, eve.ID, id, inbox.PostInput{Body: "x"})
				return err
			},
			"edit":    func() error { _, err := e.Inbox.Edit(e.Ctx, eve.ID, id, mid, "x"); return err },
			"delete":  func() error { return e.Inbox.Delete(e.Ctx, eve.ID, id, mid) },
			"react":   func() error { return e.Inbox.React(e.Ctx, eve.ID, id, mid, "👍", true) },
			"read":    func() error { return e.Inbox.MarkRead(e.Ctx, eve.ID, id, mid) },
			"forme":   func() error { return e.Inbox.DeleteForMe(e.Ctx, eve.ID, id) },
			"accept":  func() error { return e.Inbox.Accept(e.Ctx, eve.ID, id) },
			"decline": func() error { return e.Inbox.DeleteRequest(e.Ctx, eve.ID, id, true) },
			"add":     func() error { return e.Inbox.AddMember(e.Ctx, eve.ID, id, eve.ID) },
			"remove":  func() error { return e.Inbox.RemoveMember(e.Ctx, eve.ID, id, bob.ID) },
			"leave":   func() error { return e.Inbox.Leave(e.Ctx, eve.ID, id) },
			"rename":  func() error { return e.Inbox.Rename(e.Ctx, eve.ID, id, "x") },
			"admin":   func() error { return e.Inbox.HandOver(e.Ctx, eve.ID, id, eve.ID) },
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("%s as a non-member: err = %v, want not found", name, err)
			}
		}
		if _, _, err := e.Inbox.Start(e.Ctx, 0, inbox.StartInput{UserIDs: []int64{bob.ID}}); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("a guest starting: err = %v, want forbidden", err)
		}
	})
}

// Every committed change wakes the inbox streams with its event's id; a
// refused one writes and wakes nothing.
func TestChangesWakeTheInboxStreams(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann, bob := e.User("Ann", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		e.follow(bob, ann)
		sub := e.Hub.Subscribe(live.InboxStreamID)
		defer sub.Close()
		v := e.start(ann, inbox.StartInput{Body: "hi"}, bob)
		es, _ := e.events(v.Conversation.ID)
		apptest.WantWake(t, sub, es[len(es)-1].ID)
		m := e.post(bob, v.Conversation.ID, "hello")
		es, _ = e.events(v.Conversation.ID)
		apptest.WantWake(t, sub, es[len(es)-1].ID)
		if _, err := e.Inbox.Edit(e.Ctx, ann.ID, v.Conversation.ID, m.ID, "not mine"); err == nil {
			t.Fatal("Ann edited Bob's message")
		}
		apptest.WantNoWake(t, sub)
		if got, _ := e.events(v.Conversation.ID); len(got) != len(es) {
			t.Errorf("a refused edit wrote %d events", len(got)-len(es))
		}
	})
}
