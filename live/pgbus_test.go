package live_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/live"
	"backchannel/store"
	"backchannel/testenv"
)

// openPG opens a connection pool to the test PostgreSQL (one per simulated
// server instance), closed when the test ends.
func openPG(t *testing.T, rawURL string) *bun.DB {
	t.Helper()
	db, err := store.Open(context.Background(), rawURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// instance is one simulated server: its own pool, hub and bus.
type instance struct {
	hub *live.Hub
	bus *live.PGBus
}

func newInstance(t *testing.T, db *bun.DB, channel string, opts ...live.PGOption) instance {
	t.Helper()
	hub := live.NewHub(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	bus, err := live.NewPGBus(ctx, db, hub, nil, append([]live.PGOption{live.WithNotifyChannel(channel)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bus.Close(); hub.Close() })
	return instance{hub, bus}
}

// notifyChannel is a notification channel of the test's own, so that tests of
// other packages running against the same server cannot wake ours.
func notifyChannel() string { return "t_" + testenv.RandomHex(8) }

// waitFor reads s until it receives want, within a deadline; every value seen
// must be at most max.
func waitFor(t *testing.T, s *live.Subscription, want, maxSeq int64) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case v, ok := <-s.C():
			if !ok {
				t.Fatalf("subscription closed while waiting for %d", want)
			}
			if v > maxSeq || v < 0 {
				t.Fatalf("woken with %d, outside [0, %d]", v, maxSeq)
			}
			if v == want {
				return
			}
		case <-deadline:
			t.Fatalf("not woken with %d within 15s", want)
		}
	}
}

// waitGoroutines waits until no more than n goroutines run.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines: %d, want <= %d\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPGBusAcrossInstances(t *testing.T) {
	base := testenv.Require(t, testenv.PostgresVar, "PostgreSQL")
	ctx := context.Background()
	dbA, dbB := openPG(t, base), openPG(t, base)
	ch := notifyChannel()
	// Warm both pools so the goroutine baseline holds database/sql's own.
	for _, db := range []*bun.DB{dbA, dbB} {
		if _, err := db.ExecContext(ctx, "SELECT 1"); err != nil {
			t.Fatal(err)
		}
	}
	baseline := runtime.NumGoroutine()

	hubA, hubB := live.NewHub(nil), live.NewHub(nil)
	defer hubA.Close()
	defer hubB.Close()
	busA, err := live.NewPGBus(ctx, dbA, hubA, nil, live.WithNotifyChannel(ch))
	if err != nil {
		t.Fatal(err)
	}
	busB, err := live.NewPGBus(ctx, dbB, hubB, nil, live.WithNotifyChannel(ch))
	if err != nil {
		t.Fatal(err)
	}

	subA7, subB7, subB8 := hubA.Subscribe(7), hubB.Subscribe(7), hubB.Subscribe(8)

	t.Run("publish on A wakes B", func(t *testing.T) {
		if err := busA.Publish(ctx, 7, 5); err != nil {
			t.Fatal(err)
		}
		// The publisher's own hub is woken directly, before the round trip.
		select {
		case v := <-subA7.C():
			if v != 5 {
				t.Fatalf("A woken with %d", v)
			}
		default:
			t.Fatal("Publish did not wake the local hub at once")
		}
		waitFor(t, subB7, 5, 5)
	})

	t.Run("channel isolation", func(t *testing.T) {
		if err := busA.Publish(ctx, 8, 3); err != nil {
			t.Fatal(err)
		}
		// Notifications arrive in commit order: (7,5) came before (8,3), so
		// once B's channel 8 is woken, a stray wake of channel 7 would be there.
		waitFor(t, subB8, 3, 3)
		noWake(t, subB7)
		// A's own notification of (7,5) came back to A: dropped as already given.
		if err := busA.Publish(ctx, 7, 6); err != nil {
			t.Fatal(err)
		}
		waitFor(t, subB7, 6, 6)
		waitFor(t, subA7, 6, 6)
		noWake(t, subB8)
	})

	t.Run("the direct-message log wakes across instances", func(t *testing.T) {
		sB := hubB.Subscribe(live.InboxStreamID)
		defer sB.Close()
		if err := busA.Publish(ctx, live.InboxStreamID, 41); err != nil {
			t.Fatal(err)
		}
		waitFor(t, sB, 41, 41)
		noWake(t, subB7)
	})

	t.Run("burst of 1000 across instances", func(t *testing.T) {
		const n = 1000
		sA, sB := hubA.Subscribe(9), hubB.Subscribe(9)
		defer sA.Close()
		defer sB.Close()
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for w := range 8 {
			bus := busA
			if w%2 == 1 {
				bus = busB
			}
			wg.Go(func() {
				for seq := int64(w + 1); seq <= n; seq += 8 {
					if err := bus.Publish(ctx, 9, seq); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		waitFor(t, sA, n, n)
		waitFor(t, sB, n, n)
	})

	if err := busB.Close(); err != nil {
		t.Fatal(err)
	}
	if err := busB.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	if err := busB.Publish(ctx, 7, 99); !errors.Is(err, live.ErrClosed) {
		t.Fatalf("Publish after Close: %v, want ErrClosed", err)
	}
	if err := busA.Close(); err != nil {
		t.Fatal(err)
	}
	hubA.Close()
	hubB.Close()
	waitGoroutines(t, baseline)
}

// TestPGBusResyncAfterConnectionKilled kills the listening connections on the
// server side: pgdriver's Listener reconnects, and every local stream is
// woken with Resync so it re-reads what it may have missed.
func TestPGBusResyncAfterConnectionKilled(t *testing.T) {
	base := testenv.Require(t, testenv.PostgresVar, "PostgreSQL")
	ctx := context.Background()
	admin := openPG(t, base)
	ch := notifyChannel()
	a := newInstance(t, openPG(t, base), ch)
	b := newInstance(t, openPG(t, base), ch)
	sub := b.hub.Subscribe(1)

	var killed []bool
	if err := admin.NewRaw("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = ?",
		`LISTEN "`+ch+`"`).Scan(ctx, &killed); err != nil {
		t.Fatal(err)
	}
	if len(killed) != 2 {
		t.Fatalf("terminated %d listening connections, want 2", len(killed))
	}
	waitFor(t, sub, live.Resync, 0)

	if err := a.bus.Publish(ctx, 1, 4); err != nil {
		t.Fatal(err)
	}
	waitFor(t, sub, 4, 4)
}

// proxy forwards TCP connections to PostgreSQL; it can silence the
// connections it holds (a half-open connection: nothing arrives, no error)
// and be shut down (the database is gone).
type proxy struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup

	mu    sync.Mutex
	conns []*proxyConn
}

type proxyConn struct {
	client, server net.Conn
	mute           atomic.Bool
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			pc := &proxyConn{client: c, server: s}
			p.mu.Lock()
			p.conns = append(p.conns, pc)
			p.mu.Unlock()
			p.wg.Go(func() { _, _ = io.Copy(s, c); _ = s.Close() })
			p.wg.Go(func() {
				buf := make([]byte, 32<<10)
				for {
					n, err := s.Read(buf)
					if n > 0 && !pc.mute.Load() {
						if _, werr := c.Write(buf[:n]); werr != nil {
							break
						}
					}
					if err != nil {
						break
					}
				}
				_ = c.Close()
			})
		}
	})
	t.Cleanup(p.Close)
	return p
}

// muteAll stops delivering to the clients of the connections open now.
func (p *proxy) muteAll() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.mute.Store(true)
	}
	return len(p.conns)
}

func (p *proxy) Close() {
	_ = p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		_ = c.client.Close()
		_ = c.server.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// TestPGBusSilentConnectionAndOutage covers what pgdriver cannot see: a
// listening connection that silently stops delivering is found by the health
// ping and replaced (with a resync); then, with the database unreachable, the
// bus keeps retrying and Close still returns promptly without leaking.
func TestPGBusSilentConnectionAndOutage(t *testing.T) {
	base := testenv.Require(t, testenv.PostgresVar, "PostgreSQL")
	ctx := context.Background()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	ch := notifyChannel()

	a := newInstance(t, openPG(t, base), ch)
	dbB := openPG(t, u.String())
	dbB.SetMaxIdleConns(0) // pool connections close after use: only the listener stays open
	hubB := live.NewHub(nil)
	defer hubB.Close()
	baseline := runtime.NumGoroutine()
	logs := &lockedBuffer{}
	busB, err := live.NewPGBus(ctx, dbB, hubB, slog.New(slog.NewTextHandler(logs, nil)), live.WithNotifyChannel(ch),
		live.WithPingInterval(100*time.Millisecond, 400*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer busB.Close()
	sub := hubB.Subscribe(3)

	if n := p.muteAll(); n == 0 {
		t.Fatal("no proxied connection to mute")
	}
	waitFor(t, sub, live.Resync, 0) // found dead by the ping, replaced, resynced
	if !strings.Contains(logs.String(), "no answer to health ping") {
		t.Fatalf("resynced, but not through the health ping:\n%s", logs.String())
	}
	if err := a.bus.Publish(ctx, 3, 11); err != nil {
		t.Fatal(err)
	}
	waitFor(t, sub, 11, 11)

	p.Close() // the database is gone for B: it retries with backoff
	time.Sleep(300 * time.Millisecond)
	closed := make(chan error, 1)
	go func() { closed <- busB.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return while the database was unreachable")
	}
	waitGoroutines(t, baseline)
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestNewPGBusRejects(t *testing.T) {
	ctx := context.Background()
	sqlite, err := store.Open(ctx, "sqlite://"+filepath.ToSlash(filepath.Join(t.TempDir(), "x.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer sqlite.Close()
	if _, err := live.NewPGBus(ctx, sqlite, live.NewHub(nil), nil); err == nil {
		t.Fatal("NewPGBus on SQLite: no error")
	}
	base := testenv.Require(t, testenv.PostgresVar, "PostgreSQL")
	db := openPG(t, base)
	for _, name := range []string{"", "Upper", `bad"name`, "x-y", string(make([]byte, 64))} {
		if _, err := live.NewPGBus(ctx, db, live.NewHub(nil), nil, live.WithNotifyChannel(name)); err == nil {
			t.Fatalf("notify channel %q accepted", name)
		}
	}
}
