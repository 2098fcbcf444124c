// Package apptest gives tests the whole application on a real database
// (app.New over a migrated SQLite or PostgreSQL schema from testenv), a
// clock they can set, and the few steps most use-case tests start with:
// accounts, channels, viewers that joined and accepted the guidelines, and
// posts.
package apptest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/accounts"
	"backchannel/app"
	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
)

// Clock is the use cases' clock: the real time until a test sets it. Rows
// keep the store's real timestamps, so tests set the clock relative to those
// (a message's CreatedAt) to land exactly on a limit.
type Clock struct {
	mu    sync.Mutex
	fixed time.Time
}

// Now is the time: the one set, or the real time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fixed.IsZero() {
		return time.Now()
	}
	return c.fixed
}

// Set fixes the time at t (zero: the real time again).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fixed = t
}

// Env is the application on one database, for one test.
type Env struct {
	*app.App
	T     testing.TB
	Ctx   context.Context
	Clock *Clock
	n     int
}

// New builds the application on db (migrated, e.g. by testenv.EachDB) with
// the chat options opts; its clock is Env.Clock. Everything stops when the
// test ends (db is left to its owner).
func New(t testing.TB, db *bun.DB, opts chat.Options) *Env {
	t.Helper()
	ctx := context.Background()
	c := &Clock{}
	opts.Now = c.Now
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(ctx, db, app.Options{Chat: opts, SingleInstance: true}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a.Hub.Close()
		_ = a.Bus.Close()
	})
	return &Env{App: a, T: t, Ctx: ctx, Clock: c}
}

// User creates an account with a site-wide role.
func (e *Env) User(name string, role model.Role) *model.User {
	e.T.Helper()
	e.n++
	u, err := e.Accounts.CreateUser(e.Ctx, 0, accounts.Input{Email: fmt.Sprintf("%s%d@example.org", strings.ToLower(name), e.n),
		DisplayName: name, Password: "correct horse battery"}, role)
	if err != nil {
		e.T.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// Channel creates a channel hosted by host with title "Channel <slug>" and
// then applies in (which may be empty).
func (e *Env) Channel(host *model.User, slug string, in chat.ChannelInput) *model.Channel {
	e.T.Helper()
	title := "Channel " + slug
	ch, err := e.Chat.CreateChannel(e.Ctx, host.ID, chat.ChannelInput{Slug: &slug, Title: &title})
	if err != nil {
		e.T.Fatalf("create channel %s: %v", slug, err)
	}
	if in != (chat.ChannelInput{}) {
		if ch, err = e.Chat.UpdateChannel(e.Ctx, host.ID, slug, in); err != nil {
			e.T.Fatalf("update channel %s: %v", slug, err)
		}
	}
	return ch
}

// Reload reads ch again (last_seq, settings).
func (e *Env) Reload(ch *model.Channel) *model.Channel {
	e.T.Helper()
	c, err := store.ChannelByID(e.Ctx, e.DB, ch.ID)
	if err != nil {
		e.T.Fatal(err)
	}
	return c
}

// Viewer works out u's viewer in ch, as one request would.
func (e *Env) Viewer(ch *model.Channel, u *model.User) chat.Viewer {
	e.T.Helper()
	v, err := e.Chat.ViewerFor(e.Ctx, ch, u, nil)
	if err != nil {
		e.T.Fatal(err)
	}
	return v
}

// Ready makes u a member of ch who accepted its guidelines and returns u's
// viewer.
func (e *Env) Ready(ch *model.Channel, u *model.User) chat.Viewer {
	e.T.Helper()
	v := e.Viewer(ch, u)
	if err := e.Chat.Join(e.Ctx, ch, v, ch.JoinCode, "127.0.0.1"); err != nil {
		e.T.Fatalf("join %s as %s: %v", ch.Slug, u.DisplayName, err)
	}
	e.Accept(ch, v)
	return v
}

// Guest joins ch as a guest who accepted its guidelines.
func (e *Env) Guest(ch *model.Channel, name string) (chat.Viewer, *model.Guest) {
	e.T.Helper()
	_, g, err := e.Chat.JoinAsGuest(e.Ctx, ch, name, ch.JoinCode, "127.0.0.1")
	if err != nil {
		e.T.Fatalf("join %s as guest: %v", ch.Slug, err)
	}
	v, err := e.Chat.ViewerFor(e.Ctx, ch, nil, g)
	if err != nil {
		e.T.Fatal(err)
	}
	e.Accept(ch, v)
	return v, g
}

// Accept accepts ch's guidelines as v.
func (e *Env) Accept(ch *model.Channel, v chat.Viewer) {
	e.T.Helper()
	if err := e.Chat.AcceptGuideline(e.Ctx, ch, v, 0); err != nil {
		e.T.Fatalf("accept guidelines: %v", err)
	}
}

// Post posts in as v and fails the test on an error.
func (e *Env) Post(ch *model.Channel, v chat.Viewer, in chat.PostInput) *model.Message {
	e.T.Helper()
	m, err := e.Chat.Post(e.Ctx, ch, v, in)
	if err != nil {
		e.T.Fatalf("post %q: %v", in.Body, err)
	}
	return m
}

// Message reads a message as stored.
func (e *Env) Message(id int64) *model.Message {
	e.T.Helper()
	m, err := store.MessageByID(e.Ctx, e.DB, id)
	if err != nil {
		e.T.Fatal(err)
	}
	return m
}

// Events returns every event of ch.
func (e *Env) Events(ch *model.Channel) []model.ChannelEvent {
	e.T.Helper()
	es, err := store.EventsAfter(e.Ctx, e.DB, ch.ID, 0, 0)
	if err != nil {
		e.T.Fatal(err)
	}
	return es
}

// Audits lists audit entries.
func (e *Env) Audits(f store.AuditFilter) []model.AuditEntry {
	e.T.Helper()
	es, err := store.ListAudit(e.Ctx, e.DB, f)
	if err != nil {
		e.T.Fatal(err)
	}
	return es
}
