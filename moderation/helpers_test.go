package moderation_test

import (
	"testing"

	"github.com/uptrace/bun"

	"backchannel/app/apptest"
	"backchannel/chat"
)

// env is the whole application on a real database (apptest), with the
// helpers the tests of this package add.
type env struct{ *apptest.Env }

func newEnv(t *testing.T, db *bun.DB, opts chat.Options) *env { return &env{apptest.New(t, db, opts)} }

func ptr[T any](v T) *T { return &v }

// The expectations every use-case test shares (apptest).
var (
	wantWake    = apptest.WantWake
	wantNoWake  = apptest.WantNoWake
	wantField   = apptest.WantField
	wantProblem = apptest.WantProblem
)

type want = apptest.Want
