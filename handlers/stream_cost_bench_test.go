package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// BenchmarkStreamDelivery compares what one delivery of a live event costs
// the process on the channel page's HTML stream (GET /c/{slug}/events) and
// on the JSON API's stream (GET /api/v1/channels/{slug}/events): streams
// open channel streams of one participant, a host posts b.N messages (each
// with a link), and the benchmark waits until every stream has each one.
// It reports the process's CPU time (user + system, from getrusage) per
// delivery and the bytes of one delivery. Client and server share the
// process, so the CPU includes the clients reading their streams (the same
// small loop for both kinds). Run with
//
//	go test ./handlers -run '^$' -bench StreamDelivery -benchtime 40x
func BenchmarkStreamDelivery(b *testing.B) {
	for _, kind := range []string{"html", "json"} {
		for _, streams := range []int{100, 500} {
			b.Run(kind+"/streams="+strconv.Itoa(streams), func(b *testing.B) {
				benchStreamDelivery(b, kind, streams)
			})
		}
	}
}

func benchStreamDelivery(b *testing.B, kind string, streams int) {
	ctx := context.Background()
	s := newServer(b, testenv.Databases(b)[0].URL)
	host := s.createUser(b, "host@example.org", model.RoleHost)
	slug, title := "bench", "Bench"
	slow := 0
	ch, err := s.Chat.CreateChannel(ctx, host.ID, chat.ChannelInput{Slug: &slug, Title: &title, SlowModeSeconds: &slow})
	if err != nil {
		b.Fatal(err)
	}
	hv, _ := s.Chat.ViewerFor(ctx, ch, host, nil)
	if err := s.Chat.AcceptGuideline(ctx, ch, hv, 0); err != nil {
		b.Fatal(err)
	}
	pat := s.apiUser(b, "pat@example.org", model.RoleParticipant)
	br := s.browser(b)
	br.signIn("pat@example.org")
	br.accept(slug)

	path := "/c/" + slug + "/events"
	if kind == "json" {
		path = "/api/v1/channels/" + slug + "/events"
	}
	client := &http.Client{Jar: br.http.Jar}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	seen := make([]chan int64, streams)
	var bytesRead sync.Map // stream index → *int64 of data bytes
	var wg sync.WaitGroup
	for i := range seen {
		seen[i] = make(chan int64, 4096)
		req, _ := http.NewRequestWithContext(cctx, "GET", s.URL+path+"?since="+strconv.FormatInt(ch.LastSeq, 10), nil)
		if kind == "json" {
			req.Header.Set("Authorization", "Bearer "+pat.token)
		}
		res, err := client.Do(req)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("stream %d: %v", i, err)
		}
		n := new(int64)
		bytesRead.Store(i, n)
		wg.Add(1)
		go func(out chan<- int64) {
			defer wg.Done()
			defer res.Body.Close()
			sc := bufio.NewScanner(res.Body)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() {
				line := sc.Text()
				if id, ok := strings.CutPrefix(line, "id: "); ok {
					v, _ := strconv.ParseInt(id, 10, 64)
					out <- v
				} else if d, ok := strings.CutPrefix(line, "data: "); ok {
					*n += int64(len(d))
				}
			}
		}(seen[i])
	}
	post := func(i int) int64 {
		m, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: "Message " + strconv.Itoa(i) + ": the slides are at https://example.org/slides/" + strconv.Itoa(i)})
		if err != nil {
			b.Fatal(err)
		}
		return m.Seq
	}
	wait := func(seq int64) {
		for si, c := range seen {
			for got := int64(0); got < seq; {
				select {
				case got = <-c:
				case <-time.After(20 * time.Second):
					b.Fatalf("message %d did not reach stream %d (last %d)", seq, si, got)
				}
			}
		}
	}
	// One message first, so that every stream is past its replay.
	wait(post(-1))
	for i := range streams {
		v, _ := bytesRead.Load(i)
		*v.(*int64) = 0
	}
	before := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		wait(post(i))
	}
	b.StopTimer()
	used := cpuTime() - before
	cancel()
	wg.Wait()
	var total int64
	for i := range streams {
		v, _ := bytesRead.Load(i)
		total += *v.(*int64)
	}
	deliveries := float64(b.N * streams)
	b.ReportMetric(float64(used.Microseconds())/deliveries, "cpu-µs/delivery")
	b.ReportMetric(float64(total)/deliveries, "B/delivery")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkChannelPage2000 fetches the channel page of a channel with 2,000
// one-line messages, each with a link, as a participant who may post and
// react (the page shows the newest 50 threads). It reports the page's size.
// Run with
//
//	go test ./handlers -run '^$' -bench ChannelPage2000 -benchtime 20x
func BenchmarkChannelPage2000(b *testing.B) {
	ctx := context.Background()
	s := newServer(b, testenv.Databases(b)[0].URL)
	host := s.createUser(b, "host@example.org", model.RoleHost)
	slug, title := "big", "Big class"
	slow := 0
	ch, err := s.Chat.CreateChannel(ctx, host.ID, chat.ChannelInput{Slug: &slug, Title: &title, SlowModeSeconds: &slow})
	if err != nil {
		b.Fatal(err)
	}
	hv, _ := s.Chat.ViewerFor(ctx, ch, host, nil)
	if err := s.Chat.AcceptGuideline(ctx, ch, hv, 0); err != nil {
		b.Fatal(err)
	}
	for i := range 2000 {
		in := chat.PostInput{Body: "Comment " + strconv.Itoa(i) + " with a link https://example.org/notes/" + strconv.Itoa(i)}
		if i%5 == 0 {
			in.Kind = model.KindQuestion
		}
		if _, err := s.Chat.Post(ctx, ch, hv, in); err != nil {
			b.Fatal(err)
		}
	}
	s.createUser(b, "pat@example.org", model.RoleParticipant)
	pat := s.browser(b)
	pat.signIn("pat@example.org")
	pat.accept(slug)
	var size int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := pat.get("/c/" + slug)
		if r.Status != http.StatusOK {
			b.Fatalf("GET /c/%s = %d", slug, r.Status)
		}
		size = len(r.Body)
	}
	b.ReportMetric(float64(size), "page-bytes")
}
