package testenv

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// Direct-message fixtures: rows written as the inbox use cases write them
// (a message with its dm_events row and recipients), for tests of the parts
// that read them (search, export, reports, retention) without going through
// the use cases. DMPostAt and DMUpdate write the message row alone.

// DMConversation creates a conversation of the members (the first is its
// creator and admin): direct for two people without a title, else a group.
func DMConversation(t testing.TB, db bun.IDB, title string, members ...int64) int64 {
	t.Helper()
	kind := model.ConversationGroup
	if len(members) == 2 && title == "" {
		kind = model.ConversationDirect
	}
	return insertConversation(t, db, kind, title, members).ID
}

// DMConversationOf stores a conversation of members (the first is its
// admin), each joined with nothing cleared: direct for two people, else a
// group titled "Test group".
func DMConversationOf(t testing.TB, db bun.IDB, members ...*model.User) *model.Conversation {
	t.Helper()
	ids := make([]int64, 0, len(members))
	for _, u := range members {
		ids = append(ids, u.ID)
	}
	if len(ids) == 2 {
		return insertConversation(t, db, model.ConversationDirect, "", ids)
	}
	return insertConversation(t, db, model.ConversationGroup, "Test group", ids)
}

// insertConversation writes a conversation and its members; a direct one
// gets the pair key the use cases give it.
func insertConversation(t testing.TB, db bun.IDB, kind model.ConversationKind, title string, members []int64) *model.Conversation {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	c := &model.Conversation{Kind: kind, Title: title, CreatedBy: &members[0], AdminID: &members[0],
		CreatedAt: now, LastActivityAt: now}
	if kind == model.ConversationDirect {
		key := fmt.Sprintf("%d:%d", min(members[0], members[1]), max(members[0], members[1]))
		c.PairKey = &key
	}
	if _, err := db.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
		t.Fatalf("dm fixture: conversation: %v", err)
	}
	for _, u := range members {
		m := &model.ConversationMember{ConversationID: c.ID, UserID: u, Folder: model.FolderInbox, JoinedAt: now}
		if _, err := db.NewInsert().Model(m).Exec(ctx); err != nil {
			t.Fatalf("dm fixture: member: %v", err)
		}
	}
	return c
}

// DMPost writes a text message by author and its event; it returns the
// message id.
func DMPost(t testing.TB, db bun.IDB, conversationID, author int64, body string) int64 {
	t.Helper()
	return dmInsert(t, db, &model.DirectMessage{ConversationID: conversationID, AuthorID: &author, Kind: model.DMText, Body: body})
}

// DMReply writes a text message answering replyTo.
func DMReply(t testing.TB, db bun.IDB, conversationID, author, replyTo int64, body string) int64 {
	t.Helper()
	return dmInsert(t, db, &model.DirectMessage{ConversationID: conversationID, AuthorID: &author, Kind: model.DMText,
		Body: body, ReplyToID: &replyTo})
}

// DMSystemLine writes a system line and its event.
func DMSystemLine(t testing.TB, db bun.IDB, conversationID int64, body string) int64 {
	t.Helper()
	return dmInsert(t, db, &model.DirectMessage{ConversationID: conversationID, Kind: model.DMSystem, Body: body})
}

// DMPostAt stores a text message by author in c, created at at (zero:
// now), without its event or the conversation's last message (for tests of
// reports and retention, which read the rows only).
func DMPostAt(t testing.TB, db bun.IDB, c *model.Conversation, author *model.User, body string, at time.Time) *model.DirectMessage {
	t.Helper()
	if at.IsZero() {
		at = time.Now()
	}
	m := &model.DirectMessage{ConversationID: c.ID, AuthorID: &author.ID, Kind: model.DMText, Body: body, CreatedAt: at.UTC().Truncate(time.Microsecond)}
	insertDM(t, db, m)
	return m
}

func insertDM(t testing.TB, db bun.IDB, m *model.DirectMessage) {
	t.Helper()
	if _, err := db.NewInsert().Model(m).ModelTableExpr(`"dm_messages" AS "direct_message"`).Returning("id").Exec(context.Background()); err != nil {
		t.Fatalf("dm fixture: message: %v", err)
	}
}

func dmInsert(t testing.TB, db bun.IDB, m *model.DirectMessage) int64 {
	t.Helper()
	ctx := context.Background()
	m.CreatedAt = time.Now().UTC()
	insertDM(t, db, m)
	if _, err := db.NewUpdate().Model((*model.Conversation)(nil)).Set("last_message_id = ?", m.ID).
		Where("id = ?", m.ConversationID).Exec(ctx); err != nil {
		t.Fatalf("dm fixture: last message: %v", err)
	}
	DMEvent(t, db, m.ConversationID, model.DMEventMessage, m.ID, m.AuthorID)
	return m.ID
}

// DMEvent writes an event of the conversation for its current members.
func DMEvent(t testing.TB, db bun.IDB, conversationID int64, kind model.DMEventKind, messageID int64, actor *int64) int64 {
	t.Helper()
	ctx := context.Background()
	e := &model.DMEvent{ConversationID: conversationID, Kind: kind, ActorID: actor, CreatedAt: time.Now().UTC()}
	if messageID != 0 {
		e.MessageID = &messageID
	}
	if _, err := db.NewInsert().Model(e).ModelTableExpr("dm_events").Returning("id").Exec(ctx); err != nil {
		t.Fatalf("dm fixture: event: %v", err)
	}
	if _, err := db.NewRaw("INSERT INTO dm_event_recipients (user_id, event_id) "+
		"SELECT user_id, ? FROM conversation_members WHERE conversation_id = ? AND left_at IS NULL", e.ID, conversationID).
		Exec(ctx); err != nil {
		t.Fatalf("dm fixture: recipients: %v", err)
	}
	return e.ID
}

// DMEdit changes a message's text and writes its event.
func DMEdit(t testing.TB, db bun.IDB, messageID int64, body string) {
	t.Helper()
	dmChange(t, db, messageID, model.DMEventEdit, "body = ?, edited_at = ?", body, time.Now().UTC())
}

// DMDelete makes a message a tombstone and writes its event.
func DMDelete(t testing.TB, db bun.IDB, messageID int64) {
	t.Helper()
	dmChange(t, db, messageID, model.DMEventDelete, "deleted_at = ?", time.Now().UTC())
}

func dmChange(t testing.TB, db bun.IDB, messageID int64, kind model.DMEventKind, set string, args ...any) {
	t.Helper()
	ctx := context.Background()
	var conv int64
	if err := db.NewRaw("UPDATE dm_messages SET "+set+" WHERE id = ? RETURNING conversation_id",
		append(args, messageID)...).Scan(ctx, &conv); err != nil {
		t.Fatalf("dm fixture: %s: %v", kind, err)
	}
	DMEvent(t, db, conv, kind, messageID, nil)
}

// DMLeave marks userID as having left the conversation.
func DMLeave(t testing.TB, db bun.IDB, conversationID, userID int64) {
	t.Helper()
	if _, err := db.NewUpdate().Model((*model.ConversationMember)(nil)).Set("left_at = ?", time.Now().UTC()).
		Where("conversation_id = ? AND user_id = ?", conversationID, userID).Exec(context.Background()); err != nil {
		t.Fatalf("dm fixture: leave: %v", err)
	}
}

// DMClear deletes the chat from userID's view ("delete for me"): messages
// up to the last one are hidden from them.
func DMClear(t testing.TB, db bun.IDB, conversationID, userID int64) {
	t.Helper()
	if _, err := db.NewRaw("UPDATE conversation_members SET hidden = TRUE, cleared_through = "+
		"(SELECT last_message_id FROM conversations WHERE id = ?) WHERE conversation_id = ? AND user_id = ?",
		conversationID, conversationID, userID).Exec(context.Background()); err != nil {
		t.Fatalf("dm fixture: clear: %v", err)
	}
}

// DMUpdate changes a stored direct message (an edit or a deletion) without
// an event.
func DMUpdate(t testing.TB, db bun.IDB, m *model.DirectMessage) {
	t.Helper()
	if _, err := db.NewUpdate().Model(m).ModelTableExpr(`"dm_messages" AS "direct_message"`).WherePK().Exec(context.Background()); err != nil {
		t.Fatalf("dm fixture: update: %v", err)
	}
}

// DMClearThrough sets what u has cleared of c (messages with id <= through
// are hidden from u).
func DMClearThrough(t testing.TB, db bun.IDB, c *model.Conversation, u *model.User, through int64) {
	t.Helper()
	if _, err := db.NewUpdate().Model((*model.ConversationMember)(nil)).Set("cleared_through = ?", through).
		Where("conversation_id = ? AND user_id = ?", c.ID, u.ID).Exec(context.Background()); err != nil {
		t.Fatalf("dm fixture: clear: %v", err)
	}
}

// DMReactAs stores u's reaction to m.
func DMReactAs(t testing.TB, db bun.IDB, m *model.DirectMessage, u *model.User, emoji string) {
	t.Helper()
	DMReact(t, db, m.ID, u.ID, emoji)
}

// DMReact adds userID's emoji to a message.
func DMReact(t testing.TB, db bun.IDB, messageID, userID int64, emoji string) {
	t.Helper()
	r := &model.DMReaction{MessageID: messageID, UserID: userID, Emoji: emoji, CreatedAt: time.Now().UTC()}
	if _, err := db.NewInsert().Model(r).ModelTableExpr("dm_reactions").Exec(context.Background()); err != nil {
		t.Fatalf("dm fixture: react: %v", err)
	}
}
