package main

// Fault tests: the server against real parts that fail under it. Each test
// runs its own Meilisearch or PostgreSQL (testenv.StartMeili,
// testenv.StartPostgres) when it stops one, so the services other tests
// share are never disturbed. Every wait is on a condition with a generous
// deadline; nothing is timed.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/config"
	"backchannel/loadgen"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// faultSetup makes the channel loadgen.LiveSlug and posters accounts that may
// post in it without a rate limit (site-wide hosts), through the database
// of env, before the server starts; it returns their API tokens.
func faultSetup(t *testing.T, env map[string]string, posters int) []string {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Load(getenvOf(env))
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := openCore(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tokens, err := loadgen.LiveSetup(ctx, services(c, log), posters)
	if err != nil {
		t.Fatal(err)
	}
	return tokens
}

// poster is a client posting to the channel through the JSON API.
type poster struct {
	base   func() string // the server's base URL
	client *http.Client
}

func newPoster(base func() string) *poster {
	return &poster{base: base, client: &http.Client{Timeout: 60 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true}}}
}

// post sends one message and returns the status (0: no answer) and the
// stored message's id and seq when it was acknowledged.
func (p *poster) post(ctx context.Context, token, body string) (status int, id, seq int64, err error) {
	b, _ := json.Marshal(map[string]string{"body": body})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base()+"/api/v1/channels/"+loadgen.LiveSlug+"/messages", bytes.NewReader(b))
	if err != nil {
		return 0, 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := p.client.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, 0, 0, err
	}
	if res.StatusCode/100 != 2 {
		return res.StatusCode, 0, 0, fmt.Errorf("%s: %s", res.Status, answer)
	}
	var m struct{ ID, Seq int64 }
	if err := json.Unmarshal(answer, &m); err != nil || m.ID == 0 {
		return res.StatusCode, 0, 0, fmt.Errorf("acknowledged with %q: %v", answer, err)
	}
	return res.StatusCode, m.ID, m.Seq, nil
}

// load is posters posting as fast as the server answers, each message with a
// body of its own, recording what was acknowledged and every other outcome.
type load struct {
	p      *poster
	tag    string
	cancel context.CancelFunc
	wg     sync.WaitGroup

	acks, fails atomic.Int64
	mu          sync.Mutex
	acked       map[string]int64 // body → message id, for every 2xx answer
	statuses    map[int]int      // answers other than 2xx by status; 0: no answer
	lastErr     string
	badAck      []string // 2xx answers without a stored message in them
}

func startLoad(p *poster, tag string, tokens []string) *load {
	ctx, cancel := context.WithCancel(context.Background())
	l := &load{p: p, tag: tag, cancel: cancel, acked: map[string]int64{}, statuses: map[int]int{}}
	for i, token := range tokens {
		l.wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				body := fmt.Sprintf("fault %s %d-%d", tag, i, n)
				// The request itself is not cancelled: a post once sent
				// runs to its answer.
				status, id, _, err := p.post(context.WithoutCancel(ctx), token, body)
				l.mu.Lock()
				switch {
				case err == nil:
					l.acked[body] = id
					l.acks.Add(1)
				case status/100 == 2:
					l.badAck = append(l.badAck, err.Error())
				default:
					l.statuses[status]++
					l.lastErr = err.Error()
					l.fails.Add(1)
				}
				l.mu.Unlock()
				if err != nil && status == 0 {
					time.Sleep(20 * time.Millisecond) // the server is away: do not spin
				}
			}
		})
	}
	return l
}

// stop ends the load and waits for the posts in flight.
func (l *load) stop() {
	l.cancel()
	l.wg.Wait()
}

// waitAcks waits until n more posts than now are acknowledged.
func (l *load) waitAcks(t *testing.T, n int64, what string) {
	t.Helper()
	want := l.acks.Load() + n
	testenv.Poll(t, 60*time.Second, what, func() bool { return l.acks.Load() >= want })
}

// summary is the outcomes other than acknowledgements, for the log.
func (l *load) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprintf("%d acknowledged, other answers by status %v (last: %.200s)", len(l.acked), l.statuses, l.lastErr)
}

// storedFaults is every message of the database whose body starts with
// "fault ", as body → ids (more than one id is a duplicate).
func storedFaults(t *testing.T, db *bun.DB) map[string][]int64 {
	t.Helper()
	var ms []model.Message
	if err := db.NewSelect().Model(&ms).Column("id", "body").Where("body LIKE ?", "fault %").Order("id").
		Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := map[string][]int64{}
	for _, m := range ms {
		out[m.Body] = append(out[m.Body], m.ID)
	}
	return out
}

// checkStored fails the test unless every acknowledged post is stored
// exactly once, with the id its answer gave, and nothing is stored twice.
// With exact, nothing may be stored that was not acknowledged either.
func checkStored(t *testing.T, db *bun.DB, l *load, exact bool) {
	t.Helper()
	stored := storedFaults(t, db)
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.badAck) > 0 {
		t.Errorf("%d posts answered 2xx without the message, first: %s", len(l.badAck), l.badAck[0])
	}
	lost := 0
	for body, id := range l.acked {
		ids := stored[body]
		if len(ids) == 0 {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged post %q (id %d) is not in the database", body, id)
			}
			continue
		}
		if ids[0] != id {
			t.Errorf("acknowledged post %q was answered with id %d, stored as %d", body, id, ids[0])
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged posts lost", lost, len(l.acked))
	}
	unacked := 0
	for body, ids := range stored {
		if len(ids) > 1 {
			t.Errorf("post %q is stored %d times (ids %v)", body, len(ids), ids)
		}
		if _, ok := l.acked[body]; !ok {
			unacked++
			if exact && unacked <= 5 {
				t.Errorf("post %q (id %v) is stored but its request got no 2xx answer", body, ids)
			}
		}
	}
	t.Logf("%d acknowledged, %d stored (%d stored without an acknowledgement)", len(l.acked), len(stored), unacked)
}

// getJSON fetches path with the bearer token and returns the status and body.
func getJSON(base, path, token string) (int, []byte) {
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// searchIDs pages through GET /api/v1/search?q=fault and returns the ids of
// every hit and the total the engine gives; ok is false when search failed.
func searchIDs(base, token string) (ids []int64, total int, ok bool) {
	for offset := 0; ; offset += 100 {
		code, body := getJSON(base, "/api/v1/search?q=fault&sort=oldest&limit=100&offset="+strconv.Itoa(offset), token)
		if code != http.StatusOK {
			return nil, 0, false
		}
		var res struct {
			Total int
			Hits  []struct{ ID int64 }
		}
		if json.Unmarshal(body, &res) != nil {
			return nil, 0, false
		}
		total = res.Total
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < 100 {
			return ids, total, true
		}
	}
}

// TestFaultMeilisearchStopped: with Meilisearch killed while people post,
// every post is still taken (the index is derived; changes wait in the
// outbox), search and /readyz say search is unavailable, and once
// Meilisearch is back the index catches up with every acknowledged message,
// each found once.
func TestFaultMeilisearchStopped(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			meili := testenv.StartMeili(t)
			env := with(baseEnv(t, d.URL), "BACKCHANNEL_MEILI_URL", meili.URL(), "BACKCHANNEL_MEILI_KEY", meili.Key,
				"BACKCHANNEL_MEILI_INDEX", "faults_"+testenv.RandomHex(4))
			tokens := faultSetup(t, env, 3)
			s := startServe(t, env)
			db := testenv.Open(t, d.URL)

			l := startLoad(newPoster(func() string { return s.base }), "meili", tokens)
			defer l.stop()
			l.waitAcks(t, 30, "30 posts with Meilisearch up")

			meili.Stop(t)
			failsBefore := l.fails.Load()
			l.waitAcks(t, 60, "60 posts with Meilisearch down")
			testenv.Poll(t, 60*time.Second, "/readyz to report the search engine down", func() bool {
				code, _ := s.get(t, "/readyz", "")
				return code == http.StatusServiceUnavailable
			})
			code, body := getJSON(s.base, "/api/v1/search?q=fault", tokens[0])
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(body, &e); err != nil || code != http.StatusServiceUnavailable ||
				e.Error.Code != "search_unavailable" || !strings.Contains(e.Error.Message, "unavailable") {
				t.Errorf("GET /api/v1/search with Meilisearch down = %d %s, want 503 search_unavailable", code, body)
			}
			l.waitAcks(t, 30, "30 more posts with Meilisearch down")
			l.stop()
			if n := l.fails.Load() - failsBefore; n != 0 {
				t.Errorf("%d posts failed while Meilisearch was down, want none: %s", n, l.summary())
			}

			meili.Start(t)
			want := len(l.acked)
			var ids []int64
			var total int
			testenv.Poll(t, 60*time.Second, "search to find every acknowledged post", func() bool {
				var ok bool
				ids, total, ok = searchIDs(s.base, tokens[0])
				return ok && total >= want
			})
			if total != want || len(ids) != want {
				t.Errorf("search finds %d (%d hits), want %d: every acknowledged post once", total, len(ids), want)
			}
			seen := map[int64]bool{}
			for _, id := range ids {
				if seen[id] {
					t.Errorf("search finds message %d twice", id)
				}
				seen[id] = true
			}
			for body, id := range l.acked {
				if !seen[id] {
					t.Errorf("search does not find acknowledged post %q (id %d)", body, id)
				}
			}
			checkStored(t, db, l, true)
			if code, body := s.get(t, "/readyz", ""); code != http.StatusOK {
				t.Errorf("/readyz after Meilisearch is back = %d: %s", code, body)
			}
		})
	}
}

// TestFaultPostgresRestart: PostgreSQL stopped at once (as a crash) and
// started again while people post: requests during the outage are refused
// with a 5xx and nothing half-done, the server recovers without a restart
// of its own, and every acknowledged post is stored exactly once.
func TestFaultPostgresRestart(t *testing.T) {
	pg := testenv.StartPostgres(t)
	env := baseEnv(t, pg.URL())
	tokens := faultSetup(t, env, 4)
	s := startServe(t, env)

	l := startLoad(newPoster(func() string { return s.base }), "pg", tokens)
	defer l.stop()
	l.waitAcks(t, 40, "40 posts before PostgreSQL stops")

	pg.Stop(t)
	fails := l.fails.Load()
	testenv.Poll(t, 60*time.Second, "20 posts refused while PostgreSQL is down", func() bool { return l.fails.Load() >= fails+20 })
	if code, body := s.get(t, "/readyz", ""); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with PostgreSQL down = %d, want 503: %s", code, body)
	}

	pg.Start(t)
	l.waitAcks(t, 40, "40 posts after PostgreSQL is back, without restarting the server")

	// The live path is back too: a stream opened now gets the posts that
	// follow (the wake-up bus listens again).
	db := testenv.Open(t, pg.URL())
	ch, err := store.ChannelBySlug(context.Background(), db, loadgen.LiveSlug)
	if err != nil {
		t.Fatal(err)
	}
	sub := &subscriber{base: s.base, path: "/api/v1/channels/" + loadgen.LiveSlug + "/events", token: tokens[0], dropEvery: math.MaxInt}
	ctx, cancel := context.WithCancel(context.Background())
	subDone := make(chan error, 1)
	go func() { subDone <- sub.run(ctx, ch.LastSeq) }()
	testenv.Poll(t, 60*time.Second, "a stream opened after the restart to deliver 20 new posts", func() bool {
		return sub.last.Load() >= ch.LastSeq+20
	})
	cancel()
	if err := <-subDone; err != nil {
		t.Errorf("the stream after the restart: %v", err)
	}
	l.stop()
	if code, body := s.get(t, "/readyz", ""); code != http.StatusOK {
		t.Errorf("/readyz after PostgreSQL is back = %d: %s", code, body)
	}
	t.Log(l.summary())
	l.mu.Lock()
	for status, n := range l.statuses {
		// A post whose connection was cut by the stop has no answer: it
		// may or may not be stored, and checkStored allows both. Every
		// answer is a refusal the client can retry: 503 with Retry-After.
		if status != 0 && status != http.StatusServiceUnavailable {
			t.Errorf("%d posts answered %d during the outage, want 503", n, status)
		}
	}
	l.mu.Unlock()

	checkStored(t, db, l, false)
}

// TestFaultSIGTERM: SIGTERM while posts are in flight. The server stops
// taking connections, finishes every request it has begun (one is held
// half-sent across the signal: its body is sent only after SIGTERM), exits
// 0, and the database holds exactly the acknowledged posts.
func TestFaultSIGTERM(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			env := with(baseEnv(t, d.URL), "BACKCHANNEL_ADDR", freeAddr(t))
			tokens := faultSetup(t, env, 8)
			c := startChild(t, env)
			base := "http://" + env["BACKCHANNEL_ADDR"]

			l := startLoad(newPoster(func() string { return base }), "term", tokens[1:])
			defer l.stop()
			l.waitAcks(t, 50, "50 posts before SIGTERM")

			// A request the server has begun: its head is read (the
			// server said 100 Continue) and its body not yet sent.
			conn, err := net.Dial("tcp", env["BACKCHANNEL_ADDR"])
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			body := `{"body":"fault term in-flight"}`
			fmt.Fprintf(conn, "POST /api/v1/channels/%s/messages HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
				"Content-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
				loadgen.LiveSlug, env["BACKCHANNEL_ADDR"], tokens[0], len(body))
			br := bufio.NewReader(conn)
			res, err := http.ReadResponse(br, nil)
			if err != nil || res.StatusCode != http.StatusContinue {
				t.Fatalf("the held request: want 100 Continue, got %v, %v", res, err)
			}

			if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			// The server stops accepting: wait until a new connection is
			// refused, with the posters still posting.
			testenv.Poll(t, 30*time.Second, "the server to stop accepting connections", func() bool {
				c, err := net.Dial("tcp", env["BACKCHANNEL_ADDR"])
				if err != nil {
					return true
				}
				c.Close()
				return false
			})
			if _, err := io.WriteString(conn, body); err != nil {
				t.Fatalf("sending the held request's body after SIGTERM: %v", err)
			}
			res, err = http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("the request begun before SIGTERM got no answer: %v", err)
			}
			answer, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				t.Errorf("the request begun before SIGTERM answered %d, want 201: %s", res.StatusCode, answer)
			}
			var held struct{ ID int64 }
			_ = json.Unmarshal(answer, &held)

			exited := make(chan error, 1)
			go func() { exited <- c.cmd.Wait() }()
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("the server exited with %v after SIGTERM, want status 0\n%s", err, c.out)
				}
			case <-time.After(45 * time.Second):
				t.Fatalf("the server did not exit within 45 s of SIGTERM\n%s", c.out)
			}
			l.stop()
			t.Log(l.summary())
			if held.ID != 0 {
				l.acked["fault term in-flight"] = held.ID
			}
			checkStored(t, testenv.Open(t, d.URL), l, true)
		})
	}
}

// sseEvent is one event of a stream: its id and the message in it.
type sseEvent struct {
	id        int64
	messageID int64
}

var htmlMessageID = regexp.MustCompile(`\bid="m-(\d+)"`)

// subscriber reads one event stream (JSON or the page's HTML) of the
// channel from a position and drops its connection every few events —
// sometimes in the middle of an event — then reconnects from the last event
// it read whole, by Last-Event-ID or ?since= in turn.
type subscriber struct {
	base, path, token string
	dropEvery         int
	events            []sseEvent
	last              atomic.Int64
	reconnects        int
}

func (s *subscriber) run(ctx context.Context, from int64) error {
	s.last.Store(from)
	for n := 0; ctx.Err() == nil; n++ {
		u := s.base + s.path
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if n%2 == 0 {
			req.Header.Set("Last-Event-ID", strconv.FormatInt(s.last.Load(), 10))
		} else {
			req.URL.RawQuery = url.Values{"since": {strconv.FormatInt(s.last.Load(), 10)}}.Encode()
		}
		req.Header.Set("Authorization", "Bearer "+s.token)
		res, err := streamClient.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if res.StatusCode != http.StatusOK {
			res.Body.Close()
			return fmt.Errorf("GET %s: %s", s.path, res.Status)
		}
		s.read(res.Body, n)
		res.Body.Close()
		s.reconnects++
	}
	return nil
}

// read reads events until it drops the connection or the stream ends.
func (s *subscriber) read(body io.Reader, n int) {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var id int64
	var data []byte
	got := 0
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			id, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
			if n%3 == 2 && got == s.dropEvery-1 {
				return // drop in the middle of an event: it does not count
			}
		case strings.HasPrefix(line, "data: "), line == "data:":
			data = append(data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")...)
		case line == "" && id != 0:
			ev := sseEvent{id: id}
			if m := htmlMessageID.FindSubmatch(data); m != nil {
				ev.messageID, _ = strconv.ParseInt(string(m[1]), 10, 64)
			} else {
				var e struct{ Message *struct{ ID int64 } }
				if json.Unmarshal(data, &e) == nil && e.Message != nil {
					ev.messageID = e.Message.ID
				}
			}
			s.events = append(s.events, ev)
			s.last.Store(id)
			id, data = 0, data[:0]
			got++
			if got >= s.dropEvery {
				return
			}
		}
	}
}

// streamClient has no timeout: streams stay open.
var streamClient = &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}}

// TestFaultStreamReconnect: under a steady stream of posts, subscribers of
// the JSON and the page's HTML event streams drop their connections again and
// again (between events and in the middle of one) and reconnect from the
// last event they read; each sees every event once, in order, with no gap,
// and every acknowledged post in it exactly once.
func TestFaultStreamReconnect(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			env := baseEnv(t, d.URL)
			// Each subscriber drops its stream every few events and at once
			// opens another: a dropped stream holds its place under the
			// per-person cap until the server's next write finds it gone, so
			// the cap (for people with a few tabs) is raised here.
			env["BACKCHANNEL_STREAMS_PER_PERSON"] = "1000"
			tokens := faultSetup(t, env, 4)
			s := startServe(t, env)
			db := testenv.Open(t, d.URL)
			ch, err := store.ChannelBySlug(context.Background(), db, loadgen.LiveSlug)
			if err != nil {
				t.Fatal(err)
			}
			from := ch.LastSeq

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var subs []*subscriber
			errs := make(chan error, 32)
			var wg sync.WaitGroup
			for i := range 24 {
				path := "/api/v1/channels/" + loadgen.LiveSlug + "/events"
				if i%2 == 1 {
					path = "/c/" + loadgen.LiveSlug + "/events"
				}
				sub := &subscriber{base: s.base, path: path, token: tokens[i%len(tokens)], dropEvery: 3 + i%11}
				subs = append(subs, sub)
				wg.Go(func() {
					if err := sub.run(ctx, from); err != nil {
						errs <- err
					}
				})
			}
			defer func() { cancel(); wg.Wait() }()

			l := startLoad(newPoster(func() string { return s.base }), "sse", tokens)
			l.waitAcks(t, 300, "300 posts")
			l.stop()
			if n := l.fails.Load(); n != 0 {
				t.Errorf("%d posts failed: %s", n, l.summary())
			}
			ch, err = store.ChannelBySlug(context.Background(), db, loadgen.LiveSlug)
			if err != nil {
				t.Fatal(err)
			}
			last := ch.LastSeq
			// Not fatal on the deadline: what each subscriber got says why.
			for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				select {
				case err := <-errs:
					t.Fatalf("a subscriber failed: %v", err)
				default:
				}
				behind := 0
				for _, sub := range subs {
					if sub.last.Load() < last {
						behind++
					}
				}
				if behind == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Errorf("after 60 s %d subscribers have not reached the channel's last event %d", behind, last)
					break
				}
			}
			cancel()
			wg.Wait()

			for i, sub := range subs {
				want := from + 1
				seen := map[int64]int{}
				for _, ev := range sub.events {
					if ev.id != want {
						t.Errorf("subscriber %d (%s): event %d where %d was due (a gap or a repeat)", i, sub.path, ev.id, want)
						break
					}
					want++
					if ev.messageID != 0 {
						seen[ev.messageID]++
					}
				}
				if sub.reconnects < 5 {
					t.Errorf("subscriber %d reconnected %d times; the test wants many drops", i, sub.reconnects)
				}
				for body, id := range l.acked {
					if seen[id] != 1 {
						t.Errorf("subscriber %d (%s): acknowledged post %q (id %d) seen %d times, want once", i, sub.path, body, id, seen[id])
						break
					}
				}
			}
			checkStored(t, db, l, true)
		})
	}
}
