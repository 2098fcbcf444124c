package inbox_test

import (
	"strconv"
	"strings"
	"time"

	"backchannel/accounts"
	"backchannel/app/apptest"
	"backchannel/model"
	"backchannel/store"
)

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func repeat(s string, n int) string { return strings.Repeat(s, n) }

func isFollowing(e *apptest.Env, a, b int64) (bool, error) {
	return store.IsFollowing(e.Ctx, e.DB, a, b)
}

// person creates a participant account named name (spaces allowed) with the
// handle made from it.
func person(e *apptest.Env, name string) *model.User {
	e.T.Helper()
	email := "p" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@example.org"
	u, err := e.Accounts.CreateUser(e.Ctx, 0, accounts.Input{Email: email, DisplayName: name, Password: "correct horse battery"}, model.RoleParticipant)
	if err != nil {
		e.T.Fatalf("create %s: %v", name, err)
	}
	return u
}
