package inbox_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"backchannel/app/apptest"
	"backchannel/inbox"
	"backchannel/model"
)

// people makes n participants who follow ann, so she reaches their inboxes.
func (e *env) people(ann *model.User, n int) []*model.User {
	e.T.Helper()
	out := make([]*model.User, n)
	for i := range out {
		out[i] = e.User(fmt.Sprintf("P%d", i), model.RoleParticipant)
		e.follow(out[i], ann)
	}
	return out
}

// A group holds at most 15 people, its creator included: starting with 15
// others is refused, and so is adding a 16th.
func TestGroupLimit(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann := e.User("Ann", model.RoleParticipant)
		ps := e.people(ann, 15)
		_, _, err := e.Inbox.Start(e.Ctx, ann.ID, inbox.StartInput{UserIDs: ids(ps...)})
		apptest.Want{Problem: "group_full"}.Check(t, err)
		if err == nil || err.Error() != "A group holds at most 15 people" {
			t.Errorf("refusal = %v", err)
		}
		g := e.start(ann, inbox.StartInput{}, ps[:14]...)
		if len(g.Members) != 15 || g.Conversation.Kind != model.ConversationGroup {
			t.Fatalf("group of %d (%s)", len(g.Members), g.Conversation.Kind)
		}
		apptest.Want{Problem: "group_full"}.Check(t, e.Inbox.AddMember(e.Ctx, ann.ID, g.Conversation.ID, ps[14].ID))
		if err := e.Inbox.Leave(e.Ctx, ps[0].ID, g.Conversation.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.Inbox.AddMember(e.Ctx, ann.ID, g.Conversation.ID, ps[14].ID); err != nil {
			t.Errorf("adding a 15th after one left: %v", err)
		}
	})
}

// The admin renames, adds, removes and hands the role on; a member leaves;
// when the admin leaves the longest-standing member takes over. Each change
// is one system line and one members event, which also reaches the person
// who went; a newcomer sees history from their joining on; someone gone
// gets 404.
func TestGroupMembers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann := e.User("Ann", model.RoleParticipant)
		ps := e.people(ann, 4)
		bob, cat, dan, eve := ps[0], ps[1], ps[2], ps[3]
		g := e.start(ann, inbox.StartInput{Title: "Crew", Body: "before Eve"}, bob, cat, dan)
		id := g.Conversation.ID
		if !g.IsAdmin() || g.Title() != "Crew" {
			t.Fatalf("group %+v", g.Conversation)
		}
		count := func() int { es, _ := e.events(id); return len(es) }
		wantEvent := func(what string, before int, to ...*model.User) {
			t.Helper()
			es, tos := e.events(id)
			if len(es) != before+1 {
				t.Fatalf("%s wrote %d events, want 1", what, len(es)-before)
			}
			want := ids(to...)
			slices.Sort(want)
			if last := es[len(es)-1]; last.Kind != model.DMEventMembers || !slices.Equal(tos[len(tos)-1], want) {
				t.Errorf("%s: event %s to %v, want members to %v", what, last.Kind, tos[len(tos)-1], want)
			}
		}

		n := count()
		apptest.Want{Problem: "not_admin"}.Check(t, e.Inbox.Rename(e.Ctx, bob.ID, id, "Bob's"))
		if err := e.Inbox.Rename(e.Ctx, ann.ID, id, "Launch crew"); err != nil {
			t.Fatal(err)
		}
		wantEvent("rename", n, ann, bob, cat, dan)

		n = count()
		if err := e.Inbox.AddMember(e.Ctx, ann.ID, id, eve.ID); err != nil {
			t.Fatal(err)
		}
		wantEvent("add", n, ann, bob, cat, dan, eve)
		if got := e.bodies(eve, id); !slices.Equal(got, []string{"Ann added P3"}) {
			t.Errorf("Eve's history = %q, want only her joining", got)
		}
		apptest.Want{Problem: "already_member"}.Check(t, e.Inbox.AddMember(e.Ctx, ann.ID, id, eve.ID))

		n = count()
		if err := e.Inbox.RemoveMember(e.Ctx, ann.ID, id, cat.ID); err != nil {
			t.Fatal(err)
		}
		wantEvent("remove", n, ann, bob, dan, eve, cat)
		if _, err := e.Inbox.Conversation(e.Ctx, cat.ID, id); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("removed member reads the conversation: %v", err)
		}
		if _, ok := e.list(cat, model.FolderInbox)[id]; ok {
			t.Error("a removed member still lists the group")
		}

		n = count()
		if err := e.Inbox.HandOver(e.Ctx, ann.ID, id, dan.ID); err != nil {
			t.Fatal(err)
		}
		wantEvent("hand-over", n, ann, bob, dan, eve)
		apptest.Want{Problem: "not_admin"}.Check(t, e.Inbox.Rename(e.Ctx, ann.ID, id, "x"))

		n = count()
		if err := e.Inbox.Leave(e.Ctx, bob.ID, id); err != nil {
			t.Fatal(err)
		}
		wantEvent("leave", n, ann, dan, eve, bob)

		// Dan, the admin now, leaves: Ann has been there longest.
		if err := e.Inbox.Leave(e.Ctx, dan.ID, id); err != nil {
			t.Fatal(err)
		}
		v, err := e.Inbox.Conversation(e.Ctx, ann.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if !v.IsAdmin() {
			t.Errorf("after the admin left, admin = %v, want Ann", v.Conversation.AdminID)
		}
		want := []string{"before Eve", "Ann named the group “Launch crew”", "Ann added P3", "Ann removed P1",
			"Ann made P2 the admin", "P0 left", "P2 left", "Ann is now the admin"}
		if got := e.bodies(ann, id); !slices.Equal(got, want) {
			t.Errorf("Ann's history = %q, want %q", got, want)
		}
		// A 1:1 has no members to change.
		d := e.start(ann, inbox.StartInput{}, bob)
		apptest.Want{Problem: "not_a_group"}.Check(t, e.Inbox.Leave(e.Ctx, ann.ID, d.Conversation.ID))
	})
}

// A member who blocked another member is told so in their view of the
// group, whether the other was there already or was added later (the add
// is a members event that reaches them at once); someone who blocked the
// admin, or whom the admin blocked, cannot be added.
func TestBlockedMemberWarning(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann := e.User("Ann", model.RoleParticipant)
		ps := e.people(ann, 4)
		bob, cat, dan, eve := ps[0], ps[1], ps[2], ps[3]
		e.block(cat, bob)
		g := e.start(ann, inbox.StartInput{}, bob, cat)
		id := g.Conversation.ID
		view := func(u *model.User) []int64 {
			t.Helper()
			v, err := e.Inbox.Conversation(e.Ctx, u.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return v.BlockedMembers
		}
		if got := view(cat); !slices.Equal(got, ids(bob)) {
			t.Errorf("Cat's blocked members = %v, want Bob", got)
		}
		if got := view(bob); len(got) != 0 {
			t.Errorf("Bob's blocked members = %v, want none (he blocked nobody)", got)
		}
		e.block(cat, dan)
		if err := e.Inbox.AddMember(e.Ctx, ann.ID, id, dan.ID); err != nil {
			t.Fatal(err)
		}
		if got := view(cat); !slices.Equal(got, ids(bob, dan)) {
			t.Errorf("after Dan was added, Cat's blocked members = %v", got)
		}
		es, tos := e.events(id)
		if es[len(es)-1].Kind != model.DMEventMembers || !slices.Contains(tos[len(tos)-1], cat.ID) {
			t.Errorf("the add's event %+v went to %v, not to Cat", es[len(es)-1], tos[len(tos)-1])
		}
		e.block(eve, ann)
		apptest.Want{Problem: "blocked"}.Check(t, e.Inbox.AddMember(e.Ctx, ann.ID, id, eve.ID))
		// In a group the blocked people still write; a 1:1 with them is closed.
		e.post(bob, id, "still here")
		_, _, err := e.Inbox.Start(e.Ctx, bob.ID, inbox.StartInput{UserIDs: ids(cat), Body: "hi"})
		apptest.Want{Problem: "blocked"}.Check(t, err)
	})
}

// Blocking (or unblocking) someone who shares a group with you tells your
// own streams at once, one members event per shared group, to you alone.
func TestBlockingAMemberTellsTheBlocker(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann := e.User("Ann", model.RoleParticipant)
		ps := e.people(ann, 2)
		bob, cat := ps[0], ps[1]
		g := e.start(ann, inbox.StartInput{}, bob, cat).Conversation.ID
		d := e.start(ann, inbox.StartInput{}, bob).Conversation.ID // a 1:1: no warning there
		lastTo := func(id int64) (model.DMEventKind, []int64, int) {
			es, tos := e.events(id)
			return es[len(es)-1].Kind, tos[len(tos)-1], len(es)
		}
		_, _, before := lastTo(g)
		_, _, beforeDirect := lastTo(d)
		if _, err := e.Inbox.Block(e.Ctx, cat.ID, bob.Handle); err != nil {
			t.Fatal(err)
		}
		kind, to, n := lastTo(g)
		if n != before+1 || kind != model.DMEventMembers || !slices.Equal(to, ids(cat)) {
			t.Errorf("after blocking: %d new events, last %s to %v; want one members event to Cat", n-before, kind, to)
		}
		if _, _, n := lastTo(d); n != beforeDirect {
			t.Errorf("blocking wrote %d events in a 1:1 Cat is not in", n-beforeDirect)
		}
		v, err := e.Inbox.Conversation(e.Ctx, cat.ID, g)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(v.BlockedMembers, ids(bob)) {
			t.Errorf("Cat's blocked members = %v", v.BlockedMembers)
		}
		if err := e.Inbox.Unblock(e.Ctx, cat.ID, bob.Handle); err != nil {
			t.Fatal(err)
		}
		if kind, to, n := lastTo(g); n != before+2 || kind != model.DMEventMembers || !slices.Equal(to, ids(cat)) {
			t.Errorf("after unblocking: last %s to %v (%d events)", kind, to, n-before)
		}
	})
}
