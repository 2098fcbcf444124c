package handlers_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
)

// postingHost creates a channel whose host has accepted its guidelines, and
// returns the host's viewer for posting.
func (s *testServer) postingHost(t *testing.T, slug string) (*model.Channel, *model.User, chat.Viewer) {
	t.Helper()
	ch, host := s.newChannel(t, slug, chat.ChannelInput{})
	hv, err := s.Chat.ViewerFor(context.Background(), ch, host, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Chat.AcceptGuideline(context.Background(), ch, hv, 0); err != nil {
		t.Fatal(err)
	}
	return ch, host, hv
}

// sseFrame is one event of a stream as the client reads it.
type sseFrame struct {
	ID, Event, Data string
}

// liveStream reads one event stream as a client does, keeping every frame,
// until the server ends it.
type liveStream struct {
	Status int
	Header http.Header
	raw    []byte // the body of a refusal (not 200)

	mu     sync.Mutex
	frames []sseFrame
	ended  chan struct{}
}

// openLive opens the stream at path (query included) as b (its cookies),
// or with an API token when token is not empty.
func openLive(t *testing.T, b *browser, path, token string, header ...string) *liveStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", b.s.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := (&http.Client{Jar: b.http.Jar}).Do(req)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	l := &liveStream{Status: res.StatusCode, Header: res.Header, ended: make(chan struct{})}
	go func() {
		defer close(l.ended)
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			l.raw, _ = io.ReadAll(res.Body)
			return
		}
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		var f sseFrame
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				f.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				f.Event = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = append(data, line[6:])
			case line == "" && (f.ID != "" || data != nil):
				f.Data = strings.Join(data, "\n")
				l.mu.Lock()
				l.frames = append(l.frames, f)
				l.mu.Unlock()
				f, data = sseFrame{}, nil
			}
		}
	}()
	return l
}

// body waits for the end of a refusal and returns its body.
func (l *liveStream) body() string {
	<-l.ended
	return string(l.raw)
}

// all returns the frames read so far.
func (l *liveStream) all() []sseFrame {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]sseFrame(nil), l.frames...)
}

// waitFor waits for a frame for which ok holds, and returns it.
func (l *liveStream) waitFor(t *testing.T, what string, ok func(sseFrame) bool) sseFrame {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, f := range l.all() {
			if ok(f) {
				return f
			}
		}
	}
	t.Fatalf("%s never arrived", what)
	return sseFrame{}
}

// waitText waits for a frame whose data holds text.
func (l *liveStream) waitText(t *testing.T, text string) sseFrame {
	t.Helper()
	return l.waitFor(t, strconv.Quote(text), func(f sseFrame) bool { return strings.Contains(f.Data, text) })
}

// waitEnded waits until the server has ended the stream.
func (l *liveStream) waitEnded(t *testing.T, why string) {
	t.Helper()
	select {
	case <-l.ended:
	case <-time.After(20 * time.Second):
		t.Fatalf("the stream stayed open after %s", why)
	}
}

// isOpen reports whether the stream is still open.
func (l *liveStream) isOpen() bool {
	select {
	case <-l.ended:
		return false
	default:
		return true
	}
}

// An open stream ends once the access that opened it ends: an account
// disabled, an API token revoked, a ban in the channel, a moderator role
// revoked (channel stream and moderators' wall). Streams of others stay
// open, and reconnecting is refused.
func TestStreamsEndWhenAccessEnds(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, _, hv := s.postingHost(t, "gate")
		admin := s.createUser(t, "admin@example.org", model.RoleAdmin)
		post := func(body string) {
			t.Helper()
			if _, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: body}); err != nil {
				t.Fatal(err)
			}
		}
		participant := func(name string) (*model.User, *browser, string) { return s.withToken(t, name) }
		const apiPath, pagePath = "/api/v1/channels/gate/events", "/c/gate/events"

		// A bystander's streams, open throughout.
		_, bb, btoken := participant("bystander")
		bystander := []*liveStream{openLive(t, bb, apiPath, btoken), openLive(t, bb, pagePath, "")}

		disabled, db, dtoken := participant("disabled")
		dstreams := []*liveStream{openLive(t, db, apiPath, dtoken), openLive(t, db, pagePath, "")}
		revoked, rb, rtoken := participant("revoked")
		rstream := openLive(t, rb, apiPath, rtoken)
		banned, nb, ntoken := participant("banned")
		nstreams := []*liveStream{openLive(t, nb, apiPath, ntoken), openLive(t, nb, pagePath, "")}

		mod, mb, mtoken := participant("mod")
		if err := s.Accounts.GrantRole(ctx, admin.ID, mod.ID, model.RoleModerator, "gate"); err != nil {
			t.Fatal(err)
		}
		mstreams := []*liveStream{openLive(t, mb, apiPath, mtoken), openLive(t, mb, "/mod/events", "")}

		all := append(append(append(append([]*liveStream{rstream}, bystander...), dstreams...), nstreams...), mstreams...)
		for _, l := range all {
			if l.Status != http.StatusOK {
				t.Fatalf("a stream opened with %d", l.Status)
			}
		}
		post("everyone is here")
		for i, l := range all {
			if !l.isOpen() {
				t.Logf("stream %d ended: %v", i, l.all())
			}
			l.waitText(t, "everyone is here")
		}

		s.disableAndWait(t, admin.ID, disabled.ID, dstreams...)
		s.revokeAndWait(t, revoked.ID, rstream)

		in := moderation.SanctionInput{Subject: model.Actor{UserID: banned.ID}.Key(), Kind: model.SanctionBan}
		in.Reason = "spam"
		av, err := s.Chat.ViewerFor(ctx, ch, admin, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Moderation.Sanction(ctx, ch, av, in); err != nil {
			t.Fatal(err)
		}
		for _, l := range nstreams {
			l.waitEnded(t, "the ban")
		}
		if again := openLive(t, nb, pagePath, ""); again.Status != http.StatusForbidden {
			t.Errorf("a banned participant reopens the page stream: %d", again.Status)
		}

		if err := s.Accounts.RevokeRole(ctx, admin.ID, mod.ID, model.RoleModerator, "gate"); err != nil {
			t.Fatal(err)
		}
		for _, l := range mstreams {
			l.waitEnded(t, "the moderator role was revoked")
		}
		if again := openLive(t, mb, "/mod/events", ""); again.Status != http.StatusForbidden {
			t.Errorf("a former moderator reopens the wall's stream: %d", again.Status)
		}
		post("after the changes")
		for _, l := range bystander {
			l.waitText(t, "after the changes")
			if !l.isOpen() {
				t.Error("a bystander's stream ended")
			}
		}
	})
}
