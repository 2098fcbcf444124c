package handlers

import (
	"io"

	"github.com/gofiber/fiber/v2"

	"backchannel/handlers/web"
)

// readBound is how far past the body limit the server still reads a
// request's body, to throw it away, before it answers 413: a client that
// writes its whole body before reading the answer then gets the answer,
// instead of a connection reset by a server that closed with the body
// unread. Bodies larger still are refused as soon as their length is known
// and the connection is closed.
func readBound(limit int) int { return 2 * limit }

// bodyLimit refuses, with 413 and its message, a request whose body is
// larger than limit.
//
// fasthttp hands bodies over as streams (fiber's StreamRequestBody), so
// that routes in larger (by "METHOD /path") read theirs piece by piece up to
// their own limit (uploads). Every other route's body is read here, no
// further than limit, before its handler runs; an over-limit body is read
// up to readBound and thrown away, so the connection stays usable and the
// answer reaches the client, and past that the connection is closed.
func bodyLimit(limit int, larger map[string]int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		req := c.Request()
		n := req.Header.ContentLength()
		if max, ok := larger[c.Method()+" "+c.Path()]; ok {
			if n > max {
				c.Set(fiber.HeaderConnection, "close")
				return fiber.ErrRequestEntityTooLarge
			}
			web.MarkStreamedBody(c)
			err := c.Next()
			drainBody(c, readTail)
			return err
		}
		if s := req.BodyStream(); s != nil && req.IsBodyStream() {
			b, err := io.ReadAll(io.LimitReader(s, int64(limit)+1))
			if err != nil {
				return fiber.ErrBadRequest
			}
			if len(b) > limit {
				if m, _ := io.Copy(io.Discard, io.LimitReader(s, int64(readBound(limit)-len(b))+1)); int64(len(b))+m > int64(readBound(limit)) {
					c.Set(fiber.HeaderConnection, "close")
				}
				return fiber.ErrRequestEntityTooLarge
			}
			req.SetBody(b)
		}
		if n > limit || len(req.Body()) > limit {
			return fiber.ErrRequestEntityTooLarge
		}
		return c.Next()
	}
}

// readTail is how much of a streamed body its handler left unread the
// server still reads, to throw away, so the connection serves its next
// request: a multipart upload's closing boundary, or what follows a refused
// file. Past that the connection is closed after the answer.
const readTail = 1 << 20

// drainBody reads what a handler left of a streamed request body, up to
// bound bytes. fasthttp would otherwise read the rest as the start of the
// next request on the connection (a browser sends its next upload on the
// same one) and answer it 400.
func drainBody(c *fiber.Ctx, bound int64) {
	req := c.Request()
	s := req.BodyStream()
	if s == nil || !req.IsBodyStream() {
		return
	}
	if n, err := io.Copy(io.Discard, io.LimitReader(s, bound+1)); err != nil || n > bound {
		c.Set(fiber.HeaderConnection, "close")
	}
}
