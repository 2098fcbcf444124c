package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
)

// ModBulk takes one action (approve, deny or hide) on many messages, in any
// of the channels the caller moderates: each message is a single action,
// checked in its own channel and audited on its own, so one that is refused
// fails alone. 200 with one result per message, in the order given:
// {"id", "ok": true, "audit_id", "channel", "state"} or {"id", "ok": false,
// "error": {"code", "message"}}; the counts of both.
func (h *API) ModBulk(c *fiber.Ctx) error {
	var body struct {
		IDs    []int64 `json:"ids"`
		Action string  `json:"action"`
		modBody
	}
	if err := web.DecodeJSON(c, &body, false); err != nil {
		return err
	}
	ctx := c.UserContext()
	results, err := h.Moderation.ModerateBulk(ctx, web.ViewerOf(c).User, body.IDs,
		model.ModAction(strings.TrimSpace(body.Action)), body.input())
	if err != nil {
		return err
	}
	out := make([]fiber.Map, 0, len(results))
	done := 0
	for _, r := range results {
		if r.Err != nil {
			if web.StatusOf(r.Err) >= 500 {
				h.Log.ErrorContext(ctx, "bulk action", "message", r.ID, "err", r.Err)
			}
			out = append(out, fiber.Map{"id": r.ID, "ok": false, "error": web.ErrorJSON(r.Err)})
			continue
		}
		done++
		m := r.Done.Message
		out = append(out, fiber.Map{"id": r.ID, "ok": true, "audit_id": r.Done.AuditID,
			"channel": r.Channel.Slug, "state": m.State})
	}
	return c.JSON(fiber.Map{"results": out, "done": done, "failed": len(results) - done})
}
