package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// ptr returns a pointer to v, for the optional columns of the models.
func ptr[T any](v T) *T { return &v }

// newUser creates an account named name (email name@example.org).
func newUser(t *testing.T, db bun.IDB, name string) *model.User {
	t.Helper()
	u := &model.User{Email: name + "@example.org", DisplayName: name, PasswordHash: "h"}
	if err := store.CreateUser(context.Background(), db, u); err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// newChannel creates a channel whose slug and title are slug.
func newChannel(t *testing.T, db bun.IDB, slug string) *model.Channel {
	t.Helper()
	c := &model.Channel{Slug: slug, Title: slug}
	if err := store.CreateChannel(context.Background(), db, c); err != nil {
		t.Fatalf("create channel %s: %v", slug, err)
	}
	return c
}

// newGuest creates a guest of a channel.
func newGuest(t *testing.T, db bun.IDB, channelID int64, name string) *model.Guest {
	t.Helper()
	g := &model.Guest{ChannelID: channelID, DisplayName: name, TokenHash: "tok-" + name}
	if err := store.CreateGuest(context.Background(), db, g); err != nil {
		t.Fatalf("create guest %s: %v", name, err)
	}
	return g
}

// post stores a message in a channel; m's zero fields get defaults.
func post(t *testing.T, db bun.IDB, m *model.Message) *model.Message {
	t.Helper()
	if m.Kind == "" {
		m.Kind = model.KindComment
	}
	if m.AuthorName == "" {
		m.AuthorName = "Ada"
	}
	if err := store.InsertMessage(context.Background(), db, m); err != nil {
		t.Fatalf("insert message %q: %v", m.Body, err)
	}
	return m
}

// clearOutbox empties the search outbox, so a test sees only what it queues.
func clearOutbox(t *testing.T, db bun.IDB) {
	t.Helper()
	if _, err := db.NewDelete().Model((*store.OutboxEntry)(nil)).Where("1 = 1").Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// outboxIDs returns the message ids waiting in the outbox, oldest first.
func outboxIDs(t *testing.T, db bun.IDB) []int64 {
	t.Helper()
	es, err := store.OutboxBatch(context.Background(), db, 1000)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.MessageID
	}
	return ids
}

// ids returns the ids of messages, in order.
func ids(ms []model.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// insertAudit writes e with store.Audit (the one audit writer) and fills e
// in as stored: id and time.
func insertAudit(ctx context.Context, db bun.IDB, e *model.AuditEntry) error {
	r := store.AuditRecord{Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Before: e.Before,
		After: e.After, Reason: e.Reason, Guideline: e.Guideline, IP: e.IP}
	if e.ActorID != nil {
		r.ActorID = *e.ActorID
	}
	if e.ChannelID != nil {
		r.ChannelID = *e.ChannelID
	}
	id, err := store.Audit(ctx, db, r)
	if err != nil {
		return err
	}
	es, err := store.ListAudit(ctx, db, store.AuditFilter{ID: id})
	if err != nil || len(es) != 1 {
		return fmt.Errorf("audit entry %d not found: %v", id, err)
	}
	*e = es[0]
	return nil
}
