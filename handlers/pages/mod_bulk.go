package pages

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/moderation"
)

// ModBulk takes one action (approve, deny, hide) on the held messages
// selected on the wall (the id checkboxes belong to the wall's bulk form),
// each checked in its own channel. With htmx the answer is every selected
// row as the held list shows it now (done: a compact line; refused: the
// row with the reason) and a summary for the toast; without JavaScript a
// flash on the wall says the same.
func (h *Pages) ModBulk(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ids, err := formIDs(c, "id")
	if err != nil {
		return h.modFailed(c, err, "/mod")
	}
	act := model.ModAction(c.FormValue("action"))
	user := web.ViewerOf(c).User
	results, err := h.Moderation.ModerateBulk(ctx, user, ids, act,
		moderation.ModInput{Reason: c.FormValue("reason"), Guideline: c.FormValue("guideline")})
	if err != nil {
		return h.modFailed(c, err, "/mod")
	}
	summary, failed := bulkSummary(act, results)
	for _, r := range results {
		if status := web.StatusOf(r.Err); r.Err != nil && status >= 500 {
			h.Log.ErrorContext(ctx, "bulk action", "message", r.ID, "err", r.Err)
		}
	}
	if !web.IsHTMX(c) {
		kind := "success"
		if failed > 0 {
			kind = "error"
		}
		h.Flash(c, kind, summary)
		return c.Redirect("/mod", fiber.StatusSeeOther)
	}
	buf, err := h.bulkRows(c, user, results)
	if err != nil {
		return err
	}
	setTrigger(c, "mod:bulk", map[string]any{"message": summary, "done": len(results) - failed, "failed": failed})
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}

// bulkSummary tells the moderator what a bulk action did: how many messages
// it was carried out on, and why the others were refused.
func bulkSummary(act model.ModAction, results []moderation.BulkResult) (string, int) {
	done := 0
	reasons := map[string]int{}
	var order []string
	for _, r := range results {
		if r.Err == nil {
			done++
			continue
		}
		_, msg := web.PublicMessage(r.Err, web.StatusOf(r.Err))
		if reasons[msg] == 0 {
			order = append(order, msg)
		}
		reasons[msg]++
	}
	failed := len(results) - done
	s := wallActions[string(act)] + " " + plural(done, "message", "messages") + "."
	if failed > 0 {
		parts := make([]string, 0, len(order))
		for _, msg := range order {
			parts = append(parts, strconv.Itoa(reasons[msg])+" not: "+msg)
		}
		s += " " + strings.Join(parts, " ")
	}
	return s, failed
}

// formIDs reads the ids a form sends under name (checkboxes).
func formIDs(c *fiber.Ctx, name string) ([]int64, error) {
	var ids []int64
	for _, raw := range c.Request().PostArgs().PeekMulti(name) {
		id, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || id <= 0 {
			return nil, model.Invalid(name, "A selected message is not valid.")
		}
		ids = append(ids, id)
	}
	return ids, nil
}
