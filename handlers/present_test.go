package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
)

// presentFixture is a channel with a few questions for the presenter view.
type presentFixture struct {
	ch   *model.Channel
	host *model.User
	q    map[string]int64 // question body → id
}

// newPresentChannel makes slug with three questions (votes 1, 3, 2), a
// comment, and the comment highlighted; people vote through the chat
// service as participants would.
func newPresentChannel(t *testing.T, s *testServer, slug string) presentFixture {
	t.Helper()
	ctx := context.Background()
	ch, host := s.newChannel(t, slug, chat.ChannelInput{})
	hv, err := s.Chat.ViewerFor(ctx, ch, host, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Chat.AcceptGuideline(ctx, ch, hv, 0); err != nil {
		t.Fatal(err)
	}
	f := presentFixture{ch: ch, host: host, q: map[string]int64{}}
	var voters []chat.Viewer
	for i := range 3 {
		u := s.createUser(t, slug+"-voter"+itoa(int64(i))+"@example.org", model.RoleParticipant)
		v, err := s.Chat.ViewerFor(ctx, ch, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Chat.AcceptGuideline(ctx, ch, v, 0); err != nil {
			t.Fatal(err)
		}
		voters = append(voters, v)
	}
	for i, q := range []struct {
		body  string
		votes int
	}{{"Will the slides be shared?", 1}, {"How does entropy relate to information?", 3}, {"Is there a reading list?", 2}} {
		m, err := s.Chat.Post(ctx, ch, voters[i], chat.PostInput{Body: q.body, Kind: model.KindQuestion})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range voters[:q.votes] {
			if _, err := s.Chat.Vote(ctx, ch, v, m.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		f.q[q.body] = m.ID
	}
	c, err := s.Chat.Post(ctx, ch, voters[0], chat.PostInput{Body: "Great demo of the Maxwell demon!"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Moderation.Moderate(ctx, ch, hv, c.ID, model.ActHighlight, moderation.ModInput{}); err != nil {
		t.Fatal(err)
	}
	return f
}

// The presenter view is for the channel's hosts, moderators and admins:
// participants are refused (403), and so are hosts of other channels only; it
// shows the join link, its QR code, the open questions by votes and the
// highlighted message. The host marks answered and pins from it, with htmx
// or without JavaScript; bad actions change nothing.
func TestPresenterViewAndPermissions(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		f := newPresentChannel(t, s, "talk")
		s.newChannel(t, "other", chat.ChannelInput{})
		cho := s.createUser(t, "cho@example.org", model.RoleParticipant)
		if err := s.Authz.Grant(ctx, cho.ID, model.RoleHost, "other"); err != nil {
			t.Fatal(err)
		}
		s.createUser(t, "ada@example.org", model.RoleAdmin)
		s.createUser(t, "mo@example.org", model.RoleModerator)
		lin := s.createUser(t, "lin@example.org", model.RoleParticipant)
		if err := s.Authz.Grant(ctx, lin.ID, model.RoleModerator, "talk"); err != nil {
			t.Fatal(err)
		}
		s.createUser(t, "pat@example.org", model.RoleParticipant)

		for _, who := range []struct {
			email string
			want  int
		}{{f.host.Email, 200}, {"ada@example.org", 200}, {"mo@example.org", 200}, {"lin@example.org", 200},
			{"pat@example.org", 403}, {"cho@example.org", 403}} {
			b := s.browser(t)
			b.signIn(who.email)
			if r := b.get("/c/talk/present"); r.Status != who.want {
				t.Errorf("%s: /c/talk/present = %d, want %d", who.email, r.Status, who.want)
			}
			if who.want == 403 {
				if r := b.get("/c/talk/present/events"); r.Status != 403 {
					t.Errorf("%s: presenter stream = %d, want 403", who.email, r.Status)
				}
				b.get("/c/talk")
				if r := b.post("/c/talk/present/messages/"+itoa(f.q["Is there a reading list?"])+"/answer", nil, "HX-Request", "true"); r.Status != 403 {
					t.Errorf("%s: presenter action = %d, want 403", who.email, r.Status)
				}
			}
		}
		guest := s.browser(t)
		guest.get("/c/talk")
		guest.post("/c/talk/join", url.Values{"name": {"Sam"}})
		if r := guest.get("/c/talk/present"); r.Status == 200 {
			t.Errorf("a guest opened the presenter view")
		}
		if r := s.browser(t).get("/c/talk/present"); r.Status == 200 {
			t.Errorf("a visitor opened the presenter view")
		}

		host := s.browser(t)
		host.signIn(f.host.Email)
		if r := host.get("/c/talk"); r.Doc.Find("[data-testid=present-link]").AttrOr("href", "") != "/c/talk/present" {
			t.Errorf("the channel page offers the host no presenter view")
		}
		r := host.get("/c/talk/present")
		if got := strings.TrimSpace(r.Doc.Find("[data-testid=join-url]").Text()); got != s.URL+"/c/talk" {
			t.Errorf("join link = %q, want %q", got, s.URL+"/c/talk")
		}
		if qr := r.Doc.Find("svg[data-testid=qr]"); qr.Find("path").AttrOr("d", "") == "" || qr.AttrOr("aria-label", "") == "" {
			t.Errorf("no labelled QR code")
		}
		var order []string
		r.Doc.Find("[data-testid=present-question-body]").Each(func(_ int, q *goquery.Selection) {
			order = append(order, strings.TrimSpace(q.Text()))
		})
		want := []string{"How does entropy relate to information?", "Is there a reading list?", "Will the slides be shared?"}
		if strings.Join(order, "|") != strings.Join(want, "|") {
			t.Errorf("questions = %q, want %q", order, want)
		}
		if got := strings.TrimSpace(r.Doc.Find("[data-testid=present-highlight-body]").Text()); got != "Great demo of the Maxwell demon!" {
			t.Errorf("highlighted = %q", got)
		}

		// Actions: with htmx 204 (the stream brings the board), without a
		// redirect back; a bad action or someone else's message is refused.
		id := itoa(f.q["Is there a reading list?"])
		if r := host.post("/c/talk/present/messages/"+id+"/answer", nil, "HX-Request", "true"); r.Status != http.StatusNoContent {
			t.Errorf("answer = %d %s", r.Status, r.Body)
		}
		pinned := itoa(f.q["Will the slides be shared?"])
		if r := host.post("/c/talk/present/messages/"+pinned+"/pin", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/c/talk/present" {
			t.Errorf("pin without JavaScript = %d → %q", r.Status, r.Header.Get("Location"))
		}
		comment := r.Doc.Find("[data-testid=present-highlight] blockquote").AttrOr("data-id", "")
		if r := host.post("/c/talk/present/messages/"+comment+"/answer", nil, "HX-Request", "true"); r.Status != http.StatusConflict ||
			!strings.Contains(r.Header.Get("HX-Trigger"), "question") {
			t.Errorf("answer a comment = %d, trigger %q: want 409 with the reason", r.Status, r.Header.Get("HX-Trigger"))
		}
		if r := host.post("/c/talk/present/messages/"+id+"/hide", nil, "HX-Request", "true"); r.Status != http.StatusNotFound {
			t.Errorf("hide from the presenter view = %d, want 404", r.Status)
		}
		if r := host.post("/c/other/present/messages/"+pinned+"/pin", nil, "HX-Request", "true"); r.Status != http.StatusNotFound {
			t.Errorf("pin through another channel = %d, want 404", r.Status)
		}
		r = host.get("/c/talk/present")
		order = order[:0]
		r.Doc.Find("[data-testid=present-question-body]").Each(func(_ int, q *goquery.Selection) {
			order = append(order, strings.TrimSpace(q.Text()))
		})
		want = []string{"Will the slides be shared?", "How does entropy relate to information?"}
		if strings.Join(order, "|") != strings.Join(want, "|") {
			t.Errorf("after answer and pin: questions = %q, want %q (pinned first, answered gone)", order, want)
		}
		m, err := s.Chat.MessageItem(ctx, f.ch, chat.Viewer{Staff: true}, f.q["Is there a reading list?"])
		if err != nil || !m.Message.Answered || m.Message.State != model.StateVisible {
			t.Errorf("answered question = %+v %v", m, err)
		}
	})
}

// The presenter board through the JSON API: for the channel's hosts and
// staff (403 for participants), questions by votes with the join link; the
// host marks one answered and it leaves the board; a bad action is a 422
// naming the field and changes nothing.
func TestAPIPresenterBoard(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		host := s.apiUser(t, "hana@example.org", model.RoleHost)
		host.createChannel(map[string]any{"slug": "seminar", "title": "Seminar", "visibility": "join-code", "join_code": "WAVES123"})
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		kim := s.apiUser(t, "kim@example.org", model.RoleParticipant)
		for _, a := range []*apiClient{pat, kim} {
			a.do("POST", chanPath("seminar", "/join"), map[string]any{"code": "WAVES123"}).want(http.StatusNoContent)
			a.accept("seminar")
		}
		low := pat.post("seminar", map[string]any{"body": "What about damping?", "kind": "question"})
		top := kim.post("seminar", map[string]any{"body": "Is resonance dangerous?", "kind": "question", "anonymous": true})
		pat.post("seminar", map[string]any{"body": "Nice!"})
		pat.do("PUT", chanPath("seminar", "/messages/"+itoa(top.ID)+"/vote"), nil).want(http.StatusOK)

		type board struct {
			JoinURL   string  `json:"join_url"`
			JoinCode  *string `json:"join_code"`
			Questions []struct {
				ID         int64   `json:"id"`
				Author     string  `json:"author"`
				VoteCount  int     `json:"vote_count"`
				Pinned     bool    `json:"pinned"`
				AuthorRole *string `json:"author_role"`
			} `json:"questions"`
			Highlighted *struct{ ID int64 } `json:"highlighted"`
		}
		var b board
		host.do("GET", chanPath("seminar", "/present"), nil).want(http.StatusOK).into(&b)
		if b.JoinURL != s.URL+"/c/seminar" || b.JoinCode == nil || *b.JoinCode != "WAVES123" || b.Highlighted != nil {
			t.Errorf("board = %+v", b)
		}
		if len(b.Questions) != 2 || b.Questions[0].ID != top.ID || b.Questions[0].VoteCount != 1 || b.Questions[0].Author != "Anonymous" || b.Questions[1].ID != low.ID {
			t.Errorf("questions = %+v, want the voted (anonymous) one first", b.Questions)
		}
		pat.do("GET", chanPath("seminar", "/present"), nil).wantError(http.StatusForbidden, "forbidden", "")
		pat.do("POST", chanPath("seminar", "/present/messages/"+itoa(top.ID)), map[string]any{"action": "answer"}).wantError(http.StatusForbidden, "forbidden", "")
		host.do("POST", chanPath("seminar", "/present/messages/"+itoa(top.ID)), map[string]any{"action": "hide"}).wantError(http.StatusUnprocessableEntity, "invalid", "action")

		var done struct {
			Message struct {
				ID       int64 `json:"id"`
				Answered bool  `json:"answered"`
			} `json:"message"`
			AuditID int64 `json:"audit_id"`
		}
		host.do("POST", chanPath("seminar", "/present/messages/"+itoa(top.ID)), map[string]any{"action": "answer"}).want(http.StatusOK).into(&done)
		if !done.Message.Answered || done.AuditID == 0 {
			t.Errorf("answer = %+v", done)
		}
		host.do("GET", chanPath("seminar", "/present"), nil).want(http.StatusOK).into(&b)
		if len(b.Questions) != 1 || b.Questions[0].ID != low.ID {
			t.Errorf("after answering: questions = %+v", b.Questions)
		}
	})
}
