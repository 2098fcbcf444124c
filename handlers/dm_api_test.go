package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"backchannel/handlers"
	"backchannel/model"
	"backchannel/store"
)

// Shapes of the direct-message API the tests read.
type tDM struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"`
	Body   string `json:"body"`
	Mine   bool   `json:"mine"`
	Author *struct {
		Handle string `json:"handle"`
	} `json:"author"`
	ReplyTo *struct {
		ID      int64  `json:"id"`
		Excerpt string `json:"excerpt"`
	} `json:"reply_to"`
	Reactions []struct {
		Emoji string `json:"emoji"`
		Count int    `json:"count"`
		Mine  bool   `json:"mine"`
	} `json:"reactions"`
	Deleted bool `json:"deleted"`
}

type tConversation struct {
	ID      int64  `json:"id"`
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	Folder  string `json:"folder"`
	AdminID *int64 `json:"admin_id"`
	Members []struct {
		ID     int64  `json:"id"`
		Handle string `json:"handle"`
		Admin  bool   `json:"admin"`
	} `json:"members"`
	BlockedMembers []int64 `json:"blocked_members"`
}

type tConversationList struct {
	Conversations []struct {
		ID     int64  `json:"id"`
		Unread int    `json:"unread"`
		Title  string `json:"title"`
	} `json:"conversations"`
	Unread int `json:"unread"`
}

// startDM starts a conversation through the API and returns it.
func (a *apiClient) startDM(body map[string]any) tConversation {
	a.t.Helper()
	var out struct {
		Conversation tConversation `json:"conversation"`
	}
	a.do("POST", "/api/v1/conversations", body).want(http.StatusCreated).into(&out)
	return out.Conversation
}

// The conversation API end to end: a request from someone Bob does not
// follow, accepted; messages, replies, reactions, edits, deletion, reading;
// a group with members, rename, hand-over, leave.
func TestAPIConversations(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ann := s.apiUser(t, "ann@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		cat := s.apiUser(t, "cat@example.org", model.RoleParticipant)

		var created struct {
			Conversation tConversation `json:"conversation"`
			Message      tDM           `json:"message"`
		}
		ann.do("POST", "/api/v1/conversations", map[string]any{"members": []string{bob.user.Handle}, "body": "Hi Bob"}).
			want(http.StatusCreated).into(&created)
		id := created.Conversation.ID
		if created.Conversation.Kind != "direct" || created.Message.Body != "Hi Bob" || !created.Message.Mine {
			t.Fatalf("created %+v", created)
		}
		// Bob does not follow Ann: a request, not counted in his unread.
		var list tConversationList
		bob.do("GET", "/api/v1/conversations", nil).want(http.StatusOK).into(&list)
		if len(list.Conversations) != 0 || list.Unread != 0 {
			t.Errorf("Bob's inbox before accepting = %+v", list)
		}
		bob.do("GET", "/api/v1/requests", nil).want(http.StatusOK).into(&list)
		if len(list.Conversations) != 1 || list.Conversations[0].ID != id || list.Conversations[0].Title != ann.user.DisplayName {
			t.Fatalf("Bob's requests = %+v", list)
		}
		var conv tConversation
		bob.do("POST", fmt.Sprintf("/api/v1/requests/%d/accept", id), nil).want(http.StatusOK).into(&conv)
		if conv.Folder != "inbox" {
			t.Errorf("accepted conversation folder = %q", conv.Folder)
		}
		bob.do("GET", "/api/v1/conversations", nil).want(http.StatusOK).into(&list)
		if len(list.Conversations) != 1 || list.Conversations[0].Unread != 1 || list.Unread != 1 {
			t.Errorf("Bob's inbox after accepting = %+v", list)
		}
		// A reply, quoted; a reaction; an edit; a read marker.
		var reply tDM
		bob.do("POST", fmt.Sprintf("/api/v1/conversations/%d/messages", id), map[string]any{"body": "Hello!", "reply_to": created.Message.ID}).
			want(http.StatusCreated).into(&reply)
		if reply.ReplyTo == nil || reply.ReplyTo.ID != created.Message.ID || reply.ReplyTo.Excerpt != "Hi Bob" {
			t.Errorf("reply = %+v", reply)
		}
		var reacted tDM
		ann.do("POST", fmt.Sprintf("/api/v1/conversations/%d/messages/%d/reactions/%%F0%%9F%%91%%8D", id, reply.ID), nil).
			want(http.StatusOK).into(&reacted)
		if len(reacted.Reactions) != 1 || reacted.Reactions[0].Count != 1 || !reacted.Reactions[0].Mine {
			t.Errorf("reactions = %+v", reacted.Reactions)
		}
		ann.do("POST", fmt.Sprintf("/api/v1/conversations/%d/messages/%d/reactions/nope", id, reply.ID), nil).
			wantError(http.StatusUnprocessableEntity, "invalid", "emoji")
		var edited tDM
		bob.do("PATCH", fmt.Sprintf("/api/v1/conversations/%d/messages/%d", id, reply.ID), map[string]any{"body": "Hello, Ann!"}).
			want(http.StatusOK).into(&edited)
		if edited.Body != "Hello, Ann!" {
			t.Errorf("edited = %+v", edited)
		}
		ann.do("PATCH", fmt.Sprintf("/api/v1/conversations/%d/messages/%d", id, reply.ID), map[string]any{"body": "x"}).
			wantError(http.StatusForbidden, "not_yours", "")
		bob.do("POST", fmt.Sprintf("/api/v1/conversations/%d/read", id), map[string]any{"message_id": reply.ID}).want(http.StatusNoContent)
		bob.do("GET", "/api/v1/conversations", nil).want(http.StatusOK).into(&list)
		if list.Unread != 0 {
			t.Errorf("Bob's unread after reading = %d", list.Unread)
		}
		bob.do("DELETE", fmt.Sprintf("/api/v1/conversations/%d/messages/%d", id, reply.ID), nil).want(http.StatusNoContent)
		var page struct {
			Messages []tDM `json:"messages"`
			HasMore  bool  `json:"has_more"`
		}
		ann.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages", id), nil).want(http.StatusOK).into(&page)
		if len(page.Messages) != 2 || !page.Messages[1].Deleted || page.Messages[1].Body != "" {
			t.Errorf("messages after deletion = %+v", page.Messages)
		}
		ann.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages?before=%d&limit=1", id, reply.ID), nil).
			want(http.StatusOK).into(&page)
		if len(page.Messages) != 1 || page.Messages[0].ID != created.Message.ID || page.HasMore {
			t.Errorf("the page before the reply = %+v", page)
		}

		// A group: Ann the admin adds Cat, renames it, hands over to Bob,
		// leaves; Bob removes Cat.
		g := ann.startDM(map[string]any{"members": []string{bob.user.Handle}, "title": "Planning"})
		gp := fmt.Sprintf("/api/v1/conversations/%d", g.ID)
		if g.Kind != "group" || g.Title != "Planning" || g.AdminID == nil || *g.AdminID != ann.user.ID {
			t.Fatalf("group = %+v", g)
		}
		ann.do("POST", gp+"/members", map[string]any{"handle": cat.user.Handle}).want(http.StatusOK).into(&conv)
		if len(conv.Members) != 3 {
			t.Errorf("members after adding Cat = %+v", conv.Members)
		}
		bob.do("PATCH", gp, map[string]any{"title": "Mine"}).wantError(http.StatusForbidden, "not_admin", "")
		ann.do("PATCH", gp, map[string]any{"title": "Launch"}).want(http.StatusOK).into(&conv)
		if conv.Title != "Launch" {
			t.Errorf("renamed = %+v", conv)
		}
		ann.do("POST", gp+"/admin", map[string]any{"handle": bob.user.Handle}).want(http.StatusOK).into(&conv)
		if conv.AdminID == nil || *conv.AdminID != bob.user.ID {
			t.Errorf("after hand-over admin = %v", conv.AdminID)
		}
		ann.do("DELETE", gp+"/members/"+ann.user.Handle, nil).want(http.StatusNoContent)
		ann.do("GET", gp, nil).wantError(http.StatusNotFound, "not_found", "")
		bob.do("DELETE", gp+"/members/"+cat.user.Handle, nil).want(http.StatusOK).into(&conv)
		if len(conv.Members) != 1 || conv.Members[0].ID != bob.user.ID {
			t.Errorf("members after Cat's removal = %+v", conv.Members)
		}
		cat.do("GET", gp+"/messages", nil).wantError(http.StatusNotFound, "not_found", "")
		bob.do("GET", gp+"/messages", nil).want(http.StatusOK).into(&page)
		var lines []string
		for _, m := range page.Messages {
			if m.Kind == "system" {
				lines = append(lines, m.Body)
			}
		}
		want := []string{"ann added cat", "ann named the group “Launch”", "ann made bob the admin", "ann left", "bob removed cat"}
		if strings.Join(lines, "|") != strings.Join(want, "|") {
			t.Errorf("system lines = %q, want %q", lines, want)
		}

		// Delete for me: gone from Bob's list, Ann keeps hers.
		bob.do("DELETE", fmt.Sprintf("/api/v1/conversations/%d", id), nil).want(http.StatusNoContent)
		bob.do("GET", "/api/v1/conversations", nil).want(http.StatusOK).into(&list)
		for _, c := range list.Conversations {
			if c.ID == id {
				t.Errorf("Bob still lists the conversation he deleted")
			}
		}
		ann.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages", id), nil).want(http.StatusOK).into(&page)
		if len(page.Messages) != 2 {
			t.Errorf("Ann's history after Bob deleted his = %d messages", len(page.Messages))
		}
		ann.do("POST", "/api/v1/conversations", map[string]any{"members": []string{"nosuchhandle"}}).
			wantError(http.StatusUnprocessableEntity, "invalid", "members")
	})
}

// Every route about one conversation answers 404 to someone who is not in
// it, as it does for a conversation that does not exist; and 403 with a
// clear message to everyone when direct messages are off.
func TestConversationRoutesNotFound(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ann := s.apiUser(t, "ann@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		eve := s.apiUser(t, "eve@example.org", model.RoleAdmin) // not even an admin reads others' conversations
		var created struct {
			Conversation tConversation `json:"conversation"`
			Message      tDM           `json:"message"`
		}
		ann.do("POST", "/api/v1/conversations", map[string]any{"members": []string{bob.user.Handle}, "body": "private"}).
			want(http.StatusCreated).into(&created)
		fill := strings.NewReplacer(":id", fmt.Sprint(created.Conversation.ID), ":mid", fmt.Sprint(created.Message.ID),
			":handle", bob.user.Handle, ":emoji", "%F0%9F%91%8D")
		n := 0
		for _, r := range handlers.RouteTable() {
			if !strings.Contains(r.Path, ":id") ||
				!strings.HasPrefix(r.Path, "/api/v1/conversations/") && !strings.HasPrefix(r.Path, "/api/v1/requests/") {
				continue
			}
			n++
			path := fill.Replace(r.Path)
			body := map[string]any{}
			switch {
			case strings.HasSuffix(r.Path, "/messages") && r.Method == "POST":
				body["body"] = "hi"
			case strings.HasSuffix(r.Path, "/read"):
				body["message_id"] = created.Message.ID
			case strings.HasSuffix(r.Path, "/members") || strings.HasSuffix(r.Path, "/admin"):
				body["handle"] = eve.user.Handle
			case r.Method == "PATCH" && strings.HasSuffix(r.Path, ":mid"):
				body["body"] = "x"
			case r.Method == "PATCH":
				body["title"] = "x"
			}
			eve.do(r.Method, path, body).wantError(http.StatusNotFound, "not_found", "")
		}
		if n < 15 {
			t.Errorf("only %d conversation routes checked", n)
		}
		var page struct {
			Messages []tDM `json:"messages"`
		}
		bob.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages", created.Conversation.ID), nil).want(http.StatusOK).into(&page)
		if len(page.Messages) != 1 || page.Messages[0].Body != "private" {
			t.Errorf("Bob's messages after the probes = %+v", page.Messages)
		}
		if err := store.SetSetting(context.Background(), s.DB, model.SettingDMMode, model.DMModeOff); err != nil {
			t.Fatal(err)
		}
		r := bob.do("GET", "/api/v1/conversations", nil)
		r.wantError(http.StatusForbidden, "dm_off", "")
		if !strings.Contains(string(r.Body), "Direct messages are turned off on this site") {
			t.Errorf("dm off: %s", r.Body)
		}
		bob.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages", created.Conversation.ID), nil).wantError(http.StatusForbidden, "dm_off", "")
	})
}

// Both rate limits answer 429 with a clear message and Retry-After.
func TestAPIConversationRateLimits(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ann := s.apiUser(t, "ann@example.org", model.RoleParticipant)
		var first tConversation
		for i := range 21 {
			other := s.createUser(t, fmt.Sprintf("p%d@example.org", i), model.RoleParticipant)
			r := ann.do("POST", "/api/v1/conversations", map[string]any{"members": []string{other.Handle}})
			if i < 20 {
				r.want(http.StatusCreated)
				if i == 0 {
					var out struct {
						Conversation tConversation `json:"conversation"`
					}
					r.into(&out)
					first = out.Conversation
				}
				continue
			}
			r.wantError(http.StatusTooManyRequests, "rate_limited", "")
			if r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "conversations in the last hour") {
				t.Errorf("21st conversation: Retry-After %q, %s", r.Header.Get("Retry-After"), r.Body)
			}
		}
		path := fmt.Sprintf("/api/v1/conversations/%d/messages", first.ID)
		for i := range 31 {
			r := ann.do("POST", path, map[string]any{"body": fmt.Sprintf("message %d", i)})
			if i < 30 {
				r.want(http.StatusCreated)
				continue
			}
			r.wantError(http.StatusTooManyRequests, "rate_limited", "")
			if r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "a minute") {
				t.Errorf("31st message: Retry-After %q, %s", r.Header.Get("Retry-After"), r.Body)
			}
		}
	})
}
