package api

import (
	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
)

// SessionRename renames a session of the channel: {"title"}; :session is an
// id or "current" (the live one).
func (h *API) SessionRename(c *fiber.Ctx) error {
	var body struct {
		Title *string `json:"title"`
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	if body.Title == nil {
		return model.Invalid("title", "Send the session's new title.")
	}
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	var id int64
	if c.Params("session") == "current" {
		live, err := h.Chat.LiveSession(c.UserContext(), cc.Channel)
		if err != nil {
			return err
		}
		if live == nil {
			return model.Refuse(model.ErrNotFound, "no_live_session", "No session is running in this channel.")
		}
		id = live.ID
	} else if id, err = web.IDParam(c, "session"); err != nil {
		return err
	}
	sess, err := h.Chat.RenameSession(c.UserContext(), web.ViewerOf(c).User.ID, cc.Channel, id, *body.Title)
	if err != nil {
		return err
	}
	return c.JSON(toAPISession(sess))
}
