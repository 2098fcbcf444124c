package inbox_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/accounts"
	"backchannel/app/apptest"
	"backchannel/chat"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// env is the whole application on a real database, with the steps the
// direct-message tests share.
type env struct{ *apptest.Env }

// each runs fn on every database with a fresh application.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		fn(t, &env{apptest.New(t, db, chat.Options{})})
	})
}

// start starts a conversation as from with others and fails on an error.
func (e *env) start(from *model.User, in inbox.StartInput, others ...*model.User) *inbox.ConversationView {
	e.T.Helper()
	for _, o := range others {
		in.UserIDs = append(in.UserIDs, o.ID)
	}
	v, _, err := e.Inbox.Start(e.Ctx, from.ID, in)
	if err != nil {
		e.T.Fatalf("start as %s: %v", from.DisplayName, err)
	}
	return v
}

// post posts body as u and fails on an error.
func (e *env) post(u *model.User, conversationID int64, body string) *inbox.MessageView {
	e.T.Helper()
	m, err := e.Inbox.Post(e.Ctx, u.ID, conversationID, inbox.PostInput{Body: body})
	if err != nil {
		e.T.Fatalf("post %q as %s: %v", body, u.DisplayName, err)
	}
	return m
}

// follow makes a follow b.
func (e *env) follow(a, b *model.User) {
	e.T.Helper()
	if _, err := e.DB.NewInsert().Model(&model.Follow{FollowerID: a.ID, FolloweeID: b.ID, CreatedAt: e.Clock.Now()}).Exec(e.Ctx); err != nil {
		e.T.Fatal(err)
	}
}

// block makes a block b.
func (e *env) block(a, b *model.User) {
	e.T.Helper()
	if err := store.BlockUser(e.Ctx, e.DB, a.ID, b.ID); err != nil {
		e.T.Fatal(err)
	}
}

// bodies lists the texts u sees in a conversation, oldest first.
func (e *env) bodies(u *model.User, conversationID int64) []string {
	e.T.Helper()
	p, err := e.Inbox.Messages(e.Ctx, u.ID, conversationID, inbox.PageInput{})
	if err != nil {
		e.T.Fatalf("messages as %s: %v", u.DisplayName, err)
	}
	var out []string
	for _, m := range p.Messages {
		out = append(out, m.Body)
	}
	return out
}

// list returns the ids of u's conversations in folder, with their unread
// counts.
func (e *env) list(u *model.User, folder model.Folder) map[int64]int {
	e.T.Helper()
	ss, err := e.Inbox.Conversations(e.Ctx, u.ID, folder)
	if err != nil {
		e.T.Fatalf("conversations of %s: %v", u.DisplayName, err)
	}
	out := map[int64]int{}
	for _, s := range ss {
		out[s.Conversation.ID] = s.Unread
	}
	return out
}

// events returns a conversation's events with their recipients.
func (e *env) events(conversationID int64) ([]model.DMEvent, [][]int64) {
	e.T.Helper()
	es, err := store.DMEventsOf(e.Ctx, e.DB, conversationID)
	if err != nil {
		e.T.Fatal(err)
	}
	var tos [][]int64
	for _, ev := range es {
		to, err := store.DMEventRecipients(e.Ctx, e.DB, ev.ID)
		if err != nil {
			e.T.Fatal(err)
		}
		tos = append(tos, to)
	}
	return es, tos
}

// ids lists users' ids.
func ids(us ...*model.User) []int64 {
	out := make([]int64, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

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
