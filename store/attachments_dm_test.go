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

// Uploads link to a direct message as to a channel message (the uploader's
// own, complete, unattached and unremoved, all or none) and are read back
// for many messages at once, removed ones left out.
func TestAttachToDMMessage(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ada, bob := newUser(t, db, "ada"), newUser(t, db, "bob")
		now := time.Now().UTC()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec("INSERT INTO conversations (id, kind, created_at, last_activity_at) VALUES (1, 'direct', ?, ?)", now, now)
		exec("INSERT INTO dm_messages (id, conversation_id, author_id, kind, body, created_at) VALUES (1, 1, ?, 'text', '', ?), (2, 1, ?, 'text', 'b', ?)",
			ada.ID, now, ada.ID, now)
		upload := func(by int64, name string, complete bool) int64 {
			t.Helper()
			a := &model.Attachment{UploaderID: &by, Name: name, MediaType: "text/plain", Kind: model.AttachmentFile}
			if err := store.CreateAttachment(ctx, db, a); err != nil {
				t.Fatal(err)
			}
			if complete {
				a.SHA256, a.Size = "x", 1
				if err := store.CompleteAttachment(ctx, db, a); err != nil {
					t.Fatal(err)
				}
			}
			return a.ID
		}
		a1, a2, a3 := upload(ada.ID, "a1.txt", true), upload(ada.ID, "a2.txt", true), upload(ada.ID, "a3.txt", true)
		partial, bobs := upload(ada.ID, "partial.txt", false), upload(bob.ID, "b.txt", true)
		// In the message's transaction, as the senders call it: refused,
		// rolled back, nothing linked.
		for _, bad := range [][]int64{{a1, bobs}, {a1, partial}, {a1, 999999}} {
			err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				return store.AttachToDMMessage(ctx, tx, ada.ID, 1, bad)
			})
			if !errors.Is(err, model.ErrNotFound) {
				t.Errorf("attach %v = %v, want not found", bad, err)
			}
		}
		if got, _ := store.DMMessageAttachments(ctx, db, []int64{1}); len(got[1]) != 0 {
			t.Fatalf("a refused link left files linked: %+v", got)
		}
		if err := store.AttachToDMMessage(ctx, db, ada.ID, 1, []int64{a1, a2}); err != nil {
			t.Fatal(err)
		}
		if err := store.AttachToDMMessage(ctx, db, ada.ID, 2, []int64{a3}); err != nil {
			t.Fatal(err)
		}
		if err := store.AttachToDMMessage(ctx, db, ada.ID, 2, []int64{a1}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("attaching an attached upload again = %v", err)
		}
		if err := store.AttachToMessage(ctx, db, ada.ID, 1, []int64{a3}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("attaching a direct message's upload to a channel message = %v", err)
		}
		got, err := store.DMMessageAttachments(ctx, db, []int64{1, 2, 3})
		if err != nil || len(got[1]) != 2 || got[1][0].ID != a1 || got[1][1].ID != a2 || *got[1][0].DMMessageID != 1 ||
			len(got[2]) != 1 || got[2][0].Name != "a3.txt" || len(got[3]) != 0 {
			t.Fatalf("DMMessageAttachments = %+v, %v", got, err)
		}
		if ch, _ := store.MessageAttachments(ctx, db, []int64{1, 2}); len(ch) != 0 {
			t.Errorf("direct messages' files listed as a channel message's: %+v", ch)
		}
		if err := store.RemoveAttachment(ctx, db, a2, ada.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.DMMessageAttachments(ctx, db, []int64{1}); len(got[1]) != 1 || got[1][0].ID != a1 {
			t.Errorf("after removing one: %+v", got)
		}
	})
}
