package inbox

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// Person looks someone up by handle ("@" optional), for the routes that
// name members by handle.
func (s *Service) Person(ctx context.Context, userID int64, handle string) (Person, error) {
	if _, err := s.enter(ctx, s.db, userID); err != nil {
		return Person{}, err
	}
	h := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(handle), "@"))
	us, err := store.UsersByHandles(ctx, s.db, []string{h})
	if err != nil {
		return Person{}, err
	}
	if len(us) == 0 || us[0].Disabled() {
		return Person{}, model.Invalid("handle", fmt.Sprintf("No one has the handle @%s.", h))
	}
	return personOf(us[0], us[0].ID), nil
}

// group loads a group the viewer is in, for a change only its admin may
// make (adminOnly) or any member may.
func group(ctx context.Context, db bun.IDB, conversationID, userID int64, adminOnly bool) (*model.Conversation, *model.ConversationMember, error) {
	c, me, err := member(ctx, db, conversationID, userID)
	if err != nil {
		return nil, nil, err
	}
	if c.Kind != model.ConversationGroup {
		return nil, nil, model.Refuse(model.ErrConflict, "not_a_group", "A 1:1 conversation has no members to change; delete it from your view instead.")
	}
	if adminOnly && (c.AdminID == nil || *c.AdminID != userID) {
		return nil, nil, model.Refuse(model.ErrForbidden, "not_admin", "Only the group's admin can do this.")
	}
	return c, me, nil
}

// name is a person's display name for system lines.
func name(ctx context.Context, db bun.IDB, id int64) (string, error) {
	u, err := store.UserByID(ctx, db, id)
	if err != nil {
		return "", err
	}
	return u.DisplayName, nil
}

// other loads another current member of a group, with their name.
func other(ctx context.Context, db bun.IDB, conversationID, userID int64) (*model.ConversationMember, string, error) {
	m, err := store.ConversationMember(ctx, db, conversationID, userID)
	if err != nil || m.LeftAt != nil {
		return nil, "", model.Refuse(model.ErrNotFound, "not_a_member", "That person is not in this group.")
	}
	n, err := name(ctx, db, userID)
	return m, n, err
}

// groupChange runs a change of a group's members, title or admin as the
// viewer: fn makes it and returns the system lines that tell it, written
// in order; one members event goes out (none when fn changed nothing).
func (s *Service) groupChange(ctx context.Context, userID, conversationID int64, adminOnly bool,
	fn func(tx bun.Tx, a *access, c *model.Conversation, me *model.ConversationMember) ([]string, audience, error)) error {
	a, err := s.enter(ctx, s.db, userID)
	if err != nil {
		return err
	}
	_, err = s.change(ctx, func(tx bun.Tx) (*model.DMEvent, audience, error) {
		c, me, err := group(ctx, tx, conversationID, userID, adminOnly)
		if err != nil {
			return nil, audience{}, err
		}
		lines, aud, err := fn(tx, a, c, me)
		if err != nil || len(lines) == 0 {
			return nil, audience{}, err
		}
		var line *model.DirectMessage
		for _, text := range lines {
			if line, err = s.system(ctx, tx, c, userID, text); err != nil {
				return nil, audience{}, err
			}
		}
		return event(c.ID, model.DMEventMembers, &line.ID, userID), aud, nil
	})
	return err
}

// AddMember adds someone to a group (its admin only), up to
// model.MaxGroupMembers. Whom the admin blocked or who blocked the admin
// cannot be added; the newcomer sees history from their joining on, and
// the members who blocked them are warned by their conversation view.
func (s *Service) AddMember(ctx context.Context, userID, conversationID, newID int64) error {
	a, err := s.enter(ctx, s.db, userID)
	if err != nil {
		return err
	}
	c, _, err := group(ctx, s.db, conversationID, userID, true)
	if err != nil {
		return err
	}
	if err := s.mayWrite(ctx, s.db, a); err != nil {
		return err
	}
	u, err := store.UserByID(ctx, s.db, newID)
	if err != nil || u.Disabled() {
		return model.Invalid("handle", "That person has no account here.")
	}
	var about *model.Channel
	if c.AboutChannelID != nil {
		if about, err = store.ChannelByID(ctx, s.db, *c.AboutChannelID); err != nil {
			return err
		}
	}
	folder, err := s.route(ctx, s.db, a.user, u, about)
	if err != nil {
		return err
	}
	return s.groupChange(ctx, userID, conversationID, true, func(tx bun.Tx, a *access, c *model.Conversation, _ *model.ConversationMember) ([]string, audience, error) {
		ms, err := store.ConversationMembers(ctx, tx, c.ID)
		if err != nil {
			return nil, audience{}, err
		}
		if slices.ContainsFunc(ms, func(m model.ConversationMember) bool { return m.UserID == newID }) {
			return nil, audience{}, model.Refuse(model.ErrConflict, "already_member",
				fmt.Sprintf("%s is already in this group.", u.DisplayName))
		}
		if len(ms)+1 > model.MaxGroupMembers {
			return nil, audience{}, errGroupFull
		}
		// History from here on: the line that tells of their joining first.
		if err := store.JoinConversation(ctx, tx, &model.ConversationMember{ConversationID: c.ID, UserID: newID,
			Folder: folder, JoinedAt: s.now().UTC(), ClearedThrough: c.LastMessageID, LastReadID: c.LastMessageID}); err != nil {
			return nil, audience{}, err
		}
		return []string{fmt.Sprintf("%s added %s", a.user.DisplayName, u.DisplayName)}, audience{}, nil
	})
}

// RemoveMember takes someone out of a group (its admin only); removing
// oneself is leaving.
func (s *Service) RemoveMember(ctx context.Context, userID, conversationID, goneID int64) error {
	if goneID == userID {
		return s.Leave(ctx, userID, conversationID)
	}
	return s.groupChange(ctx, userID, conversationID, true, func(tx bun.Tx, a *access, c *model.Conversation, _ *model.ConversationMember) ([]string, audience, error) {
		gone, goneName, err := other(ctx, tx, c.ID, goneID)
		if err != nil {
			return nil, audience{}, err
		}
		if err := s.depart(ctx, tx, gone); err != nil {
			return nil, audience{}, err
		}
		return []string{fmt.Sprintf("%s removed %s", a.user.DisplayName, goneName)}, audience{also: []int64{goneID}}, nil
	})
}

// depart marks a member gone: out of every list, 404 on the conversation.
func (s *Service) depart(ctx context.Context, tx bun.IDB, m *model.ConversationMember) error {
	now := s.now().UTC()
	m.LeftAt = &now
	return store.UpdateConversationMember(ctx, tx, m, "left_at")
}

// Leave takes the viewer out of a group. When the admin leaves, the
// longest-standing remaining member becomes admin.
func (s *Service) Leave(ctx context.Context, userID, conversationID int64) error {
	return s.groupChange(ctx, userID, conversationID, false, func(tx bun.Tx, a *access, c *model.Conversation, me *model.ConversationMember) ([]string, audience, error) {
		if err := s.depart(ctx, tx, me); err != nil {
			return nil, audience{}, err
		}
		lines := []string{a.user.DisplayName + " left"}
		aud := audience{also: []int64{userID}}
		if c.AdminID == nil || *c.AdminID != userID {
			return lines, aud, nil
		}
		ms, err := store.ConversationMembers(ctx, tx, c.ID)
		if err != nil {
			return nil, audience{}, err
		}
		c.AdminID = nil
		if len(ms) > 0 {
			heir, err := name(ctx, tx, ms[0].UserID)
			if err != nil {
				return nil, audience{}, err
			}
			c.AdminID = &ms[0].UserID
			lines = append(lines, heir+" is now the admin")
		}
		return lines, aud, store.UpdateConversation(ctx, tx, c, "admin_id")
	})
}

// Rename sets a group's title (its admin only); empty clears it.
func (s *Service) Rename(ctx context.Context, userID, conversationID int64, title string) error {
	title = strings.TrimSpace(title)
	if utf8.RuneCountInString(title) > MaxTitleLength {
		return model.Invalid("title", fmt.Sprintf("A title is at most %d characters.", MaxTitleLength))
	}
	return s.groupChange(ctx, userID, conversationID, true, func(tx bun.Tx, a *access, c *model.Conversation, _ *model.ConversationMember) ([]string, audience, error) {
		if c.Title == title {
			return nil, audience{}, nil
		}
		c.Title = title
		if err := store.UpdateConversation(ctx, tx, c, "title"); err != nil {
			return nil, audience{}, err
		}
		if title == "" {
			return []string{a.user.DisplayName + " removed the group's name"}, audience{}, nil
		}
		return []string{fmt.Sprintf("%s named the group “%s”", a.user.DisplayName, title)}, audience{}, nil
	})
}

// HandOver makes another member the group's admin (its admin only).
func (s *Service) HandOver(ctx context.Context, userID, conversationID, heirID int64) error {
	return s.groupChange(ctx, userID, conversationID, true, func(tx bun.Tx, a *access, c *model.Conversation, _ *model.ConversationMember) ([]string, audience, error) {
		if heirID == userID {
			return nil, audience{}, nil
		}
		_, heirName, err := other(ctx, tx, c.ID, heirID)
		if err != nil {
			return nil, audience{}, err
		}
		c.AdminID = &heirID
		if err := store.UpdateConversation(ctx, tx, c, "admin_id"); err != nil {
			return nil, audience{}, err
		}
		return []string{fmt.Sprintf("%s made %s the admin", a.user.DisplayName, heirName)}, audience{}, nil
	})
}
