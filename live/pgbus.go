package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
)

// DefaultNotifyChannel is the PostgreSQL notification channel of PGBus.
const DefaultNotifyChannel = "backchannel_events"

// PGBus is the Bus of several instances sharing one PostgreSQL database. It
// uses LISTEN/NOTIFY as a wake-up only: a notification's payload is
// "channelID:seq"; the events themselves are read from the database.
//
// Publish wakes the local hub directly (without waiting for the round trip)
// and then sends NOTIFY. One goroutine per PGBus holds a dedicated LISTEN
// connection (a pgdriver.Listener) and wakes the local hub with every
// notification it receives, including this instance's own (the hub drops a
// wake-up whose seq a subscriber has already been given).
//
// Reconnects and resync. Notifications sent while the LISTEN connection is
// down are lost for good, so after every reconnect PGBus calls Hub.ResyncAll:
// every local subscriber is woken with Resync and re-reads from the
// database, and nothing is missed. A reconnect is "done" only once a ping
// notification sent after LISTEN has come back through the new connection;
// that proves LISTEN is active, so every event committed before the resync is
// visible to the re-reads and every event committed after it is notified.
//
// PGBus reads the listener with pgdriver's low-level ReceiveTimeout rather
// than Listener.Channel: Channel reconnects silently (it swallows the
// receive errors), so a reconnect could not be noticed and resynced. The
// loop sees every error instead; it first lets the Listener reconnect
// (pgdriver re-dials and re-LISTENs on a bad connection) and, when that does
// not answer, replaces the Listener, retrying with backoff until the
// database is back. When the connection has been idle for the ping interval
// it sends itself a ping; no answer within the ping timeout means a silently
// dead connection (a half-open TCP connection delivers nothing and reports
// nothing) and is treated as lost.
type PGBus struct {
	db   *bun.DB
	hub  *Hub
	log  *slog.Logger
	conf pgConfig
	id   string // this instance's ping prefix, "ping:<random>:"

	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	ln     *pgdriver.Listener // the current listener, closed by Close
	closed bool
	pings  uint64
}

type pgConfig struct {
	channel        string
	pingInterval   time.Duration
	pingTimeout    time.Duration
	connectTimeout time.Duration
	maxBackoff     time.Duration
}

// PGOption configures a PGBus.
type PGOption func(*pgConfig)

// WithNotifyChannel sets the notification channel (default
// DefaultNotifyChannel): lower-case letters, digits and '_', at most 63
// bytes. Instances sharing a database but not their channel tables (one
// schema each) need one channel each, as do tests running side by side.
func WithNotifyChannel(name string) PGOption { return func(c *pgConfig) { c.channel = name } }

// WithPingInterval sets how long the LISTEN connection may be idle before its
// health is checked with a ping (default 10s), and how long that ping may take
// to come back (default 5s).
func WithPingInterval(interval, timeout time.Duration) PGOption {
	return func(c *pgConfig) { c.pingInterval, c.pingTimeout = interval, timeout }
}

// NewPGBus starts listening on db (a PostgreSQL database opened with bun's
// pgdriver, as store.Open does) and returns once LISTEN is active, so that
// every notification sent after it returns is received. ctx bounds this
// start only; the bus runs until Close. Received wake-ups go to hub, which the
// bus does not close. log may be nil.
func NewPGBus(ctx context.Context, db *bun.DB, hub *Hub, log *slog.Logger, opts ...PGOption) (*PGBus, error) {
	conf := pgConfig{
		channel:        DefaultNotifyChannel,
		pingInterval:   10 * time.Second,
		pingTimeout:    5 * time.Second,
		connectTimeout: 10 * time.Second,
		maxBackoff:     5 * time.Second,
	}
	for _, o := range opts {
		o(&conf)
	}
	if !validChannelName(conf.channel) {
		return nil, fmt.Errorf("live: pgbus: notify channel %q: want [a-z0-9_], 1 to 63 bytes", conf.channel)
	}
	if conf.pingInterval <= 0 || conf.pingTimeout <= 0 {
		return nil, fmt.Errorf("live: pgbus: ping interval and timeout must be positive")
	}
	if hub == nil || db == nil {
		return nil, fmt.Errorf("live: pgbus: nil database or hub")
	}
	if _, ok := db.Driver().(pgdriver.Driver); !ok {
		return nil, fmt.Errorf("live: pgbus: database is not PostgreSQL opened with pgdriver (%T)", db.Driver())
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:]) // never fails
	b := &PGBus{
		db:   db,
		hub:  hub,
		log:  log.With("component", "live.pgbus", "notify_channel", conf.channel),
		conf: conf,
		id:   "ping:" + hex.EncodeToString(rnd[:]) + ":",
		done: make(chan struct{}),
	}
	ln, err := b.establish(ctx)
	if err != nil {
		return nil, fmt.Errorf("live: pgbus: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	b.cancel = cancel
	go b.run(runCtx, ln)
	return b, nil
}

// Publish wakes the local subscribers of channelID at once, then notifies
// every instance (this one included: its duplicate wake-up is dropped).
func (b *PGBus) Publish(ctx context.Context, channelID, seq int64) error {
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return ErrClosed
	}
	b.hub.Publish(channelID, seq)
	payload := strconv.FormatInt(channelID, 10) + ":" + strconv.FormatInt(seq, 10)
	if err := pgdriver.Notify(ctx, b.db, b.conf.channel, payload); err != nil {
		return fmt.Errorf("live: pgbus: notify channel %d seq %d: %w", channelID, seq, err)
	}
	return nil
}

// Close stops listening and waits for the listening goroutine to end. It is
// idempotent. It closes neither the database nor the hub.
func (b *PGBus) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		<-b.done
		return nil
	}
	b.closed = true
	ln := b.ln
	b.mu.Unlock()
	b.cancel() // first: ends dials, pings and backoff waits
	if ln != nil {
		_ = ln.Close() // ends a blocked receive
	}
	<-b.done
	return nil
}

// run is the listening goroutine: it receives notifications on ln and keeps
// a working LISTEN connection until ctx ends.
func (b *PGBus) run(ctx context.Context, ln *pgdriver.Listener) {
	defer close(b.done)
	defer func() {
		if ln != nil {
			b.dropListener(ln)
		}
	}()
	var (
		pending   string // payload of our unanswered ping, if any
		pendingAt time.Time
		idleSince = time.Now()
	)
	for ctx.Err() == nil {
		wait := b.conf.pingInterval
		if pending != "" {
			wait = max(time.Millisecond, b.conf.pingTimeout-time.Since(pendingAt))
		}
		_, payload, err := ln.ReceiveTimeout(ctx, wait)
		switch {
		case err == nil:
			idleSince = time.Now()
			switch {
			case payload == pending:
				pending = ""
			case strings.HasPrefix(payload, "ping:"): // an earlier or another instance's ping
			default:
				b.dispatch(payload)
			}
		case ctx.Err() != nil:
			return
		case isTimeout(err):
		default:
			b.log.Warn("live: pgbus: listener connection lost; reconnecting", "err", err)
			if ln = b.reconnect(ctx, ln, true); ln == nil {
				return
			}
			pending, idleSince = "", time.Now()
			continue
		}
		if pending != "" && time.Since(pendingAt) >= b.conf.pingTimeout {
			b.log.Warn("live: pgbus: no answer to health ping; reconnecting", "timeout", b.conf.pingTimeout)
			if ln = b.reconnect(ctx, ln, false); ln == nil {
				return
			}
			pending, idleSince = "", time.Now()
			continue
		}
		if pending == "" && time.Since(idleSince) >= b.conf.pingInterval {
			pending, pendingAt = b.nextPing(), time.Now()
			pctx, cancel := context.WithTimeout(ctx, b.conf.pingTimeout)
			if err := b.notify(pctx, pending); err != nil && ctx.Err() == nil {
				// The answer will not come: the check above reconnects.
				b.log.Debug("live: pgbus: send health ping", "err", err)
			}
			cancel()
		}
	}
}

// reconnect returns a listener that is listening again, after which it has
// woken every local subscriber with Resync; nil once ctx is done. With
// tryExisting it first lets ln reconnect itself (pgdriver re-dials a bad
// connection); otherwise, or when that fails, it replaces ln, retrying with
// backoff.
func (b *PGBus) reconnect(ctx context.Context, ln *pgdriver.Listener, tryExisting bool) *pgdriver.Listener {
	if tryExisting {
		cctx, cancel := context.WithTimeout(ctx, b.conf.connectTimeout)
		err := b.confirm(cctx, ln)
		cancel()
		if err == nil {
			b.resync()
			return ln
		}
		if ctx.Err() != nil {
			return nil
		}
		b.log.Warn("live: pgbus: listener did not recover; replacing it", "err", err)
	}
	b.dropListener(ln)
	backoff := 100 * time.Millisecond
	for {
		ln, err := b.establish(ctx)
		if err == nil {
			b.resync()
			return ln
		}
		if ctx.Err() != nil {
			return nil
		}
		b.log.Warn("live: pgbus: reconnect failed", "err", err, "retry_in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(2*backoff, b.conf.maxBackoff)
	}
}

func (b *PGBus) resync() {
	b.log.Info("live: pgbus: listening again; waking every stream to re-read from the database",
		"channels", b.hub.Channels())
	b.hub.ResyncAll()
}

// establish opens a new listener and confirms it (see confirm) within the
// connect timeout.
func (b *PGBus) establish(ctx context.Context) (*pgdriver.Listener, error) {
	ln := pgdriver.NewListener(b.db)
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		_ = ln.Close()
		return nil, ErrClosed
	}
	b.ln = ln
	b.mu.Unlock()
	cctx, cancel := context.WithTimeout(ctx, b.conf.connectTimeout)
	defer cancel()
	if err := b.confirm(cctx, ln); err != nil {
		b.dropListener(ln)
		return nil, err
	}
	return ln, nil
}

// confirm issues LISTEN on ln and sends itself pings until one comes back
// through ln: LISTEN is then active. (Listen only writes the command, so the
// first ping can be committed before the server has run LISTEN and be lost;
// hence the repeated pings.) Wake-ups received meanwhile are dispatched. ctx
// must have a deadline.
func (b *PGBus) confirm(ctx context.Context, ln *pgdriver.Listener) error {
	if err := ln.Listen(ctx, b.conf.channel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	first := b.nextPing()
	ping := first
	for {
		if err := b.notify(ctx, ping); err != nil {
			return fmt.Errorf("send ping: %w", err)
		}
		for {
			_, payload, err := ln.ReceiveTimeout(ctx, confirmResend)
			if err != nil {
				if isTimeout(err) && ctx.Err() == nil {
					break // send another ping
				}
				return fmt.Errorf("await ping: %w", err)
			}
			if n, ok := b.ownPing(payload); ok {
				if n >= b.pingNumber(first) {
					return nil
				}
				continue
			}
			if !strings.HasPrefix(payload, "ping:") {
				b.dispatch(payload)
			}
		}
		ping = b.nextPing()
	}
}

// confirmResend is how long confirm waits for its ping before sending another.
const confirmResend = 100 * time.Millisecond

// ownPing returns the number of one of this bus's pings.
func (b *PGBus) ownPing(payload string) (uint64, bool) {
	rest, ok := strings.CutPrefix(payload, b.id)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 10, 64)
	return n, err == nil
}

func (b *PGBus) pingNumber(ping string) uint64 {
	n, _ := b.ownPing(ping)
	return n
}

// dropListener closes ln and forgets it if it is the current one.
func (b *PGBus) dropListener(ln *pgdriver.Listener) {
	b.mu.Lock()
	if b.ln == ln {
		b.ln = nil
	}
	b.mu.Unlock()
	_ = ln.Close() // an error only says it was closed already
}

func (b *PGBus) nextPing() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pings++
	return b.id + strconv.FormatUint(b.pings, 10)
}

func (b *PGBus) notify(ctx context.Context, payload string) error {
	return pgdriver.Notify(ctx, b.db, b.conf.channel, payload)
}

// dispatch wakes the local hub with a "channelID:seq" payload.
func (b *PGBus) dispatch(payload string) {
	channelID, seq, err := parsePayload(payload)
	if err != nil {
		b.log.Warn("live: pgbus: ignoring notification", "payload", payload, "err", err)
		return
	}
	b.hub.Publish(channelID, seq)
}

func parsePayload(payload string) (channelID, seq int64, err error) {
	a, s, ok := strings.Cut(payload, ":")
	if !ok {
		return 0, 0, errors.New("live: pgbus: payload is not channelID:seq")
	}
	if channelID, err = strconv.ParseInt(a, 10, 64); err != nil || (channelID <= 0 && channelID != InboxStreamID) {
		return 0, 0, fmt.Errorf("live: pgbus: bad channel id %q", a)
	}
	if seq, err = strconv.ParseInt(s, 10, 64); err != nil || seq < 0 {
		return 0, 0, fmt.Errorf("live: pgbus: bad seq %q", s)
	}
	return channelID, seq, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func validChannelName(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
