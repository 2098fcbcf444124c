package inbox_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"backchannel/app/apptest"
	"backchannel/chat"
	"backchannel/filters"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/store"
)

// pair starts a 1:1 between ann and bob (who follows her) with a first
// message, and returns its id and the message.
func (e *env) pair(ann, bob *model.User, body string) (int64, *inbox.MessageView) {
	e.T.Helper()
	e.follow(bob, ann)
	v, m, err := e.Inbox.Start(e.Ctx, ann.ID, inbox.StartInput{UserIDs: ids(bob), Body: body})
	if err != nil {
		e.T.Fatal(err)
	}
	return v.Conversation.ID, m
}

// Replies quote the message; its author may edit it within 15 minutes
// (marked edited) and delete it for everyone (a tombstone); nobody else
// may.
func TestMessageReplyEditDelete(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann, bob := e.User("Ann", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		id, first := e.pair(ann, bob, "Lunch at noon?")
		reply, err := e.Inbox.Post(e.Ctx, bob.ID, id, inbox.PostInput{Body: "Yes", ReplyToID: first.ID})
		if err != nil {
			t.Fatal(err)
		}
		if q := reply.ReplyTo; q == nil || q.ID != first.ID || q.Excerpt != "Lunch at noon?" || q.Author == nil || q.Author.ID != ann.ID {
			t.Errorf("quote = %+v", reply.ReplyTo)
		}
		other, _ := e.pair(e.User("Cat", model.RoleParticipant), bob, "elsewhere")
		_, err = e.Inbox.Post(e.Ctx, bob.ID, other, inbox.PostInput{Body: "x", ReplyToID: first.ID})
		apptest.WantField(t, err, "reply_to")

		_, err = e.Inbox.Edit(e.Ctx, ann.ID, id, reply.ID, "No")
		apptest.Want{Problem: "not_yours"}.Check(t, err)
		e.Clock.Set(reply.CreatedAt.Add(model.DMEditWindow - time.Second))
		edited, err := e.Inbox.Edit(e.Ctx, bob.ID, id, reply.ID, "Yes, at noon")
		if err != nil {
			t.Fatal(err)
		}
		if edited.Body != "Yes, at noon" || edited.EditedAt == nil {
			t.Errorf("edited = %+v", edited.DirectMessage)
		}
		e.Clock.Set(reply.CreatedAt.Add(model.DMEditWindow + time.Second))
		_, err = e.Inbox.Edit(e.Ctx, bob.ID, id, reply.ID, "too late")
		apptest.Want{Problem: "edit_window_over"}.Check(t, err)

		apptest.Want{Problem: "not_yours"}.Check(t, e.Inbox.Delete(e.Ctx, ann.ID, id, reply.ID))
		if err := e.Inbox.React(e.Ctx, ann.ID, id, reply.ID, "👍", true); err != nil {
			t.Fatal(err)
		}
		if err := e.Inbox.Delete(e.Ctx, bob.ID, id, reply.ID); err != nil {
			t.Fatal(err)
		}
		m, err := e.Inbox.Message(e.Ctx, ann.ID, id, reply.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.DeletedAt == nil || m.Body != "" || len(m.Reactions) != 0 {
			t.Errorf("tombstone = %+v, reactions %v", m.DirectMessage, m.Reactions)
		}
		apptest.Want{Problem: "deleted"}.Check(t, e.Inbox.Delete(e.Ctx, bob.ID, id, reply.ID))
		es, _ := e.events(id)
		kinds := make([]model.DMEventKind, len(es))
		for i, ev := range es {
			kinds[i] = ev.Kind
		}
		want := []model.DMEventKind{model.DMEventMessage, model.DMEventMessage, model.DMEventEdit, model.DMEventReaction, model.DMEventDelete}
		if !slices.Equal(kinds, want) {
			t.Errorf("events = %v, want %v (one per change, none for refusals)", kinds, want)
		}
	})
}

// Reactions come from the channels' palette, are tallied with the
// viewer's own marked, and asking twice changes nothing.
func TestReactions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann, bob := e.User("Ann", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		id, m := e.pair(ann, bob, "Done!")
		for _, r := range []struct {
			u     *model.User
			emoji string
		}{{ann, "🎉"}, {bob, "🎉"}, {bob, "👍"}} {
			if err := e.Inbox.React(e.Ctx, r.u.ID, id, m.ID, r.emoji, true); err != nil {
				t.Fatal(err)
			}
		}
		n := len(must(e.events(id)))
		if err := e.Inbox.React(e.Ctx, bob.ID, id, m.ID, "👍", true); err != nil {
			t.Fatal(err)
		}
		if got := len(must(e.events(id))); got != n {
			t.Errorf("reacting again wrote %d events", got-n)
		}
		apptest.WantField(t, e.Inbox.React(e.Ctx, bob.ID, id, m.ID, "🦄", true), "emoji")
		v, err := e.Inbox.Message(e.Ctx, ann.ID, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []inbox.Reaction{{Emoji: "👍", Count: 1}, {Emoji: "🎉", Count: 2, Mine: true}}
		if !slices.Equal(v.Reactions, want) {
			t.Errorf("Ann sees %+v, want %+v", v.Reactions, want)
		}
		if err := e.Inbox.React(e.Ctx, ann.ID, id, m.ID, "🎉", false); err != nil {
			t.Fatal(err)
		}
		v, _ = e.Inbox.Message(e.Ctx, bob.ID, id, m.ID)
		want = []inbox.Reaction{{Emoji: "👍", Count: 1, Mine: true}, {Emoji: "🎉", Count: 1, Mine: true}}
		if !slices.Equal(v.Reactions, want) {
			t.Errorf("Bob sees %+v, want %+v", v.Reactions, want)
		}
	})
}

func must[T, U any](t T, _ U) T { return t }

// Deleting a chat for me: gone from my list and my history, the other
// keeps theirs; a later message brings it back with only the new history.
func TestDeleteForMe(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann, bob := e.User("Ann", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		id, _ := e.pair(ann, bob, "one")
		e.post(bob, id, "two")
		if err := e.Inbox.DeleteForMe(e.Ctx, bob.ID, id); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.list(bob, model.FolderInbox)[id]; ok {
			t.Error("Bob still lists the chat he deleted")
		}
		if got := e.bodies(bob, id); len(got) != 0 {
			t.Errorf("Bob's history after deleting = %q", got)
		}
		if got := e.bodies(ann, id); !slices.Equal(got, []string{"one", "two"}) {
			t.Errorf("Ann's history = %q", got)
		}
		e.post(ann, id, "three")
		if got := e.list(bob, model.FolderInbox); got[id] != 1 {
			t.Errorf("after a new message Bob's inbox = %v, want it back with 1 unread", got)
		}
		if got := e.bodies(bob, id); !slices.Equal(got, []string{"three"}) {
			t.Errorf("Bob's history after it came back = %q", got)
		}
		// Starting the 1:1 again brings it back too, without a message.
		if err := e.Inbox.DeleteForMe(e.Ctx, ann.ID, id); err != nil {
			t.Fatal(err)
		}
		if v := e.start(ann, inbox.StartInput{}, bob); v.Conversation.ID != id {
			t.Errorf("restart made %d, want %d", v.Conversation.ID, id)
		}
		if _, ok := e.list(ann, model.FolderInbox)[id]; !ok {
			t.Error("restarting did not bring the 1:1 back into Ann's list")
		}
		es, tos := e.events(id)
		if last := es[len(es)-1]; last.Kind != model.DMEventFolder || !slices.Equal(tos[len(tos)-1], ids(ann)) {
			t.Errorf("restarting: event %s to %v, want a folder event to Ann only", last.Kind, tos[len(tos)-1])
		}
	})
}

// The site's word filters: block and hold refuse (with the channels'
// generic words), mask masks, flag lets through and records the rule.
func TestFilters(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann, bob := e.User("Ann", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		id, _ := e.pair(ann, bob, "hello")
		rules := map[string]int64{}
		for _, r := range []struct{ word, action string }{{"badword", "block"}, {"holdword", "hold"}, {"maskword", "mask"}, {"flagword", "flag"}} {
			rule, err := e.Filters.Create(e.Ctx, 0, filters.Site, filters.Input{Pattern: r.word, Action: r.action})
			if err != nil {
				t.Fatal(err)
			}
			rules[r.action] = rule.ID
		}
		for _, body := range []string{"a badword here", "a holdword here"} {
			_, err := e.Inbox.Post(e.Ctx, ann.ID, id, inbox.PostInput{Body: body})
			apptest.Want{Problem: "blocked_by_filter"}.Check(t, err)
			if err == nil || !strings.HasPrefix(err.Error(), "Your message was not posted") {
				t.Errorf("%q: %v", body, err)
			}
		}
		m := e.post(ann, id, "a maskword here")
		if m.Body != "a ******** here" {
			t.Errorf("masked body = %q", m.Body)
		}
		m = e.post(ann, id, "a flagword here")
		stored, err := store.DMByID(e.Ctx, e.DB, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Body != "a flagword here" || stored.FlaggedRules != strconv.FormatInt(rules["flag"], 10) {
			t.Errorf("flagged message = %q, rules %q", stored.Body, stored.FlaggedRules)
		}
		_, err = e.Inbox.Edit(e.Ctx, ann.ID, id, m.ID, "now a badword")
		apptest.Want{Problem: "blocked_by_filter"}.Check(t, err)
		if got := e.bodies(bob, id); !slices.Equal(got, []string{"hello", "a ******** here", "a flagword here"}) {
			t.Errorf("Bob sees %q", got)
		}
	})
}

// The per-minute message limit and the hourly limit of new conversations
// answer a rate-limit error that says when to try again.
func TestRateLimits(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		svc := inbox.New(e.DB, e.Bus, e.Filters, e.Authz, inbox.Options{MessagesPerMinute: 3, NewConversationsPerHour: 2, Now: e.Clock.Now}, e.Log)
		ann := e.User("Ann", model.RoleParticipant)
		ps := []*model.User{e.User("B", model.RoleParticipant), e.User("C", model.RoleParticipant), e.User("D", model.RoleParticipant)}
		start := time.Now()
		e.Clock.Set(start)
		var first int64
		for i, p := range ps {
			v, _, err := svc.Start(e.Ctx, ann.ID, inbox.StartInput{UserIDs: ids(p)})
			if i < 2 {
				if err != nil {
					t.Fatal(err)
				}
				first = max(first, v.Conversation.ID)
				continue
			}
			var rl *model.RateLimitError
			if !errors.As(err, &rl) || rl.RetryAfter <= 0 || !strings.Contains(rl.Message, "in the last hour") {
				t.Errorf("third conversation in an hour: %v", err)
			}
		}
		for i := range 4 {
			_, err := svc.Post(e.Ctx, ann.ID, first, inbox.PostInput{Body: "hi"})
			if i < 3 {
				if err != nil {
					t.Fatal(err)
				}
				continue
			}
			var rl *model.RateLimitError
			if !errors.As(err, &rl) || rl.RetryAfter != 60 {
				t.Errorf("fourth message in a minute: %v (%+v)", err, rl)
			}
		}
		e.Clock.Set(start.Add(time.Minute + time.Second))
		if _, err := svc.Post(e.Ctx, ann.ID, first, inbox.PostInput{Body: "later"}); err != nil {
			t.Errorf("a minute later: %v", err)
		}
		e.Clock.Set(start.Add(time.Hour + time.Second))
		if _, _, err := svc.Start(e.Ctx, ann.ID, inbox.StartInput{UserIDs: ids(ps[2])}); err != nil {
			t.Errorf("an hour later: %v", err)
		}
	})
}

// Site-wide mutes and bans and DM suspensions stop sending and starting
// (not reading); revoked or expired ones and channel sanctions don't.
func TestSanctions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann, bob := e.User("Ann", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		id, _ := e.pair(ann, bob, "hello")
		host := e.User("Hana", model.RoleParticipant)
		ch := e.Channel(host, "talk", chat.ChannelInput{})
		sanction := func(kind model.SanctionKind, channel *int64, expires *time.Time) *model.Sanction {
			s := &model.Sanction{Subject: model.Actor{UserID: ann.ID}.Key(), Kind: kind, ChannelID: channel, ExpiresAt: expires}
			if err := store.CreateSanction(e.Ctx, e.DB, s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		stopped := func(what string) {
			t.Helper()
			_, err := e.Inbox.Post(e.Ctx, ann.ID, id, inbox.PostInput{Body: "x"})
			apptest.Want{Problem: "dm_suspended"}.Check(t, err)
			_, _, err = e.Inbox.Start(e.Ctx, ann.ID, inbox.StartInput{UserIDs: ids(host), Body: "x"})
			apptest.Want{Problem: "dm_suspended"}.Check(t, err)
			if _, err := e.Inbox.Messages(e.Ctx, ann.ID, id, inbox.PageInput{}); err != nil {
				t.Errorf("%s: reading: %v", what, err)
			}
		}
		sanction(model.SanctionBan, &ch.ID, nil)
		e.post(ann, id, "a channel ban changes nothing here")

		for _, kind := range []model.SanctionKind{model.SanctionMute, model.SanctionBan, model.SanctionDMSuspend} {
			until := time.Now().Add(time.Hour)
			s := sanction(kind, nil, &until)
			stopped(string(kind))
			if err := store.RevokeSanction(e.Ctx, e.DB, s.ID, host.ID); err != nil {
				t.Fatal(err)
			}
			e.post(ann, id, "after "+string(kind)+" was lifted")
		}
		until := time.Now().Add(time.Hour)
		sanction(model.SanctionDMSuspend, nil, &until)
		_, err := e.Inbox.Post(e.Ctx, ann.ID, id, inbox.PostInput{Body: "x"})
		if err == nil || !strings.Contains(err.Error(), "suspended until") {
			t.Errorf("suspension message = %v", err)
		}
		e.Clock.Set(until.Add(time.Second))
		e.post(ann, id, "after it expired")
	})
}

// dm.mode off shuts every use case; staff keeps sending and starting to
// people with a staff role somewhere; dm.groups "staff" keeps groups to
// them. Guests never.
func TestSiteSettings(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ann, bob := e.User("Ann", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		host := e.User("Hana", model.RoleParticipant)
		e.Channel(host, "talk", chat.ChannelInput{}) // Hana hosts it: staff somewhere
		id, _ := e.pair(ann, bob, "hello")
		set := func(k, v string) {
			if err := store.SetSetting(e.Ctx, e.DB, k, v); err != nil {
				t.Fatal(err)
			}
		}
		set(model.SettingDMMode, model.DMModeOff)
		_, err := e.Inbox.Conversations(e.Ctx, ann.ID, model.FolderInbox)
		apptest.Want{Problem: "dm_off"}.Check(t, err)
		_, err = e.Inbox.Messages(e.Ctx, ann.ID, id, inbox.PageInput{})
		apptest.Want{Problem: "dm_off"}.Check(t, err)
		_, err = e.Inbox.Post(e.Ctx, ann.ID, id, inbox.PostInput{Body: "x"})
		apptest.Want{Problem: "dm_off"}.Check(t, err)
		if err == nil || err.Error() != "Direct messages are turned off on this site" {
			t.Errorf("off: %v", err)
		}
		if n, err := e.Inbox.UnreadTotal(e.Ctx, bob.ID); n != 0 || err != nil {
			t.Errorf("unread while off = %d, %v", n, err)
		}

		set(model.SettingDMMode, model.DMModeStaff)
		_, err = e.Inbox.Post(e.Ctx, ann.ID, id, inbox.PostInput{Body: "x"})
		apptest.Want{Problem: "dm_staff_only"}.Check(t, err)
		if _, err := e.Inbox.Messages(e.Ctx, ann.ID, id, inbox.PageInput{}); err != nil {
			t.Errorf("reading while staff-only: %v", err)
		}
		e.follow(ann, host)
		e.start(host, inbox.StartInput{Body: "staff may"}, ann)

		set(model.SettingDMMode, model.DMModeOn)
		set(model.SettingDMGroups, "staff")
		e.follow(bob, host)
		_, _, err = e.Inbox.Start(e.Ctx, ann.ID, inbox.StartInput{UserIDs: ids(bob, host)})
		apptest.Want{Problem: "groups_staff_only"}.Check(t, err)
		e.start(host, inbox.StartInput{}, ann, bob)

		_, _, err = e.Inbox.Start(e.Ctx, 0, inbox.StartInput{UserIDs: ids(bob)})
		apptest.Want{Problem: "account_required"}.Check(t, err)
		if err == nil || err.Error() != "Direct messages need an account — sign up to message people" {
			t.Errorf("guest: %v", err)
		}
	})
}
