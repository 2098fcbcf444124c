package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
	"backchannel/handlers/web"
	"backchannel/model"
)

// Blocks lists the people the caller blocked.
func (h *API) Blocks(c *fiber.Ctx) error {
	bs, err := h.Inbox.Blocked(c.UserContext(), web.ViewerOf(c).User.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"blocked": bs})
}

// BlockCreate blocks a person: {"handle"}.
func (h *API) BlockCreate(c *fiber.Ctx) error {
	var b struct {
		Handle string `json:"handle"`
	}
	if err := web.DecodeJSON(c, &b, false); err != nil {
		return err
	}
	if b.Handle == "" {
		return model.Invalid("handle", "Name the person to block by their handle.")
	}
	p, err := h.Inbox.Block(c.UserContext(), web.ViewerOf(c).User.ID, accounts.NormalizeHandle(b.Handle))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

// BlockDelete unblocks :handle.
func (h *API) BlockDelete(c *fiber.Ctx) error {
	if err := h.Inbox.Unblock(c.UserContext(), web.ViewerOf(c).User.ID, web.HandleParam(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
