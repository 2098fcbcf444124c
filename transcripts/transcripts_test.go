package transcripts_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/testenv"
	"backchannel/transcripts"
)

// classSession is a small known session: every moderation state, a thread,
// votes, reactions, tags, an anonymous question and a message outside the
// session.
type classSession struct {
	ch       *model.Channel
	sess     *model.ChannelSession
	host     *model.User
	ids      map[string]int64 // by name: q1 r1 q2 c1 hid hidReply del held denied shadow before
	visible  []string         // what participants see, in order (replies after their thread start)
	everyone []string         // what staff see, in order
}

func newClassSession(e *env) *classSession {
	e.T.Helper()
	cs := &classSession{ids: map[string]int64{}}
	cs.host = e.User("Hana", model.RoleParticipant)
	mod := e.User("Mo", model.RoleModerator)
	cs.ch = e.Channel(cs.host, "physics-101", chat.ChannelInput{})
	alice := e.Ready(cs.ch, e.User("Alice", model.RoleParticipant))
	cs.ids["before"] = e.Post(cs.ch, alice, chat.PostInput{Body: "Before class"}).ID

	var err error
	if cs.sess, err = e.Chat.StartSession(e.Ctx, cs.host.ID, cs.ch, "Week 3"); err != nil {
		e.T.Fatal(err)
	}
	bob := e.Ready(cs.ch, e.User("Bob", model.RoleParticipant))
	carol := e.Ready(cs.ch, e.User("Carol", model.RoleParticipant))
	dan := e.Ready(cs.ch, e.User("Dan", model.RoleParticipant))
	eve := e.Ready(cs.ch, e.User("Eve", model.RoleParticipant))
	e.Ready(cs.ch, e.User("Frank", model.RoleParticipant)) // accepts the guidelines, never posts
	e.Accept(cs.ch, alice)                                 // already accepted: not a new acceptance
	staff := e.Viewer(cs.ch, mod)
	hostV := e.Viewer(cs.ch, cs.host)

	post := func(name string, v chat.Viewer, in chat.PostInput) int64 {
		cs.ids[name] = e.Post(cs.ch, v, in).ID
		return cs.ids[name]
	}
	moderate := func(name string, v chat.Viewer, act model.ModAction, rule string) {
		if _, err := e.Moderation.Moderate(e.Ctx, cs.ch, v, cs.ids[name], act, moderation.ModInput{Guideline: rule}); err != nil {
			e.T.Fatalf("%s %s: %v", act, name, err)
		}
	}
	q1 := post("q1", alice, chat.PostInput{Body: "Why does entropy increase?", Kind: model.KindQuestion})
	post("r1", bob, chat.PostInput{Body: "More microstates.", ParentID: q1})
	post("q2", carol, chat.PostInput{Body: "Is the exam open book?", Kind: model.KindQuestion, Anonymous: true})
	post("c1", dan, chat.PostInput{Body: "=SUM(A1) slide 12 helped"})
	hid := post("hid", bob, chat.PostInput{Body: "Buy cheap essays"})
	post("hidReply", alice, chat.PostInput{Body: "Is this spam?", ParentID: hid})
	moderate("hid", staff, model.ActHide, "G2")
	post("del", dan, chat.PostInput{Body: "oops"})
	moderate("del", staff, model.ActDelete, "G2")

	all := model.PremodAll
	off := model.PremodOff
	cs.ch = e.reloadWith(cs, chat.ChannelInput{PremodMode: &all})
	post("held", carol, chat.PostInput{Body: "Waiting for review"})
	post("denied", carol, chat.PostInput{Body: "Turned down"})
	moderate("denied", staff, model.ActDeny, "G1")
	cs.ch = e.reloadWith(cs, chat.ChannelInput{PremodMode: &off})

	if _, err := e.Moderation.Sanction(e.Ctx, cs.ch, staff, moderation.SanctionInput{Subject: eve.Actor.Key(), Kind: model.SanctionShadowMute,
		ModInput: moderation.ModInput{Guideline: "G1"}}); err != nil {
		e.T.Fatal(err)
	}
	post("shadow", eve, chat.PostInput{Body: "Nobody hears me"})

	for _, v := range []chat.Viewer{bob, dan} {
		if _, err := e.Chat.Vote(e.Ctx, cs.ch, v, cs.ids["q1"], true); err != nil {
			e.T.Fatal(err)
		}
	}
	if _, err := e.Chat.Vote(e.Ctx, cs.ch, alice, cs.ids["q2"], true); err != nil {
		e.T.Fatal(err)
	}
	if _, err := e.Chat.React(e.Ctx, cs.ch, dan, cs.ids["c1"], "👍"); err != nil {
		e.T.Fatal(err)
	}
	moderate("q1", hostV, model.ActAnswer, "")
	moderate("c1", hostV, model.ActPin, "")
	if _, err := e.Transcripts.Tag(e.Ctx, cs.host.ID, cs.ch, transcripts.TagInput{MessageIDs: []int64{q1}, Tag: "exam", Thread: true}); err != nil {
		e.T.Fatal(err)
	}
	if _, err := e.Transcripts.Tag(e.Ctx, cs.host.ID, cs.ch, transcripts.TagInput{MessageIDs: []int64{cs.ids["c1"]}, Tag: "slides"}); err != nil {
		e.T.Fatal(err)
	}
	cs.visible = []string{"q1", "r1", "q2", "c1"}
	cs.everyone = []string{"q1", "r1", "q2", "c1", "hid", "hidReply", "del", "held", "denied", "shadow"}
	return cs
}

func (e *env) reloadWith(cs *classSession, in chat.ChannelInput) *model.Channel {
	e.T.Helper()
	ch, err := e.Chat.UpdateChannel(e.Ctx, cs.host.ID, cs.ch.Slug, in)
	if err != nil {
		e.T.Fatal(err)
	}
	return ch
}

// names lists the entries' messages by fixture name, replies after their
// thread start.
func (cs *classSession) names(tr *transcripts.Transcript) []string {
	byID := map[int64]string{}
	for n, id := range cs.ids {
		byID[id] = n
	}
	var out []string
	for _, en := range tr.Entries {
		out = append(out, byID[en.Message.ID])
		for _, r := range en.Replies {
			out = append(out, byID[r.Message.ID])
		}
	}
	return out
}

func entry(tr *transcripts.Transcript, id int64) *transcripts.TranscriptEntry {
	for i := range tr.Entries {
		if tr.Entries[i].Message.ID == id {
			return &tr.Entries[i]
		}
		for j := range tr.Entries[i].Replies {
			if tr.Entries[i].Replies[j].Message.ID == id {
				return &tr.Entries[i].Replies[j]
			}
		}
	}
	return nil
}

func TestTranscriptViews(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		cs := newClassSession(e)

		ss, err := e.Transcripts.Sessions(e.Ctx, cs.ch)
		if err != nil || len(ss) != 1 || ss[0].ID != cs.sess.ID || ss[0].Messages != len(cs.everyone) || ss[0].Visible != 5 {
			// Visible: the four participants see and Eve's shadow post
			// is stored visible to her only (state shadow), so 5 = q1
			// r1 q2 c1 hidReply (a visible reply under a hidden parent).
			t.Fatalf("sessions = %+v, %v", ss, err)
		}

		p, err := e.Transcripts.Transcript(e.Ctx, cs.ch, cs.sess.ID, transcripts.ViewParticipant)
		if err != nil {
			t.Fatal(err)
		}
		if got := cs.names(p); !slices.Equal(got, cs.visible) || p.Count != len(cs.visible) {
			t.Errorf("participant transcript = %v (count %d), want %v", got, p.Count, cs.visible)
		}
		q2 := entry(p, cs.ids["q2"])
		if q2 == nil || q2.Author != "Anonymous" || q2.Message.AuthorName != "" || q2.Message.AuthorUserID != nil {
			t.Errorf("anonymous question in participant view = %+v", q2)
		}
		q1 := entry(p, cs.ids["q1"])
		if q1 == nil || !q1.Message.Answered || q1.Message.VoteCount != 2 || len(q1.Tags) != 1 || q1.Tags[0].Name != "exam" || len(q1.Actions) != 0 {
			t.Errorf("q1 in participant view = %+v", q1)
		}
		if c1 := entry(p, cs.ids["c1"]); c1 == nil || !c1.Message.Pinned || len(c1.Reactions) != 1 || c1.Reactions[0].Count != 1 {
			t.Errorf("c1 in participant view = %+v", c1)
		}
		if len(p.Activity) != 0 {
			t.Errorf("participant view has activity: %+v", p.Activity)
		}

		s, err := e.Transcripts.Transcript(e.Ctx, cs.ch, cs.sess.ID, transcripts.ViewStaff)
		if err != nil {
			t.Fatal(err)
		}
		if got := cs.names(s); !slices.Equal(got, cs.everyone) || s.Count != len(cs.everyone) {
			t.Errorf("staff transcript = %v, want %v", got, cs.everyone)
		}
		states := map[string]model.MessageState{"hid": model.StateHidden, "del": model.StateDeleted, "held": model.StateHeld,
			"denied": model.StateDenied, "shadow": model.StateShadow, "q1": model.StateVisible}
		for name, want := range states {
			if en := entry(s, cs.ids[name]); en == nil || en.Message.State != want {
				t.Errorf("%s in staff view = %+v, want state %s", name, en, want)
			}
		}
		if q2 := entry(s, cs.ids["q2"]); q2 == nil || q2.Author != "Carol" || !q2.Message.Anonymous {
			t.Errorf("anonymous question in staff view = %+v", q2)
		}
		if hid := entry(s, cs.ids["hid"]); hid == nil || len(hid.Actions) != 1 || hid.Actions[0].Action != "message.hide" || hid.Actions[0].Guideline != "G2" {
			t.Errorf("actions on the hidden message = %+v", hid)
		}
		sanctioned := false
		for _, a := range s.Activity {
			if a.Action == "user.shadow_mute" {
				sanctioned = true
			}
			if a.TargetType == "message" {
				t.Errorf("message action %s in session activity", a.Action)
			}
		}
		if !sanctioned {
			t.Errorf("session activity has no shadow mute: %+v", s.Activity)
		}

		// Another channel's session is not found; nor is an unknown view.
		other := e.Channel(cs.host, "chem", chat.ChannelInput{})
		if _, err := e.Transcripts.Transcript(e.Ctx, other, cs.sess.ID, transcripts.ViewParticipant); !isNotFound(err) {
			t.Errorf("session of another channel: %v", err)
		}
		if _, err := e.Transcripts.Transcript(e.Ctx, cs.ch, cs.sess.ID, "everything"); err == nil {
			t.Errorf("unknown view accepted")
		}
	})
}

func TestTranscriptRetentionRemovedBody(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Hana", model.RoleParticipant)
		ch := e.Channel(host, "history", chat.ChannelInput{})
		sess, err := e.Chat.StartSession(e.Ctx, host.ID, ch, "Old class")
		if err != nil {
			t.Fatal(err)
		}
		v := e.Ready(ch, e.User("Alice", model.RoleParticipant))
		m := e.Post(ch, v, chat.PostInput{Body: "An old remark"})
		if _, err := db.NewUpdate().Model((*model.Message)(nil)).Set("body = ''").Set("body_removed_at = ?", m.CreatedAt).
			Where("id = ?", m.ID).Exec(e.Ctx); err != nil {
			t.Fatal(err)
		}
		tr, err := e.Transcripts.Transcript(e.Ctx, ch, sess.ID, transcripts.ViewParticipant)
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Entries) != 1 || !tr.Entries[0].Removed || tr.Entries[0].Message.Body != "" {
			t.Errorf("entries = %+v", tr.Entries)
		}
	})
}

func TestParseTranscriptView(t *testing.T) {
	tests := []struct {
		in   string
		def  transcripts.TranscriptView
		want transcripts.TranscriptView
		ok   bool
	}{
		{"", transcripts.ViewParticipant, transcripts.ViewParticipant, true},
		{"", transcripts.ViewStaff, transcripts.ViewStaff, true},
		{"staff", transcripts.ViewParticipant, transcripts.ViewStaff, true},
		{"participant", transcripts.ViewStaff, transcripts.ViewParticipant, true},
		{"all", transcripts.ViewParticipant, "", false},
	}
	for _, tt := range tests {
		got, err := transcripts.ParseTranscriptView(tt.in, tt.def)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseTranscriptView(%q, %q) = %q, %v", tt.in, tt.def, got, err)
		}
	}
}

func isNotFound(err error) bool { return errors.Is(err, model.ErrNotFound) }
