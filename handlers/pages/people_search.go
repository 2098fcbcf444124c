package pages

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
	"backchannel/views"
)

// PeopleSearch answers the "New message" lookup (?q=) with a listbox
// fragment of people by handle or name: never the asker, nor anyone blocked
// either way.
func (h *Pages) PeopleSearch(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	if len([]rune(q)) > 64 {
		q = string([]rune(q)[:64])
	}
	ps, err := h.Inbox.FindPeople(c.UserContext(), web.ViewerOf(c).User.ID, q, 8)
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, views.PeopleResults(q, personItems(ps)))
}
