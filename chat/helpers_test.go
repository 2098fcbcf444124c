package chat_test

import (
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/app/apptest"
	"backchannel/chat"
	"backchannel/live"
	"backchannel/model"
)

// env is the whole application on a real database (apptest), with the
// helpers the tests of this package add.
type env struct{ *apptest.Env }

func newEnv(t *testing.T, db *bun.DB, opts chat.Options) *env { return &env{apptest.New(t, db, opts)} }

// count returns how many messages ch holds.
func (e *env) count(ch *model.Channel) int {
	e.T.Helper()
	n, err := e.DB.NewSelect().Model((*model.Message)(nil)).Where("channel_id = ?", ch.ID).Count(e.Ctx)
	if err != nil {
		e.T.Fatal(err)
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

// key is u's actor key.
func key(u *model.User) string { return model.Actor{UserID: u.ID}.Key() }
