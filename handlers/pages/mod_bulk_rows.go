package pages

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"backchannel/chat"
	"backchannel/handlers/web"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/views"
)

// bulkRows renders every row a bulk action touched, as the held list shows
// it now (a refused one with its reason), each as a partial that replaces
// it on the wall. The messages and their files are read once for the whole
// batch, not once per row; rows of channels the moderator does not
// moderate are left out (they are not on their wall).
func (h *Pages) bulkRows(c *fiber.Ctx, user *model.User, results []moderation.BulkResult) (*bytes.Buffer, error) {
	ctx := c.UserContext()
	var buf bytes.Buffer
	channels := map[int64]*model.Channel{}
	viewers := map[int64]chat.Viewer{}
	var ids []int64
	for _, r := range results {
		if r.Channel == nil || (r.Err != nil && web.StatusOf(r.Err) == fiber.StatusForbidden) {
			continue
		}
		if _, ok := viewers[r.Channel.ID]; !ok {
			v, err := h.Chat.ViewerFor(ctx, r.Channel, user, nil)
			if err != nil {
				return nil, err
			}
			channels[r.Channel.ID], viewers[r.Channel.ID] = r.Channel, v.ForRequest()
		}
		ids = append(ids, r.ID)
	}
	if len(ids) == 0 {
		return &buf, nil
	}
	items, err := h.Chat.MessageItems(ctx, viewers, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range results {
		it, ok := items[r.ID]
		if !ok || r.Channel == nil || channels[r.Channel.ID] == nil {
			continue
		}
		row := withFiles(wallItem(views.ListHeld, channels[r.Channel.ID], it, nil), it.Attachments)
		if r.Err != nil {
			_, row.Error = web.PublicMessage(r.Err, web.StatusOf(r.Err))
		}
		part := views.PartialOf(views.WallItemID(views.ListHeld, r.ID), "outerHTML", views.WallItemView(web.CSRFOf(c), row))
		if err := part.Render(ctx, &buf); err != nil {
			return nil, err
		}
	}
	return &buf, nil
}
