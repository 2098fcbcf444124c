package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"backchannel/model"
)

// threePeople makes the participants Ann, Bob and Cat.
func (s *testServer) threePeople(t *testing.T) (ann, bob, cat *model.User) {
	t.Helper()
	return s.createUser(t, "ann@example.org", model.RoleParticipant), s.createUser(t, "bob@example.org", model.RoleParticipant),
		s.createUser(t, "cat@example.org", model.RoleParticipant)
}

func convPath(id int64, rest string) string { return "/inbox/" + strconv.FormatInt(id, 10) + rest }

// badge is the header's unread count on a page.
func badge(t *testing.T, r *response) string {
	t.Helper()
	v, ok := r.Doc.Find(`[data-testid="inbox-badge"]`).Attr("data-count")
	if !ok {
		t.Fatalf("no inbox badge in the header:\n%s", r.Body)
	}
	return v
}

// The inbox pages as people use them without JavaScript: a visitor is told
// direct messages need an account; a request waits in Requests (counted,
// no badge) until accepted; the inbox lists conversations with their
// unread counts and the header badge, which viewing clears; a non-member
// gets 404; a refused post changes nothing and says why; New message
// prefills ?to= and starts a conversation.
func TestInboxPages(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ann, bob, cat := s.threePeople(t)

		guest := s.browser(t)
		r := guest.get("/inbox")
		if r.Status != http.StatusOK || r.Doc.Find(`[data-testid="inbox-guest"] a[href="/signup"]`).Length() != 1 {
			t.Fatalf("a visitor's /inbox = %d without the sign-up offer:\n%s", r.Status, r.Body)
		}
		if r := guest.get("/inbox/requests"); r.Status != http.StatusSeeOther {
			t.Errorf("a visitor's /inbox/requests = %d, want a redirect to sign in", r.Status)
		}

		conv := dmStart(t, s, ann.ID, "Hello Bob, about the talk", bob.Handle)
		bb := s.browser(t)
		bb.signIn(bob.Email)
		r = bb.get("/inbox")
		if r.Doc.Find("#conv-"+strconv.FormatInt(conv, 10)).Length() != 0 {
			t.Errorf("a request is listed in the inbox")
		}
		if got := strings.TrimSpace(r.Doc.Find(`[data-testid="requests-link"]`).Text()); got != "Requests (1)" {
			t.Errorf("requests link = %q, want Requests (1)", got)
		}
		if b := badge(t, r); b != "0" {
			t.Errorf("a request counts in the badge: %s", b)
		}
		r = bb.get("/inbox/requests")
		row := r.Doc.Find(`[data-testid="request"]`)
		if row.Length() != 1 || !strings.Contains(row.Text(), "ann") {
			t.Fatalf("requests page lists %d rows:\n%s", row.Length(), r.Body)
		}
		for _, sel := range []string{`form[action="` + convPath(conv, "/accept") + `"] button`, `form[action="` + convPath(conv, "/decline") + `"] [data-testid="delete-request"]`,
			`[data-testid="block-request"]`, `a[href="` + convPath(conv, "/report") + `"]`} {
			if row.Find(sel).Length() == 0 {
				t.Errorf("request row lacks %s", sel)
			}
		}
		if r := bb.post(convPath(conv, "/accept"), nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != convPath(conv, "") {
			t.Fatalf("accept = %d → %q", r.Status, r.Header.Get("Location"))
		}
		r = bb.get("/inbox/requests") // a page that does not read the conversation
		if b := badge(t, r); b != "1" {
			t.Errorf("badge after accepting = %s, want 1", b)
		}
		r = bb.get("/inbox")
		row = r.Doc.Find("#conv-" + strconv.FormatInt(conv, 10))
		if row.Find(`[data-testid="unread"]`).AttrOr("data-count", "") != "1" || !strings.Contains(row.Text(), "Hello Bob") {
			t.Errorf("inbox row = %q, want one unread with the excerpt", row.Text())
		}

		// Viewing reads: the badge and the count go to zero.
		r = bb.get(convPath(conv, ""))
		if r.Status != http.StatusOK || !strings.Contains(r.Doc.Find(`[data-testid="dm-message-body"]`).Text(), "Hello Bob, about the talk") {
			t.Fatalf("conversation page = %d:\n%s", r.Status, r.Body)
		}
		if r.Doc.Find(`textarea#dm-body[name="body"]`).Length() != 1 || r.Doc.Find(`label[for="dm-body"]`).Length() != 1 {
			t.Errorf("the compose box is missing or unlabelled")
		}
		r = bb.get("/inbox")
		if b := badge(t, r); b != "0" {
			t.Errorf("badge after viewing = %s, want 0", b)
		}

		// Someone else's conversation does not exist for Cat.
		cb := s.browser(t)
		cb.signIn(cat.Email)
		for _, p := range []string{convPath(conv, ""), convPath(999999, "")} {
			if r := cb.get(p); r.Status != http.StatusNotFound {
				t.Errorf("Cat's GET %s = %d, want 404", p, r.Status)
			}
		}
		cb.get("/inbox")
		if r := cb.post(convPath(conv, "/messages"), url.Values{"body": {"let me in"}}); r.Status != http.StatusNotFound {
			t.Errorf("Cat's post into it = %d, want 404", r.Status)
		}

		// Bob answers; an empty post is refused with a message and changes
		// nothing.
		bb.get(convPath(conv, ""))
		if r := bb.post(convPath(conv, "/messages"), url.Values{"body": {"Hi Ann!"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("post = %d: %s", r.Status, r.Body)
		}
		if r := bb.post(convPath(conv, "/messages"), url.Values{"body": {"   "}}, "HX-Request", "true"); r.Status < 400 || r.Status >= 500 ||
			strings.TrimSpace(r.Doc.Text()) == "" {
			t.Errorf("empty post (htmx) = %d %q, want a 4xx with a message", r.Status, r.Body)
		}
		ab := s.browser(t)
		ab.signIn(ann.Email)
		r = ab.get(convPath(conv, ""))
		if n := r.Doc.Find(`[data-testid="dm-message"]`).Length(); n != 2 {
			t.Errorf("Ann sees %d messages, want 2", n)
		}

		// New message: ?to= prefills; sending starts the conversation.
		r = ab.get("/inbox/new?to=" + cat.Handle)
		if r.Doc.Find(`[data-testid="recipients"] input[name="to"][value="`+cat.Handle+`"][checked]`).Length() != 1 {
			t.Errorf("?to= did not prefill:\n%s", r.Doc.Find(`[data-testid="new-dm"]`).Text())
		}
		r = ab.post("/inbox/new", url.Values{"to": {cat.Handle}, "body": {"Hi Cat"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/inbox/") {
			t.Fatalf("start = %d → %q", r.Status, r.Header.Get("Location"))
		}
		r = ab.post("/inbox/new", url.Values{"more": {"nobody-has-this"}, "body": {"Hi?"}})
		if r.Status < 400 || r.Doc.Find(`#e-to`).Length() != 1 {
			t.Errorf("unknown handle = %d without the field's error", r.Status)
		}
		if got := r.Doc.Find(`#f-body`).Text(); got != "Hi?" {
			t.Errorf("the message typed was lost: %q", got)
		}
	})
}

// The blocked-member warning: a group with someone the viewer blocked says
// so at the top with a one-click Leave; the others see nothing of it.
func TestInboxBlockedMemberWarning(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ann, bob, cat := s.threePeople(t)
		group := dmStart(t, s, ann.ID, "planning", bob.Handle, cat.Handle)
		if _, err := s.DB.NewInsert().Model(&model.Block{BlockerID: bob.ID, BlockedID: cat.ID, CreatedAt: time.Now().UTC()}).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		bb := s.browser(t)
		bb.signIn(bob.Email)
		r := bb.get(convPath(group, ""))
		w := r.Doc.Find(`[data-testid="blocked-warning"]`)
		if _, hidden := w.Attr("hidden"); w.Length() != 1 || hidden || !strings.Contains(w.Text(), "You blocked cat") ||
			w.Find(`form[action="`+convPath(group, "/leave")+`"] button`).Length() != 1 {
			t.Fatalf("Bob's warning = %q (hidden %v):\n%s", w.Text(), hidden, r.Body)
		}
		ab := s.browser(t)
		ab.signIn(ann.Email)
		r = ab.get(convPath(group, ""))
		if _, hidden := r.Doc.Find(`[data-testid="blocked-warning"]`).Attr("hidden"); !hidden {
			t.Errorf("Ann, who blocked nobody, is warned")
		}
		// One click leaves.
		bb.get(convPath(group, ""))
		if r := bb.post(convPath(group, "/leave"), nil); r.Status != http.StatusSeeOther {
			t.Fatalf("leave = %d", r.Status)
		}
		if r := ab.get(convPath(group, "")); r.Doc.Find(`[data-testid="member"][data-user="`+strconv.FormatInt(bob.ID, 10)+`"]`).Length() != 0 {
			t.Errorf("Bob is still a member after leaving")
		}
	})
}

// A conversation's actions as plain form posts (what the page's script
// sends too): reply (quoted), edit (marked edited), react (pressed for the
// reactor), delete (a tombstone), and for a group's admin: rename, add,
// hand over; a member who is not the admin may not remove anyone.
func TestInboxConversationActions(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ann, bob, cat := s.threePeople(t)
		dan := s.createUser(t, "dan@example.org", model.RoleParticipant)
		group := dmStart(t, s, ann.ID, "first", bob.Handle, cat.Handle)
		ab := s.browser(t)
		ab.signIn(ann.Email)
		r := ab.get(convPath(group, ""))
		first := r.Doc.Find(`[data-testid="dm-message"]`).First().AttrOr("data-id", "")
		if first == "" {
			t.Fatalf("no message on the page:\n%s", r.Body)
		}
		msg := func(r *response, id string) *goquery.Selection { return r.Doc.Find("#dm-" + id) }

		// Reply, quoted.
		if r := ab.post(convPath(group, "/messages"), url.Values{"body": {"a reply"}, "reply_to": {first}}); r.Status != http.StatusSeeOther {
			t.Fatalf("reply = %d", r.Status)
		}
		r = ab.get(convPath(group, "?reply="+first))
		if r.Doc.Find(`[data-testid="replying-to"]`).Length() != 1 || r.Doc.Find(`#dm-compose input[name="reply_to"][value="`+first+`"]`).Length() != 1 {
			t.Errorf("?reply= does not set up the reply")
		}
		last := r.Doc.Find(`[data-testid="dm-message"]`).Last()
		if !strings.Contains(last.Find(`[data-testid="quote"]`).Text(), "first") {
			t.Errorf("the reply does not quote its message: %q", last.Text())
		}
		// Edit.
		r = ab.get(convPath(group, "?edit="+first))
		if r.Doc.Find(`#dm-compose[action="`+convPath(group, "/messages/"+first+"/edit")+`"]`).Length() != 1 || r.Doc.Find(`#dm-body`).Text() != "first" {
			t.Errorf("?edit= does not set up the edit")
		}
		if r := ab.post(convPath(group, "/messages/"+first+"/edit"), url.Values{"body": {"first, fixed"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("edit = %d", r.Status)
		}
		// React (pressed for Ann), then delete.
		if r := ab.post(convPath(group, "/messages/"+first+"/react"), url.Values{"emoji": {"👍"}}, "HX-Request", "true"); r.Status != http.StatusNoContent {
			t.Fatalf("react = %d: %s", r.Status, r.Body)
		}
		r = ab.get(convPath(group, ""))
		m := msg(r, first)
		if !strings.Contains(m.Text(), "first, fixed") || m.Find(`[data-testid="edited"]`).Length() != 1 ||
			m.Find(`.dm-msg-actions > button[value="👍"][aria-pressed="true"]`).Length() != 1 {
			t.Errorf("after edit and reaction: %q", m.Text())
		}
		if r := ab.post(convPath(group, "/messages/"+first+"/react"), url.Values{"emoji": {"🦄"}}, "HX-Request", "true"); r.Status < 400 || r.Status >= 500 {
			t.Errorf("an emoji outside the set = %d", r.Status)
		}
		if r := ab.post(convPath(group, "/messages/"+first+"/delete"), nil); r.Status != http.StatusSeeOther {
			t.Fatalf("delete = %d", r.Status)
		}
		if r := ab.get(convPath(group, "")); msg(r, first).Find(`[data-testid="tombstone"]`).Length() != 1 {
			t.Errorf("no tombstone after delete")
		}

		// Bob, not the admin, may not remove Cat.
		bb := s.browser(t)
		bb.signIn(bob.Email)
		bb.get(convPath(group, ""))
		if r := bb.post(convPath(group, "/members/"+strconv.FormatInt(cat.ID, 10)+"/remove"), nil, "HX-Request", "true"); r.Status < 400 || r.Status >= 500 {
			t.Errorf("a member's remove = %d, want a refusal", r.Status)
		}
		// Ann renames, adds Dan, hands over to Bob.
		ab.get(convPath(group, ""))
		for _, step := range []struct {
			path string
			form url.Values
		}{
			{"/rename", url.Values{"title": {"Q&A crew"}}},
			{"/members", url.Values{"handle": {dan.Handle}}},
			{"/members/" + strconv.FormatInt(bob.ID, 10) + "/admin", nil},
		} {
			if r := ab.post(convPath(group, step.path), step.form); r.Status != http.StatusSeeOther {
				t.Fatalf("%s = %d: %s", step.path, r.Status, r.Body)
			}
		}
		r = bb.get(convPath(group, ""))
		if got := r.Doc.Find(`[data-testid="conversation-name"]`).Text(); got != "Q&A crew" {
			t.Errorf("title = %q", got)
		}
		panel := r.Doc.Find(`[data-testid="members"]`)
		if panel.AttrOr("data-admin", "") != strconv.FormatInt(bob.ID, 10) || panel.Find(`[data-user="`+strconv.FormatInt(dan.ID, 10)+`"]`).Length() != 1 {
			t.Errorf("members panel: admin %s, members %s", panel.AttrOr("data-admin", ""), panel.AttrOr("data-members", ""))
		}
		if !r.Doc.Find(`[data-testid="conversation-page"]`).HasClass("is-admin") {
			t.Errorf("Bob, the new admin, does not get the admin's controls")
		}
		if r.Doc.Find(`[data-testid="system-line"]`).Length() == 0 {
			t.Errorf("no system lines for the changes")
		}
	})
}
