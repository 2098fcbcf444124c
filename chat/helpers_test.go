package chat_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/live"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// clock is chat's clock: the real time until a test sets it. Rows keep the
// store's real timestamps, so tests set the clock relative to those (a
// message's CreatedAt) to land exactly on a limit.
type clock struct {
	mu    sync.Mutex
	fixed time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fixed.IsZero() {
		return time.Now()
	}
	return c.fixed
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fixed = t
}

// env is one chat.Service on a real database with a real policy engine, a
// real hub and local bus.
type env struct {
	t     *testing.T
	ctx   context.Context
	db    *bun.DB
	svc   *chat.Service
	hub   *live.Hub
	authz *policies.Authorizer
	acc   *accounts.Service
	clock *clock
	n     int
}

func newEnv(t *testing.T, db *bun.DB, opts chat.Options) *env {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	authz, err := policies.New(ctx, db, log)
	if err != nil {
		t.Fatal(err)
	}
	hub := live.NewHub(log)
	t.Cleanup(hub.Close)
	svc := chat.New(db, live.NewLocalBus(hub), authz, opts, log)
	c := &clock{}
	svc.SetClock(c.now)
	if err := svc.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, db: db, svc: svc, hub: hub, authz: authz,
		acc: accounts.New(db, authz, accounts.Options{}, log), clock: c}
}

// user creates an account with a site-wide role.
func (e *env) user(name string, role model.Role) *model.User {
	e.t.Helper()
	e.n++
	u, err := e.acc.CreateUser(e.ctx, 0, accounts.Input{Email: fmt.Sprintf("%s%d@example.org", strings.ToLower(name), e.n),
		DisplayName: name, Password: "correct horse battery"}, role)
	if err != nil {
		e.t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// channel creates a channel hosted by host with title "Channel <slug>" and
// then applies in (which may be empty).
func (e *env) channel(host *model.User, slug string, in chat.ChannelInput) *model.Channel {
	e.t.Helper()
	ch, err := e.svc.CreateChannel(e.ctx, host.ID, chat.ChannelInput{Slug: &slug, Title: ptr("Channel " + slug)})
	if err != nil {
		e.t.Fatalf("create channel %s: %v", slug, err)
	}
	if in != (chat.ChannelInput{}) {
		if ch, err = e.svc.UpdateChannel(e.ctx, host.ID, slug, in); err != nil {
			e.t.Fatalf("update channel %s: %v", slug, err)
		}
	}
	return ch
}

// reload reads ch again (last_seq, settings).
func (e *env) reload(ch *model.Channel) *model.Channel {
	e.t.Helper()
	c, err := store.ChannelByID(e.ctx, e.db, ch.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// viewer works out u's viewer in ch.
func (e *env) viewer(ch *model.Channel, u *model.User) chat.Viewer {
	e.t.Helper()
	v, err := e.svc.ViewerFor(e.ctx, ch, u, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// ready makes u a member of ch who accepted its guidelines and returns u's
// viewer.
func (e *env) ready(ch *model.Channel, u *model.User) chat.Viewer {
	e.t.Helper()
	v := e.viewer(ch, u)
	if err := e.svc.Join(e.ctx, ch, v, ch.JoinCode); err != nil {
		e.t.Fatalf("join %s as %s: %v", ch.Slug, u.DisplayName, err)
	}
	e.accept(ch, v)
	return v
}

// guest joins ch as a guest who accepted its guidelines.
func (e *env) guest(ch *model.Channel, name string) (chat.Viewer, *model.Guest) {
	e.t.Helper()
	_, g, err := e.svc.JoinAsGuest(e.ctx, ch, name, ch.JoinCode)
	if err != nil {
		e.t.Fatalf("join %s as guest: %v", ch.Slug, err)
	}
	v, err := e.svc.ViewerFor(e.ctx, ch, nil, g)
	if err != nil {
		e.t.Fatal(err)
	}
	e.accept(ch, v)
	return v, g
}

func (e *env) accept(ch *model.Channel, v chat.Viewer) {
	e.t.Helper()
	if err := e.svc.AcceptGuideline(e.ctx, ch, v, 0); err != nil {
		e.t.Fatalf("accept guidelines: %v", err)
	}
}

// post posts body as a comment and fails the test on an error.
func (e *env) post(ch *model.Channel, v chat.Viewer, in chat.PostInput) *model.Message {
	e.t.Helper()
	m, err := e.svc.Post(e.ctx, ch, v, in)
	if err != nil {
		e.t.Fatalf("post %q: %v", in.Body, err)
	}
	return m
}

func (e *env) message(id int64) *model.Message {
	e.t.Helper()
	m, err := store.MessageByID(e.ctx, e.db, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// events returns all events of ch.
func (e *env) events(ch *model.Channel) []model.ChannelEvent {
	e.t.Helper()
	es, err := store.EventsAfter(e.ctx, e.db, ch.ID, 0, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return es
}

// count returns how many messages ch holds.
func (e *env) count(ch *model.Channel) int {
	e.t.Helper()
	n, err := e.db.NewSelect().Model((*model.Message)(nil)).Where("channel_id = ?", ch.ID).Count(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func ptr[T any](v T) *T { return &v }

// wantWake expects the subscription to hold a wake-up with seq (the hub
// coalesces to the largest pending seq).
func wantWake(t *testing.T, sub *live.Subscription, seq int64) {
	t.Helper()
	select {
	case got := <-sub.C():
		if got != seq {
			t.Errorf("woken with seq %d, want %d", got, seq)
		}
	case <-time.After(2 * time.Second):
		t.Errorf("not woken (want seq %d)", seq)
	}
}

// wantNoWake expects no pending wake-up.
func wantNoWake(t *testing.T, sub *live.Subscription) {
	t.Helper()
	select {
	case got := <-sub.C():
		t.Errorf("woken with seq %d, want no wake-up", got)
	default:
	}
}

// wantField expects a *model.FieldError naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, model.ErrInvalid) {
		t.Errorf("err = %v (%T), want a FieldError on %q", err, err, field)
	}
}

// wantProblem expects a *model.Problem with code and sentinel kind.
func wantProblem(t *testing.T, err error, code string, kind error) {
	t.Helper()
	var p *model.Problem
	if !errors.As(err, &p) || p.Code != code || !errors.Is(err, kind) {
		t.Errorf("err = %v (%T), want Problem %q (%v)", err, err, code, kind)
	}
}

// wantErr checks err against a want of nil, a field name ("field:x"), a
// problem code ("problem:x") or a sentinel error.
type want struct {
	field   string
	problem string
	is      error
}

func (w want) check(t *testing.T, err error) {
	t.Helper()
	switch {
	case w.field != "":
		wantField(t, err, w.field)
	case w.problem != "":
		var p *model.Problem
		if !errors.As(err, &p) || p.Code != w.problem {
			t.Errorf("err = %v (%T), want Problem %q", err, err, w.problem)
		}
	case w.is != nil:
		if !errors.Is(err, w.is) {
			t.Errorf("err = %v, want %v", err, w.is)
		}
	case err != nil:
		t.Errorf("unexpected error: %v", err)
	}
}
