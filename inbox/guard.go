package inbox

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
)

// Authorizer answers what roles a person holds: staff of a channel reach
// its members' inboxes about it, and the site's settings may keep direct
// messages or groups to staff.
type Authorizer interface {
	Can(ctx context.Context, userID int64, domain string, p policies.Permission) (bool, error)
	Roles(ctx context.Context, userID int64) ([]policies.Grant, error)
}

// The refusals every use case may give.
var (
	errGuest = model.Refuse(model.ErrForbidden, "account_required",
		"Direct messages need an account — sign up to message people")
	errOff = model.Refuse(model.ErrForbidden, "dm_off", "Direct messages are turned off on this site")
	// errNotFound is every answer about a conversation the viewer is not
	// in: 404, never 403, so ids tell nothing.
	errNotFound = fmt.Errorf("inbox: conversation: %w", model.ErrNotFound)
)

// access is what is worked out once about the viewer of a use case.
type access struct {
	user *model.User
	mode string // model.DMMode*
}

// enter checks that the viewer may use direct messages at all: an account
// (not a guest), not disabled, and direct messages not turned off.
func (s *Service) enter(ctx context.Context, db bun.IDB, userID int64) (*access, error) {
	if userID <= 0 {
		return nil, errGuest
	}
	mode, err := store.Setting(ctx, db, model.SettingDMMode, model.DMModeOn)
	if err != nil {
		return nil, err
	}
	if mode == model.DMModeOff {
		return nil, errOff
	}
	u, err := store.UserByID(ctx, db, userID)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil, errGuest
		}
		return nil, err
	}
	if u.Disabled() {
		return nil, errGuest
	}
	return &access{user: u, mode: mode}, nil
}

// mayWrite checks that the viewer may send or start: not suspended from
// direct messages, not muted or banned site-wide, and staff when the site
// keeps direct messages to staff.
func (s *Service) mayWrite(ctx context.Context, db bun.IDB, a *access) error {
	ss, err := store.ActiveSanctions(ctx, db, model.Actor{UserID: a.user.ID}.Key(), 0, s.now())
	if err != nil {
		return err
	}
	for _, sn := range ss {
		switch sn.Kind {
		case model.SanctionDMSuspend, model.SanctionMute, model.SanctionBan:
			msg := "Your direct messages are suspended."
			if sn.ExpiresAt != nil {
				msg = fmt.Sprintf("Your direct messages are suspended until %s UTC.",
					sn.ExpiresAt.UTC().Format("2 January 2006, 15:04"))
			}
			return model.Refuse(model.ErrForbidden, "dm_suspended", msg)
		}
	}
	if a.mode == model.DMModeStaff {
		staff, err := s.isStaff(ctx, a.user.ID)
		if err != nil {
			return err
		}
		if !staff {
			return model.Refuse(model.ErrForbidden, "dm_staff_only",
				"Direct messages are open to staff only on this site")
		}
	}
	return nil
}

// isStaff reports whether the person holds a staff role (host, moderator,
// admin) anywhere.
func (s *Service) isStaff(ctx context.Context, userID int64) (bool, error) {
	if s.authz == nil {
		return false, nil
	}
	gs, err := s.authz.Roles(ctx, userID)
	if err != nil {
		return false, err
	}
	for _, g := range gs {
		if g.Role == model.RoleHost || g.Role == model.RoleModerator || g.Role == model.RoleAdmin {
			return true, nil
		}
	}
	return false, nil
}

// member loads the viewer's row in a conversation: model.ErrNotFound for
// anyone who is not (or no longer) in it.
func member(ctx context.Context, db bun.IDB, conversationID, userID int64) (*model.Conversation, *model.ConversationMember, error) {
	m, err := store.ConversationMember(ctx, db, conversationID, userID)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil, nil, errNotFound
		}
		return nil, nil, err
	}
	if m.LeftAt != nil {
		return nil, nil, errNotFound
	}
	c, err := store.ConversationByID(ctx, db, conversationID)
	if err != nil {
		return nil, nil, err
	}
	return c, m, nil
}

// open is enter, then the viewer's row in a conversation they are in.
func (s *Service) open(ctx context.Context, userID, conversationID int64) (*access, *model.Conversation, *model.ConversationMember, error) {
	a, err := s.enter(ctx, s.db, userID)
	if err != nil {
		return nil, nil, nil, err
	}
	c, me, err := member(ctx, s.db, conversationID, userID)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, c, me, nil
}

// paceMessages applies the per-minute limit of messages.
func (s *Service) paceMessages(ctx context.Context, db bun.IDB, userID int64) error {
	now := s.now()
	ts, err := store.DMsSentSince(ctx, db, userID, now.Add(-time.Minute))
	if err != nil {
		return err
	}
	if len(ts) < s.opts.MessagesPerMinute {
		return nil
	}
	secs := retryAfter(ts[s.opts.MessagesPerMinute-1].Add(time.Minute), now)
	return &model.RateLimitError{RetryAfter: secs,
		Message: fmt.Sprintf("You are sending messages very fast (at most %d a minute). You can send again in %d s.",
			s.opts.MessagesPerMinute, secs)}
}

// paceConversations applies the hourly limit of new conversations.
func (s *Service) paceConversations(ctx context.Context, db bun.IDB, userID int64) error {
	now := s.now()
	ts, err := store.ConversationsCreatedSince(ctx, db, userID, now.Add(-time.Hour))
	if err != nil {
		return err
	}
	if len(ts) < s.opts.NewConversationsPerHour {
		return nil
	}
	secs := retryAfter(ts[s.opts.NewConversationsPerHour-1].Add(time.Hour), now)
	mins := int(math.Ceil(float64(secs) / 60))
	return &model.RateLimitError{RetryAfter: secs,
		Message: fmt.Sprintf("You have started %d conversations in the last hour, the most allowed. You can start another in %d min.",
			s.opts.NewConversationsPerHour, mins)}
}

// retryAfter is the whole seconds from now until at, at least 1.
func retryAfter(at, now time.Time) int {
	return max(1, int(math.Ceil(at.Sub(now).Seconds())))
}

// audience is who an event goes to besides (also) or instead of (only)
// the conversation's current members.
type audience struct {
	also []int64 // people who just left or were removed, so their streams drop it
	only []int64 // the viewer alone (their folder changed): nobody else is told
}

// change runs fn in one transaction and writes the event it returns, sent
// to the conversation's current members and the audience fn names; after
// commit the streams are woken. It returns the event's id (0 when fn
// returned no event).
func (s *Service) change(ctx context.Context, fn func(tx bun.Tx) (*model.DMEvent, audience, error)) (int64, error) {
	var id int64
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		ev, aud, err := fn(tx)
		if err != nil || ev == nil {
			return err
		}
		to := aud.only
		if to == nil {
			ms, err := store.ConversationMembers(ctx, tx, ev.ConversationID)
			if err != nil {
				return err
			}
			for _, m := range ms {
				to = append(to, m.UserID)
			}
			to = append(to, aud.also...)
		}
		ev.CreatedAt = s.now().UTC()
		if err := store.InsertDMEvent(ctx, tx, ev, to); err != nil {
			return err
		}
		id = ev.ID
		return nil
	})
	if err != nil {
		return 0, err
	}
	if id > 0 {
		s.publish(ctx, id)
	}
	return id, nil
}

// memberChange is change by a member of the conversation, checked inside
// the transaction.
func (s *Service) memberChange(ctx context.Context, userID, conversationID int64,
	fn func(tx bun.Tx, c *model.Conversation, me *model.ConversationMember) (*model.DMEvent, audience, error)) error {
	if _, err := s.enter(ctx, s.db, userID); err != nil {
		return err
	}
	_, err := s.change(ctx, func(tx bun.Tx) (*model.DMEvent, audience, error) {
		c, me, err := member(ctx, tx, conversationID, userID)
		if err != nil {
			return nil, audience{}, err
		}
		return fn(tx, c, me)
	})
	return err
}

// justMe is the audience of a change only the viewer hears of.
func justMe(userID int64) audience { return audience{only: []int64{userID}} }

// event is a new event of a conversation by actor.
func event(conversationID int64, kind model.DMEventKind, messageID *int64, actor int64) *model.DMEvent {
	return &model.DMEvent{ConversationID: conversationID, Kind: kind, MessageID: messageID, ActorID: &actor}
}

// pairKey is the pair_key of a direct conversation of a and b.
func pairKey(a, b int64) string {
	lo, hi := min(a, b), max(a, b)
	return strconv.FormatInt(lo, 10) + ":" + strconv.FormatInt(hi, 10)
}
