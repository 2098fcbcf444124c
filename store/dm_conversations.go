package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// Conversations and their members: the rows package inbox reads and writes.

// CreateConversation inserts c and fills in its id. A second direct
// conversation of the same pair is a model.ErrConflict.
func CreateConversation(ctx context.Context, db bun.IDB, c *model.Conversation) error {
	if _, err := db.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
		if isUnique(err) {
			return fmt.Errorf("store: create conversation: %w", model.ErrConflict)
		}
		return fmt.Errorf("store: create conversation: %w", err)
	}
	return nil
}

// ConversationByID loads one conversation.
func ConversationByID(ctx context.Context, db bun.IDB, id int64) (*model.Conversation, error) {
	c := new(model.Conversation)
	if err := db.NewSelect().Model(c).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("conversation", err)
	}
	return c, nil
}

// ConversationByPair loads the direct conversation of a pair ("<lo>:<hi>").
func ConversationByPair(ctx context.Context, db bun.IDB, pairKey string) (*model.Conversation, error) {
	c := new(model.Conversation)
	if err := db.NewSelect().Model(c).Where("pair_key = ?", pairKey).Scan(ctx); err != nil {
		return nil, notFound("conversation by pair", err)
	}
	return c, nil
}

// UpdateConversation writes the named columns of c.
func UpdateConversation(ctx context.Context, db bun.IDB, c *model.Conversation, cols ...string) error {
	if _, err := db.NewUpdate().Model(c).Column(cols...).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("store: update conversation: %w", err)
	}
	return nil
}

// ConversationsCreatedSince returns when by created the conversations they
// started at or after since, newest first (for the hourly limit).
func ConversationsCreatedSince(ctx context.Context, db bun.IDB, by int64, since time.Time) ([]time.Time, error) {
	var ts []time.Time
	if err := db.NewSelect().Model((*model.Conversation)(nil)).Column("created_at").
		Where("created_by = ?", by).Where("created_at >= ?", since.UTC()).
		Order("created_at DESC").Scan(ctx, &ts); err != nil {
		return nil, fmt.Errorf("store: conversations created since: %w", err)
	}
	return ts, nil
}

// JoinConversation makes m a member: a new row, or the row of someone who
// left coming back (left_at cleared, the other fields written afresh).
func JoinConversation(ctx context.Context, db bun.IDB, m *model.ConversationMember) error {
	m.LeftAt = nil
	if _, err := db.NewInsert().Model(m).On("CONFLICT (conversation_id, user_id) DO UPDATE").
		Set("folder = EXCLUDED.folder").Set("joined_at = EXCLUDED.joined_at").Set("left_at = NULL").
		Set("cleared_through = EXCLUDED.cleared_through").Set("hidden = EXCLUDED.hidden").
		Set("last_read_id = EXCLUDED.last_read_id").Exec(ctx); err != nil {
		return fmt.Errorf("store: join conversation: %w", err)
	}
	return nil
}

// ConversationMember loads one person's row in a conversation (left or not).
func ConversationMember(ctx context.Context, db bun.IDB, conversationID, userID int64) (*model.ConversationMember, error) {
	m := new(model.ConversationMember)
	if err := db.NewSelect().Model(m).Where("conversation_id = ?", conversationID).
		Where("user_id = ?", userID).Scan(ctx); err != nil {
		return nil, notFound("conversation member", err)
	}
	return m, nil
}

// ConversationMembers lists the current members (not left) of a
// conversation, longest-standing first.
func ConversationMembers(ctx context.Context, db bun.IDB, conversationID int64) ([]model.ConversationMember, error) {
	var ms []model.ConversationMember
	if err := db.NewSelect().Model(&ms).Where("conversation_id = ?", conversationID).
		Where("left_at IS NULL").Order("joined_at", "user_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: conversation members: %w", err)
	}
	return ms, nil
}

// UpdateConversationMember writes the named columns of m.
func UpdateConversationMember(ctx context.Context, db bun.IDB, m *model.ConversationMember, cols ...string) error {
	if _, err := db.NewUpdate().Model(m).Column(cols...).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("store: update conversation member: %w", err)
	}
	return nil
}

// UnhideConversation brings a conversation back into the lists of the
// members who deleted it for themselves (a new message arrived).
func UnhideConversation(ctx context.Context, db bun.IDB, conversationID int64) error {
	if _, err := db.NewUpdate().Model((*model.ConversationMember)(nil)).Set("hidden = ?", false).
		Where("conversation_id = ?", conversationID).Where("left_at IS NULL").Where("hidden = ?", true).
		Exec(ctx); err != nil {
		return fmt.Errorf("store: unhide conversation: %w", err)
	}
	return nil
}

// MemberRows lists userID's current, not hidden memberships in folder,
// most recent activity first.
func MemberRows(ctx context.Context, db bun.IDB, userID int64, folder model.Folder, limit int) ([]model.ConversationMember, error) {
	var ms []model.ConversationMember
	if err := db.NewSelect().Model(&ms).
		Join("JOIN conversations AS c ON c.id = conversation_member.conversation_id").
		Where("conversation_member.user_id = ?", userID).Where("conversation_member.left_at IS NULL").
		Where("conversation_member.hidden = ?", false).Where("conversation_member.folder = ?", folder).
		OrderExpr("c.last_activity_at DESC, c.id DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: member rows: %w", err)
	}
	return ms, nil
}

// ConversationsByIDs loads conversations by id.
func ConversationsByIDs(ctx context.Context, db bun.IDB, ids []int64) (map[int64]model.Conversation, error) {
	return byIDs(ctx, db, "", ids, func(c model.Conversation) int64 { return c.ID })
}

// byIDs loads the rows of T (in table, "" for T's own) with the given ids,
// by id.
func byIDs[T any](ctx context.Context, db bun.IDB, table string, ids []int64, id func(T) int64) (map[int64]T, error) {
	out := make(map[int64]T, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []T
	q := db.NewSelect().Model(&rows).Where("id IN (?)", bun.In(ids))
	if table != "" {
		q = q.ModelTableExpr(table)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: %T by ids: %w", rows, err)
	}
	for _, r := range rows {
		out[id(r)] = r
	}
	return out, nil
}

// MembersOf lists the current members of several conversations, longest-
// standing first, by conversation.
func MembersOf(ctx context.Context, db bun.IDB, ids []int64) (map[int64][]model.ConversationMember, error) {
	out := make(map[int64][]model.ConversationMember, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var ms []model.ConversationMember
	if err := db.NewSelect().Model(&ms).Where("conversation_id IN (?)", bun.In(ids)).
		Where("left_at IS NULL").Order("conversation_id", "joined_at", "user_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: members of: %w", err)
	}
	for _, m := range ms {
		out[m.ConversationID] = append(out[m.ConversationID], m)
	}
	return out, nil
}

// UnreadCounts counts, per conversation of userID's folder, the people's
// messages (not system lines, not deleted, not their own) after their read
// marker and after what they cleared; hidden conversations count nothing.
func UnreadCounts(ctx context.Context, db bun.IDB, userID int64, folder model.Folder) (map[int64]int, error) {
	var rows []struct {
		ConversationID int64 `bun:"conversation_id"`
		N              int   `bun:"n"`
	}
	if err := db.NewSelect().TableExpr("dm_messages AS d").
		ColumnExpr("d.conversation_id, COUNT(*) AS n").
		Join("JOIN conversation_members AS m ON m.conversation_id = d.conversation_id AND m.user_id = ?", userID).
		Where("m.left_at IS NULL").Where("m.hidden = ?", false).Where("m.folder = ?", folder).
		Where("d.id > m.last_read_id").Where("d.id > m.cleared_through").
		Where("d.kind = ?", model.DMText).Where("d.deleted_at IS NULL").
		Where("(d.author_id IS NULL OR d.author_id <> ?)", userID).
		GroupExpr("d.conversation_id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("store: unread counts: %w", err)
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.ConversationID] = r.N
	}
	return out, nil
}

// UsersByIDs loads accounts by id.
func UsersByIDs(ctx context.Context, db bun.IDB, ids []int64) (map[int64]model.User, error) {
	return byIDs(ctx, db, "", ids, func(u model.User) int64 { return u.ID })
}

// UsersByHandles loads accounts by handle (lowercase), in no order; handles
// that name nobody are left out.
func UsersByHandles(ctx context.Context, db bun.IDB, handles []string) ([]model.User, error) {
	var us []model.User
	if len(handles) == 0 {
		return us, nil
	}
	if err := db.NewSelect().Model(&us).Where("handle IN (?)", bun.In(handles)).Where("handle <> ''").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: users by handles: %w", err)
	}
	return us, nil
}

// SharedGroups lists the groups a and b are both current members of.
func SharedGroups(ctx context.Context, db bun.IDB, a, b int64) ([]int64, error) {
	var ids []int64
	if err := db.NewSelect().TableExpr("conversation_members AS ma").Column("ma.conversation_id").
		Join("JOIN conversation_members AS mb ON mb.conversation_id = ma.conversation_id AND mb.user_id = ? AND mb.left_at IS NULL", b).
		Join("JOIN conversations AS c ON c.id = ma.conversation_id").
		Where("ma.user_id = ?", a).Where("ma.left_at IS NULL").Where("c.kind = ?", model.ConversationGroup).
		Order("ma.conversation_id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("store: shared groups: %w", err)
	}
	return ids, nil
}
