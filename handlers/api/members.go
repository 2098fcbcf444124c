package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
)

// memberJSON is a channel member in the API.
type memberJSON struct {
	UserID      int64  `json:"user_id"`
	Email       string `json:"email"`
	DisplayName string `json:"display_name"`
	JoinedAt    string `json:"joined_at"`
}

// Members lists a channel's members (hosts and staff).
func (h *API) Members(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	ms, err := h.Chat.Members(c.UserContext(), cc.Channel)
	if err != nil {
		return err
	}
	out := make([]memberJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, memberJSON{UserID: m.UserID, Email: m.Email, DisplayName: m.DisplayName, JoinedAt: m.JoinedAt.UTC().Format("2006-01-02T15:04:05Z")})
	}
	return c.JSON(fiber.Map{"members": out})
}

// MemberAdd adds an account, by email, to a channel's members.
func (h *API) MemberAdd(c *fiber.Ctx) error {
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	var body struct {
		Email string `json:"email"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	u, err := h.Chat.AddMember(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel, body.Email)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(memberJSON{UserID: u.ID, Email: u.Email, DisplayName: u.DisplayName})
}

// MemberRemove removes a member.
func (h *API) MemberRemove(c *fiber.Ctx) error {
	if _, err := h.RemoveMember(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
