package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"backchannel/chat"
	"backchannel/testenv"
)

// BenchmarkPostToScreen measures how long a posted message takes to reach
// every open channel page: the post (transaction + event), the wake-up, and
// each stream reading, rendering and writing it. Run with
//
//	go test ./handlers -run '^$' -bench PostToScreen -benchtime 200x
//
// with BACKCHANNEL_TEST_POSTGRES_URL set to include PostgreSQL.
func BenchmarkPostToScreen(b *testing.B) {
	for i, d := range testenv.Databases(b) {
		for _, streams := range []int{10, 100} {
			b.Run(d.Name+"/streams="+strconv.Itoa(streams), func(b *testing.B) {
				// Each run of the function gets a fresh database.
				benchPostToScreen(b, testenv.Databases(b)[i].URL, streams)
			})
		}
	}
}

func benchPostToScreen(b *testing.B, dbURL string, streams int) {
	ctx := context.Background()
	s := newServer(b, dbURL)
	host := s.createUser(b, "host@example.org", "host")
	slug, title := "bench", "Bench"
	ch, err := s.Chat.CreateChannel(ctx, host.ID, chat.ChannelInput{Slug: &slug, Title: &title})
	if err != nil {
		b.Fatal(err)
	}
	hv, _ := s.Chat.ViewerFor(ctx, ch, host, nil)
	if err := s.Chat.AcceptGuideline(ctx, ch, hv, 0); err != nil {
		b.Fatal(err)
	}
	br := s.browser(b)
	br.signIn("host@example.org")

	// Streams live for the whole run: a client without a timeout.
	streamClient := &http.Client{Jar: br.http.Jar}
	// seen[i] receives every id stream i reads.
	seen := make([]chan int64, streams)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for i := range seen {
		seen[i] = make(chan int64, 1024)
		req, _ := http.NewRequestWithContext(cctx, "GET", s.URL+"/c/bench/events?since="+strconv.FormatInt(ch.LastSeq, 10), nil)
		res, err := streamClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("stream %d: %v", i, err)
		}
		wg.Add(1)
		go func(out chan<- int64) {
			defer wg.Done()
			defer res.Body.Close()
			sc := bufio.NewScanner(res.Body)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() {
				if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
					n, _ := strconv.ParseInt(id, 10, 64)
					out <- n
				}
			}
		}(seen[i])
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		m, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: "benchmark message " + strconv.Itoa(i)})
		if err != nil {
			b.Fatal(err)
		}
		for si, c := range seen {
			for got := int64(0); got < m.Seq; {
				select {
				case got = <-c:
				case <-time.After(10 * time.Second):
					b.Fatalf("message %d did not arrive on stream %d (last %d; %d subscribers)", m.Seq, si, got, s.Hub.Subscribers(ch.ID))
				}
			}
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	cancel()
	wg.Wait()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
