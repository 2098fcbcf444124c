package loadgen_test

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strconv"
	"testing"
	"time"

	"backchannel/app"
	"backchannel/loadgen"
	"backchannel/testenv"
)

// bench live against a real server on each database, with the API's JSON
// streams and the channel page's HTML streams: every accepted message
// reaches every stream, and the report says so.
func TestLiveBench(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		for _, stream := range []string{loadgen.StreamJSON, loadgen.StreamHTML} {
			t.Run(d.Name+"/"+stream, func(t *testing.T) { testLiveBench(t, d.URL, stream) })
		}
	}
}

func testLiveBench(t *testing.T, dbURL, stream string) {
	ctx := context.Background()
	db := testenv.Open(t, dbURL)
	a, err := app.New(ctx, db, app.Options{SingleInstance: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	web, err := a.HTTP(ctx, app.HTTPOptions{BaseURL: url, BodyLimit: 1 << 20, CSRFKey: []byte("bench-live-test-key-0123456789ab")})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = web.Listener(ln) }()
	t.Cleanup(func() {
		a.Hub.Close()
		_ = a.Bus.Close()
		_ = web.ShutdownWithTimeout(5 * time.Second)
	})

	var out bytes.Buffer
	o := loadgen.LiveOptions{URL: url, Subscribers: 50, Posters: 2, Rate: 20, Duration: 1500 * time.Millisecond, Drain: 10 * time.Second, Stream: stream}
	s := loadgen.Services{DB: a.DB, Accounts: a.Accounts, Chat: a.Chat, Log: a.Log}
	if err := loadgen.LiveBench(ctx, s, o, &out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`accepted\s+(\d+) messages.*\((\d+) post errors\)`).FindStringSubmatch(out.String())
	dl := regexp.MustCompile(`deliveries\s+(\d+) of (\d+): .*; lost (\d+)`).FindStringSubmatch(out.String())
	if m == nil || dl == nil {
		t.Fatalf("report:\n%s", out.String())
	}
	accepted, _ := strconv.Atoi(m[1])
	if accepted < 10 || m[2] != "0" || dl[1] != dl[2] || dl[3] != "0" || dl[1] != strconv.Itoa(accepted*50) {
		t.Errorf("accepted %d, post errors %s, deliveries %s of %s, lost %s:\n%s", accepted, m[2], dl[1], dl[2], dl[3], out.String())
	}
}
