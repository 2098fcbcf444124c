package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/inbox"
)

// Profile returns a person's profile and what is between them and the
// caller. A numeric :handle is an admin's user id: the next route takes it.
func (h *API) Profile(c *fiber.Ctx) error {
	if web.NumericHandle(c) {
		return c.Next()
	}
	p, err := h.Inbox.Profile(c.UserContext(), web.ViewerOf(c).User.ID, web.HandleParam(c))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// Follow makes the caller follow :handle.
func (h *API) Follow(c *fiber.Ctx) error {
	p, err := h.Inbox.Follow(c.UserContext(), web.ViewerOf(c).User.ID, web.HandleParam(c))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// Unfollow stops the caller following :handle.
func (h *API) Unfollow(c *fiber.Ctx) error {
	p, err := h.Inbox.Unfollow(c.UserContext(), web.ViewerOf(c).User.ID, web.HandleParam(c))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// Followers lists who follows :handle (?limit, ?offset).
func (h *API) Followers(c *fiber.Ctx) error { return h.follows(c, true) }

// Following lists whom :handle follows (?limit, ?offset).
func (h *API) Following(c *fiber.Ctx) error { return h.follows(c, false) }

func (h *API) follows(c *fiber.Ctx, followers bool) error {
	limit, err := web.QueryIntIn(c, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	offset, err := web.QueryIntIn(c, "offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	pg, err := h.Inbox.Follows(c.UserContext(), web.HandleParam(c), followers, limit, offset)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"people": pg.People, "total": pg.Total, "limit": limit, "offset": offset})
}

// PeopleSearch looks people up by handle or name (?q=, ?limit up to 20) for
// starting a conversation: never the caller, nor anyone blocked either way.
func (h *API) PeopleSearch(c *fiber.Ctx) error {
	limit, err := web.QueryIntIn(c, "limit", 10, 1, 20)
	if err != nil {
		return err
	}
	ps, err := h.Inbox.FindPeople(c.UserContext(), web.ViewerOf(c).User.ID, c.Query("q"), limit)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []inbox.Person{}
	}
	return c.JSON(fiber.Map{"people": ps})
}
