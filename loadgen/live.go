package loadgen

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/live"
	"backchannel/model"
)

// The channel bench live posts in.
const LiveSlug = "bench-live"

// LiveOptions say how LiveBench loads a running server.
type LiveOptions struct {
	URL         string        // the server, e.g. http://127.0.0.1:8080
	PostURL     string        // where the posters post (empty: URL); another instance on the same database
	Subscribers int           // open event streams
	Posters     int           // accounts posting in parallel
	Rate        float64       // messages a second in all; 0: as fast as the posters can
	Duration    time.Duration // how long to post
	Drain       time.Duration // how long to wait afterwards for the last deliveries
	ServerPID   int           // when not 0, the server's CPU time and memory are reported
	// Stream is the event stream the subscribers open: StreamJSON (the
	// API's, the default when empty) or StreamHTML (the channel page's).
	Stream string
}

// The event streams bench live can open.
const (
	StreamJSON = "json" // /api/v1/channels/{slug}/events: one JSON object per event
	StreamHTML = "html" // /c/{slug}/events: the channel page's HTML fragments (htmx SSE)
)

// liveMark starts every body bench live posts: "bench <unix nanoseconds> …",
// so a subscriber knows when the message was sent.
const liveMark = "bench "

// LiveBench opens o.Subscribers event streams (JSON or the channel page's
// HTML, o.Stream) of the LiveSlug channel on a running server and posts through its API from o.Posters accounts
// (site-wide hosts, so the participants' rate limit does not apply), then
// reports accepted messages a second, deliveries a second, how long a
// message took from its post to each stream (delivery) and to the poster's
// answer (ack), errors, and deliveries lost. The accounts, tokens and the
// channel are made through the same database the server uses.
func LiveBench(ctx context.Context, s Services, o LiveOptions, stdout io.Writer) error {
	path, parse, err := liveStream(o.Stream)
	if err != nil {
		return err
	}
	tokens, err := LiveSetup(ctx, s, o.Posters)
	if err != nil {
		return err
	}
	readers, err := liveReaders(ctx, s, o.Subscribers)
	if err != nil {
		return err
	}
	ch, err := s.Chat.Channel(ctx, LiveSlug)
	if err != nil {
		return err
	}
	tr := &http.Transport{MaxIdleConnsPerHost: o.Posters + 8, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	r := &liveRun{o: o, client: client, started: time.Now(), from: ch.LastSeq, path: path, parse: parse,
		opening: make(chan struct{}, 256)}

	// Streams first, all open before the first post.
	streamCtx, stopStreams := context.WithCancel(ctx)
	defer stopStreams()
	var streams sync.WaitGroup
	opened := make(chan error, o.Subscribers)
	for i := range o.Subscribers {
		streams.Go(func() { r.stream(streamCtx, readers[i%len(readers)], opened) })
	}
	for range o.Subscribers {
		if err := <-opened; err != nil {
			stopStreams()
			streams.Wait()
			return fmt.Errorf("bench live: open a stream: %w", err)
		}
	}
	if o.PostURL != "" {
		// The posting instance must know the accounts' roles too.
		for _, token := range tokens {
			resp, err := r.open(streamCtx, o.PostURL, token)
			if err != nil {
				stopStreams()
				streams.Wait()
				return fmt.Errorf("bench live: the posting server: %w", err)
			}
			resp.Body.Close()
		}
	}
	cpu0, _ := procCPU(o.ServerPID)
	fmt.Fprintf(stdout, "%d streams open; posting from %d accounts for %s…\n", o.Subscribers, o.Posters, o.Duration)

	// Posters: a shared ticket dispenser keeps the total rate.
	postCtx, stopPosting := context.WithTimeout(ctx, o.Duration)
	defer stopPosting()
	var tickets <-chan time.Time
	if o.Rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / o.Rate))
		defer t.Stop()
		tickets = t.C
	}
	postStart := time.Now()
	var posters sync.WaitGroup
	for i := range o.Posters {
		posters.Go(func() { r.post(postCtx, tokens[i], tickets) })
	}
	posters.Wait()
	postTime := time.Since(postStart)
	cpu1, _ := procCPU(o.ServerPID)

	// Drain: wait until every stream has every accepted message, or the
	// drain time has passed.
	want := r.accepted.Load()
	deadline := time.Now().Add(o.Drain)
	for time.Now().Before(deadline) && r.deliveries.Load() < want*int64(o.Subscribers) {
		time.Sleep(20 * time.Millisecond)
	}
	stopStreams()
	streams.Wait()
	return r.report(stdout, postTime, want, cpu1-cpu0, o.ServerPID)
}

// liveReaders returns API tokens of enough participant accounts to open
// subscribers streams within the server's cap of open streams per person
// (live.DefaultStreamsPerPerson); the accounts are made once and reused.
func liveReaders(ctx context.Context, s Services, subscribers int) ([]string, error) {
	n := max(1, (subscribers+live.DefaultStreamsPerPerson-1)/live.DefaultStreamsPerPerson)
	return benchTokens(ctx, s, "bench-live-reader", "Reader", n)
}

// benchTokens returns API tokens of n participant accounts named
// "<prefix>-<i>@example.org", made once and reused by later runs.
func benchTokens(ctx context.Context, s Services, prefix, name string, n int) ([]string, error) {
	tokens := make([]string, 0, n)
	for i := range n {
		email := fmt.Sprintf("%s-%d@example.org", prefix, i)
		u, err := s.Accounts.UserByEmail(ctx, email)
		if errors.Is(err, model.ErrNotFound) {
			u, err = s.Accounts.CreateUser(ctx, 0, accounts.Input{Email: email, DisplayName: fmt.Sprintf("%s %d", name, i),
				Password: prefix + "-password"}, model.RoleParticipant)
		}
		if err != nil {
			return nil, fmt.Errorf("loadgen: %s account: %w", prefix, err)
		}
		secret, _, err := s.Accounts.CreateAPIToken(ctx, u.ID, prefix)
		if err != nil {
			return nil, fmt.Errorf("loadgen: %s token: %w", prefix, err)
		}
		tokens = append(tokens, secret)
	}
	return tokens, nil
}

// LiveSetup makes the channel and the posting accounts with their tokens.
func LiveSetup(ctx context.Context, s Services, posters int) ([]string, error) {
	var tokens []string
	var users []*model.User
	for i := range posters {
		email := fmt.Sprintf("bench-live-%d@example.org", i)
		u, err := s.Accounts.UserByEmail(ctx, email)
		if errors.Is(err, model.ErrNotFound) {
			u, err = s.Accounts.CreateUser(ctx, 0, accounts.Input{Email: email, DisplayName: fmt.Sprintf("Poster %d", i),
				Password: "bench-live-password"}, model.RoleHost)
		}
		if err != nil {
			return nil, fmt.Errorf("bench live: account: %w", err)
		}
		users = append(users, u)
		secret, _, err := s.Accounts.CreateAPIToken(ctx, u.ID, "bench live")
		if err != nil {
			return nil, fmt.Errorf("bench live: token: %w", err)
		}
		tokens = append(tokens, secret)
	}
	ch, err := s.Chat.Channel(ctx, LiveSlug)
	if errors.Is(err, model.ErrNotFound) {
		slug, title, public, slow := LiveSlug, "Bench live", model.VisibilityPublic, 0
		ch, err = s.Chat.CreateChannel(ctx, users[0].ID, chat.ChannelInput{Slug: &slug, Title: &title,
			Visibility: &public, SlowModeSeconds: &slow})
	}
	if err != nil {
		return nil, fmt.Errorf("bench live: channel: %w", err)
	}
	for _, u := range users {
		v, err := s.Chat.ViewerFor(ctx, ch, u, nil)
		if err == nil {
			err = s.Chat.AcceptGuideline(ctx, ch, v, 0)
		}
		if err != nil {
			return nil, fmt.Errorf("bench live: guidelines: %w", err)
		}
	}
	return tokens, nil
}

// liveRun is one run's counters and samples.
type liveRun struct {
	o       LiveOptions
	client  *http.Client
	started time.Time
	from    int64 // the channel's seq before the run: streams start after it
	path    string
	parse   func(data []byte) (id int64, body string, ok bool)
	opening chan struct{} // streams being opened at once: 10,000 dials at once overflow the server's listen queue

	accepted, postErrors, deliveries, streamErrors atomic.Int64
	firstError                                     atomic.Pointer[string]

	mu        sync.Mutex
	acks      []time.Duration
	delivered []time.Duration
}

func (r *liveRun) post(ctx context.Context, token string, tickets <-chan time.Time) {
	url := cmp.Or(r.o.PostURL, r.o.URL) + "/api/v1/channels/" + LiveSlug + "/messages"
	for n := 0; ; n++ {
		if tickets != nil {
			select {
			case <-ctx.Done():
				return
			case <-tickets:
			}
		} else if ctx.Err() != nil {
			return
		}
		sent := time.Now()
		body, _ := json.Marshal(map[string]string{"body": liveMark + strconv.FormatInt(sent.UnixNano(), 10) + " message " + strconv.Itoa(n)})
		req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), "POST", url, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := r.client.Do(req)
		if err != nil {
			r.postErrors.Add(1)
			continue
		}
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
			msg := resp.Status + ": " + strings.TrimSpace(string(answer))
			r.firstError.CompareAndSwap(nil, &msg)
			r.postErrors.Add(1)
			continue
		}
		ack := time.Since(sent)
		r.accepted.Add(1)
		r.mu.Lock()
		r.acks = append(r.acks, ack)
		r.mu.Unlock()
	}
}

// liveStream is the path of the event stream kind names, and how to find a
// new message (its id and body) in one event's data.
func liveStream(kind string) (string, func([]byte) (int64, string, bool), error) {
	switch kind {
	case "", StreamJSON:
		return "/api/v1/channels/" + LiveSlug + "/events", parseJSONEvent, nil
	case StreamHTML:
		return "/c/" + LiveSlug + "/events", parseHTMLEvent, nil
	}
	return "", nil, fmt.Errorf("bench live: no stream %q (say %s or %s)", kind, StreamJSON, StreamHTML)
}

// parseJSONEvent finds the message of a message.created event.
func parseJSONEvent(data []byte) (int64, string, bool) {
	var ev struct {
		Type    string `json:"type"`
		Message *struct {
			ID   int64  `json:"id"`
			Body string `json:"body"`
		} `json:"message"`
	}
	if json.Unmarshal(data, &ev) != nil || ev.Type != string(model.EventMessageCreated) || ev.Message == nil {
		return 0, "", false
	}
	return ev.Message.ID, ev.Message.Body, true
}

// htmlMessage finds, in a fragment of the channel page's stream, the first
// message element's id (id="m-…") and the bench body in it.
var htmlMessage = regexp.MustCompile(`(?s)\bid="m-(\d+)".*?(` + liveMark + `\d+ message \d+)`)

// parseHTMLEvent finds a message of the bench in a fragment of the channel
// page's stream (an edit of one already seen counts once, by its id).
func parseHTMLEvent(data []byte) (int64, string, bool) {
	m := htmlMessage.FindSubmatch(data)
	if m == nil {
		return 0, "", false
	}
	id, err := strconv.ParseInt(string(m[1]), 10, 64)
	return id, string(m[2]), err == nil
}

// stream reads one event stream until ctx ends, counting each new message
// once and how long it took since it was sent.
func (r *liveRun) stream(ctx context.Context, token string, opened chan<- error) {
	r.opening <- struct{}{}
	resp, err := r.open(ctx, r.o.URL, token)
	<-r.opening
	opened <- err
	if err != nil {
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	seen := map[int64]bool{}
	var local []time.Duration
	defer func() {
		r.mu.Lock()
		r.delivered = append(r.delivered, local...)
		r.mu.Unlock()
	}()
	var data []byte // the data lines of the event being read, joined by \n
	lines := 0
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) > 0 {
			if d, ok := bytes.CutPrefix(line, []byte("data: ")); ok {
				if lines > 0 {
					data = append(data, '\n')
				}
				data = append(data, d...)
				lines++
			}
			continue
		}
		// A blank line ends the event.
		id, body, ok := r.parse(data)
		data, lines = data[:0], 0
		if !ok || seen[id] {
			continue
		}
		rest, ok := strings.CutPrefix(body, liveMark)
		if !ok {
			continue
		}
		sentNano, err := strconv.ParseInt(strings.SplitN(rest, " ", 2)[0], 10, 64)
		if err != nil || sentNano < r.started.UnixNano() {
			continue
		}
		seen[id] = true
		local = append(local, time.Since(time.Unix(0, sentNano)))
		r.deliveries.Add(1)
	}
	if ctx.Err() == nil {
		r.streamErrors.Add(1) // the server ended the stream
	}
}

// open opens the event stream on the server at base. The accounts were made
// a moment ago by this process: a server learns of their roles within its
// policy refresh (half a second), so a refusal is asked again for a few
// seconds.
func (r *liveRun) open(ctx context.Context, base, token string) (*http.Response, error) {
	var resp *http.Response
	var err error
	for wait := time.Now().Add(5 * time.Second); ; {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+r.path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		// Start at the channel's head: only this run's messages count.
		req.Header.Set("Last-Event-ID", strconv.FormatInt(r.from, 10))
		resp, err = r.client.Do(req)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET events: %s", resp.Status)
			resp.Body.Close()
			if resp.StatusCode == http.StatusForbidden && time.Now().Before(wait) {
				time.Sleep(100 * time.Millisecond)
				continue
			}
		}
		break
	}
	return resp, err
}

func (r *liveRun) report(w io.Writer, postTime time.Duration, accepted int64, cpu time.Duration, pid int) error {
	secs := postTime.Seconds()
	want := accepted * int64(r.o.Subscribers)
	got := r.deliveries.Load()
	fmt.Fprintf(w, "accepted      %d messages in %.1f s: %.0f msgs/s (%d post errors)\n", accepted, secs, float64(accepted)/secs, r.postErrors.Load())
	if e := r.firstError.Load(); e != nil {
		fmt.Fprintf(w, "first error   %s\n", *e)
	}
	fmt.Fprintf(w, "deliveries    %d of %d: %.0f deliveries/s; lost %d; streams ended by the server %d\n",
		got, want, float64(got)/secs, max(want-got, 0), r.streamErrors.Load())
	fmt.Fprintf(w, "delivery      %s\n", latencies(r.delivered))
	fmt.Fprintf(w, "ack           %s\n", latencies(r.acks))
	if pid != 0 {
		rss, _ := procRSS(pid)
		fmt.Fprintf(w, "server        %.0f%% of one core while posting; %d MiB resident\n", 100*cpu.Seconds()/secs, rss>>20)
	}
	return nil
}

// procCPU is a process's user and system CPU time so far (Linux).
func procCPU(pid int) (time.Duration, error) {
	if pid == 0 {
		return 0, nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	if len(f) < 13 {
		return 0, errors.New("loadgen: short /proc stat")
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100, nil // clock ticks of 1/100 s
}

// procRSS is a process's resident memory in bytes (Linux).
func procRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, nil
		}
	}
	return 0, errors.New("loadgen: no VmRSS")
}
