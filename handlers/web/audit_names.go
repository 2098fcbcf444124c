package web

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/model"
	"backchannel/views"
)

// AuditNames looks up the people and channels an audit page (the admin log,
// its CSV, the API, a staff transcript) names, each once.
type AuditNames struct {
	h        *Base
	ctx      context.Context
	users    map[int64]*model.User  // nil: no such account
	guests   map[int64]*model.Guest // nil: no such guest
	channels map[int64]string       // slugs; "#id" when the channel is gone
}

func (h *Base) AuditNamer(c *fiber.Ctx) *AuditNames {
	return &AuditNames{h: h, ctx: c.UserContext(), users: map[int64]*model.User{}, guests: map[int64]*model.Guest{}, channels: map[int64]string{}}
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

func (n *AuditNames) guest(id int64) *model.Guest {
	g, ok := n.guests[id]
	if !ok {
		g, _ = n.h.Chat.GuestByID(n.ctx, id)
		n.guests[id] = g
	}
	return g
}

// person names user or guest id: guests and users are numbered apart, so
// the kind is part of the name ("guest:5"), never left to the number.
func (n *AuditNames) person(kind string, id int64) views.AuditWho {
	w := views.AuditWho{Kind: kind, Ref: kind + ":" + strconv.FormatInt(id, 10)}
	switch kind {
	case "user":
		if u := n.User(&id); u != nil {
			w.Name = u.DisplayName
		} else {
			w.Name = "deleted account"
		}
	case "guest":
		if g := n.guest(id); g != nil {
			w.Name = g.DisplayName
		} else {
			w.Name = "gone guest"
		}
	}
	return w
}

// ActorOf is who made entry e: a user, a guest, or the system.
func (n *AuditNames) ActorOf(e *model.AuditEntry) views.AuditWho {
	switch {
	case e.ActorID != nil:
		return n.person("user", *e.ActorID)
	case e.ActorGuestID != nil:
		return n.person("guest", *e.ActorGuestID)
	}
	return views.AuditWho{Kind: "system", Ref: "system", Name: "system"}
}

// TargetOf is what entry e was about; people are named, other targets keep
// their type:id.
func (n *AuditNames) TargetOf(e *model.AuditEntry) views.AuditWho {
	if id, err := strconv.ParseInt(e.TargetID, 10, 64); err == nil && (e.TargetType == "user" || e.TargetType == "guest") {
		return n.person(e.TargetType, id)
	}
	return views.AuditWho{Kind: e.TargetType, Ref: e.TargetType + ":" + e.TargetID}
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
