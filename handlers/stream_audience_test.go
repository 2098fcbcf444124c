package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"backchannel/chat"
	"backchannel/live"
	"backchannel/model"
	"backchannel/testenv"
)

// channelSeqs returns the seqs of ch's events of the given kinds, read as
// staff (who are told of every event).
func channelSeqs(t *testing.T, s *testServer, ch *model.Channel, staff chat.Viewer, kinds ...model.EventKind) []int64 {
	t.Helper()
	changes, err := s.Chat.Changes(context.Background(), ch, staff, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	for _, c := range changes {
		if slices.Contains(kinds, c.Event.Kind) {
			seqs = append(seqs, c.Event.Seq)
		}
	}
	return seqs
}

// No report or staff-chat event reaches a participant's stream, neither
// the JSON API's nor the channel page's: not its data, not even its id. A
// message posted after them arrives, so the streams had passed them.
func TestParticipantStreamsCarryNoStaffEvents(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, _, hv := s.postingHost(t, "staffonly")
		admin := s.createUser(t, "admin@example.org", model.RoleAdmin)
		av, err := s.Chat.ViewerFor(ctx, ch, admin, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Chat.AcceptGuideline(ctx, ch, av, 0); err != nil {
			t.Fatal(err)
		}
		pat := s.createUser(t, "pat@example.org", model.RoleParticipant)
		pb := s.browser(t)
		pb.signIn(pat.Email)
		pb.accept("staffonly")
		pv, err := s.Chat.ViewerFor(ctx, ch, pat, nil)
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := s.Accounts.CreateAPIToken(ctx, pat.ID, "stream")
		if err != nil {
			t.Fatal(err)
		}
		api := openLive(t, pb, "/api/v1/channels/staffonly/events", token)
		page := openLive(t, pb, "/c/staffonly/events", "")
		ab := s.browser(t)
		ab.signIn(admin.Email)
		staffAPI := openLive(t, ab, "/api/v1/channels/staffonly/events", "")

		m, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: "reported soon"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Moderation.Report(ctx, ch, pv, m.ID, "off topic"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Moderation.StaffPost(ctx, ch, av, "staff only words"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: "after the staff events"}); err != nil {
			t.Fatal(err)
		}
		staffSeqs := channelSeqs(t, s, ch, av, model.EventReport, model.EventStaffMessage)
		if len(staffSeqs) != 2 {
			t.Fatalf("staff event seqs %v, want a report and a staff message", staffSeqs)
		}
		// Staff are told of them (the test would pass vacuously otherwise).
		staffAPI.waitFor(t, "the report on the staff stream", func(f sseFrame) bool { return f.ID == strconv.FormatInt(staffSeqs[0], 10) })

		for name, l := range map[string]*liveStream{"api": api, "page": page} {
			l.waitText(t, "after the staff events")
			for _, f := range l.all() {
				seq, _ := strconv.ParseInt(f.ID, 10, 64)
				if slices.Contains(staffSeqs, seq) {
					t.Errorf("%s stream: the participant got staff-only event %d: %q", name, seq, f.Data)
				}
				var ev struct{ Type model.EventKind }
				if name == "api" && json.Unmarshal([]byte(f.Data), &ev) == nil &&
					(ev.Type == model.EventReport || ev.Type == model.EventStaffMessage) {
					t.Errorf("api stream: the participant got a %s frame", ev.Type)
				}
				if name == "page" && (strings.Contains(f.Data, "staff only words") || strings.Contains(f.Data, "off topic")) {
					t.Errorf("page stream: the participant got staff-only text: %q", f.Data)
				}
			}
		}
	})
}

// A client that reconnects after missing more than one read batch (200
// events) gets every missed event exactly once and in order, on the JSON
// stream (Last-Event-ID) and on the page stream (?since=).
func TestStreamReplaysMoreThanOneBatch(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, host, hv := s.postingHost(t, "replay")
		token, _, err := s.Accounts.CreateAPIToken(ctx, host.ID, "stream")
		if err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.signIn(host.Email)
		post := func(body string) int64 {
			t.Helper()
			if _, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: body}); err != nil {
				t.Fatal(err)
			}
			seqs := channelSeqs(t, s, ch, hv, model.EventMessageCreated)
			return seqs[len(seqs)-1]
		}
		first := post("before the gap")
		const missed = 450 // more than two batches
		for i := range missed - 1 {
			if _, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: fmt.Sprintf("missed %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		last := post("the last missed")
		if last-first < missed {
			t.Fatalf("seqs %d..%d: fewer events than posts", first, last)
		}
		for _, tc := range []struct {
			name, path, token string
			header            []string
		}{
			{"api Last-Event-ID", "/api/v1/channels/replay/events", token, []string{"Last-Event-ID", strconv.FormatInt(first, 10)}},
			{"page ?since", "/c/replay/events?since=" + strconv.FormatInt(first, 10), "", nil},
		} {
			l := openLive(t, b, tc.path, tc.token, tc.header...)
			if l.Status != http.StatusOK {
				t.Fatalf("%s: %d", tc.name, l.Status)
			}
			want := strconv.FormatInt(last, 10)
			l.waitFor(t, tc.name+": event "+want, func(f sseFrame) bool { return f.ID == want })
			var ids []int64
			for _, f := range l.all() {
				id, err := strconv.ParseInt(f.ID, 10, 64)
				if err != nil {
					t.Fatalf("%s: frame without a numeric id: %+v", tc.name, f)
				}
				ids = append(ids, id)
			}
			for i, id := range ids {
				if id != first+1+int64(i) {
					t.Fatalf("%s: frame %d is event %d, want %d (ids %v)", tc.name, i, id, first+1+int64(i), ids)
				}
			}
			if int64(len(ids)) != last-first {
				t.Fatalf("%s: %d frames for %d missed events", tc.name, len(ids), last-first)
			}
		}
	})
}

// Open streams are capped per person and per address: a person's stream over
// their cap ends their oldest; an address's over its cap is refused with
// 429, Retry-After and a message (JSON for the API).
func TestStreamCaps(t *testing.T) {
	s := newServer(t, testenv.Databases(t)[0].URL, func(o *serverOptions) {
		o.streams = live.StreamLimits{PerPerson: 2, PerAddress: 3, CountLoopback: true}
	})
	ctx := context.Background()
	_, _ = s.newChannel(t, "capped", chat.ChannelInput{})
	pat := s.createUser(t, "pat@example.org", model.RoleParticipant)
	kim := s.createUser(t, "kim@example.org", model.RoleParticipant)
	token := func(u *model.User) string {
		tok, _, err := s.Accounts.CreateAPIToken(ctx, u.ID, "stream")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	pt, kt := token(pat), token(kim)
	b := s.browser(t)
	const path = "/api/v1/channels/capped/events"
	first := openLive(t, b, path, pt)
	second := openLive(t, b, path, pt)
	for _, l := range []*liveStream{first, second} {
		if l.Status != http.StatusOK {
			t.Fatalf("a stream under the cap: %d", l.Status)
		}
	}
	refused := func(what string, l *liveStream, msg string) {
		t.Helper()
		if l.Status != http.StatusTooManyRequests || l.Header.Get("Retry-After") == "" {
			t.Fatalf("%s: %d, Retry-After %q; want 429 with Retry-After", what, l.Status, l.Header.Get("Retry-After"))
		}
		<-l.ended
		if body := l.body(); !strings.Contains(body, msg) {
			t.Errorf("%s: body %q, want it to say %q", what, body, msg)
		}
	}
	// A person's third stream ends their oldest (a page they have most
	// likely left) rather than being refused.
	if third := openLive(t, b, path, pt); third.Status != http.StatusOK {
		t.Fatalf("a third stream of one person: %d, want 200 with their oldest ended", third.Status)
	}
	select {
	case <-first.ended:
	case <-time.After(10 * time.Second):
		t.Fatal("a person's oldest stream did not end when they opened one over their cap")
	}
	select {
	case <-second.ended:
		t.Fatal("a person's second stream ended too")
	default:
	}
	if l := openLive(t, b, path, kt); l.Status != http.StatusOK {
		t.Fatalf("another person's stream from the same address: %d", l.Status)
	}
	refused("a fourth stream from one address", openLive(t, b, path, kt), "Too many live connections from this address")
}
