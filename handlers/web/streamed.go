package web

import "github.com/gofiber/fiber/v2"

type streamedBodyKey struct{}

// MarkStreamedBody records that the request's body is left unread for its
// handler to read as a stream (an upload).
func MarkStreamedBody(c *fiber.Ctx) { c.Locals(streamedBodyKey{}, true) }

// StreamedBody reports whether MarkStreamedBody marked the request: nothing
// before its handler may read its body.
func StreamedBody(c *fiber.Ctx) bool { v, _ := c.Locals(streamedBodyKey{}).(bool); return v }
