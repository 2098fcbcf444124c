package pages

import (
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/views"
)

// wallActions are the actions on a message the wall offers, with what the
// moderator is told once done.
var wallActions = map[string]string{ //nolint:gochecknoglobals // constant table
	string(model.ActApprove):     "Approved",
	string(model.ActDeny):        "Denied",
	string(model.ActHide):        "Hidden",
	string(model.ActUnhide):      "Shown again",
	string(model.ActDelete):      "Deleted",
	string(model.ActPin):         "Pinned",
	string(model.ActUnpin):       "Unpinned",
	string(model.ActHighlight):   "Highlighted",
	string(model.ActUnhighlight): "Highlight removed",
	string(model.ActAnswer):      "Marked answered",
	string(model.ActUnanswer):    "Marked not answered",
}

// ModMessageAction applies a moderator action to a message: with htmx the
// answer is the message's row as its wall list shows it now (the stream
// brings the same change to every other list and moderator), and the
// action's audit id travels in the HX-Trigger header for undo; without
// JavaScript it redirects back to the wall, which offers an Undo button.
func (h *Pages) ModMessageAction(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cc, id, err := h.ChannelMessage(c)
	if err != nil {
		return err
	}
	label, ok := wallActions[c.Params("action")]
	if !ok {
		return model.ErrNotFound
	}
	list := wallList(c.FormValue("list"))
	done, err := h.Moderation.Moderate(ctx, cc.Channel, cc.Viewer, id, model.ModAction(c.Params("action")),
		moderation.ModInput{Reason: c.FormValue("reason"), Guideline: c.FormValue("guideline")})
	if err != nil {
		return h.modFailed(c, err, "/mod")
	}
	if !web.IsHTMX(c) {
		h.Flash(c, "success", label+".")
		return c.Redirect(wallUndoURL(cc.Channel.Slug, done.AuditID)+"#"+views.WallItemID(list, id), fiber.StatusSeeOther)
	}
	setModDone(c, cc.Channel.Slug, done.AuditID, label)
	row, err := h.wallRow(ctx, cc, list, id)
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, views.WallItemView(web.CSRFOf(c), row))
}

// ModUndo takes back one of the moderator's own actions within 10 seconds.
func (h *Pages) ModUndo(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cc, err := h.ChannelContext(c)
	if err != nil {
		return err
	}
	auditID, err := web.IDParam(c, "audit")
	if err != nil {
		return err
	}
	back := backTo(c)
	if err := h.Moderation.Undo(ctx, cc.Channel, cc.Viewer, auditID); err != nil {
		return h.modFailed(c, err, back)
	}
	if !web.IsHTMX(c) {
		h.Flash(c, "success", "Undone.")
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	setTrigger(c, "mod:undone", map[string]any{"audit": auditID, "slug": cc.Channel.Slug, "label": "Undone"})
	return c.SendStatus(fiber.StatusNoContent)
}

// modFailed answers a refused moderator action: a toast with htmx (the
// page stays as it is), a flash message on the page to go back to without.
func (h *Pages) modFailed(c *fiber.Ctx, err error, back string) error {
	status := web.StatusOf(err)
	if status >= 500 || status == fiber.StatusUnauthorized {
		return err
	}
	_, msg := web.PublicMessage(err, status)
	if !web.IsHTMX(c) {
		h.Flash(c, "error", msg)
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	c.Set("HX-Reswap", "none")
	setTrigger(c, "mod:error", map[string]any{"message": msg})
	return c.SendStatus(status)
}

// setModDone tells the wall's script an action is done and how to undo it.
func setModDone(c *fiber.Ctx, slug string, auditID int64, label string) {
	setTrigger(c, "mod:done", map[string]any{"audit": auditID, "slug": slug, "label": label,
		"undo": "/mod/c/" + slug + "/undo/" + strconv.FormatInt(auditID, 10)})
}

// setTrigger sets the HX-Trigger header: htmx fires event on <body> with
// detail as the event's detail.
func setTrigger(c *fiber.Ctx, event string, detail map[string]any) {
	detail["target"] = "body"
	b, _ := json.Marshal(map[string]any{event: detail})
	c.Set("HX-Trigger", string(b))
}

// wallUndoURL is the wall offering to undo an action (pages without
// JavaScript).
func wallUndoURL(slug string, auditID int64) string {
	return "/mod?undo=" + url.QueryEscape(slug+":"+strconv.FormatInt(auditID, 10))
}

// backTo is the page a form without JavaScript returns to: its "back"
// field when it is a moderation page, else the wall.
func backTo(c *fiber.Ctx) string {
	if b := c.FormValue("back"); len(b) > 4 && b[:4] == "/mod" && web.SafeNext(b) == b {
		return b
	}
	return "/mod"
}
