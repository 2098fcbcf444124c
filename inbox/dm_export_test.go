package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/export"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/testenv"
)

func TestExportConversation(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		svc := inbox.New(db, nil, nil, nil, inbox.Options{}, slog.New(slog.DiscardHandler))
		ada, bob, cat, eve := dmUser(t, db, "ada"), dmUser(t, db, "bob"), dmUser(t, db, "cat"), dmUser(t, db, "eve")
		c := testenv.DMConversation(t, db, "Plans *for* [Friday]", ada, bob, cat)
		early := testenv.DMPost(t, db, c, ada, "Before bob cleared: the old plan")
		testenv.DMClear(t, db, c, bob)
		sys := testenv.DMSystemLine(t, db, c, "Ada renamed the group")
		m1 := testenv.DMPost(t, db, c, ada, "Meet at *noon* [here](javascript:alert(1)) <script>x</script>\nsecond line")
		m2 := testenv.DMReply(t, db, c, bob, m1, "Sounds good")
		testenv.DMEdit(t, db, m2, "Sounds great")
		m3 := testenv.DMPost(t, db, c, cat, "A secret I regret")
		testenv.DMDelete(t, db, m3)
		for _, r := range []struct {
			u     int64
			emoji string
		}{{bob, "👍"}, {cat, "👍"}, {ada, "🎉"}} {
			testenv.DMReact(t, db, m1, r.u, r.emoji)
		}
		testenv.DMReact(t, db, m3, ada, "😮") // on a tombstone: not shown

		doc, err := svc.Export(ctx, bob, c)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("only what the member sees", func(t *testing.T) {
			var ids []int64
			for _, m := range doc.Messages {
				ids = append(ids, m.ID)
			}
			if want := []int64{sys, m1, m2, m3}; !slices.Equal(ids, want) {
				t.Errorf("messages %v, want %v (not %d, cleared)", ids, want, early)
			}
			if doc.ExportedBy.Handle != "bob" || len(doc.Members) != 3 || doc.Kind != string(model.ConversationGroup) {
				t.Errorf("header %+v", doc)
			}
		})
		t.Run("the other members keep the history", func(t *testing.T) {
			d, err := svc.Export(ctx, ada, c)
			if err != nil || len(d.Messages) != 5 || d.Messages[0].ID != early {
				t.Errorf("ada's export: %v %+v", err, d)
			}
		})
		t.Run("tombstones, edits, reactions, system lines", func(t *testing.T) {
			byID := map[int64]export.DM{}
			for _, m := range doc.Messages {
				byID[m.ID] = m
			}
			if m := byID[m3]; !m.Deleted || m.Body != export.DeletedBody || len(m.Reactions) != 0 {
				t.Errorf("tombstone %+v", m)
			}
			if m := byID[m2]; !m.Edited || m.EditedAt == nil || m.Body != "Sounds great" || m.ReplyToID != m1 {
				t.Errorf("edited reply %+v", m)
			}
			if m := byID[m1]; len(m.Reactions) != 2 || m.Reactions[0] != (export.Tally{Emoji: "👍", Count: 2}) ||
				m.Reactions[1] != (export.Tally{Emoji: "🎉", Count: 1}) || m.Author == nil || m.Author.Handle != "ada" {
				t.Errorf("reactions %+v", m)
			}
			if m := byID[sys]; m.Kind != "system" || m.Author != nil {
				t.Errorf("system line %+v", m)
			}
		})
		t.Run("markdown", func(t *testing.T) {
			var b bytes.Buffer
			if err := export.WriteConversationMarkdown(&b, *doc); err != nil {
				t.Fatal(err)
			}
			md := b.String()
			for _, want := range []string{
				`# Plans \*for\* \[Friday\]`,
				"- Members: Ada (@ada), Bob (@bob), Cat (@cat)",
				"- Exported by Bob (@bob) on ",
				"- Messages: 4",
				"- _Ada renamed the group_ · ",
				`Meet at \*noon\* \[here\](javascript:alert(1)) &lt;script&gt;x&lt;/script&gt; / second line — 👍 2 · 🎉 1`,
				`  > ↩ in reply to **Ada**: Meet at \*noon\*`,
				"**Bob** (@bob) · ",
				": Sounds great — edited",
				"**Cat** (@cat) · ",
				": _(deleted)_",
			} {
				if !strings.Contains(md, want) {
					t.Errorf("markdown lacks %q:\n%s", want, md)
				}
			}
			for _, leak := range []string{"regret", "old plan", "Sounds good", "<script>"} {
				if strings.Contains(md, leak) {
					t.Errorf("markdown holds %q:\n%s", leak, md)
				}
			}
		})
		t.Run("json", func(t *testing.T) {
			var b bytes.Buffer
			if err := export.WriteConversationJSON(&b, *doc); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(b.String(), "regret") || strings.Contains(b.String(), "old plan") {
				t.Errorf("json leaks hidden text:\n%s", b.String())
			}
			var back export.Conversation
			if err := json.Unmarshal(b.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			if back.Title != "Plans *for* [Friday]" || len(back.Messages) != 4 || !back.Messages[3].Deleted {
				t.Errorf("json round trip %+v", back)
			}
		})
		t.Run("not found for non-members and those who left", func(t *testing.T) {
			if _, err := svc.Export(ctx, eve, c); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("non-member: %v", err)
			}
			if _, err := svc.Export(ctx, ada, c+100); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("no such conversation: %v", err)
			}
			testenv.DMLeave(t, db, c, cat)
			if _, err := svc.Export(ctx, cat, c); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("after leaving: %v", err)
			}
		})
		t.Run("a direct conversation is named after the other person", func(t *testing.T) {
			d := testenv.DMConversation(t, db, "", ada, eve)
			doc, err := svc.Export(ctx, eve, d)
			if err != nil || doc.Title != "Conversation with Ada" || len(doc.Messages) != 0 {
				t.Errorf("%v %+v", err, doc)
			}
			var b bytes.Buffer
			_ = export.WriteConversationMarkdown(&b, *doc)
			if !strings.Contains(b.String(), "_No messages._") {
				t.Errorf("empty export:\n%s", b.String())
			}
		})
	})
}
