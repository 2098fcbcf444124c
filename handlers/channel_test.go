package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
)

// newChannel creates a channel hosted by a new host, with settings applied.
func (s *testServer) newChannel(t *testing.T, slug string, in chat.ChannelInput) (*model.Channel, *model.User) {
	t.Helper()
	host := s.createUser(t, "host-"+slug+"@example.org", model.RoleHost)
	title := "Channel " + slug
	in.Slug, in.Title = &slug, &title
	ch, err := s.Chat.CreateChannel(context.Background(), host.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return ch, host
}

// accept opens the channel and accepts its guidelines.
func (b *browser) accept(slug string) {
	b.t.Helper()
	r := b.get("/c/" + slug)
	id, ok := r.Doc.Find(`[data-testid=guidelines] input[name=guideline_id], [data-testid=guideline-change] input[name=guideline_id]`).Attr("value")
	if !ok {
		b.t.Fatalf("no guidelines to accept on /c/%s (status %d)", slug, r.Status)
	}
	if r := b.post("/c/"+slug+"/guidelines/accept", url.Values{"guideline_id": {id}}); r.Status != http.StatusSeeOther {
		b.t.Fatalf("accept guidelines = %d", r.Status)
	}
}

func (b *browser) postMessage(slug string, form url.Values, headers ...string) *response {
	b.t.Helper()
	return b.post("/c/"+slug+"/messages", form, headers...)
}

func TestChannelPagesPostingAndLimits(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		slow := 0
		ch, _ := s.newChannel(t, "physics", chat.ChannelInput{SlowModeSeconds: &slow})
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		pat := s.browser(t)
		pat.signIn("pat@example.org")

		// Guidelines first: the compose box is not offered, and a post is refused.
		r := pat.get("/c/physics")
		if r.Status != 200 || r.Doc.Find("[data-testid=guidelines]").Length() != 1 || r.Doc.Find("#compose-body").Length() != 0 {
			t.Fatalf("channel before accepting: %d", r.Status)
		}
		r = pat.postMessage("physics", url.Values{"body": {"hello"}}, "HX-Request", "true")
		if r.Status != http.StatusForbidden || !strings.Contains(r.Doc.Find("[data-testid=compose-error]").Text(), "accept") {
			t.Errorf("post before accepting = %d %q", r.Status, r.Doc.Find("[data-testid=compose-error]").Text())
		}
		pat.accept("physics")

		// Without JavaScript: a plain form post redirects back to the message.
		r = pat.postMessage("physics", url.Values{"body": {"First! <b>bold</b> www.example.org"}, "kind": {"comment"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/c/physics#m-") {
			t.Fatalf("plain post = %d → %q", r.Status, r.Header.Get("Location"))
		}
		r = pat.get("/c/physics")
		body := r.Doc.Find("[data-testid=message-body]").First()
		if !strings.Contains(body.Text(), "<b>bold</b>") || body.Find("b").Length() != 0 {
			t.Errorf("markup in a message is not shown as text: %q", body.Text())
		}
		if a := body.Find("a"); a.AttrOr("href", "") != "https://www.example.org" || a.AttrOr("rel", "") != "nofollow ugc noopener" {
			t.Errorf("link = %q rel %q", a.AttrOr("href", ""), a.AttrOr("rel", ""))
		}
		// With htmx: the answer is an empty compose form.
		r = pat.postMessage("physics", url.Values{"body": {"Is this on the exam?"}, "kind": {"question"}}, "HX-Request", "true")
		if r.Status != 200 || r.Doc.Find("textarea").Text() != "" || r.Doc.Find("form[data-testid=compose]").Length() != 1 {
			t.Fatalf("htmx post = %d %s", r.Status, r.Body)
		}
		// Too long: refused beside the compose box, text kept, nothing stored.
		before, _ := s.Chat.Messages(ctx, ch, chat.Viewer{Staff: true}, 0, 100)
		long := strings.Repeat("a", ch.MaxLength+1)
		r = pat.postMessage("physics", url.Values{"body": {long}}, "HX-Request", "true")
		if r.Status != http.StatusUnprocessableEntity || r.Doc.Find("textarea").Text() != long ||
			!strings.Contains(r.Doc.Find("[data-testid=compose-error]").Text(), "at most 500 characters") {
			t.Errorf("too long = %d %q", r.Status, r.Doc.Find("[data-testid=compose-error]").Text())
		}
		// Slow mode: a friendly wait time and Retry-After.
		host, _ := s.Accounts.UserByEmail(ctx, "host-physics@example.org")
		thirty := 30
		if _, err := s.Chat.UpdateChannel(ctx, host.ID, "physics", chat.ChannelInput{SlowModeSeconds: &thirty}); err != nil {
			t.Fatal(err)
		}
		r = pat.postMessage("physics", url.Values{"body": {"again"}}, "HX-Request", "true")
		msg := r.Doc.Find("[data-testid=compose-error]").Text()
		if r.Status != http.StatusTooManyRequests || !strings.Contains(msg, "you can post again in") || r.Header.Get("Retry-After") == "" {
			t.Errorf("slow mode = %d %q %q", r.Status, msg, r.Header.Get("Retry-After"))
		}
		after, _ := s.Chat.Messages(ctx, ch, chat.Viewer{Staff: true}, 0, 100)
		if len(after) != len(before) {
			t.Errorf("refused posts stored messages: %d → %d", len(before), len(after))
		}
		// Locked: participants are told, and a post is refused.
		locked := model.PostingLocked
		if _, err := s.Chat.UpdateChannel(ctx, host.ID, "physics", chat.ChannelInput{PostingMode: &locked}); err != nil {
			t.Fatal(err)
		}
		if r := pat.get("/c/physics"); r.Doc.Find("[data-testid=locked-notice]").Length() != 1 {
			t.Error("locked channel shows no notice")
		}
		if r := pat.postMessage("physics", url.Values{"body": {"x"}}, "HX-Request", "true"); r.Status != http.StatusForbidden {
			t.Errorf("post in locked channel = %d", r.Status)
		}
	})
}

func TestChannelGuestsAnonymityAndStaffView(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.newChannel(t, "talk", chat.ChannelInput{})
		s.createUser(t, "mod@example.org", model.RoleModerator)
		guest := s.browser(t)
		r := guest.get("/c/talk")
		if r.Doc.Find("[data-testid=guest-join]").Length() != 1 {
			t.Fatalf("no guest join form: %d", r.Status)
		}
		if r := guest.post("/c/talk/join", url.Values{"name": {""}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("guest without a name = %d", r.Status)
		}
		if r := guest.post("/c/talk/join", url.Values{"name": {"Sam"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("guest join = %d", r.Status)
		}
		guest.accept("talk")
		if r := guest.postMessage("talk", url.Values{"body": {"who am I?"}, "anonymous": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("guest anonymous post = %d", r.Status)
		}
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		peer := s.browser(t)
		peer.signIn("pat@example.org")
		authorOf := func(b *browser) string {
			return strings.TrimSpace(b.get("/c/talk").Doc.Find("[data-testid=message] .author").First().Text())
		}
		if got := authorOf(peer); got != "Anonymous" {
			t.Errorf("peer sees author %q, want Anonymous", got)
		}
		if got := authorOf(guest); got != "Sam" {
			t.Errorf("author sees %q on their own post", got)
		}
		mod := s.browser(t)
		mod.signIn("mod@example.org")
		if got := authorOf(mod); got != "Sam" {
			t.Errorf("moderator sees %q, want the real name", got)
		}
		// The author deletes it with htmx: the answer is the tombstone, and
		// peers see it removed; the row stays for staff.
		id := guest.get("/c/talk").Doc.Find("[data-testid=message]").First().AttrOr("id", "")
		r = guest.post("/c/talk/messages/"+strings.TrimPrefix(id, "m-")+"/delete", nil, "HX-Request", "true")
		if r.Status != 200 || !strings.Contains(r.Body, "This message was removed") {
			t.Errorf("delete via htmx = %d %s", r.Status, r.Body)
		}
		if got := peer.get("/c/talk").Doc.Find("[data-testid=message]").Text(); strings.Contains(got, "who am I") || !strings.Contains(got, "removed") {
			t.Errorf("peer sees %q after delete", got)
		}
		if got := mod.get("/c/talk").Doc.Find("[data-testid=message-body]").Text(); !strings.Contains(got, "who am I") {
			t.Errorf("staff lost the deleted body: %q", got)
		}
		// The guest cannot reach pages beyond the channel.
		if r := guest.get("/channels"); r.Status != http.StatusSeeOther {
			t.Errorf("guest /channels = %d", r.Status)
		}
		// Another channel does not know this guest.
		s.newChannel(t, "other", chat.ChannelInput{})
		if r := guest.postMessage("other", url.Values{"body": {"hi"}}); r.Status != http.StatusUnauthorized {
			t.Errorf("guest of talk posting in other = %d", r.Status)
		}
	})
}

func TestChannelVisibilityAndHostTools(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		vis := model.VisibilityJoinCode
		ch, host := s.newChannel(t, "secret", chat.ChannelInput{Visibility: &vis})
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		pat := s.browser(t)
		pat.signIn("pat@example.org")
		if r := pat.get("/c/secret"); r.Doc.Find("#f-code").Length() != 1 {
			t.Fatalf("join-code channel asks for no code")
		}
		if r := pat.post("/c/secret/join", url.Values{"code": {"WRONG1"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("wrong code = %d", r.Status)
		}
		if r := pat.get("/c/secret/events"); r.Status != http.StatusForbidden {
			t.Errorf("stream before joining = %d", r.Status)
		}
		if r := pat.post("/c/secret/join", url.Values{"code": {strings.ToLower(ch.JoinCode)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("right code = %d", r.Status)
		}
		if r := pat.get("/c/secret"); r.Doc.Find("[data-testid=guidelines]").Length() != 1 {
			t.Error("member does not see the channel")
		}
		// Participants cannot reach the host's tools.
		if r := pat.get("/c/secret/settings"); r.Status != http.StatusForbidden {
			t.Errorf("participant settings = %d", r.Status)
		}
		if r := pat.post("/c/secret/sessions/start", nil); r.Status != http.StatusForbidden {
			t.Errorf("participant start session = %d", r.Status)
		}
		// The host starts and ends a session and changes settings.
		hb := s.browser(t)
		hb.signIn(host.Email)
		r := hb.get("/c/secret")
		if r.Doc.Find("[data-testid=join-code]").Text() != ch.JoinCode {
			t.Error("host does not see the join code")
		}
		if r := hb.post("/c/secret/sessions/start", url.Values{"title": {"Week 1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("start session = %d", r.Status)
		}
		if r := hb.get("/c/secret"); r.Doc.Find("[data-testid=live-badge]").Length() != 1 {
			t.Error("no live badge after starting")
		}
		if r := hb.get("/channels"); !strings.Contains(r.Doc.Find("[data-testid=channel-list]").Text(), "Live") {
			t.Error("channel list shows no live badge")
		}
		hb.get("/c/secret/settings")
		r = hb.post("/c/secret/settings", url.Values{"title": {"Secret seminar"}, "visibility": {"join-code"}, "join_code": {ch.JoinCode},
			"posting_mode": {"questions"}, "slow_mode_seconds": {"abc"}, "max_length": {"300"}})
		if r.Status != http.StatusUnprocessableEntity || r.Doc.Find("#e-slow_mode_seconds").Length() != 1 {
			t.Errorf("bad slow mode = %d", r.Status)
		}
		r = hb.post("/c/secret/settings", url.Values{"title": {"Secret seminar"}, "visibility": {"join-code"}, "join_code": {ch.JoinCode},
			"posting_mode": {"questions"}, "slow_mode_seconds": {"10"}, "max_length": {"300"}, "allow_guests": {"1"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("save settings = %d %s", r.Status, r.Doc.Find(".field-error").Text())
		}
		got, _ := s.Chat.Channel(context.Background(), "secret")
		if got.Title != "Secret seminar" || got.PostingMode != model.PostingQuestions || got.SlowModeSeconds != 10 || got.AllowAnonymous || !got.AllowGuests {
			t.Errorf("settings stored = %+v", got.ChannelSettings)
		}
		if r := hb.post("/c/secret/sessions/end", url.Values{"confirm": {"yes"}}); r.Status != http.StatusSeeOther {
			t.Errorf("end session = %d", r.Status)
		}
		// A host creates a channel from the list page; a participant cannot.
		hb.get("/channels")
		if r := hb.post("/channels", url.Values{"title": {"Bio"}, "slug": {"Bad Slug!"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad slug = %d", r.Status)
		}
		if r := hb.post("/channels", url.Values{"title": {"Biology"}, "slug": {"bio-1"}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/c/bio-1" {
			t.Errorf("create = %d %q", r.Status, r.Header.Get("Location"))
		}
		pat.get("/channels")
		if r := pat.post("/channels", url.Values{"title": {"X"}, "slug": {"x-1"}}); r.Status != http.StatusForbidden {
			t.Errorf("participant creates a channel = %d", r.Status)
		}
	})
}

// The page's stream replays what a dropped connection missed, from
// Last-Event-ID or ?since=, with no gap and no duplicate.
func TestChannelStreamReplay(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, host := s.newChannel(t, "replay", chat.ChannelInput{})
		hv, err := s.Chat.ViewerFor(ctx, ch, host, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Chat.AcceptGuideline(ctx, ch, hv, 0); err != nil {
			t.Fatal(err)
		}
		post := func(body string) int64 {
			m, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: body})
			if err != nil {
				t.Fatal(err)
			}
			return m.Seq
		}
		b := s.browser(t)
		b.signIn(host.Email)
		b.get("/c/replay")
		open := func(headers ...string) (*http.Response, *bufio.Scanner, context.CancelFunc) {
			cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			req, _ := http.NewRequestWithContext(cctx, "GET", s.URL+"/c/replay/events"+headers[0], nil)
			for i := 1; i+1 < len(headers); i += 2 {
				req.Header.Set(headers[i], headers[i+1])
			}
			res, err := b.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || !strings.HasPrefix(ct, "text/event-stream") {
				t.Fatalf("stream = %d %q", res.StatusCode, ct)
			}
			return res, bufio.NewScanner(res.Body), cancel
		}
		// readIDs reads n events and returns their ids and whether each held body.
		readIDs := func(sc *bufio.Scanner, n int, want string) []int64 {
			var ids []int64
			var data strings.Builder
			for sc.Scan() {
				line := sc.Text()
				if line == "" && len(ids) == n {
					break
				}
				switch {
				case strings.HasPrefix(line, "id: "):
					id, _ := strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
					ids = append(ids, id)
				case strings.HasPrefix(line, "data: "):
					data.WriteString(line)
				}
			}
			if want != "" && !strings.Contains(data.String(), want) {
				t.Errorf("stream data lacks %q", want)
			}
			return ids
		}
		first := post("one")
		res, sc, cancel := open("?since=0")
		ids := readIDs(sc, 1, "one")
		post("two")
		post("three")
		ids = append(ids, readIDs(sc, 2, "three")...)
		cancel()
		res.Body.Close()
		if len(ids) != 3 || ids[0] != first {
			t.Fatalf("first connection ids = %v", ids)
		}
		// Missed while disconnected:
		post("four")
		post("five")
		res, sc, cancel = open("", "Last-Event-ID", strconv.FormatInt(ids[2], 10))
		got := readIDs(sc, 2, "five")
		cancel()
		res.Body.Close()
		if len(got) != 2 || got[0] != ids[2]+1 || got[1] != ids[2]+2 {
			t.Errorf("after reconnect ids = %v, want %d and %d", got, ids[2]+1, ids[2]+2)
		}
		res, sc, cancel = open("?since=" + strconv.FormatInt(got[0], 10))
		again := readIDs(sc, 1, "five")
		cancel()
		res.Body.Close()
		if len(again) != 1 || again[0] != got[1] {
			t.Errorf("since=%d ids = %v", got[0], again)
		}
		if r := b.get("/c/replay/events?since=-4"); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad since = %d", r.Status)
		}
	})
}

func TestWarningShownToThePerson(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, _ := s.newChannel(t, "warned", chat.ChannelInput{})
		pat := s.createUser(t, "pat@example.org", model.RoleParticipant)
		mod := s.createUser(t, "mod@example.org", model.RoleModerator)
		mv, err := s.Chat.ViewerFor(ctx, ch, mod, nil)
		if err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.signIn(pat.Email)
		if n := b.get("/c/warned").Doc.Find("[data-testid=warning]").Length(); n != 0 {
			t.Fatalf("%d warnings before any", n)
		}
		in := moderation.SanctionInput{Subject: model.Actor{UserID: pat.ID}.Key(), Kind: model.SanctionWarn}
		in.Reason, in.Guideline = "please stay on topic", "G2"
		if _, err := s.Moderation.Sanction(ctx, ch, mv, in); err != nil {
			t.Fatal(err)
		}
		got := b.get("/c/warned").Doc.Find("[data-testid=warning]").Text()
		if !strings.Contains(got, "please stay on topic") || !strings.Contains(got, "G2") {
			t.Errorf("warning shown = %q", got)
		}
		peer := s.browser(t)
		s.createUser(t, "kim@example.org", model.RoleParticipant)
		peer.signIn("kim@example.org")
		if n := peer.get("/c/warned").Doc.Find("[data-testid=warning]").Length(); n != 0 {
			t.Error("another participant sees the warning")
		}
	})
}
