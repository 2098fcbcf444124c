package web

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/model"
)

// AuditNames looks up the people and channels an audit page (the admin log,
// its CSV, the API, a staff transcript) names, each once.
type AuditNames struct {
	h        *Base
	ctx      context.Context
	users    map[int64]*model.User // nil: no such account
	channels map[int64]string      // slugs; "#id" when the channel is gone
}

func (h *Base) AuditNamer(c *fiber.Ctx) *AuditNames {
	return &AuditNames{h: h, ctx: c.UserContext(), users: map[int64]*model.User{}, channels: map[int64]string{}}
}

// User is the account id names (nil for the system, or when it is gone).
func (n *AuditNames) User(id *int64) *model.User {
	if id == nil {
		return nil
	}
	u, ok := n.users[*id]
	if !ok {
		u, _ = n.h.Accounts.User(n.ctx, *id)
		n.users[*id] = u
	}
	return u
}

// Actor is how the admin log names who acted: an email, "system", or "#id".
func (n *AuditNames) Actor(id *int64) string {
	switch u := n.User(id); {
	case id == nil:
		return "system"
	case u == nil:
		return "#" + strconv.FormatInt(*id, 10)
	default:
		return u.Email
	}
}

// Channel is the slug of channel id ("" for site-wide entries).
func (n *AuditNames) Channel(id *int64) string {
	if id == nil {
		return ""
	}
	s, ok := n.channels[*id]
	if !ok {
		s = "#" + strconv.FormatInt(*id, 10)
		if ch, err := n.h.Chat.ChannelByID(n.ctx, *id); err == nil {
			s = ch.Slug
		}
		n.channels[*id] = s
	}
	return s
}
