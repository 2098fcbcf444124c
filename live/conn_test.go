package live_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"backchannel/live"
)

// eventLog is a channel's events as the database holds them: seq i (from 1)
// is log[i-1]. Appending publishes on the hub, as a post does.
type eventLog struct {
	hub *live.Hub
	mu  sync.Mutex
	ev  [][]byte
}

func (l *eventLog) append(data []byte) {
	l.mu.Lock()
	l.ev = append(l.ev, data)
	seq := int64(len(l.ev))
	l.mu.Unlock()
	l.hub.Publish(1, seq)
}

// after is a stream's flush: every event after *last, in batches, as
// web.Stream writes them.
func (l *eventLog) flush(last *int64) live.FlushFunc {
	return func(_ context.Context, w *bufio.Writer, _ int) error {
		l.mu.Lock()
		evs := l.ev[*last:]
		l.mu.Unlock()
		for _, data := range evs {
			*last++
			live.BufferEvent(w, *last, "", data)
		}
		return w.Flush()
	}
}

// streamServer serves the log's event stream on a real TCP listener through
// live.Conns, as web.ServeStream does on a connection taken over from
// fasthttp: it reads the request (its Last-Event-ID), writes a chunked
// response, and closes the connection when the stream ends. ended gets one
// value per stream: Serve's result.
type streamServer struct {
	url   string
	ended chan error
}

func newStreamServer(t *testing.T, l *eventLog, o live.ConnOptions) *streamServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	conns := live.NewConns(o)
	s := &streamServer{url: "http://" + ln.Addr().String() + "/events", ended: make(chan error, 16)}
	head := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n")
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				last, _ := live.LastEventID(req.Header.Get("Last-Event-ID"), "")
				st := live.Stream{Subs: []*live.Subscription{l.hub.Subscribe(1)}, Flush: l.flush(&last)}
				s.ended <- conns.Serve(context.Background(), conn, head, st)
			}()
		}
	}()
	return s
}

// open starts a stream after lastID; the client's receive buffer is small
// when small is set (a client that stops reading is then behind sooner).
func (s *streamServer) open(t *testing.T, lastID int64, small bool) *http.Response {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil && small {
			_ = c.(*net.TCPConn).SetReadBuffer(4 << 10)
		}
		return c, err
	}}
	t.Cleanup(tr.CloseIdleConnections)
	req, _ := http.NewRequest("GET", s.url, nil)
	req.Header.Set("Last-Event-ID", strconv.FormatInt(lastID, 10))
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
		t.Fatalf("response %s %v", resp.Status, resp.Header)
	}
	return resp
}

// readIDs reads events from body, sending the id of each complete event to
// ids, until the body ends; it returns how it ended (nil: the last chunk).
func readIDs(body io.Reader, ids chan<- int64) error {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var id int64
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if id > 0 {
				ids <- id
			}
			id = 0
		case strings.HasPrefix(line, "id: "):
			id, _ = strconv.ParseInt(line[4:], 10, 64)
		}
	}
	return sc.Err()
}

// A client that stops reading is dropped once its backlog is full and a
// write has waited the write timeout, while a client reading the same
// channel gets every event; the dropped client reconnects with its
// Last-Event-ID and gets the rest, every event once and in order.
func TestConnsDropSlowReaderAndReplay(t *testing.T) {
	hub := live.NewHub(nil)
	defer hub.Close()
	l := &eventLog{hub: hub}
	srv := newStreamServer(t, l, live.ConnOptions{WriteTimeout: time.Second, Backlog: 8 << 10})

	const n = 1000
	payload := strings.Repeat("x", 1000)
	fast := srv.open(t, 0, false)
	slow := srv.open(t, 0, true)
	fastIDs := make(chan int64, n)
	fastDone := make(chan error, 1)
	go func() { fastDone <- readIDs(fast.Body, fastIDs) }()

	// About a megabyte, far more than the slow client's buffers and its
	// backlog on the server hold.
	for i := range n {
		l.append([]byte(fmt.Sprintf("event %d %s", i+1, payload)))
	}
	for want := int64(1); want <= n; want++ {
		select {
		case got := <-fastIDs:
			if got != want {
				t.Fatalf("the reading client got event %d, want %d", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the reading client got events up to %d of %d", want-1, n)
		}
	}

	// The slow client's stream has ended on the server with a write error
	// (the timeout), and the reading client's stream is still open.
	select {
	case err := <-srv.ended:
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("the slow stream ended with %v, want a write timeout", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the slow client was never dropped")
	}
	select {
	case err := <-srv.ended:
		t.Fatalf("a second stream ended: %v", err)
	case err := <-fastDone:
		t.Fatalf("the reading client's stream ended: %v", err)
	default:
	}

	// Now the slow client reads what reached it: a run of events from the
	// first, then the connection ends before the last chunk.
	slowIDs := make(chan int64, n)
	err := readIDs(slow.Body, slowIDs)
	close(slowIDs)
	if err == nil {
		t.Fatal("the dropped stream ended cleanly; want a cut connection")
	}
	var last int64
	for id := range slowIDs {
		if id != last+1 {
			t.Fatalf("the dropped client got event %d after %d", id, last)
		}
		last = id
	}
	if last >= n {
		t.Fatalf("the dropped client got all %d events before it was dropped", last)
	}

	// It reconnects from its last event and gets the rest, in order.
	again := srv.open(t, last, false)
	againIDs := make(chan int64, n)
	go func() { _ = readIDs(again.Body, againIDs) }()
	for want := last + 1; want <= n; want++ {
		select {
		case got := <-againIDs:
			if got != want {
				t.Fatalf("after reconnecting from %d the client got event %d, want %d", last, got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("after reconnecting from %d the client got events up to %d of %d", last, want-1, n)
		}
	}

	// A new event reaches both open streams.
	l.append([]byte("one more"))
	for _, ids := range []chan int64{fastIDs, againIDs} {
		select {
		case got := <-ids:
			if got != n+1 {
				t.Fatalf("got event %d, want %d", got, n+1)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the new event did not arrive")
		}
	}
}

// A stream the hub ends (shutdown) ends with the last chunk: the client
// sees a complete response, after the retry line, the replay and the
// heartbeats.
func TestConnsServeChunkedUntilHubCloses(t *testing.T) {
	hub := live.NewHub(nil)
	l := &eventLog{hub: hub}
	l.append([]byte("first"))
	l.append([]byte("second\nline"))
	srv := newStreamServer(t, l, live.ConnOptions{})
	resp := srv.open(t, 0, false)
	got := make(chan string, 1)
	go func() {
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			b = append(b, "\nread error: "+err.Error()...)
		}
		got <- string(b)
	}()
	time.Sleep(50 * time.Millisecond)
	l.append([]byte("third"))
	time.Sleep(50 * time.Millisecond)
	hub.Close()
	select {
	case err := <-srv.ended:
		if err != nil {
			t.Fatalf("Serve = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end when the hub closed")
	}
	var body string
	select {
	case body = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("the response did not end")
	}
	evs := parseSSE(t, body)
	if len(evs) != 4 || evs[0].Retry != int(live.RetryDelay.Milliseconds()) ||
		evs[1].ID != "1" || evs[1].Data != "first" || evs[2].ID != "2" || evs[2].Data != "second\nline" ||
		evs[3].ID != "3" || evs[3].Data != "third" {
		t.Fatalf("stream %q", body)
	}
}
