package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/model"
)

// FormAttachmentIDs reads the repeated form value "attachments" (upload
// ids the compose box's file control adds), from a urlencoded or a
// multipart body. An id that is not a positive number is a field error.
func FormAttachmentIDs(c *fiber.Ctx) ([]int64, error) {
	var raw []string
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		form, err := c.MultipartForm()
		if err != nil {
			return nil, BadRequest("The form was cut off or is not valid multipart/form-data.")
		}
		raw = form.Value["attachments"]
	} else {
		for _, v := range c.Request().PostArgs().PeekMulti("attachments") {
			raw = append(raw, string(v))
		}
	}
	var ids []int64
	for _, v := range raw {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, model.Invalid("attachments", "A file to attach is not named by its upload id: upload it again.")
		}
		ids = append(ids, id)
	}
	return ids, nil
}
