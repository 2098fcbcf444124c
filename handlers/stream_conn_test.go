package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"backchannel/chat"
	"backchannel/testenv"
)

// Requests carry up to 8 KiB of request line and headers (large cookies
// included) although connections hold no read buffer between requests; a
// larger head is refused with 431.
func TestRequestHeaderBudget(t *testing.T) {
	s := newServer(t, testenv.Databases(t)[0].URL)
	for _, tt := range []struct {
		pad  int
		want int
	}{{7000, http.StatusOK}, {9000, http.StatusRequestHeaderFieldsTooLarge}} {
		req, _ := http.NewRequest("GET", s.URL+"/healthz", nil)
		req.Header.Set("Cookie", "pad="+strings.Repeat("x", tt.pad))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("%d bytes of cookie: %d, want %d", tt.pad, res.StatusCode, tt.want)
		}
	}
}

// An event stream runs on the connection it takes over from the server: its
// response carries every header the middleware set (chunked, as before),
// a request with 7 KiB of cookies opens one, and posts arrive on it.
func TestStreamOnTakenOverConnection(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, host := s.newChannel(t, "taken", chat.ChannelInput{})
		hv, err := s.Chat.ViewerFor(ctx, ch, host, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Chat.AcceptGuideline(ctx, ch, hv, 0); err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.signIn(host.Email)
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(cctx, "GET", s.URL+"/c/taken/events", nil)
		req.AddCookie(&http.Cookie{Name: "pad", Value: strings.Repeat("x", 7000)})
		res, err := b.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("X-Request-Id") == "" ||
			len(res.TransferEncoding) != 1 || res.TransferEncoding[0] != "chunked" {
			t.Fatalf("stream response %d %v %v", res.StatusCode, res.TransferEncoding, res.Header)
		}
		if _, err := s.Chat.Post(ctx, ch, hv, chat.PostInput{Body: "over the taken connection"}); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "over the taken connection") {
				return
			}
		}
		t.Fatalf("the post never arrived: %v", sc.Err())
	})
}
