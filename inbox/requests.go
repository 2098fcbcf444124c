package inbox

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// route decides where a conversation that from starts (or adds to lands
// for to: the inbox (to follows from, or from is staff of a channel to is
// in, writing about it), Requests (to's policy lets everyone ask), or
// refused (blocked either way, to's policy, from's account too new to
// ask).
func (s *Service) route(ctx context.Context, db bun.IDB, from *model.User, to *model.User, about *model.Channel) (model.Folder, error) {
	blocked, err := store.BlockedEitherWay(ctx, db, from.ID, to.ID)
	if err != nil {
		return "", err
	}
	if blocked {
		return "", model.Refuse(model.ErrForbidden, "blocked", fmt.Sprintf("You can't message %s.", to.DisplayName))
	}
	if about != nil {
		staff, err := s.staffAbout(ctx, db, from.ID, to.ID, about)
		if err != nil {
			return "", err
		}
		if staff {
			return model.FolderInbox, nil
		}
	}
	follows, err := store.IsFollowing(ctx, db, to.ID, from.ID)
	if err != nil {
		return "", err
	}
	if follows {
		return model.FolderInbox, nil
	}
	switch to.DMPolicy {
	case model.DMPolicyNobody:
		return "", model.Refuse(model.ErrForbidden, "dm_closed", fmt.Sprintf("%s doesn't accept direct messages", to.DisplayName))
	case model.DMPolicyFollowing:
		return "", model.Refuse(model.ErrForbidden, "dm_following_only",
			fmt.Sprintf("%s only accepts messages from people they follow", to.DisplayName))
	}
	days, err := store.Setting(ctx, db, model.SettingDMRequestMinAge, "0")
	if err != nil {
		return "", err
	}
	if n, _ := strconv.Atoi(days); n > 0 {
		if ready := from.CreatedAt.Add(time.Duration(n) * 24 * time.Hour); s.now().Before(ready) {
			return "", model.Refuse(model.ErrForbidden, "account_too_new",
				fmt.Sprintf("New accounts can send message requests after %d days: yours can from %s UTC. People who follow you can be messaged now.",
					n, ready.UTC().Format("2 January 2006, 15:04")))
		}
	}
	return model.FolderRequests, nil
}

// staffAbout reports whether from is staff (moderator or host) of the
// channel and to is one of its members.
func (s *Service) staffAbout(ctx context.Context, db bun.IDB, from, to int64, ch *model.Channel) (bool, error) {
	if s.authz == nil {
		return false, nil
	}
	mod, err := s.authz.Can(ctx, from, ch.Slug, policies.MessageModerate)
	if err != nil {
		return false, err
	}
	host, err := s.authz.Can(ctx, from, ch.Slug, policies.ChannelManage)
	if err != nil {
		return false, err
	}
	if !mod && !host {
		return false, nil
	}
	return store.IsMember(ctx, db, ch.ID, to)
}

// Requests lists the viewer's message requests, newest first.
func (s *Service) Requests(ctx context.Context, userID int64) ([]Summary, error) {
	return s.Conversations(ctx, userID, model.FolderRequests)
}

// Accept moves a message request to the viewer's inbox.
func (s *Service) Accept(ctx context.Context, userID, conversationID int64) error {
	if _, err := s.enter(ctx, s.db, userID); err != nil {
		return err
	}
	_, err := s.change(ctx, func(tx bun.Tx) (*model.DMEvent, audience, error) {
		_, me, err := request(ctx, tx, conversationID, userID)
		if err != nil {
			return nil, audience{}, err
		}
		me.Folder, me.Hidden = model.FolderInbox, false
		if err := store.UpdateConversationMember(ctx, tx, me, "folder", "hidden"); err != nil {
			return nil, audience{}, err
		}
		return event(conversationID, model.DMEventFolder, nil, userID), justMe(userID), nil
	})
	return err
}

// DeleteRequest removes a message request from the viewer's view (as
// "delete chat for me": the sender is not told); with block, the viewer
// also blocks whoever started it.
func (s *Service) DeleteRequest(ctx context.Context, userID, conversationID int64, block bool) error {
	if _, err := s.enter(ctx, s.db, userID); err != nil {
		return err
	}
	_, err := s.change(ctx, func(tx bun.Tx) (*model.DMEvent, audience, error) {
		c, me, err := request(ctx, tx, conversationID, userID)
		if err != nil {
			return nil, audience{}, err
		}
		if err := clearFor(ctx, tx, c, me); err != nil {
			return nil, audience{}, err
		}
		if block && c.CreatedBy != nil && *c.CreatedBy != userID {
			if err := store.BlockUser(ctx, tx, userID, *c.CreatedBy); err != nil {
				return nil, audience{}, err
			}
		}
		// Only the viewer's own streams hear of it: the sender is not told.
		return event(conversationID, model.DMEventFolder, nil, userID), justMe(userID), nil
	})
	return err
}

// request loads a conversation that sits in the viewer's Requests.
func request(ctx context.Context, db bun.IDB, conversationID, userID int64) (*model.Conversation, *model.ConversationMember, error) {
	c, me, err := member(ctx, db, conversationID, userID)
	if err != nil {
		return nil, nil, err
	}
	if me.Folder != model.FolderRequests {
		return nil, nil, model.Refuse(model.ErrConflict, "not_a_request", "This conversation is not a message request.")
	}
	return c, me, nil
}

// clearFor deletes a conversation from one member's view: hidden, and
// every message so far cleared from their history.
func clearFor(ctx context.Context, db bun.IDB, c *model.Conversation, me *model.ConversationMember) error {
	me.Hidden, me.ClearedThrough = true, c.LastMessageID
	me.LastReadID = max(me.LastReadID, c.LastMessageID)
	return store.UpdateConversationMember(ctx, db, me, "hidden", "cleared_through", "last_read_id")
}
