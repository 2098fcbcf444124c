package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/model"
)

// IDParam reads the route parameter name as a positive id; anything else
// names nothing here (model.ErrNotFound).
func IDParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, model.ErrNotFound
	}
	return id, nil
}

// UserOf loads the account the route's :id names.
func (h *Base) UserOf(c *fiber.Ctx) (*model.User, error) {
	id, err := IDParam(c, "id")
	if err != nil {
		return nil, err
	}
	return h.Accounts.User(c.UserContext(), id)
}

// RemoveMember takes the account :user out of the route's channel, for the
// host asking, and returns the channel.
func (h *Base) RemoveMember(c *fiber.Ctx) (*ChannelCtx, error) {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return nil, err
	}
	id, err := IDParam(c, "user")
	if err != nil {
		return nil, err
	}
	return cc, h.Chat.RemoveMember(c.UserContext(), ViewerOf(c).User.ID, cc.Channel, id)
}

// OrEmpty is ids, or an empty list for JSON's sake.
func OrEmpty(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// QueryIntIn reads the query parameter name as a whole number from min to max,
// def when it is absent. Anything else (1e3, 10.5, abc, out of range) is a
// 400 naming the parameter, never a silent default.
func QueryIntIn(c *fiber.Ctx, name string, def, min, max int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		return 0, BadRequest(name + " must be a whole number between " + strconv.Itoa(min) + " and " + strconv.Itoa(max) + ".")
	}
	return n, nil
}
