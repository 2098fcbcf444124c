package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// queryLog records the SQL statements a server runs.
type queryLog struct {
	mu    sync.Mutex
	on    bool
	stmts []string
}

func (l *queryLog) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (l *queryLog) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.on {
		l.stmts = append(l.stmts, e.Query)
	}
}

// during returns the statements run while fn runs.
func (l *queryLog) during(fn func()) []string {
	l.mu.Lock()
	l.on, l.stmts = true, nil
	l.mu.Unlock()
	fn()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = false
	return l.stmts
}

// count returns how many statements read table (FROM "table" or FROM
// table), not counting row locks (SELECT … FOR UPDATE).
func count(stmts []string, table string) int {
	n := 0
	for _, s := range stmts {
		if strings.Contains(s, "FOR UPDATE") {
			continue
		}
		if strings.Contains(s, `FROM "`+table+`" `) || strings.Contains(s, "FROM "+table+" ") {
			n++
		}
	}
	return n
}

// A participant's form post and the channel page read each thing they
// need once: the channel row, the person's sanctions in force, the guideline
// in force (a channel's own, else the site's: two statements) and whether
// they accepted it (one). The page also reads the person's recent warnings
// (sanctions). The bounds hold what was measured when the viewer's standing
// began to be read once per request (a form post ran 19 statements, reading
// sanctions 3 times and the guideline 3 times; the page 15, reading the
// channel twice); a change that reads more fails here.
func TestQueriesPerRequest(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			queriesPerRequest(t, newServer(t, d.URL, func(o *serverOptions) { o.noIndexer = true }))
		})
	}
}

func queriesPerRequest(t *testing.T, s *testServer) {
	{
		slow := 0
		s.newChannel(t, "counted", chat.ChannelInput{SlowModeSeconds: &slow})
		s.createUser(t, "pat@example.org", model.RoleParticipant)
		pat := s.browser(t)
		pat.signIn("pat@example.org")
		pat.accept("counted")
		log := &queryLog{}
		s.DB.AddQueryHook(log)

		var r *response
		post := log.during(func() { r = pat.postMessage("counted", url.Values{"body": {"hello"}, "kind": {"comment"}}) })
		if r.Status != http.StatusSeeOther {
			t.Fatalf("post = %d", r.Status)
		}
		page := log.during(func() { r = pat.get("/c/counted") })
		if r.Status != http.StatusOK {
			t.Fatalf("page = %d", r.Status)
		}
		for _, c := range []struct {
			name  string
			stmts []string
			table string
			max   int
		}{
			{"post", post, "sanctions", 1},
			{"post", post, "guidelines", 1},
			{"post", post, "guideline_acceptances", 1},
			{"post", post, "channels", 1},
			{"page", page, "sanctions", 2},
			{"page", page, "guidelines", 1},
			{"page", page, "guideline_acceptances", 1},
			{"page", page, "channels", 1},
		} {
			if n := count(c.stmts, c.table); n > c.max {
				t.Errorf("%s reads %s %d times, want at most %d:\n%s", c.name, c.table, n, c.max, strings.Join(c.stmts, "\n"))
			}
		}
		// A participant's post: its checks, then its share of a batch
		// transaction (BEGIN … COMMIT) that commits posts together. The
		// policy and filter version polls are left out: each is asked at
		// most once per interval (store.VersionPoll), not once per request,
		// so whether a request meets one depends on the clock.
		post = slices.DeleteFunc(post, isVersionPoll)
		begin := slices.Index(post, "BEGIN")
		if begin < 0 || begin > 7 {
			t.Errorf("post runs %d statements before its batch; want at most 7:\n%s", begin, strings.Join(post, "\n"))
		}
		if batch := len(post) - begin; batch > 10 {
			t.Errorf("the batch of one post runs %d statements; want at most 10:\n%s", batch, strings.Join(post[begin:], "\n"))
		}
		t.Logf("statements: form post %d (%d before the batch), channel page %d", len(post), begin, len(page))
	}
}

// isVersionPoll reports whether stmt is a poll of a stored version setting
// (policy_version, filter_version …), which runs per interval, not per request.
func isVersionPoll(stmt string) bool {
	return strings.Contains(stmt, `FROM "settings"`) && strings.Contains(stmt, "_version'")
}
