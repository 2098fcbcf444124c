package retention_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/retention"
	"backchannel/store"
	"backchannel/testenv"
)

// upload stores a file of uploader's through the attachments use case.
func (e *env) upload(uploader *model.User, name string, data []byte) *model.Attachment {
	e.T.Helper()
	a, err := e.Attachments.Upload(e.Ctx, uploader.ID, name, bytes.NewReader(data))
	if err != nil {
		e.T.Fatalf("upload %s: %v", name, err)
	}
	return a
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 6))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wantPurged checks that a retained file is gone: its row marked removed,
// no bytes of either variant left, and nobody (its uploader included) may
// fetch it.
func (e *env) wantPurged(a *model.Attachment, viewer *model.User) {
	e.T.Helper()
	got, err := store.Attachment(e.Ctx, e.DB, a.ID)
	if err != nil {
		e.T.Fatal(err)
	}
	if got.RemovedAt == nil || got.RemovedBy != nil {
		e.T.Errorf("%s: removed_at %v removed_by %v, want removed by the system", a.Name, got.RemovedAt, got.RemovedBy)
	}
	for _, v := range []string{"original", "thumb"} {
		if _, err := store.Chunk(e.Ctx, e.DB, a.ObjectKey(v), 0); !errors.Is(err, model.ErrNotFound) {
			e.T.Errorf("%s: %s bytes left: %v", a.Name, v, err)
		}
	}
	if _, err := e.Attachments.Get(e.Ctx, viewer, a.ID); !errors.Is(err, model.ErrNotFound) {
		e.T.Errorf("%s: still served: %v", a.Name, err)
	}
}

// wantKept checks that a file is still there and served.
func (e *env) wantKept(a *model.Attachment, viewer *model.User) {
	e.T.Helper()
	if _, err := store.Chunk(e.Ctx, e.DB, a.ObjectKey("original"), 0); err != nil {
		e.T.Errorf("%s: bytes gone: %v", a.Name, err)
	}
	if _, err := e.Attachments.Get(e.Ctx, viewer, a.ID); err != nil {
		e.T.Errorf("%s: not served: %v", a.Name, err)
	}
}

// TestRetentionRemovesFiles: removing the bodies of old channel messages
// removes their files (rows marked, bytes of both variants deleted), in
// batches; newer messages keep theirs; the search documents lose them.
func TestRetentionRemovesFiles(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Host", model.RoleHost)
		ada := e.User("Ada", model.RoleParticipant)
		ch := e.Channel(host, "physics", chat.ChannelInput{})
		v := e.Ready(ch, ada)
		post := func(body string, age float64, files ...*model.Attachment) *model.Message {
			ids := make([]int64, len(files))
			for i, f := range files {
				ids[i] = f.ID
			}
			m := e.Post(ch, v, chat.PostInput{Body: body, Attachments: ids})
			e.age(age, m.ID)
			return m
		}
		img := e.upload(ada, "board.png", smallPNG(t))
		pdf := e.upload(ada, "slides.pdf", []byte("%PDF-1.4\n%%EOF\n"))
		fresh := e.upload(ada, "fresh.txt", []byte("fresh\n"))
		unposted := e.upload(ada, "draft.txt", []byte("draft\n"))
		old := post("old slides", 40, img, pdf)
		// More old messages with files than one batch holds.
		var many []*model.Attachment
		for i := range 3 {
			f := e.upload(ada, "n.txt", []byte(strings.Repeat("x", i+1)))
			many = append(many, f)
			post("filler", 35, f)
		}
		post("new", 1, fresh)

		e.setRetention(retention.Input{SiteDays: ptr(30)})
		run, err := e.Retention.RunOnce(e.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		if run.Total != 4 || run.Files != 5 {
			t.Errorf("run removed %d messages and %d files, want 4 and 5", run.Total, run.Files)
		}
		for _, a := range append([]*model.Attachment{img, pdf}, many...) {
			e.wantPurged(a, ada)
		}
		e.wantKept(fresh, ada)
		e.wantKept(unposted, ada)
		if es := e.retentionAudit("retention.remove"); len(es) != 1 || !strings.Contains(es[0].After, `"removed":4,"files":5`) {
			t.Errorf("retention audit %+v", es)
		}
		if files, err := store.MessageAttachments(e.Ctx, db, []int64{old.ID}); err != nil || len(files[old.ID]) != 0 {
			t.Errorf("old message's files %v, %v", files, err)
		}
		if rows, err := store.IndexRows(e.Ctx, db, []int64{old.ID}); err != nil || len(rows) != 1 || len(rows[0].Attachments) != 0 {
			t.Errorf("index rows %+v, %v", rows, err)
		}
		// Nothing more on a second run.
		if run, err := e.Retention.RunOnce(e.Ctx); err != nil || run.Files != 0 || run.Total != 0 {
			t.Errorf("second run %+v, %v", run, err)
		}
	})
}

// TestRetentionPurgeBatches: more retained files than one purge batch are
// all deleted in one run.
func TestRetentionPurgeBatches(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		const n = 130 // purgeBatch is 100
		var ids []int64
		var uploader *model.User
		for i := range n {
			if i%40 == 0 { // under the daily upload quota
				uploader = e.User("Ada", model.RoleParticipant)
			}
			a := e.upload(uploader, "n.txt", []byte("x\n"))
			ids = append(ids, a.ID)
		}
		if _, err := db.NewUpdate().Table("attachments").Set("retention_removed_at = ?", time.Now().UTC()).
			Set("removed_at = ?", time.Now().UTC()).Where("id IN (?)", bun.In(ids)).Exec(e.Ctx); err != nil {
			t.Fatal(err)
		}
		got, err := e.Attachments.PurgeRetained(e.Ctx)
		if err != nil || got != n {
			t.Fatalf("purged %d, %v; want %d", got, err, n)
		}
		if left, err := store.RetainedAttachments(e.Ctx, db, 10); err != nil || len(left) != 0 {
			t.Errorf("left %v, %v", left, err)
		}
		if _, err := store.Chunk(e.Ctx, db, model.AttachmentObjectKey(ids[n-1], "original"), 0); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("last file's bytes left: %v", err)
		}
	})
}

// TestDMRetentionRemovesFiles: direct messages removed by retention take
// their files with them.
func TestDMRetentionRemovesFiles(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		alice, bob := e.User("Alice", model.RoleParticipant), e.User("Bob", model.RoleParticipant)
		c := testenv.DMConversationOf(t, db, alice, bob)
		now := time.Now()
		old := testenv.DMPostAt(t, db, c, bob, "old photo", now.Add(-40*24*time.Hour))
		fresh := testenv.DMPostAt(t, db, c, alice, "new file", now)
		oldImg := e.upload(bob, "photo.png", smallPNG(t))
		freshFile := e.upload(alice, "notes.txt", []byte("notes\n"))
		for a, m := range map[int64]int64{oldImg.ID: old.ID, freshFile.ID: fresh.ID} {
			if _, err := db.NewUpdate().Table("attachments").Set("dm_message_id = ?", m).Where("id = ?", a).Exec(e.Ctx); err != nil {
				t.Fatal(err)
			}
		}
		e.wantKept(oldImg, alice)
		days := 30
		if _, err := e.Moderation.SaveDMSettings(e.Ctx, alice.ID, moderation.DMSettingsIn{RetentionDays: &days}); err != nil {
			t.Fatal(err)
		}
		run, err := e.Retention.RunOnce(e.Ctx)
		if err != nil || run.DMs != 1 || run.Files != 1 {
			t.Fatalf("run %+v, %v", run, err)
		}
		e.wantPurged(oldImg, bob)
		e.wantKept(freshFile, bob)
		if es := e.retentionAudit("retention.dm_remove"); len(es) != 1 || !strings.Contains(es[0].After, `"removed":1,"files":1`) {
			t.Errorf("retention audit %+v", es)
		}
		// The removed upload can never be attached again.
		if err := store.AttachToMessage(e.Ctx, db, bob.ID, fresh.ID, []int64{oldImg.ID}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("re-attach a retained file: %v", err)
		}
	})
}
