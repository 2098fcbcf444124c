package pages

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/model"
)

// formAttachments reads the compose form's repeated "attachments" values:
// the ids of the poster's uploads (static/js/attach.js adds one per
// finished upload). chat.Post checks that they are the poster's own.
func formAttachments(c *fiber.Ctx) ([]int64, error) {
	var ids []int64
	for _, v := range c.Request().PostArgs().PeekMulti("attachments") {
		s := strings.TrimSpace(string(v))
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, model.Invalid("attachments", "A file to attach is not one you uploaded: upload it again.")
		}
		ids = append(ids, id)
	}
	return ids, nil
}
