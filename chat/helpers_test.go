package chat_test

import (
	"testing"

	"github.com/uptrace/bun"

	"backchannel/app/apptest"
	"backchannel/chat"
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

// The expectations every use-case test shares (apptest).
var (
	wantWake    = apptest.WantWake
	wantNoWake  = apptest.WantNoWake
	wantField   = apptest.WantField
	wantProblem = apptest.WantProblem
)

type want = apptest.Want

// key is u's actor key.
func key(u *model.User) string { return model.Actor{UserID: u.ID}.Key() }
