package testenv

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// Direct-message rows written straight into the tables, for tests of what
// reads them (reports, retention) that do not go through the conversation
// use cases.

// DMConversationOf stores a group conversation of members (the first is its
// admin), each joined with nothing cleared.
func DMConversationOf(t testing.TB, db bun.IDB, members ...*model.User) *model.Conversation {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	c := &model.Conversation{Kind: model.ConversationGroup, Title: "Test group", CreatedBy: &members[0].ID, AdminID: &members[0].ID,
		CreatedAt: now, LastActivityAt: now}
	if len(members) == 2 {
		c.Kind, c.Title = model.ConversationDirect, ""
		lo, hi := min(members[0].ID, members[1].ID), max(members[0].ID, members[1].ID)
		key := fmt.Sprintf("%d:%d", lo, hi)
		c.PairKey = &key
	}
	if _, err := db.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
		t.Fatalf("conversation: %v", err)
	}
	for _, u := range members {
		m := &model.ConversationMember{ConversationID: c.ID, UserID: u.ID, Folder: model.FolderInbox, JoinedAt: now}
		if _, err := db.NewInsert().Model(m).Exec(ctx); err != nil {
			t.Fatalf("conversation member: %v", err)
		}
	}
	return c
}

// DMPostAt stores a text message by author in c, created at at (zero: now).
func DMPostAt(t testing.TB, db bun.IDB, c *model.Conversation, author *model.User, body string, at time.Time) *model.DirectMessage {
	t.Helper()
	if at.IsZero() {
		at = time.Now()
	}
	m := &model.DirectMessage{ConversationID: c.ID, AuthorID: &author.ID, Kind: model.DMText, Body: body, CreatedAt: at.UTC().Truncate(time.Microsecond)}
	if _, err := db.NewInsert().Model(m).ModelTableExpr(`"dm_messages" AS "direct_message"`).Returning("id").Exec(context.Background()); err != nil {
		t.Fatalf("direct message: %v", err)
	}
	return m
}

// DMUpdate changes a stored direct message (an edit or a deletion).
func DMUpdate(t testing.TB, db bun.IDB, m *model.DirectMessage) {
	t.Helper()
	if _, err := db.NewUpdate().Model(m).ModelTableExpr(`"dm_messages" AS "direct_message"`).WherePK().Exec(context.Background()); err != nil {
		t.Fatalf("update direct message: %v", err)
	}
}

// DMClearThrough sets what u has cleared of c (messages with id <= through are
// hidden from u).
func DMClearThrough(t testing.TB, db bun.IDB, c *model.Conversation, u *model.User, through int64) {
	t.Helper()
	if _, err := db.NewUpdate().Model((*model.ConversationMember)(nil)).Set("cleared_through = ?", through).
		Where("conversation_id = ? AND user_id = ?", c.ID, u.ID).Exec(context.Background()); err != nil {
		t.Fatalf("clear: %v", err)
	}
}

// DMReactAs stores u's reaction to m.
func DMReactAs(t testing.TB, db bun.IDB, m *model.DirectMessage, u *model.User, emoji string) {
	t.Helper()
	r := &model.DMReaction{MessageID: m.ID, UserID: u.ID, Emoji: emoji, CreatedAt: time.Now().UTC()}
	if _, err := db.NewInsert().Model(r).Exec(context.Background()); err != nil {
		t.Fatalf("reaction: %v", err)
	}
}
