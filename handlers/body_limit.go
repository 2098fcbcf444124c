package handlers

import (
	"io"

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
//
// Bodies past readBound are streamed (fiber's StreamRequestBody): routes in
// larger (by "METHOD /path") take such bodies up to their own limit and
// read them as a stream themselves (uploads); on every other route a
// streamed body is refused by its length, or, sent in chunks, read here no
// further than limit.
func bodyLimit(limit int, larger map[string]int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		max, streams := larger[c.Method()+" "+c.Path()]
		if !streams {
			max = limit
		}
		n := c.Request().Header.ContentLength()
		if n > max {
			return fiber.ErrRequestEntityTooLarge
		}
		if n < 0 && !streams { // chunked: the length is what was read
			if s := c.Request().BodyStream(); s != nil && c.Request().IsBodyStream() {
				b, err := io.ReadAll(io.LimitReader(s, int64(limit)+1))
				if err != nil {
					return fiber.ErrBadRequest
				}
				c.Request().SetBody(b)
			}
			n = len(c.Request().Body())
		}
		if n > limit && !streams {
			return fiber.ErrRequestEntityTooLarge
		}
		return c.Next()
	}
}
