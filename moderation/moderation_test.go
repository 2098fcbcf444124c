package moderation_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/app/apptest"
	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/store"
	"backchannel/testenv"
)

// snap is what a moderator action changes on a message, as the audit log
// keeps it (before and after).
type snap struct {
	State       model.MessageState `json:"state"`
	Pinned      bool               `json:"pinned"`
	Highlighted bool               `json:"highlighted"`
	Answered    bool               `json:"answered"`
}

func snapOf(m *model.Message) snap {
	return snap{State: m.State, Pinned: m.Pinned, Highlighted: m.Highlighted, Answered: m.Answered}
}

// auditEntry reads one audit entry.
func (e *env) auditEntry(id int64) model.AuditEntry {
	e.T.Helper()
	es, err := store.ListAudit(e.Ctx, e.DB, store.AuditFilter{ID: id})
	if err != nil || len(es) != 1 {
		e.T.Fatalf("audit entry %d: %v, %v", id, es, err)
	}
	return es[0]
}

// audits lists the audit entries matching f, newest first.
func (e *env) audits(f store.AuditFilter) []model.AuditEntry {
	e.T.Helper()
	es, err := store.ListAudit(e.Ctx, e.DB, f)
	if err != nil {
		e.T.Fatal(err)
	}
	return es
}

// wantAudit checks an audit entry's who, what, where and why.
func wantAudit(t *testing.T, a model.AuditEntry, actor int64, action, targetType string, targetID int64, ch *model.Channel, reason, guideline string) {
	t.Helper()
	if a.ActorID == nil || *a.ActorID != actor || a.Action != action || a.TargetType != targetType ||
		a.TargetID != strconv.FormatInt(targetID, 10) || a.ChannelID == nil || *a.ChannelID != ch.ID ||
		a.Reason != reason || a.Guideline != guideline {
		t.Errorf("audit entry %+v, want %s by %d on %s %d in %s (reason %q, guideline %q)",
			a, action, actor, targetType, targetID, ch.Slug, reason, guideline)
	}
}

// mod applies a moderator action and fails the test on an error.
func (e *env) mod(ch *model.Channel, v chat.Viewer, id int64, act model.ModAction) *moderation.Done {
	e.T.Helper()
	d, err := e.Moderation.Moderate(e.Ctx, ch, v, id, act, moderation.ModInput{})
	if err != nil {
		e.T.Fatalf("%s message %d: %v", act, id, err)
	}
	return d
}

// sanction applies a sanction and fails the test on an error.
func (e *env) sanction(ch *model.Channel, v chat.Viewer, in moderation.SanctionInput) *moderation.Done {
	e.T.Helper()
	d, err := e.Moderation.Sanction(e.Ctx, ch, v, in)
	if err != nil {
		e.T.Fatalf("sanction %+v: %v", in, err)
	}
	return d
}

func key(u *model.User) string { return model.Actor{UserID: u.ID}.Key() }

func TestModerateActions(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "mod", chat.ChannelInput{})
		other := e.Channel(host, "other", chat.ChannelInput{})
		va, vm, vh := e.Ready(ch, alice), e.Viewer(ch, mod), e.Viewer(ch, host)
		q := e.Post(ch, va, chat.PostInput{Body: "Why is the sky blue?", Kind: model.KindQuestion})
		c := e.Post(ch, va, chat.PostInput{Body: "a comment"})
		elsewhere := e.Post(other, e.Ready(other, alice), chat.PostInput{Body: "elsewhere"})
		sub := e.Hub.Subscribe(ch.ID)
		defer sub.Close()

		long := strings.Repeat("x", 501)
		steps := []struct {
			name  string
			v     chat.Viewer
			m     *model.Message
			act   model.ModAction
			in    moderation.ModInput
			err   want
			after snap // when err is empty
		}{
			{name: "approve visible", v: vm, m: c, act: model.ActApprove, err: want{Problem: "not_held"}},
			{name: "deny visible", v: vm, m: c, act: model.ActDeny, err: want{Problem: "not_held"}},
			{name: "unhide visible", v: vm, m: c, act: model.ActUnhide, err: want{Problem: "not_hidden"}},
			{name: "answer comment", v: vm, m: c, act: model.ActAnswer, err: want{Problem: "not_a_question"}},
			{name: "participant hides", v: va, m: c, act: model.ActHide, err: want{Is: model.ErrForbidden}},
			{name: "host hides", v: vh, m: c, act: model.ActHide, err: want{Is: model.ErrForbidden}},
			{name: "host deletes", v: vh, m: c, act: model.ActDelete, err: want{Is: model.ErrForbidden}},
			{name: "unknown action", v: vm, m: c, act: "shout", err: want{Field: "action"}},
			{name: "long reason", v: vm, m: c, act: model.ActHide, in: moderation.ModInput{Reason: long}, err: want{Field: "reason"}},
			{name: "long guideline", v: vm, m: c, act: model.ActHide, in: moderation.ModInput{Guideline: "the one about kindness"}, err: want{Field: "guideline"}},
			{name: "other channel's message", v: vm, m: elsewhere, act: model.ActHide, err: want{Is: model.ErrNotFound}},

			{name: "hide", v: vm, m: c, act: model.ActHide, in: moderation.ModInput{Reason: "off-topic", Guideline: "G2"}, after: snap{State: model.StateHidden}},
			{name: "hide again", v: vm, m: c, act: model.ActHide, after: snap{State: model.StateHidden}},
			{name: "unhide", v: vm, m: c, act: model.ActUnhide, after: snap{State: model.StateVisible}},
			{name: "host pins", v: vh, m: q, act: model.ActPin, after: snap{State: model.StateVisible, Pinned: true}},
			{name: "moderator highlights", v: vm, m: q, act: model.ActHighlight, after: snap{State: model.StateVisible, Pinned: true, Highlighted: true}},
			{name: "host answers", v: vh, m: q, act: model.ActAnswer, after: snap{State: model.StateVisible, Pinned: true, Highlighted: true, Answered: true}},
			{name: "unpin", v: vm, m: q, act: model.ActUnpin, after: snap{State: model.StateVisible, Highlighted: true, Answered: true}},
			{name: "unhighlight", v: vh, m: q, act: model.ActUnhighlight, after: snap{State: model.StateVisible, Answered: true}},
			{name: "unanswer", v: vm, m: q, act: model.ActUnanswer, after: snap{State: model.StateVisible}},
			{name: "hide to approve", v: vm, m: c, act: model.ActHide, after: snap{State: model.StateHidden}},
			{name: "approve hidden", v: vm, m: c, act: model.ActApprove, in: moderation.ModInput{Reason: "fine after all"}, after: snap{State: model.StateVisible}},
			{name: "delete", v: vm, m: c, act: model.ActDelete, in: moderation.ModInput{Reason: "abuse", Guideline: "G1"}, after: snap{State: model.StateDeleted}},
			{name: "hide deleted", v: vm, m: c, act: model.ActHide, err: want{Problem: "message_removed"}},
			{name: "approve deleted", v: vm, m: c, act: model.ActApprove, err: want{Problem: "not_held"}},
		}
		for _, st := range steps {
			seq := e.Reload(ch).LastSeq
			before := snapOf(e.Message(st.m.ID))
			nAudit := len(e.Audits(store.AuditFilter{ChannelID: ch.ID, Limit: 1000}))
			d, err := e.Moderation.Moderate(e.Ctx, ch, st.v, st.m.ID, st.act, st.in)
			if st.err != (want{}) {
				st.err.Check(t, err)
				if d != nil || e.Reload(ch).LastSeq != seq || snapOf(e.Message(st.m.ID)) != before ||
					len(e.Audits(store.AuditFilter{ChannelID: ch.ID, Limit: 1000})) != nAudit {
					t.Errorf("%s: refused action changed something", st.name)
				}
				wantNoWake(t, sub)
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", st.name, err)
				continue
			}
			stored := e.Message(st.m.ID)
			if got := snapOf(stored); got != st.after || snapOf(d.Message) != st.after {
				t.Errorf("%s: message is %+v (returned %+v), want %+v", st.name, got, snapOf(d.Message), st.after)
			}
			if (stored.State == model.StateDeleted) != (stored.DeletedAt != nil) {
				t.Errorf("%s: state %s with deleted_at %v", st.name, stored.State, stored.DeletedAt)
			}
			if st.in.Reason != "" && stored.ModReason != st.in.Reason {
				t.Errorf("%s: mod reason %q", st.name, stored.ModReason)
			}
			// One update event, published.
			es, _ := store.EventsAfter(e.Ctx, db, ch.ID, seq, 0)
			if len(es) != 1 || es[0].Kind != model.EventMessageUpdated || *es[0].MessageID != st.m.ID {
				t.Errorf("%s: events %+v", st.name, es)
			}
			wantWake(t, sub, seq+1)
			// Audited with who, what, before and after, reason and guideline.
			a := e.auditEntry(d.AuditID)
			wantAudit(t, a, st.v.Actor.UserID, "message."+string(st.act), "message", st.m.ID, ch, st.in.Reason, st.in.Guideline)
			var b, af snap
			if json.Unmarshal([]byte(a.Before), &b) != nil || json.Unmarshal([]byte(a.After), &af) != nil || b != before || af != st.after {
				t.Errorf("%s: audit before %s after %s, want %+v → %+v", st.name, a.Before, a.After, before, st.after)
			}
		}
	})
}

func TestPremoderation(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		state := func(ch *model.Channel, v chat.Viewer, body string) *model.Message {
			t.Helper()
			return e.Post(ch, v, chat.PostInput{Body: body})
		}

		off := e.Channel(host, "off", chat.ChannelInput{})
		if m := state(off, e.Ready(off, alice), "hello"); m.State != model.StateVisible {
			t.Errorf("premod off: %s", m.State)
		}

		first := e.Channel(host, "first", chat.ChannelInput{PremodMode: ptr(model.PremodFirst)})
		va, vb, vm := e.Ready(first, alice), e.Ready(first, bob), e.Ready(first, mod)
		vg, _ := e.Guest(first, "Gus")
		m1 := state(first, va, "first post")
		m2 := state(first, va, "second post")
		g1 := state(first, vg, "guest post")
		b1 := state(first, vb, "bob's first")
		for _, m := range []*model.Message{m1, m2, g1, b1} {
			if m.State != model.StateHeld || !strings.Contains(m.ModReason, "first") {
				t.Errorf("premod first: %q is %s (%q), want held", m.Body, m.State, m.ModReason)
			}
		}
		// Staff and hosts are never held.
		if m := state(first, vm, "from staff"); m.State != model.StateVisible {
			t.Errorf("staff post %s", m.State)
		}
		if m := state(first, e.Ready(first, host), "from the host"); m.State != model.StateVisible {
			t.Errorf("host post %s", m.State)
		}
		// Held messages are for their author and staff only.
		if items, _ := e.Chat.Messages(e.Ctx, first, vb, 0, 100); len(items) != 3 {
			t.Errorf("bob sees %d messages, want his own and staff's 2", len(items))
		}
		// Denying keeps it held back; approving one frees the author.
		e.mod(first, vm, m2.ID, model.ActDeny)
		if m := state(first, va, "third"); m.State != model.StateHeld {
			t.Errorf("after a denial: %s", m.State)
		}
		e.mod(first, vm, m1.ID, model.ActApprove)
		if m := state(first, va, "fourth"); m.State != model.StateVisible {
			t.Errorf("after an approval: %s, want visible", m.State)
		}
		if m := state(first, vb, "bob again"); m.State != model.StateHeld {
			t.Errorf("another person's posts: %s, want held", m.State)
		}

		all := e.Channel(host, "all", chat.ChannelInput{PremodMode: ptr(model.PremodAll)})
		va = e.Ready(all, alice)
		vm = e.Ready(all, mod)
		a1 := state(all, va, "one")
		if a1.State != model.StateHeld || !strings.Contains(a1.ModReason, "every") {
			t.Errorf("premod all: %s %q", a1.State, a1.ModReason)
		}
		e.mod(all, vm, a1.ID, model.ActApprove)
		if m := state(all, va, "two"); m.State != model.StateHeld {
			t.Errorf("premod all after an approval: %s, want held", m.State)
		}
		if m := state(all, e.Ready(all, host), "host"); m.State != model.StateVisible {
			t.Errorf("premod all, host: %s", m.State)
		}
	})
}

func TestUndo(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		mod2 := e.User("Max", model.RoleModerator)
		ch := e.Channel(host, "undo", chat.ChannelInput{})
		other := e.Channel(host, "other", chat.ChannelInput{})
		va, vm, vm2 := e.Ready(ch, alice), e.Viewer(ch, mod), e.Viewer(ch, mod2)
		m := e.Post(ch, va, chat.PostInput{Body: "hello"})
		sub := e.Hub.Subscribe(ch.ID)
		defer sub.Close()

		// Within the window: the state comes back, once.
		d := e.mod(ch, vm, m.ID, model.ActHide)
		<-sub.C()
		if err := e.Moderation.Undo(e.Ctx, ch, vm2, d.AuditID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("another moderator undoes: %v", err)
		}
		if err := e.Moderation.Undo(e.Ctx, ch, va, d.AuditID); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("participant undoes: %v", err)
		}
		if err := e.Moderation.Undo(e.Ctx, other, e.Viewer(other, mod), d.AuditID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("undo from another channel: %v", err)
		}
		seq := e.Reload(ch).LastSeq
		if err := e.Moderation.Undo(e.Ctx, ch, vm, d.AuditID); err != nil {
			t.Fatal(err)
		}
		if got := e.Message(m.ID); got.State != model.StateVisible {
			t.Errorf("after undo: %s", got.State)
		}
		wantWake(t, sub, seq+1)
		if a := e.auditEntry(d.AuditID); a.UndoneAt == nil {
			t.Error("undone entry not marked")
		}
		undo := e.Audits(store.AuditFilter{Action: "message.hide.undo"})
		if len(undo) != 1 {
			t.Fatalf("undo entries %+v", undo)
		}
		wantAudit(t, undo[0], mod.ID, "message.hide.undo", "message", m.ID, ch, "undo", "")
		err := e.Moderation.Undo(e.Ctx, ch, vm, d.AuditID)
		wantProblem(t, err, "already_undone", model.ErrConflict)
		if e.Message(m.ID).State != model.StateVisible {
			t.Error("second undo changed the message")
		}

		// A delete comes back with its body.
		d = e.mod(ch, vm, m.ID, model.ActDelete)
		if err := e.Moderation.Undo(e.Ctx, ch, vm, d.AuditID); err != nil {
			t.Fatal(err)
		}
		if got := e.Message(m.ID); got.State != model.StateVisible || got.DeletedAt != nil || got.Body != "hello" {
			t.Errorf("undone delete: %+v", got)
		}

		// After 10 s it is too late; just inside it is not.
		d = e.mod(ch, vm, m.ID, model.ActPin)
		created := e.auditEntry(d.AuditID).CreatedAt
		e.Clock.Set(created.Add(moderation.UndoWindow + time.Millisecond))
		err = e.Moderation.Undo(e.Ctx, ch, vm, d.AuditID)
		wantProblem(t, err, "undo_expired", model.ErrConflict)
		if !e.Message(m.ID).Pinned {
			t.Error("expired undo changed the message")
		}
		e.Clock.Set(created.Add(moderation.UndoWindow - time.Second))
		if err := e.Moderation.Undo(e.Ctx, ch, vm, d.AuditID); err != nil {
			t.Errorf("undo 9 s later: %v", err)
		}
		e.Clock.Set(time.Time{})

		// A mute is lifted by its undo.
		d = e.sanction(ch, vm, moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionMute, Duration: moderation.Mute10m})
		_, err = e.Chat.Post(e.Ctx, ch, va, chat.PostInput{Body: "muted?"})
		wantProblem(t, err, "muted", model.ErrForbidden)
		if err := e.Moderation.Undo(e.Ctx, ch, vm, d.AuditID); err != nil {
			t.Fatal(err)
		}
		e.Post(ch, va, chat.PostInput{Body: "free again"})
		if sn, _ := store.SanctionByID(e.Ctx, db, d.Sanction.ID); sn.RevokedAt == nil || sn.RevokedBy == nil || *sn.RevokedBy != mod.ID {
			t.Errorf("undone mute: %+v", sn)
		}

		// Automatic filter entries have no actor and cannot be undone here.
		if err := e.Moderation.Undo(e.Ctx, ch, vm, 999999); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("undo of an unknown entry: %v", err)
		}
	})
}

func TestMute(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 1000})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "mute", chat.ChannelInput{})
		other := e.Channel(host, "other", chat.ChannelInput{})
		va, vm, vo := e.Ready(ch, alice), e.Viewer(ch, mod), e.Ready(other, alice)

		// Each preset sets its expiry and ends on its own.
		now := time.Now().UTC().Truncate(time.Second)
		for _, p := range []struct {
			preset moderation.MutePreset
			d      time.Duration
		}{{moderation.Mute1m, time.Minute}, {moderation.Mute10m, 10 * time.Minute}, {moderation.Mute1h, time.Hour}, {moderation.Mute24h, 24 * time.Hour}} {
			e.Clock.Set(now)
			d := e.sanction(ch, vm, moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionMute, Duration: p.preset, ModInput: moderation.ModInput{Reason: "cool down"}})
			sn, err := store.SanctionByID(e.Ctx, db, d.Sanction.ID)
			if err != nil || sn.ExpiresAt == nil || !sn.ExpiresAt.Equal(now.Add(p.d)) || sn.ChannelID == nil || *sn.ChannelID != ch.ID {
				t.Errorf("%s: stored %+v, %v; want expiry %v", p.preset, sn, err, now.Add(p.d))
			}
			a := e.auditEntry(d.AuditID)
			wantAudit(t, a, mod.ID, "user.mute", "user", alice.ID, ch, "cool down", "")
			var after model.Sanction
			if a.Before != "" || json.Unmarshal([]byte(a.After), &after) != nil || after.ID != sn.ID || after.Kind != model.SanctionMute ||
				after.Subject != key(alice) || after.ExpiresAt == nil || !after.ExpiresAt.Equal(*sn.ExpiresAt) {
				t.Errorf("%s: audit before %q after %q", p.preset, a.Before, a.After)
			}
			e.Clock.Set(now.Add(p.d - time.Second))
			_, err = e.Chat.Post(e.Ctx, ch, va, chat.PostInput{Body: "still muted"})
			wantProblem(t, err, "muted", model.ErrForbidden)
			if err != nil && !strings.Contains(err.Error(), "cool down") {
				t.Errorf("%s: refusal %q does not give the reason", p.preset, err)
			}
			e.Post(other, vo, chat.PostInput{Body: "other channels are fine"})
			e.Clock.Set(now.Add(p.d + time.Second))
			e.Post(ch, va, chat.PostInput{Body: "free again after " + string(p.preset)})
			now = now.Add(p.d + 2*time.Second)
		}
		e.Clock.Set(now) // past every mute above

		// Bad input.
		for _, c := range []struct {
			in   moderation.SanctionInput
			want want
		}{
			{moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionMute, Duration: "2m"}, want{Field: "duration"}},
			{moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionMute}, want{Field: "duration"}},
			{moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionMute, Duration: moderation.MuteSession}, want{Problem: "no_live_session"}},
			{moderation.SanctionInput{Subject: key(alice), Kind: "scold"}, want{Field: "kind"}},
			{moderation.SanctionInput{Subject: "x:1", Kind: model.SanctionWarn}, want{Field: "subject"}},
			{moderation.SanctionInput{Subject: "u:abc", Kind: model.SanctionWarn}, want{Field: "subject"}},
			{moderation.SanctionInput{Subject: key(mod), Kind: model.SanctionWarn}, want{Field: "subject"}},
			{moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionWarn, ModInput: moderation.ModInput{Reason: strings.Repeat("r", 501)}}, want{Field: "reason"}},
		} {
			_, err := e.Moderation.Sanction(e.Ctx, ch, vm, c.in)
			c.want.Check(t, err)
		}
		if _, err := e.Moderation.Sanction(e.Ctx, ch, va, moderation.SanctionInput{Subject: key(mod), Kind: model.SanctionMute, Duration: moderation.Mute1m}); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("participant mutes: %v", err)
		}

		// A warning is recorded and changes nothing else.
		d := e.sanction(ch, vm, moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionWarn, ModInput: moderation.ModInput{Reason: "language", Guideline: "G1"}})
		wantAudit(t, e.auditEntry(d.AuditID), mod.ID, "user.warn", "user", alice.ID, ch, "language", "G1")
		e.Post(ch, va, chat.PostInput{Body: "warned but may post"})

		// The rest of the session: ends with the session.
		if _, err := e.Chat.StartSession(e.Ctx, host.ID, ch, "Week 1"); err != nil {
			t.Fatal(err)
		}
		d = e.sanction(ch, vm, moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionMute, Duration: moderation.MuteSession})
		if d.Sanction.SessionID == nil || d.Sanction.ExpiresAt != nil {
			t.Errorf("session mute %+v", d.Sanction)
		}
		_, err := e.Chat.Post(e.Ctx, ch, va, chat.PostInput{Body: "during the session"})
		wantProblem(t, err, "muted", model.ErrForbidden)
		if _, err := e.Chat.EndSession(e.Ctx, host.ID, ch); err != nil {
			t.Fatal(err)
		}
		e.Post(ch, va, chat.PostInput{Body: "after the session"})
		if _, err := e.Chat.StartSession(e.Ctx, host.ID, ch, "Week 2"); err != nil {
			t.Fatal(err)
		}
		e.Post(ch, va, chat.PostInput{Body: "next session"})
	})
}

func TestMuteSurvivesRestart(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "restart", chat.ChannelInput{})
		e.Ready(ch, alice)
		now := time.Now().UTC()
		e.Clock.Set(now)
		e.sanction(ch, e.Viewer(ch, mod), moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionMute, Duration: moderation.Mute10m})

		// A new process: a new policy engine and service over the same
		// database.
		second := apptest.New(t, db, chat.Options{RateCount: 100})
		second.Clock.Set(now.Add(time.Minute))
		svc := second.Chat
		fresh, err := svc.Channel(e.Ctx, "restart")
		if err != nil {
			t.Fatal(err)
		}
		v, err := svc.ViewerFor(e.Ctx, fresh, alice, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.Post(e.Ctx, fresh, v, chat.PostInput{Body: "after the restart"})
		wantProblem(t, err, "muted", model.ErrForbidden)
		second.Clock.Set(now.Add(10*time.Minute + time.Second))
		if _, err := svc.Post(e.Ctx, fresh, v, chat.PostInput{Body: "after the mute"}); err != nil {
			t.Errorf("post after the mute expired: %v", err)
		}
	})
}

func TestBan(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		local := e.User("Lou", model.RoleParticipant) // moderates channel a only
		a := e.Channel(host, "chan-a", chat.ChannelInput{})
		b := e.Channel(host, "chan-b", chat.ChannelInput{})
		if err := e.Authz.Grant(e.Ctx, local.ID, model.RoleModerator, "chan-a"); err != nil {
			t.Fatal(err)
		}
		va, vb := e.Ready(a, alice), e.Ready(b, alice)
		vg, g := e.Guest(a, "Gus")
		vm, vl := e.Viewer(a, mod), e.Viewer(a, local)
		canView := func(ch *model.Channel, v chat.Viewer) bool {
			t.Helper()
			ok, err := e.Chat.CanView(e.Ctx, ch, v)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}

		// A channel ban: not in a, still in b.
		d := e.sanction(a, vl, moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionBan, ModInput: moderation.ModInput{Reason: "spam"}})
		if canView(a, va) || !canView(b, vb) {
			t.Error("channel ban: wrong channels")
		}
		_, err := e.Chat.Post(e.Ctx, a, va, chat.PostInput{Body: "banned?"})
		wantProblem(t, err, "not_a_member", model.ErrForbidden)
		e.Post(b, vb, chat.PostInput{Body: "fine here"})
		// Guests are banned by their key.
		e.sanction(a, vm, moderation.SanctionInput{Subject: model.Actor{GuestID: g.ID}.Key(), Kind: model.SanctionBan})
		if canView(a, vg) {
			t.Error("banned guest still sees the channel")
		}

		// Lifting it: from its channel only, once, audited.
		if _, err := e.Moderation.RevokeSanction(e.Ctx, b, e.Viewer(b, mod), d.Sanction.ID, moderation.ModInput{}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("revoke from another channel: %v", err)
		}
		if _, err := e.Moderation.RevokeSanction(e.Ctx, a, va, d.Sanction.ID, moderation.ModInput{}); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("participant revokes: %v", err)
		}
		r, err := e.Moderation.RevokeSanction(e.Ctx, a, vl, d.Sanction.ID, moderation.ModInput{Reason: "apologised"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Sanction.RevokedAt == nil || !canView(a, va) {
			t.Errorf("revoked ban %+v still applies", r.Sanction)
		}
		wantAudit(t, e.auditEntry(r.AuditID), local.ID, "sanction.revoke", "user", alice.ID, a, "apologised", "")
		_, err = e.Moderation.RevokeSanction(e.Ctx, a, vl, d.Sanction.ID, moderation.ModInput{})
		wantProblem(t, err, "already_revoked", model.ErrConflict)
		e.Post(a, va, chat.PostInput{Body: "back"})

		// Site-wide: only site-wide moderators; it holds everywhere.
		_, err = e.Moderation.Sanction(e.Ctx, a, vl, moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionBan, SiteWide: true})
		wantProblem(t, err, "not_site_moderator", model.ErrForbidden)
		d = e.sanction(a, vm, moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionBan, SiteWide: true})
		if d.Sanction.ChannelID != nil || canView(a, va) || canView(b, vb) {
			t.Errorf("site-wide ban %+v does not hold everywhere", d.Sanction)
		}
		if _, err := e.Chat.Post(e.Ctx, b, vb, chat.PostInput{Body: "banned?"}); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("post while banned site-wide: %v", err)
		}
		_, err = e.Moderation.RevokeSanction(e.Ctx, a, vl, d.Sanction.ID, moderation.ModInput{})
		wantProblem(t, err, "not_site_moderator", model.ErrForbidden)
		if _, err := e.Moderation.RevokeSanction(e.Ctx, b, e.Viewer(b, mod), d.Sanction.ID, moderation.ModInput{}); err != nil {
			t.Errorf("site moderator lifts a site-wide ban from any channel: %v", err)
		}
		if !canView(a, va) || !canView(b, vb) {
			t.Error("lifted site-wide ban still applies")
		}
		// Staff see everything whatever happens.
		if !canView(a, vm) {
			t.Error("staff cannot view")
		}
	})
}

func TestShadowMute(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "shadow", chat.ChannelInput{})
		other := e.Channel(host, "other", chat.ChannelInput{})
		va, vb, vm := e.Ready(ch, alice), e.Ready(ch, bob), e.Viewer(ch, mod)
		e.sanction(ch, vm, moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionShadowMute, ModInput: moderation.ModInput{Reason: "troll"}})

		m := e.Post(ch, va, chat.PostInput{Body: "can anyone hear me"})
		if e.Message(m.ID).State != model.StateShadow {
			t.Fatalf("stored as %s, want shadow", e.Message(m.ID).State)
		}
		if o := e.Post(other, e.Ready(other, alice), chat.PostInput{Body: "elsewhere"}); o.State != model.StateVisible {
			t.Errorf("other channel: %s", o.State)
		}
		// find reports how v sees m in the feed, the paging list and the
		// stream: nil where it is not shown.
		find := func(v chat.Viewer) (feed, list, change *chat.Item) {
			t.Helper()
			f, err := e.Chat.Feed(e.Ctx, e.Reload(ch), v, "")
			if err != nil {
				t.Fatal(err)
			}
			for i := range f.Items {
				if f.Items[i].Message.ID == m.ID {
					feed = &f.Items[i]
				}
			}
			items, err := e.Chat.Messages(e.Ctx, ch, v, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			for i := range items {
				if items[i].Message.ID == m.ID {
					list = &items[i]
				}
			}
			cs, err := e.Chat.Changes(e.Ctx, ch, v, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if c.Event.MessageID != nil && *c.Event.MessageID == m.ID {
					change = c.Item
				}
			}
			return feed, list, change
		}
		// The author sees it as if all went well.
		feed, list, change := find(va)
		for _, it := range []*chat.Item{feed, list, change} {
			if it == nil || it.Message.State != model.StateVisible || !it.Mine {
				t.Errorf("author's view: %+v, want their message as visible", it)
			}
		}
		if it, err := e.Chat.MessageItem(e.Ctx, ch, va, m.ID); err != nil || it.Message.State != model.StateVisible {
			t.Errorf("author's item: %+v, %v", it, err)
		}
		// Peers do not see it at all.
		if feed, list, change := find(vb); feed != nil || list != nil || change != nil {
			t.Errorf("peer sees the shadow post: %v %v %v", feed, list, change)
		}
		if _, err := e.Chat.MessageItem(e.Ctx, ch, vb, m.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("peer's item: %v", err)
		}
		// Staff do, as what it is.
		feed, list, change = find(vm)
		for _, it := range []*chat.Item{feed, list, change} {
			if it == nil || it.Message.State != model.StateShadow {
				t.Errorf("staff view: %+v, want the shadow post", it)
			}
		}
	})
}

func TestPurge(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "purge", chat.ChannelInput{})
		other := e.Channel(host, "other", chat.ChannelInput{})
		va, vb, vm := e.Ready(ch, alice), e.Ready(ch, bob), e.Viewer(ch, mod)
		a1 := e.Post(ch, va, chat.PostInput{Body: "one"})
		a2 := e.Post(ch, va, chat.PostInput{Body: "two", Kind: model.KindQuestion})
		a3 := e.Post(ch, va, chat.PostInput{Body: "three"})
		reply := e.Post(ch, va, chat.PostInput{Body: "a reply", ParentID: a1.ID})
		gone := e.Post(ch, va, chat.PostInput{Body: "removed already"})
		e.mod(ch, vm, a3.ID, model.ActHide)
		if _, err := e.Chat.Delete(e.Ctx, ch, va, gone.ID); err != nil {
			t.Fatal(err)
		}
		b1 := e.Post(ch, vb, chat.PostInput{Body: "bob's"})
		o1 := e.Post(other, e.Ready(other, alice), chat.PostInput{Body: "alice elsewhere"})

		if _, _, err := e.Moderation.Purge(e.Ctx, ch, va, key(bob), moderation.ModInput{}); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("participant purges: %v", err)
		}
		_, _, err := e.Moderation.Purge(e.Ctx, ch, vm, "nobody", moderation.ModInput{})
		wantField(t, err, "subject")

		d, n, err := e.Moderation.Purge(e.Ctx, ch, vm, key(alice), moderation.ModInput{Reason: "spam run", Guideline: "G4"})
		if err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Errorf("purged %d, want 3 (one, two, the reply)", n)
		}
		for _, c := range []struct {
			m    *model.Message
			want model.MessageState
		}{{a1, model.StateHidden}, {a2, model.StateHidden}, {reply, model.StateHidden}, {a3, model.StateHidden},
			{gone, model.StateDeleted}, {b1, model.StateVisible}, {o1, model.StateVisible}} {
			if got := e.Message(c.m.ID).State; got != c.want {
				t.Errorf("%q is %s, want %s", c.m.Body, got, c.want)
			}
		}
		pa := e.auditEntry(d.AuditID)
		wantAudit(t, pa, mod.ID, "user.purge", "user", alice.ID, ch, "spam run", "G4")
		var purged map[int64]model.MessageState
		if json.Unmarshal([]byte(pa.Before), &purged) != nil || len(purged) != 3 || purged[a1.ID] != model.StateVisible || pa.After != "3" {
			t.Errorf("purge audit before %q after %q", pa.Before, pa.After)
		}
		if items, _ := e.Chat.Messages(e.Ctx, ch, vb, 0, 100); len(items) != 2 { // bob's own, and the tombstone
			t.Errorf("bob sees %d messages after the purge, want 2", len(items))
		}
		// Undone, each message gets its own state back.
		if err := e.Moderation.Undo(e.Ctx, ch, vm, d.AuditID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			m    *model.Message
			want model.MessageState
		}{{a1, model.StateVisible}, {a2, model.StateVisible}, {reply, model.StateVisible}, {a3, model.StateHidden}} {
			if got := e.Message(c.m.ID).State; got != c.want {
				t.Errorf("after undo %q is %s, want %s", c.m.Body, got, c.want)
			}
		}
	})
}

func TestReports(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		carol := e.User("Carol", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "reports", chat.ChannelInput{})
		other := e.Channel(host, "other", chat.ChannelInput{})
		va, vb, vc, vm := e.Ready(ch, alice), e.Ready(ch, bob), e.Ready(ch, carol), e.Viewer(ch, mod)
		m1 := e.Post(ch, va, chat.PostInput{Body: "rude one"})
		m2 := e.Post(ch, va, chat.PostInput{Body: "rude two"})
		m3 := e.Post(ch, va, chat.PostInput{Body: "rude three"})
		m4 := e.Post(ch, va, chat.PostInput{Body: "borderline"})
		o := e.Post(other, e.Ready(other, alice), chat.PostInput{Body: "elsewhere"})
		sub := e.Hub.Subscribe(ch.ID)
		defer sub.Close()

		seq := e.Reload(ch).LastSeq
		r, err := e.Moderation.Report(e.Ctx, ch, vb, m1.ID, "  insulting  ")
		if err != nil {
			t.Fatal(err)
		}
		if r.ID == 0 || r.Reason != "insulting" || r.Reporter != key(bob) || r.MessageID != m1.ID {
			t.Errorf("report %+v", r)
		}
		if es, _ := store.EventsAfter(e.Ctx, db, ch.ID, seq, 0); len(es) != 1 || es[0].Kind != model.EventReport {
			t.Errorf("report events %+v", es)
		}
		wantWake(t, sub, seq+1)
		_, err = e.Moderation.Report(e.Ctx, ch, vb, m1.ID, "again")
		wantProblem(t, err, "already_reported", model.ErrConflict)
		for _, c := range []struct {
			v      chat.Viewer
			id     int64
			reason string
			want   want
		}{
			{vb, m1.ID, "  ", want{Field: "reason"}},
			{vb, m1.ID, strings.Repeat("r", 501), want{Field: "reason"}},
			{chat.Viewer{}, m1.ID, "x", want{Is: model.ErrUnauthorized}},
			{vb, o.ID, "x", want{Is: model.ErrNotFound}},
			{vb, 999999, "x", want{Is: model.ErrNotFound}},
		} {
			_, err := e.Moderation.Report(e.Ctx, ch, c.v, c.id, c.reason)
			c.want.Check(t, err)
		}
		wantNoWake(t, sub)
		for _, rp := range []struct {
			v  chat.Viewer
			id int64
		}{{vc, m1.ID}, {vb, m2.ID}, {vb, m3.ID}, {vc, m4.ID}} {
			if _, err := e.Moderation.Report(e.Ctx, ch, rp.v, rp.id, "please look"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.Moderation.Queue(e.Ctx, ch, vb, 50); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("participant reads the queue: %v", err)
		}
		open := func() map[int64][]string {
			t.Helper()
			q, err := e.Moderation.Queue(e.Ctx, ch, vm, 50)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64][]string{}
			for _, ri := range q.Reports {
				for _, r := range ri.Reports {
					out[ri.Item.Message.ID] = append(out[ri.Item.Message.ID], r.Reason)
				}
			}
			return out
		}
		got := open()
		if len(got) != 4 || len(got[m1.ID]) != 2 || got[m1.ID][0] != "insulting" {
			t.Fatalf("open reports %v", got)
		}
		// Hiding or deleting resolves a message's reports; pinning does not.
		e.mod(ch, vm, m1.ID, model.ActHide)
		e.mod(ch, vm, m2.ID, model.ActDelete)
		e.mod(ch, vm, m4.ID, model.ActPin)
		if got := open(); len(got) != 2 || got[m3.ID] == nil || got[m4.ID] == nil {
			t.Errorf("open reports after hide, delete, pin: %v", got)
		}
		// A purge hides without deciding; approving then resolves.
		if _, _, err := e.Moderation.Purge(e.Ctx, ch, vm, key(alice), moderation.ModInput{}); err != nil {
			t.Fatal(err)
		}
		if got := open(); got[m3.ID] == nil {
			t.Errorf("purge resolved reports: %v", got)
		}
		e.mod(ch, vm, m3.ID, model.ActApprove)
		if got := open(); got[m3.ID] != nil {
			t.Errorf("approve left reports open: %v", got)
		}
		rs, err := store.OpenReports(e.Ctx, db, []int64{ch.ID})
		if err != nil || len(rs) != 1 || rs[0].MessageID != m4.ID {
			t.Errorf("open reports %+v, %v", rs, err)
		}
		var resolved model.Report
		if err := db.NewSelect().Model(&resolved).Where("message_id = ?", m1.ID).Limit(1).Scan(e.Ctx); err != nil ||
			resolved.ResolvedAt == nil || resolved.ResolvedBy == nil || *resolved.ResolvedBy != mod.ID {
			t.Errorf("resolved report %+v, %v", resolved, err)
		}
	})
}

func TestQueueAndPerson(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "queue", chat.ChannelInput{PremodMode: ptr(model.PremodFirst)})
		va, vm := e.Ready(ch, alice), e.Viewer(ch, mod)
		held := e.Post(ch, va, chat.PostInput{Body: "first, held"})
		q, err := e.Moderation.Queue(e.Ctx, ch, vm, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(q.Held) != 1 || q.Held[0].Message.ID != held.ID || q.Held[0].Message.ModReason == "" {
			t.Errorf("held %+v", q.Held)
		}

		if _, err := e.Moderation.AddNote(e.Ctx, va, key(alice), "hi"); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("participant writes a note: %v", err)
		}
		_, err = e.Moderation.AddNote(e.Ctx, vm, key(alice), "   ")
		wantField(t, err, "body")
		n, err := e.Moderation.AddNote(e.Ctx, vm, key(alice), "Second warning this week.")
		if err != nil || n.ID == 0 || n.CreatedBy == nil || *n.CreatedBy != mod.ID {
			t.Fatalf("note %+v, %v", n, err)
		}
		e.sanction(ch, vm, moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionMute, Duration: moderation.Mute1h})
		p, err := e.Moderation.PersonCard(e.Ctx, ch, vm, key(alice))
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "Alice" || len(p.Messages) != 1 || len(p.Sanctions) != 1 || len(p.Active) != 1 || len(p.Notes) != 1 ||
			p.Notes[0].Body != "Second warning this week." {
			t.Errorf("person card %+v", p)
		}
		if _, err := e.Moderation.PersonCard(e.Ctx, ch, va, key(alice)); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("participant opens a card: %v", err)
		}
	})
}

// Staff are exempt from sanctions where they are staff, so one is refused up
// front instead of being stored to no effect.
func TestSanctionOnStaffRefused(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Hana", model.RoleHost)
		admin := e.User("Ada", model.RoleAdmin)
		mod := e.User("Mo", model.RoleModerator)
		alice := e.User("Alice", model.RoleParticipant)
		ch := e.Channel(host, "staff", chat.ChannelInput{})
		other := e.Channel(host, "elsewhere", chat.ChannelInput{})
		chanMod := e.User("Cam", model.RoleParticipant)
		if err := e.Authz.Grant(e.Ctx, chanMod.ID, model.RoleModerator, other.Slug); err != nil {
			t.Fatal(err)
		}
		va, vm := e.Viewer(ch, admin), e.Viewer(ch, mod)
		for _, c := range []struct {
			by       chat.Viewer
			who      *model.User
			siteWide bool
		}{{va, host, false}, {va, mod, false}, {vm, admin, false}, {va, mod, true}, {va, host, true}} {
			_, err := e.Moderation.Sanction(e.Ctx, ch, c.by, moderation.SanctionInput{Subject: key(c.who), Kind: model.SanctionBan, SiteWide: c.siteWide})
			wantProblem(t, err, "subject_is_staff", model.ErrConflict)
			if ss, err := store.ActiveSanctions(e.Ctx, db, key(c.who), ch.ID, time.Now()); err != nil || len(ss) != 0 {
				t.Errorf("sanctions of %s stored: %v, %v", c.who.DisplayName, ss, err)
			}
		}
		// A moderator of another channel is a participant here.
		e.sanction(ch, va, moderation.SanctionInput{Subject: key(chanMod), Kind: model.SanctionMute, Duration: moderation.Mute1m})
		e.sanction(ch, va, moderation.SanctionInput{Subject: key(alice), Kind: model.SanctionBan})
	})
}
