package handlers_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"backchannel/chat"
	"backchannel/model"
)

// modSetup is two channels, alpha pre-moderated ("all") and beta open, with
// a moderator of alpha only, a site-wide moderator, and two participants who
// accepted alpha's guidelines.
type modSetup struct {
	s               *testServer
	alpha, beta     *model.Channel
	modA, site      *browser
	modAUser        *model.User
	author, peer    *browser
	authorU, peerU  *model.User
	authorKey       string
	alphaID, betaID string
	alphaHost       *model.User
}

func newModSetup(t *testing.T, s *testServer) *modSetup {
	t.Helper()
	ctx := context.Background()
	all := model.PremodAll
	alpha, alphaHost := s.newChannel(t, "alpha", chat.ChannelInput{PremodMode: &all})
	beta, _ := s.newChannel(t, "beta", chat.ChannelInput{})
	m := &modSetup{s: s, alpha: alpha, beta: beta, alphaHost: alphaHost,
		alphaID: strconv.FormatInt(alpha.ID, 10), betaID: strconv.FormatInt(beta.ID, 10)}
	m.modAUser = s.createUser(t, "mod-a@example.org", model.RoleParticipant)
	if err := s.Authz.Grant(ctx, m.modAUser.ID, model.RoleModerator, "alpha"); err != nil {
		t.Fatal(err)
	}
	s.createUser(t, "site-mod@example.org", model.RoleModerator)
	m.authorU = s.createUser(t, "ann@example.org", model.RoleParticipant)
	m.peerU = s.createUser(t, "pat@example.org", model.RoleParticipant)
	m.authorKey = "u:" + strconv.FormatInt(m.authorU.ID, 10)
	m.modA, m.site, m.author, m.peer = s.browser(t), s.browser(t), s.browser(t), s.browser(t)
	m.modA.signIn("mod-a@example.org")
	m.site.signIn("site-mod@example.org")
	m.author.signIn("ann@example.org")
	m.peer.signIn("pat@example.org")
	m.author.accept("alpha")
	m.peer.accept("alpha")
	return m
}

// post makes b post body in slug (without JavaScript) and returns the new
// message's id.
func (m *modSetup) post(t *testing.T, b *browser, slug, body string, extra ...string) int64 {
	t.Helper()
	form := url.Values{"body": {body}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	r := b.postMessage(slug, form)
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.Contains(loc, "#m-") {
		t.Fatalf("post %q = %d %q %s", body, r.Status, loc, r.Doc.Find("[data-testid=compose-error], .alert").Text())
	}
	id, err := strconv.ParseInt(loc[strings.Index(loc, "#m-")+3:], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// message finds message id on b's view of slug (empty when it is not shown).
func message(b *browser, slug string, id int64) *goquery.Selection {
	return b.get("/c/" + slug).Doc.Find("#m-" + strconv.FormatInt(id, 10))
}

// act posts a wall action; htmx adds the HX-Request header.
func act(b *browser, slug string, id int64, action string, htmx bool, form url.Values) *response {
	b.get("/mod")
	var h []string
	if htmx {
		h = []string{"HX-Request", "true"}
	}
	return b.post("/mod/c/"+slug+"/messages/"+strconv.FormatInt(id, 10)+"/"+action, form, h...)
}

// doneAudit reads the audit id from the HX-Trigger header of an action.
func doneAudit(t *testing.T, r *response) int64 {
	t.Helper()
	var trig map[string]struct {
		Audit int64  `json:"audit"`
		Label string `json:"label"`
		Undo  string `json:"undo"`
	}
	if err := json.Unmarshal([]byte(r.Header.Get("HX-Trigger")), &trig); err != nil {
		t.Fatalf("HX-Trigger %q: %v", r.Header.Get("HX-Trigger"), err)
	}
	d, ok := trig["mod:done"]
	if !ok || d.Audit <= 0 || d.Undo == "" {
		t.Fatalf("HX-Trigger %q has no mod:done with an audit id", r.Header.Get("HX-Trigger"))
	}
	return d.Audit
}

func wallItemIn(r *response, list, chanID string, id int64) *goquery.Selection {
	return r.Doc.Find("#" + list + "-" + chanID + " [data-id=\"" + strconv.FormatInt(id, 10) + "\"]")
}

func TestModAccess(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		m := newModSetup(t, s)
		id := m.post(t, m.author, "alpha", "held for review")
		mid := strconv.FormatInt(id, 10)
		paths := []struct{ method, path string }{
			{"GET", "/mod"},
			{"GET", "/mod/events"},
			{"POST", "/mod/c/alpha/messages/" + mid + "/approve"},
			{"GET", "/mod/c/alpha/people/" + m.authorKey},
			{"POST", "/mod/c/alpha/people/" + m.authorKey + "/sanctions"},
			{"POST", "/mod/c/alpha/people/" + m.authorKey + "/purge"},
			{"POST", "/mod/c/alpha/people/" + m.authorKey + "/notes"},
			{"POST", "/mod/c/alpha/undo/1"},
			{"POST", "/mod/c/alpha/staff-chat"},
		}
		guest := s.browser(t)
		if r := guest.post("/c/alpha/join", url.Values{"name": {"Sam"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("guest join = %d", r.Status)
		}
		guest.get("/c/alpha")
		for _, p := range paths {
			form := url.Values{"do": {"warn"}, "body": {"x"}}
			var r *response
			if p.method == "GET" {
				r = m.peer.get(p.path)
			} else {
				r = m.peer.post(p.path, form)
			}
			if r.Status != http.StatusForbidden {
				t.Errorf("participant %s %s = %d, want 403", p.method, p.path, r.Status)
			}
			if p.method == "GET" {
				r = guest.get(p.path)
				if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
					t.Errorf("guest %s %s = %d → %q, want a redirect to sign in", p.method, p.path, r.Status, r.Header.Get("Location"))
				}
			} else if r = guest.post(p.path, form); r.Status != http.StatusUnauthorized && r.Status != http.StatusForbidden {
				t.Errorf("guest %s %s = %d, want 401 or 403", p.method, p.path, r.Status)
			}
		}
		if r := m.peer.get("/mod"); !strings.Contains(r.Doc.Find("[data-testid=error-message]").Text(), "do not moderate") {
			t.Errorf("participant's /mod says %q", r.Doc.Find("[data-testid=error-message]").Text())
		}
		if m.author.get("/c/alpha").Doc.Find("[data-testid=wall-held]").Length() != 0 || message(m.peer, "alpha", id).Length() != 0 {
			t.Error("a participant sees a held message of someone else")
		}

		// alpha's moderator: alpha on the wall, beta neither there nor actionable.
		m.author.accept("beta")
		bid := m.post(t, m.author, "beta", "in beta")
		r := m.modA.get("/mod")
		if r.Status != 200 {
			t.Fatalf("alpha moderator /mod = %d", r.Status)
		}
		slugs := r.Doc.Find("[data-testid=wall-channel]").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-slug", "") })
		if strings.Join(slugs, ",") != "alpha" {
			t.Errorf("alpha moderator's wall shows %v", slugs)
		}
		if since := r.Doc.Find("[data-testid=wall-live]").AttrOr("hx-sse:connect", ""); strings.Contains(since, m.betaID+":") || !strings.Contains(since, m.alphaID+":") {
			t.Errorf("wall stream %q", since)
		}
		if wallItemIn(r, "held", m.alphaID, id).Length() != 1 {
			t.Error("the held message is not on alpha's held list")
		}
		for _, p := range []string{"/mod/c/beta/messages/" + strconv.FormatInt(bid, 10) + "/hide", "/mod/c/beta/people/" + m.authorKey + "/sanctions",
			"/mod/c/beta/staff-chat", "/mod/c/beta/people/" + m.authorKey + "/notes"} {
			if r := m.modA.post(p, url.Values{"do": {"warn"}, "body": {"x"}}); r.Status != http.StatusForbidden {
				t.Errorf("alpha moderator POST %s = %d, want 403", p, r.Status)
			}
		}
		if r := m.modA.get("/mod/c/beta/people/" + m.authorKey); r.Status != http.StatusForbidden {
			t.Errorf("alpha moderator opens a card in beta = %d", r.Status)
		}
		// The site-wide moderator sees every channel.
		r = m.site.get("/mod")
		slugs = r.Doc.Find("[data-testid=wall-channel]").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-slug", "") })
		if strings.Join(slugs, ",") != "alpha,beta" && strings.Join(slugs, ",") != "beta,alpha" {
			t.Errorf("site moderator's wall shows %v", slugs)
		}
		if wallItemIn(r, "incoming", m.betaID, bid).Length() != 1 {
			t.Error("beta's message is not on the site moderator's wall")
		}
	})
}

func TestModHeldMessageFlow(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		m := newModSetup(t, s)
		id := m.post(t, m.author, "alpha", "Is the exam open book?", "kind", "question")

		// Held: the author sees it awaiting review, a peer does not see it.
		if got := message(m.author, "alpha", id).Find("[data-testid=mod-state]").Text(); !strings.EqualFold(got, "awaiting review") {
			t.Errorf("author's mark = %q", got)
		}
		if message(m.peer, "alpha", id).Length() != 0 {
			t.Error("peer sees a held message")
		}
		if got := message(m.modA, "alpha", id).Find("[data-testid=mod-state]").Text(); got != "held" {
			t.Errorf("staff badge on the channel page = %q", got)
		}

		// Approved without JavaScript: back to the wall, which offers undo.
		r := act(m.modA, "alpha", id, "approve", false, url.Values{"reason": {"fine"}, "guideline": {"G1"}, "list": {"held"}})
		loc := r.Header.Get("Location")
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/mod?undo=alpha%3A") || !strings.HasSuffix(loc, "#wh-"+strconv.FormatInt(id, 10)) {
			t.Fatalf("approve = %d → %q", r.Status, loc)
		}
		if r := m.modA.get(loc); r.Doc.Find("[data-testid=undo-banner] form").Length() != 1 {
			t.Error("no undo offered after approving without JavaScript")
		}
		if message(m.peer, "alpha", id).Length() != 1 {
			t.Fatal("peer does not see the approved message")
		}
		if message(m.author, "alpha", id).Find("[data-testid=mod-state]").Length() != 0 {
			t.Error("the author still sees a moderation mark after approval")
		}
		if r := m.modA.get("/mod"); wallItemIn(r, "held", m.alphaID, id).Length() != 0 {
			t.Error("the approved message is still held on the wall")
		}

		// Pin and mark answered (htmx): the row comes back with the marks.
		r = act(m.modA, "alpha", id, "pin", true, url.Values{"list": {"incoming"}})
		if r.Status != 200 || r.Doc.Find("#wi-"+strconv.FormatInt(id, 10)+" [data-act=unpin]").Length() != 1 {
			t.Errorf("pin via htmx = %d %s", r.Status, r.Body)
		}
		doneAudit(t, r)
		if r := act(m.modA, "alpha", id, "answer", true, url.Values{"list": {"incoming"}}); r.Status != 200 {
			t.Errorf("answer = %d", r.Status)
		}
		later := m.post(t, m.author, "alpha", "a later message")
		if r := act(m.modA, "alpha", later, "approve", true, nil); r.Status != 200 {
			t.Fatalf("approve later = %d", r.Status)
		}
		page := m.peer.get("/c/alpha")
		first := page.Doc.Find("[data-testid=message]").First()
		if first.AttrOr("id", "") != "m-"+strconv.FormatInt(id, 10) || first.Find("[data-testid=pinned]").Length() != 1 || first.Find("[data-testid=answered]").Length() != 1 {
			t.Errorf("peer's first message is %s, pinned %d answered %d", first.AttrOr("id", ""), first.Find("[data-testid=pinned]").Length(), first.Find("[data-testid=answered]").Length())
		}
		// Answering a comment is refused with a reason, and nothing is swapped.
		r = act(m.modA, "alpha", later, "answer", true, nil)
		if r.Status != http.StatusConflict || r.Header.Get("HX-Reswap") != "none" || !strings.Contains(r.Header.Get("HX-Trigger"), "questions") {
			t.Errorf("answer a comment = %d %q %q", r.Status, r.Header.Get("HX-Reswap"), r.Header.Get("HX-Trigger"))
		}

		// Hide and unhide.
		if r := act(m.modA, "alpha", later, "hide", true, nil); r.Status != 200 {
			t.Fatalf("hide = %d", r.Status)
		}
		if message(m.peer, "alpha", later).Length() != 0 {
			t.Error("peer sees a hidden message")
		}
		if got := message(m.author, "alpha", later).Find("[data-testid=mod-state]").Text(); got != "Hidden by a moderator" {
			t.Errorf("author's mark on a hidden message = %q", got)
		}
		if r := act(m.modA, "alpha", later, "unhide", true, nil); r.Status != 200 {
			t.Fatalf("unhide = %d", r.Status)
		}
		if message(m.peer, "alpha", later).Length() != 1 {
			t.Error("peer does not see the unhidden message")
		}

		// Deny.
		denied := m.post(t, m.author, "alpha", "please deny me")
		r = act(m.modA, "alpha", denied, "deny", true, url.Values{"list": {"held"}})
		if r.Status != 200 || r.Doc.Find("#wh-"+strconv.FormatInt(denied, 10)+" [data-testid=resolved]").Text() == "" ||
			!strings.Contains(r.Doc.Find("[data-testid=resolved]").Text(), "Denied") {
			t.Errorf("deny answer = %d %s", r.Status, r.Body)
		}
		if got := message(m.author, "alpha", denied).Find("[data-testid=mod-state]").Text(); got != "Not approved" {
			t.Errorf("author's mark on a denied message = %q", got)
		}
		if message(m.peer, "alpha", denied).Length() != 0 {
			t.Error("peer sees a denied message")
		}

		// Undo within 10 s puts it back.
		held := m.post(t, m.author, "alpha", "approve then undo")
		r = act(m.modA, "alpha", held, "approve", true, url.Values{"list": {"held"}})
		audit := doneAudit(t, r)
		if message(m.peer, "alpha", held).Length() != 1 {
			t.Fatal("peer does not see it after approval")
		}
		if r := m.modA.post("/mod/c/alpha/undo/"+strconv.FormatInt(audit, 10), nil, "HX-Request", "true"); r.Status != http.StatusNoContent || !strings.Contains(r.Header.Get("HX-Trigger"), "mod:undone") {
			t.Fatalf("undo = %d %q", r.Status, r.Header.Get("HX-Trigger"))
		}
		if message(m.peer, "alpha", held).Length() != 0 {
			t.Error("peer still sees it after undo")
		}
		if r := m.modA.get("/mod"); wallItemIn(r, "held", m.alphaID, held).Length() != 1 {
			t.Error("not held again on the wall after undo")
		}
		if r := m.modA.post("/mod/c/alpha/undo/"+strconv.FormatInt(audit, 10), nil); r.Status != http.StatusSeeOther {
			t.Errorf("second undo without JavaScript = %d", r.Status)
		}
		if got := m.modA.get("/mod").Doc.Find("#flash").Text(); !strings.Contains(got, "undone already") {
			t.Errorf("second undo says %q", got)
		}
	})
}

func TestModSanctionsMuteAndShadow(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		m := newModSetup(t, s)
		m.author.accept("beta")
		m.peer.accept("beta")
		card := "/mod/c/beta/people/" + m.authorKey
		site := m.site

		// The card, as a fragment and as a page.
		r := site.get(card, "HX-Request", "true")
		if r.Status != 200 || r.Doc.Find("[data-testid=person-card] #person-name").Text() != "ann" || strings.Contains(r.Body, "<html") {
			t.Fatalf("card fragment = %d %s", r.Status, r.Body)
		}
		if r.Doc.Find(`button[value="ban:site"]`).Length() != 1 {
			t.Error("a site-wide moderator is not offered the site-wide ban")
		}
		if r := m.modA.get("/mod/c/alpha/people/"+m.authorKey, "HX-Request", "true"); r.Doc.Find(`button[value="ban:site"]`).Length() != 0 {
			t.Error("a channel moderator is offered the site-wide ban")
		}
		if r := site.get(card); r.Status != 200 || !strings.Contains(r.Body, "<html") {
			t.Errorf("card page = %d", r.Status)
		}

		// A note, shared with staff.
		if r := site.post(card+"/notes", url.Values{"body": {""}}, "HX-Request", "true"); r.Status != http.StatusUnprocessableEntity || r.Doc.Find("#note-error").Length() != 1 {
			t.Errorf("empty note = %d", r.Status)
		}
		if r := site.post(card+"/notes", url.Values{"body": {"Asked twice about the exam."}}, "HX-Request", "true"); r.Status != 200 || !strings.Contains(r.Doc.Find("[data-testid=notes]").Text(), "Asked twice") {
			t.Errorf("note = %d", r.Status)
		}
		if r := m.modA.get("/mod/c/alpha/people/" + m.authorKey); !strings.Contains(r.Doc.Find("[data-testid=notes]").Text(), "Asked twice") {
			t.Error("another moderator does not see the note")
		}

		// Mute for 10 minutes (htmx: the card comes back; the audit id rides HX-Trigger).
		r = site.post(card+"/sanctions", url.Values{"do": {"mute:10m"}, "reason": {"spam"}, "guideline": {"G2"}}, "HX-Request", "true")
		if r.Status != 200 || !strings.Contains(r.Doc.Find("[data-testid=active-sanctions]").Text(), "Muted until") {
			t.Fatalf("mute = %d %s", r.Status, r.Body)
		}
		doneAudit(t, r)
		r = m.author.postMessage("beta", url.Values{"body": {"can I talk?"}}, "HX-Request", "true")
		if msg := r.Doc.Find("[data-testid=compose-error]").Text(); r.Status != http.StatusForbidden || !strings.Contains(msg, "muted you until") || !strings.Contains(msg, "spam") {
			t.Errorf("muted post = %d %q", r.Status, msg)
		}
		// Mutes are per channel.
		m.post(t, m.author, "alpha", "still fine in alpha")
		// Without JavaScript: warn redirects back to the card with undo.
		r = site.post(card+"/sanctions", url.Values{"do": {"warn"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), card+"?undo=") {
			t.Errorf("warn = %d %q", r.Status, r.Header.Get("Location"))
		}
		if r := site.get(r.Header.Get("Location")); r.Doc.Find("[data-testid=card-notice] form").Length() != 1 || !strings.Contains(r.Doc.Find("#flash").Text(), "Warned ann") {
			t.Errorf("card after warn: %q", r.Doc.Find("#flash").Text())
		}
		// Nobody sanctions themselves.
		if r := site.post("/mod/c/beta/people/u:"+strconv.FormatInt(mustUser(t, s, "site-mod@example.org"), 10)+"/sanctions", url.Values{"do": {"warn"}}, "HX-Request", "true"); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("self-sanction = %d", r.Status)
		}

		// Shadow-mute the peer in beta: they see their posts as usual, peers do not, staff do.
		peerCard := "/mod/c/beta/people/u:" + strconv.FormatInt(m.peerU.ID, 10)
		if r := site.post(peerCard+"/sanctions", url.Values{"do": {"shadow_mute"}}, "HX-Request", "true"); r.Status != 200 {
			t.Fatalf("shadow-mute = %d", r.Status)
		}
		id := m.post(t, m.peer, "beta", "nobody hears me")
		mine := message(m.peer, "beta", id)
		if mine.Length() != 1 || mine.Find("[data-testid=mod-state]").Length() != 0 {
			t.Errorf("shadow-muted author's view: %d, mark %q", mine.Length(), mine.Find("[data-testid=mod-state]").Text())
		}
		if html, _ := goquery.OuterHtml(mine); strings.Contains(html, "shadow") {
			t.Errorf("the shadow-muted author can tell: %s", html)
		}
		if message(m.author, "beta", id).Length() != 0 {
			t.Error("a peer sees a shadow-muted message")
		}
		if got := message(site, "beta", id).Find("[data-testid=mod-state]").Text(); got != "shadow-muted" {
			t.Errorf("staff badge = %q", got)
		}
		if r := site.get("/mod"); wallItemIn(r, "incoming", m.betaID, id).AttrOr("data-state", "") != "shadow" {
			t.Error("the wall does not show the shadow-muted message")
		}

		// Purge hides the person's messages in the channel.
		r = site.post(peerCard+"/purge", url.Values{"reason": {"flood"}}, "HX-Request", "true")
		if r.Status != 200 || !strings.Contains(r.Doc.Find("[data-testid=card-notice]").Text(), "Hid 1 message") {
			t.Errorf("purge = %d %q", r.Status, r.Doc.Find("[data-testid=card-notice]").Text())
		}
		// Ban from the channel: the person can no longer open it.
		if r := site.post(peerCard+"/sanctions", url.Values{"kind": {"ban"}}, "HX-Request", "true"); r.Status != 200 {
			t.Fatalf("ban = %d", r.Status)
		}
		if r := m.peer.get("/c/beta/events"); r.Status != http.StatusForbidden {
			t.Errorf("banned person's stream = %d", r.Status)
		}
	})
}

func mustUser(t *testing.T, s *testServer, email string) int64 {
	t.Helper()
	u, err := s.Accounts.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// sse is an open event stream.
type sse struct {
	t      *testing.T
	sc     *bufio.Scanner
	close  func()
	status int
}

func openSSE(t *testing.T, b *browser, path string, headers ...string) *sse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	req, _ := http.NewRequestWithContext(ctx, "GET", b.s.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := b.http.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || !strings.HasPrefix(ct, "text/event-stream") {
		cancel()
		res.Body.Close()
		t.Fatalf("stream %s = %d %q", path, res.StatusCode, ct)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	s := &sse{t: t, sc: sc, close: func() { cancel(); res.Body.Close() }}
	t.Cleanup(s.close)
	return s
}

// next reads the next event that has an id: its id and data.
func (s *sse) next() (string, string) {
	s.t.Helper()
	var id string
	var data strings.Builder
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case line == "":
			if id != "" {
				return id, data.String()
			}
			data.Reset()
		case strings.HasPrefix(line, "id: "):
			id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			data.WriteString(strings.TrimPrefix(line, "data: "))
			data.WriteByte('\n')
		}
	}
	s.t.Fatalf("stream ended: %v", s.sc.Err())
	return "", ""
}

// until reads events until one's data contains want; it returns the id of
// that event and everything read.
func (s *sse) until(want string) (string, string) {
	s.t.Helper()
	var all strings.Builder
	for {
		id, data := s.next()
		all.WriteString(data)
		if strings.Contains(data, want) {
			return id, all.String()
		}
	}
}

func TestModReportsAndStaffChat(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		m := newModSetup(t, s)
		id := m.post(t, m.author, "alpha", "buy cheap watches")
		if r := act(m.modA, "alpha", id, "approve", true, nil); r.Status != 200 {
			t.Fatalf("approve = %d", r.Status)
		}
		// The peer sees a Report control on the author's message, the author does not.
		if message(m.peer, "alpha", id).Find(".report-box form").Length() != 1 {
			t.Error("no report control for the peer")
		}
		if message(m.author, "alpha", id).Find(".report-box").Length() != 0 {
			t.Error("a report control on one's own message")
		}
		wall := m.modA.get("/mod")
		since := strings.TrimPrefix(wall.Doc.Find("[data-testid=wall-live]").AttrOr("hx-sse:connect", ""), "/mod/events?since=")
		stream := openSSE(t, m.modA, "/mod/events?since="+url.QueryEscape(since))
		peerPage := m.peer.get("/c/alpha")
		seq := peerPage.Doc.Find("[data-testid=live]").AttrOr("hx-sse:connect", "")
		peerStream := openSSE(t, m.peer, seq[strings.Index(seq, "/c/"):])

		// A report (htmx) lands on the wall, live.
		r := m.peer.post("/c/alpha/messages/"+strconv.FormatInt(id, 10)+"/report", url.Values{"reason": {"spam link"}}, "HX-Request", "true")
		if r.Status != 200 || r.Doc.Find("[data-testid=report-note]").Length() != 1 || r.Doc.Find(".report-box").Length() != 0 {
			t.Errorf("report = %d %s", r.Status, r.Body)
		}
		if r := m.peer.post("/c/alpha/messages/"+strconv.FormatInt(id, 10)+"/report", url.Values{"reason": {"again"}}, "HX-Request", "true"); r.Status != http.StatusConflict || !strings.Contains(r.Doc.Find(".report-box [role=alert]").Text(), "already") {
			t.Errorf("second report = %d %q", r.Status, r.Doc.Find(".report-box [role=alert]").Text())
		}
		if r := m.peer.post("/c/alpha/messages/"+strconv.FormatInt(id, 10)+"/report", url.Values{"reason": {""}}, "HX-Request", "true"); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("report without reason = %d", r.Status)
		}
		_, data := stream.until("spam link")
		if !strings.Contains(data, `hx-target="#reports-`+m.alphaID+`"`) || !strings.Contains(data, `id="counts-`+m.alphaID+`"`) {
			t.Errorf("report event: %s", data)
		}
		if w := m.modA.get("/mod"); !strings.Contains(wallItemIn(w, "reports", m.alphaID, id).Text(), "spam link") ||
			w.Doc.Find("#counts-"+m.alphaID+" [data-count=reports] strong").Text() != "1" {
			t.Errorf("reports on the wall: %q", wallItemIn(w, "reports", m.alphaID, id).Text())
		}
		// A guest reports without JavaScript.
		guest := s.browser(t)
		guest.post("/c/alpha/join", url.Values{"name": {"Sam"}})
		guest.get("/c/alpha")
		if r := guest.post("/c/alpha/messages/"+strconv.FormatInt(id, 10)+"/report", url.Values{"reason": {"scam"}}); r.Status != http.StatusSeeOther {
			t.Errorf("guest report = %d", r.Status)
		}
		if got := guest.get("/c/alpha").Doc.Find("#flash").Text(); !strings.Contains(got, "moderators will take a look") {
			t.Errorf("guest told %q", got)
		}
		stream.until("scam")

		// Staff chat: on the wall and its stream, never on the channel page or its stream.
		m.modA.get("/mod")
		r = m.modA.post("/mod/c/alpha/staff-chat", url.Values{"body": {"I will take the reports"}}, "HX-Request", "true")
		if r.Status != 200 || r.Doc.Find("form.staff-form input[name=body]").AttrOr("value", "x") != "" {
			t.Errorf("staff chat post = %d %s", r.Status, r.Body)
		}
		if r := m.modA.post("/mod/c/alpha/staff-chat", url.Values{"body": {"  "}}, "HX-Request", "true"); r.Status != http.StatusUnprocessableEntity || r.Doc.Find(".field-error").Length() != 1 {
			t.Errorf("empty staff chat = %d", r.Status)
		}
		_, data = stream.until("I will take the reports")
		if !strings.Contains(data, `hx-target="#staff-`+m.alphaID+`"`) {
			t.Errorf("staff chat event: %s", data)
		}
		// A session starts: the channel's header on the wall says it is live.
		if _, err := s.Chat.StartSession(context.Background(), m.alphaHost.ID, m.alpha, "Week 2"); err != nil {
			t.Fatal(err)
		}
		if _, data := stream.until(`id="wc-` + m.alphaID + `-head"`); !strings.Contains(data, "badge-live") {
			t.Errorf("header update: %s", data)
		}
		if strings.Contains(m.peer.get("/c/alpha").Body, "take the reports") {
			t.Error("the channel page shows the staff chat")
		}
		if strings.Contains(m.modA.get("/c/alpha").Body, "take the reports") {
			t.Error("the channel page shows the staff chat, even to staff")
		}
		if !strings.Contains(m.site.get("/mod").Doc.Find("#staff-"+m.alphaID).Text(), "take the reports") {
			t.Error("another moderator's wall lacks the staff chat message")
		}
		// The peer's stream carries neither the reports nor the staff chat:
		// read it up to a message posted after both.
		hostless := m.post(t, m.author, "alpha", "sentinel message")
		act(m.modA, "alpha", hostless, "approve", true, nil)
		_, seen := peerStream.until("sentinel message")
		for _, leak := range []string{"take the reports", "spam link", "scam"} {
			if strings.Contains(seen, leak) {
				t.Errorf("the participant's stream carried %q", leak)
			}
		}
		// Approving resolves the reports: the wall's row becomes a compact line.
		r = act(m.modA, "alpha", id, "hide", true, url.Values{"list": {"reports"}})
		if r.Status != 200 || !strings.Contains(r.Doc.Find("[data-testid=resolved]").Text(), "Hidden") {
			t.Errorf("hide reported = %d %s", r.Status, r.Body)
		}
		if w := m.modA.get("/mod"); w.Doc.Find("#counts-"+m.alphaID+" [data-count=reports] strong").Text() != "0" {
			t.Error("reports still counted after hiding")
		}
	})
}

// The wall's stream merges every moderated channel; its ids carry each
// channel's position, so a reconnect replays exactly what was missed.
func TestModWallStreamReplay(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		m := newModSetup(t, s)
		m.author.accept("beta")
		wall := m.site.get("/mod")
		since := strings.TrimPrefix(wall.Doc.Find("[data-testid=wall-live]").AttrOr("hx-sse:connect", ""), "/mod/events?since=")
		if want := m.alphaID + ":" + strconv.FormatInt(mustSeq(t, s, "alpha"), 10) + "," + m.betaID + ":" + strconv.FormatInt(mustSeq(t, s, "beta"), 10); since != want {
			t.Fatalf("wall starts its stream at %q, want %q", since, want)
		}
		st := openSSE(t, m.site, "/mod/events?since="+url.QueryEscape(since))
		m.post(t, m.author, "alpha", "one in alpha")
		id1, data := st.until("one in alpha")
		if !strings.Contains(data, `hx-target="#held-`+m.alphaID+`"`) || !strings.Contains(data, `hx-target="#incoming-`+m.alphaID+`"`) {
			t.Errorf("held message event: %s", data)
		}
		m.post(t, m.author, "beta", "two in beta")
		id2, _ := st.until("two in beta")
		cur := parseCursor(t, id2)
		if cur[m.alphaID] != parseCursor(t, id1)[m.alphaID] || cur[m.betaID] <= parseCursor(t, id1)[m.betaID] {
			t.Errorf("ids %q then %q", id1, id2)
		}
		st.close()

		// Missed while away, in both channels.
		m.post(t, m.author, "alpha", "three in alpha")
		m.post(t, m.author, "beta", "four in beta")
		st = openSSE(t, m.site, "/mod/events?since="+url.QueryEscape(since), "Last-Event-ID", id2)
		var got []string
		var last string
		for len(got) < 2 {
			id, data := st.next()
			last = id
			for _, b := range []string{"one in alpha", "two in beta", "three in alpha", "four in beta"} {
				if strings.Contains(data, b) {
					got = append(got, b)
				}
			}
		}
		if strings.Join(got, "|") != "three in alpha|four in beta" {
			t.Errorf("replayed %v", got)
		}
		st.close()
		// ?since= in the same form, from the position after "three".
		st = openSSE(t, m.site, "/mod/events?since="+url.QueryEscape(m.alphaID+":"+strconv.FormatInt(parseCursor(t, last)[m.alphaID], 10)+","+m.betaID+":"+strconv.FormatInt(cur[m.betaID], 10)))
		if _, data := st.next(); !strings.Contains(data, "four in beta") {
			t.Errorf("since replay: %s", data)
		}
		st.close()
		for _, bad := range []string{"12", "a:b", "1:-3", "1:2,x"} {
			if r := m.site.get("/mod/events?since=" + url.QueryEscape(bad)); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("since=%q = %d", bad, r.Status)
			}
		}
	})
}

func mustSeq(t *testing.T, s *testServer, slug string) int64 {
	t.Helper()
	ch, err := s.Chat.Channel(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return ch.LastSeq
}

func parseCursor(t *testing.T, id string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for part := range strings.SplitSeq(id, ",") {
		c, seq, ok := strings.Cut(part, ":")
		n, err := strconv.ParseInt(seq, 10, 64)
		if !ok || err != nil {
			t.Fatalf("event id %q is not a wall cursor", id)
		}
		out[c] = n
	}
	return out
}
