package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"backchannel/chat"
	"backchannel/model"
)

// A message that was never shown to everyone (held, then deleted by a
// moderator) leaves no trace for a peer — not on the page, in the API, in
// either stream or in search — and a thread's reply count counts, for each
// viewer, only the replies that viewer sees: held and shadowed replies count
// for their author and staff, not for peers.
func TestHeldAndDeletedMessagesDoNotLeak(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		slow := 0
		ch, host := s.newChannel(t, "leaks", chat.ChannelInput{SlowModeSeconds: &slow})
		hana := s.apiUser(t, "hana@example.org", model.RoleParticipant)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		mo := s.apiUser(t, "mo@example.org", model.RoleModerator)
		hana.accept("leaks")
		pat.accept("leaks")
		patWeb := s.browser(t)
		patWeb.signIn("pat@example.org")
		ch, err := s.Chat.Channel(ctx, ch.Slug)
		if err != nil {
			t.Fatal(err)
		}
		apiStream := pat.openStream("leaks", "?since="+itoa(ch.LastSeq))
		pageStream := openPageStream(t, patWeb, "leaks", ch.LastSeq)

		root := hana.post("leaks", map[string]any{"body": "Which chapter is next?", "kind": "question"})
		all, off := model.PremodAll, model.PremodOff
		setPremod := func(m *model.PremodMode) {
			t.Helper()
			if _, err := s.Chat.UpdateChannel(ctx, host.ID, "leaks", chat.ChannelInput{PremodMode: m}); err != nil {
				t.Fatal(err)
			}
		}
		setPremod(&all)
		held := hana.post("leaks", map[string]any{"body": "zanzibar secret never shown"})
		heldReply := hana.post("leaks", map[string]any{"body": "a held reply", "parent_id": root.ID})
		if held.State != "held" || heldReply.State != "held" {
			t.Fatalf("states %q %q, want held", held.State, heldReply.State)
		}
		setPremod(&off)
		// Staff find the held message; the peer does not.
		searchIDs := func(a *apiClient, q string) []int64 {
			t.Helper()
			var res struct {
				Hits []struct {
					ID int64 `json:"id"`
				} `json:"hits"`
			}
			a.do("GET", "/api/v1/search?q="+url.QueryEscape(q), nil).want(http.StatusOK).into(&res)
			var ids []int64
			for _, h := range res.Hits {
				ids = append(ids, h.ID)
			}
			return ids
		}
		for deadline := time.Now().Add(20 * time.Second); len(searchIDs(mo, "zanzibar")) == 0; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the held message never reached the search index")
			}
		}
		if ids := searchIDs(pat, "zanzibar"); len(ids) != 0 {
			t.Errorf("a peer finds the held message in search: %v", ids)
		}
		mo.do("POST", chanPath("leaks", "/messages/"+itoa(held.ID)+"/moderate"), map[string]any{"action": "delete"}).want(http.StatusOK)
		mo.do("POST", chanPath("leaks", "/sanctions"), map[string]any{"subject": subj(hana), "kind": "shadow_mute"}).want(http.StatusCreated)
		shadowReply := hana.post("leaks", map[string]any{"body": "a shadowed reply", "parent_id": root.ID})
		if shadowReply.State != "visible" { // the shadow-muted author sees it as posted
			t.Fatalf("the shadowed reply shows its author state %q", shadowReply.State)
		}
		// A published message deleted later still leaves its tombstone.
		gone := pat.post("leaks", map[string]any{"body": "posted, then taken back"})
		pat.do("DELETE", chanPath("leaks", "/messages/"+itoa(gone.ID)), nil).want(http.StatusOK)
		last := pat.post("leaks", map[string]any{"body": "the last word"})

		byID := func(a *apiClient) map[int64]tMessage {
			t.Helper()
			out := map[int64]tMessage{}
			for _, m := range a.messages("leaks", "?limit=100").Messages {
				out[m.ID] = m
			}
			return out
		}
		// The API's list.
		peer, author, staff := byID(pat), byID(hana), byID(mo)
		if m, ok := peer[held.ID]; ok {
			t.Errorf("a peer is shown the never-published message: state %q author %q", m.State, m.Author)
		}
		if m, ok := peer[gone.ID]; !ok || m.State != "deleted" || m.Body != "" {
			t.Errorf("a peer's tombstone of a published message: %+v (present %v)", m, ok)
		}
		if _, ok := staff[held.ID]; !ok {
			t.Error("staff no longer see the deleted held message")
		}
		for who, want := range map[string]struct {
			got  map[int64]tMessage
			want int
		}{"peer": {peer, 0}, "author": {author, 2}, "staff": {staff, 2}} {
			if got := want.got[root.ID].ReplyCount; got != want.want {
				t.Errorf("the %s is shown %d replies, want %d", who, got, want.want)
			}
		}

		// The API stream: nothing of the held message, a reply count of 0.
		for done := false; !done; {
			ev := apiStream.next()
			var e struct {
				Message *tMessage `json:"message"`
			}
			if err := json.Unmarshal([]byte(ev.Data), &e); err != nil || e.Message == nil {
				continue
			}
			switch e.Message.ID {
			case held.ID, heldReply.ID, shadowReply.ID:
				t.Errorf("the peer's API stream carries hidden message %d: %s", e.Message.ID, ev.Data)
			case root.ID:
				if e.Message.ReplyCount != 0 {
					t.Errorf("the peer's API stream counts %d replies: %s", e.Message.ReplyCount, ev.Data)
				}
			case last.ID:
				done = true
			}
		}

		// The page stream: the held message is never rendered to the peer.
		lastCh, _ := s.Chat.Channel(ctx, "leaks")
		pageStream.frame(t, lastCh.LastSeq)
		pageStream.mu.Lock()
		for seq, f := range pageStream.frames {
			if strings.Contains(f, `id="m-`+itoa(held.ID)+`"`) || strings.Contains(f, "hana") && strings.Contains(f, "removed") {
				t.Errorf("the peer's page frame %d shows the never-published message: %s", seq, f)
			}
			for _, id := range []int64{heldReply.ID, shadowReply.ID} {
				if strings.Contains(f, `id="m-`+itoa(id)+`"`) {
					t.Errorf("the peer's page frame %d shows hidden reply %d", seq, id)
				}
			}
		}
		pageStream.mu.Unlock()

		// The page.
		r := patWeb.get("/c/leaks")
		if r.Status != http.StatusOK {
			t.Fatalf("page = %d", r.Status)
		}
		if n := r.Doc.Find("#m-" + itoa(held.ID)).Length(); n != 0 {
			t.Errorf("the peer's page shows the never-published message: %s", r.Doc.Find("#m-"+itoa(held.ID)).Text())
		}
		if r.Doc.Find("#m-"+itoa(gone.ID)).Length() != 1 {
			t.Error("the peer's page lost the tombstone of a published message")
		}
		for _, id := range []int64{heldReply.ID, shadowReply.ID} {
			if r.Doc.Find("#m-"+itoa(id)).Length() != 0 {
				t.Errorf("the peer's page shows hidden reply %d", id)
			}
		}
		// One message as the API's single-item paths show it: the peer's
		// react on the never-published message is refused as not found.
		pat.do("PUT", chanPath("leaks", "/messages/"+itoa(held.ID)+"/reactions/"+url.PathEscape("👍")), nil).want(http.StatusNotFound)

		// Search after the deletion: the peer still finds nothing.
		if ids := searchIDs(pat, "zanzibar"); len(ids) != 0 {
			t.Errorf("a peer finds the deleted held message in search: %v", ids)
		}
	})
}
