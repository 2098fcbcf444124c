package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"backchannel/accounts"
)

// HandleParam is the route's :handle, in the form handles are stored.
func HandleParam(c *fiber.Ctx) string { return accounts.NormalizeHandle(c.Params("handle")) }

// NumericHandle reports whether the route's :handle is a number: a handle
// never is (it needs a letter), so /api/v1/users/{id} belongs to the admin
// route registered after the people routes, which the handler passes on to.
func NumericHandle(c *fiber.Ctx) bool {
	h := c.Params("handle")
	return h != "" && strings.Trim(h, "0123456789") == ""
}
