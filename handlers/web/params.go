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
