package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestDMMessageVisibleTo(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ada, bob, cyd := newUser(t, db, "ada"), newUser(t, db, "bob"), newUser(t, db, "cyd")
		now := time.Now().UTC()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec("INSERT INTO conversations (id, kind, created_at, last_activity_at) VALUES (1, 'direct', ?, ?)", now, now)
		exec("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (1, ?, ?), (1, ?, ?)", ada.ID, now, bob.ID, now)
		for id := 1; id <= 3; id++ {
			exec("INSERT INTO dm_messages (id, conversation_id, author_id, kind, body, created_at) VALUES (?, 1, ?, 'text', 'hi', ?)", id, ada.ID, now)
		}
		exec("UPDATE conversation_members SET cleared_through = 2 WHERE user_id = ?", bob.ID)
		exec("UPDATE dm_messages SET deleted_at = ? WHERE id = 3", now)
		for _, c := range []struct {
			user, msg int64
			want      bool
		}{
			{ada.ID, 1, true}, {ada.ID, 2, true}, {ada.ID, 3, false}, // deleted
			{bob.ID, 1, false}, {bob.ID, 2, false}, // cleared
			{cyd.ID, 1, false}, // not a member
		} {
			got, err := store.DMMessageVisibleTo(ctx, db, c.msg, c.user)
			if err != nil || got != c.want {
				t.Errorf("message %d to user %d = %v, %v; want %v", c.msg, c.user, got, err, c.want)
			}
		}
		// A file attached to ada's message 1 follows it; attaching twice fails.
		a := &model.Attachment{UploaderID: &ada.ID, Name: "f.txt", MediaType: "text/plain", Kind: model.AttachmentFile}
		if err := store.CreateAttachment(ctx, db, a); err != nil {
			t.Fatal(err)
		}
		a.SHA256, a.Size = "x", 1
		if err := store.CompleteAttachment(ctx, db, a); err != nil {
			t.Fatal(err)
		}
		ch := newChannel(t, db, "alpha")
		m := post(t, db, &model.Message{ChannelID: ch.ID, Body: "hi", State: model.StateVisible})
		if err := store.AttachToMessage(ctx, db, bob.ID, m.ID, []int64{a.ID}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("attaching another's upload = %v", err)
		}
		if err := store.AttachToMessage(ctx, db, ada.ID, m.ID, []int64{a.ID}); err != nil {
			t.Fatal(err)
		}
		if err := store.AttachToMessage(ctx, db, ada.ID, m.ID, []int64{a.ID}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("attaching twice = %v", err)
		}
		got, err := store.MessageAttachments(ctx, db, []int64{m.ID})
		if err != nil || len(got[m.ID]) != 1 || got[m.ID][0].Name != "f.txt" {
			t.Errorf("MessageAttachments = %+v, %v", got, err)
		}
		if err := store.RemoveAttachment(ctx, db, a.ID, ada.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.MessageAttachments(ctx, db, []int64{m.ID}); len(got[m.ID]) != 0 {
			t.Error("a removed attachment is still listed")
		}
	})
}
