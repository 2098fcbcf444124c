package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// readBound is how far past the body limit the server still reads a
// request's body, to throw it away, before it answers 413: a client that
// writes its whole body before reading the answer then gets the answer,
// instead of a connection reset by a server that closed with the body
// unread. Bodies larger still are refused as soon as their length is known
// and the connection is closed.
func readBound(limit int) int { return 2 * limit }

// bodyLimit refuses, with 413 and its message, a request whose body is
// larger than limit. fasthttp has read the body (up to readBound) by then,
// so the connection stays usable and the answer reaches the client.
func bodyLimit(limit int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		n := c.Request().Header.ContentLength()
		if n < 0 { // chunked: the length is what was read
			n = len(c.Request().Body())
		}
		if n > limit {
			return fiber.ErrRequestEntityTooLarge
		}
		return c.Next()
	}
}
