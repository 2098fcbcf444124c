package handlers_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"backchannel/chat"
	"backchannel/model"
)

// Search results name the thread a hit replies to ("in reply to …"); when
// that first message was posted anonymously, participants are shown
// "Anonymous", never its author, while staff of the channel see who it was.
func TestSearchReplyToAnonymousRoot(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.newChannel(t, "quiet", chat.ChannelInput{})
		s.createUser(t, "zelda-quill@example.org", model.RoleParticipant)
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		s.createUser(t, "rex@example.org", model.RoleParticipant)
		s.createUser(t, "mo@example.org", model.RoleModerator)
		author, peer := s.browser(t), s.browser(t)
		author.signIn("zelda-quill@example.org")
		peer.signIn("pat@example.org")
		author.accept("quiet")
		peer.accept("quiet")
		m := &modSetup{s: s}
		root := m.post(t, author, "quiet", "a riddle nobody should trace back", "anonymous", "1")
		m.post(t, peer, "quiet", "xylophone is the answer", "parent_id", strconv.FormatInt(root, 10))
		s.waitIndexed(t)

		threadRoot := func(email string) string {
			t.Helper()
			b := s.browser(t)
			b.signIn(email)
			r := b.get("/search?" + url.Values{"q": {"xylophone"}}.Encode())
			got := strings.Join(strings.Fields(r.Doc.Find(".thread-root").Text()), " ")
			if got == "" {
				t.Fatalf("%s: the hit shows no thread it replies to (status %d)", email, r.Status)
			}
			if email != "mo@example.org" && strings.Contains(r.Body, "zelda-quill") {
				t.Errorf("%s: the search page names the anonymous author", email)
			}
			return got
		}
		for _, who := range []string{"rex@example.org", "pat@example.org"} {
			if got := threadRoot(who); !strings.HasPrefix(got, "in reply to Anonymous:") {
				t.Errorf("%s sees %q, want in reply to Anonymous", who, got)
			}
		}
		if got := threadRoot("mo@example.org"); !strings.HasPrefix(got, "in reply to zelda-quill:") {
			t.Errorf("a moderator sees %q, want the author's name", got)
		}
	})
}
