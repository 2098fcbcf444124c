package apptest

import (
	"errors"
	"testing"
	"time"

	"backchannel/live"
	"backchannel/model"
)

// WantWake expects the subscription to hold a wake-up with seq (the hub
// coalesces to the largest pending seq).
func WantWake(t testing.TB, sub *live.Subscription, seq int64) {
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

// WantNoWake expects no pending wake-up.
func WantNoWake(t testing.TB, sub *live.Subscription) {
	t.Helper()
	select {
	case got := <-sub.C():
		t.Errorf("woken with seq %d, want no wake-up", got)
	default:
	}
}

// WantField expects a *model.FieldError naming field.
func WantField(t testing.TB, err error, field string) {
	t.Helper()
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, model.ErrInvalid) {
		t.Errorf("err = %v (%T), want a FieldError on %q", err, err, field)
	}
}

// WantProblem expects a *model.Problem with code and sentinel kind.
func WantProblem(t testing.TB, err error, code string, kind error) {
	t.Helper()
	var p *model.Problem
	if !errors.As(err, &p) || p.Code != code || !errors.Is(err, kind) {
		t.Errorf("err = %v (%T), want Problem %q (%v)", err, err, code, kind)
	}
}

// Want is an expected outcome: a FieldError on Field, a Problem with code
// Problem, an error that is Is, or (the zero Want) no error.
type Want struct {
	Field   string
	Problem string
	Is      error
}

// Check checks err against w.
func (w Want) Check(t testing.TB, err error) {
	t.Helper()
	switch {
	case w.Field != "":
		WantField(t, err, w.Field)
	case w.Problem != "":
		var p *model.Problem
		if !errors.As(err, &p) || p.Code != w.Problem {
			t.Errorf("err = %v (%T), want Problem %q", err, err, w.Problem)
		}
	case w.Is != nil:
		if !errors.Is(err, w.Is) {
			t.Errorf("err = %v, want %v", err, w.Is)
		}
	case err != nil:
		t.Errorf("unexpected error: %v", err)
	}
}
