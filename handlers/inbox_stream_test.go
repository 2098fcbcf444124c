package handlers_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"backchannel/inbox"
	"backchannel/model"
	"backchannel/store"
)

// tInboxEvent is the data of an inbox stream event.
type tInboxEvent struct {
	Type           string `json:"type"`
	ID             int64  `json:"id"`
	ConversationID int64  `json:"conversation_id"`
	Message        *struct {
		ID       int64  `json:"id"`
		AuthorID int64  `json:"author_id"`
		Body     string `json:"body"`
	} `json:"message"`
}

// nextInbox reads the stream's next event and checks that its id and data
// agree.
func nextInbox(t *testing.T, st *sseStream) tInboxEvent {
	t.Helper()
	ev := st.next()
	var e tInboxEvent
	if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
		t.Fatalf("event data is not JSON (%v): %+v", err, ev)
	}
	if ev.ID != strconv.FormatInt(e.ID, 10) {
		t.Fatalf("event id %q, data id %d", ev.ID, e.ID)
	}
	return e
}

// dmPost posts body in conversation conv as userID and returns the event
// id of the new message.
func dmPost(t *testing.T, s *testServer, userID, conv int64, body string) int64 {
	t.Helper()
	if _, err := s.Inbox.Post(context.Background(), userID, conv, inbox.PostInput{Body: body}); err != nil {
		t.Fatal(err)
	}
	head, err := s.InboxFeed.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return head
}

// dmStart starts a conversation of userID with the people of handles and
// a first message, and returns its id.
func dmStart(t *testing.T, s *testServer, userID int64, body string, handles ...string) int64 {
	t.Helper()
	cv, _, err := s.Inbox.Start(context.Background(), userID, inbox.StartInput{Handles: handles, Body: body, Group: len(handles) > 1})
	if err != nil {
		t.Fatal(err)
	}
	return cv.Conversation.ID
}

// The per-person stream carries every event of the person's conversations
// and nothing of anyone else's, not even an id; a reconnect with
// Last-Event-ID (or ?since=) replays exactly what was missed — from the
// database for an old id, from the instance's ring for a recent one — and
// then follows on, without a gap or a repeat.
func TestInboxStreamExactReplay(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ann := s.apiUser(t, "ann@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		cat := s.apiUser(t, "cat@example.org", model.RoleParticipant)
		annBob := dmStart(t, s, ann.user.ID, "hi Bob", bob.user.Handle)
		annCat := dmStart(t, s, cat.user.ID, "hi Ann, Cat here", ann.user.Handle)
		for i := range 3 {
			dmPost(t, s, ann.user.ID, annBob, "more for Bob "+strconv.Itoa(i))
			dmPost(t, s, cat.user.ID, annCat, "more for Ann "+strconv.Itoa(i))
		}
		head, err := s.InboxFeed.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := store.DMEventsFor(ctx, s.DB, bob.user.ID, 0, head, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 4 {
			t.Fatalf("Bob has %d events; want at least 4", len(rows))
		}

		// From the start (?since=0): Bob's events, in order, from the
		// database; then the live ones, with Cat's between them skipped.
		st := bob.openStreamAt("/api/v1/me/inbox/events?since=0")
		for _, r := range rows {
			if e := nextInbox(t, st); e.ID != r.ID || e.ConversationID != annBob {
				t.Fatalf("replay: got event %d of conversation %d, want %d of %d", e.ID, e.ConversationID, r.ID, annBob)
			}
		}
		e1 := dmPost(t, s, ann.user.ID, annBob, "live one")
		dmPost(t, s, cat.user.ID, annCat, "not for Bob")
		e3 := dmPost(t, s, ann.user.ID, annBob, "live two")
		if e := nextInbox(t, st); e.ID != e1 || e.Type != "message" || e.Message == nil || e.Message.Body != "live one" || e.Message.AuthorID != ann.user.ID {
			t.Fatalf("live event = %+v, want %d with its message", e, e1)
		}
		if e := nextInbox(t, st); e.ID != e3 {
			t.Fatalf("after %d got %d, want %d (the event between is not Bob's)", e1, e.ID, e3)
		}
		st.close()

		// Missed while away; reconnecting with Last-Event-ID gets exactly
		// these (from the ring: the id is recent).
		e4 := dmPost(t, s, ann.user.ID, annBob, "while away 1")
		dmPost(t, s, cat.user.ID, annCat, "not for Bob either")
		e6 := dmPost(t, s, bob.user.ID, annBob, "while away 2")
		st = bob.openStreamAt("/api/v1/me/inbox/events", "Last-Event-ID", strconv.FormatInt(e1, 10))
		for _, want := range []int64{e3, e4, e6} {
			if e := nextInbox(t, st); e.ID != want {
				t.Fatalf("replay after %d: got %d, want %d", e1, e.ID, want)
			}
		}
		e7 := dmPost(t, s, ann.user.ID, annBob, "after the replay")
		if e := nextInbox(t, st); e.ID != e7 {
			t.Fatalf("after the replay got %d, want %d", e.ID, e7)
		}
		st.close()

		// From an old id (older than this instance's ring started): the
		// database, for Bob alone.
		st = bob.openStreamAt("/api/v1/me/inbox/events?since=" + strconv.FormatInt(rows[1].ID, 10))
		for _, r := range rows[2:] {
			if e := nextInbox(t, st); e.ID != r.ID {
				t.Fatalf("replay from the database: got %d, want %d", e.ID, r.ID)
			}
		}
		for _, want := range []int64{e1, e3, e4, e6, e7} {
			if e := nextInbox(t, st); e.ID != want {
				t.Fatalf("replay from the database, later: got %d, want %d", e.ID, want)
			}
		}
		st.close()

		// Without an id the stream starts now.
		st = cat.openStreamAt("/api/v1/me/inbox/events")
		e8 := dmPost(t, s, cat.user.ID, annCat, "Cat's newest")
		if e := nextInbox(t, st); e.ID != e8 {
			t.Fatalf("a new stream got %d first, want %d", e.ID, e8)
		}
		st.close()

		// A malformed id is refused with a message.
		cat.do("GET", "/api/v1/me/inbox/events?since=soon", nil).wantError(400, "bad_request", "")
	})
}

// The page stream's fragments are the same bytes for every member in the
// same audience and hold nothing of the viewer's session; they put the
// message into its conversation's thread and signal the list and badge.
func TestInboxPageStreamFragments(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ann, bob, cat := s.threePeople(t)
		group := dmStart(t, s, ann.ID, "hello both", bob.Handle, cat.Handle)
		// Bob and Cat accept, so all three read it in their inboxes.
		for _, u := range []*model.User{bob, cat} {
			if err := s.Inbox.Accept(context.Background(), u.ID, group); err != nil && !strings.Contains(err.Error(), "request") {
				t.Logf("accept: %v", err)
			}
		}
		since, err := s.InboxFeed.Head(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var readers []*sseReader
		for _, u := range []*model.User{bob, cat} {
			b := s.browser(t)
			b.signIn(u.Email)
			readers = append(readers, openInboxPageStream(t, b, since))
		}
		id := dmPost(t, s, ann.ID, group, "live <b>hello</b>")
		fb, fc := readers[0].frame(t, id), readers[1].frame(t, id)
		if fb != fc {
			t.Errorf("Bob's and Cat's frames differ:\n%s\n%s", fb, fc)
		}
		for _, want := range []string{`hx-target="#dm-thread-` + strconv.FormatInt(group, 10) + `"`, `data-author="` + strconv.FormatInt(ann.ID, 10) + `"`,
			"live &lt;b&gt;hello&lt;/b&gt;", `data-dm="message"`, `hx-target="#inbox-live"`} {
			if !strings.Contains(fb, want) {
				t.Errorf("frame lacks %s:\n%s", want, fb)
			}
		}
		if strings.Contains(fb, "_csrf") || strings.Contains(fb, "mine") && strings.Contains(fb, `class="dm-msg mine`) {
			t.Errorf("frame holds something of one viewer:\n%s", fb)
		}
	})
}

// openInboxPageStream opens b's inbox page stream from after.
func openInboxPageStream(t *testing.T, b *browser, after int64) *sseReader {
	t.Helper()
	return openStreamReader(t, b, "/inbox/events?since="+strconv.FormatInt(after, 10))
}

// An open inbox stream ends when the access that opened it ends (an API
// token revoked, an account disabled, a signed-out session), as channel
// streams do; others' streams stay open.
func TestInboxStreamsEndWhenAccessEnds(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		admin := s.createUser(t, "admin@example.org", model.RoleAdmin)
		ann := s.createUser(t, "ann@example.org", model.RoleParticipant)
		const apiPath, pagePath = "/api/v1/me/inbox/events", "/inbox/events"
		bob, bb, btoken := s.withToken(t, "bob")
		cat, cb, ctoken := s.withToken(t, "cat")
		bobs := []*liveStream{openLive(t, bb, apiPath, btoken), openLive(t, bb, pagePath, "")}
		cats := []*liveStream{openLive(t, cb, apiPath, ctoken), openLive(t, cb, pagePath, "")}
		group := dmStart(t, s, ann.ID, "hello both", bob.Handle, cat.Handle)
		for _, l := range append(append([]*liveStream{}, bobs...), cats...) {
			if l.Status != 200 {
				t.Fatalf("a stream opened with %d", l.Status)
			}
			l.waitText(t, "hello both")
		}
		s.disableAndWait(t, admin.ID, bob.ID, bobs...)
		s.revokeAndWait(t, cat.ID, cats[0])
		// Cat's page stream (her session) carries on.
		dmPost(t, s, ann.ID, group, "still here")
		cats[1].waitText(t, "still here")
		if again := openLive(t, s.browser(t), apiPath, ctoken); again.Status != 401 {
			t.Errorf("reconnecting with the revoked token = %d, want 401", again.Status)
		}
	})
}

// withToken makes a participant signed in in a browser of their own and
// with an API token.
func (s *testServer) withToken(t *testing.T, name string) (*model.User, *browser, string) {
	t.Helper()
	u := s.createUser(t, name+"@example.org", model.RoleParticipant)
	b := s.browser(t)
	b.signIn(u.Email)
	token, _, err := s.Accounts.CreateAPIToken(context.Background(), u.ID, "stream")
	if err != nil {
		t.Fatal(err)
	}
	return u, b, token
}

// disableAndWait disables userID's account and waits for their streams to
// end.
func (s *testServer) disableAndWait(t *testing.T, adminID, userID int64, streams ...*liveStream) {
	t.Helper()
	if err := s.Accounts.SetDisabled(context.Background(), adminID, userID, true); err != nil {
		t.Fatal(err)
	}
	for _, l := range streams {
		l.waitEnded(t, "the account was disabled")
	}
}

// revokeAndWait revokes userID's one API token and waits for stream to end.
func (s *testServer) revokeAndWait(t *testing.T, userID int64, stream *liveStream) {
	t.Helper()
	ctx := context.Background()
	toks, err := s.Accounts.APITokens(ctx, userID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens %v %v", toks, err)
	}
	if err := s.Accounts.RevokeAPIToken(ctx, userID, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	stream.waitEnded(t, "the token was revoked")
}
