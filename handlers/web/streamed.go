package web

import (
	"cmp"
	"io"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
)

type streamedBodyKey struct{}

// MarkStreamedBody records that the request's body is left unread for its
// handler to read as a stream (an upload).
func MarkStreamedBody(c *fiber.Ctx) { c.Locals(streamedBodyKey{}, true) }

// StreamedBody reports whether MarkStreamedBody marked the request: nothing
// before its handler may read its body.
func StreamedBody(c *fiber.Ctx) bool { v, _ := c.Locals(streamedBodyKey{}).(bool); return v }

// DefaultReadTimeout bounds reading a request when Deps.ReadTimeout is zero.
const DefaultReadTimeout = 30 * time.Second

// KeepReading is an upload's body stream that may take as long as it keeps
// coming: before each read the connection's read deadline moves to
// ReadTimeout from now, so a phone on slow Wi-Fi sending 25 MB for minutes
// finishes, while a client that stops sending is cut off after ReadTimeout
// (the server's deadline for the whole request would otherwise end every
// upload slower than that).
func (h *Base) KeepReading(c *fiber.Ctx, r io.Reader) io.Reader {
	conn := c.Context().Conn()
	if conn == nil {
		return r
	}
	return &deadlineReader{r: r, conn: conn, idle: cmp.Or(h.ReadTimeout, DefaultReadTimeout)}
}

type deadlineReader struct {
	r    io.Reader
	conn net.Conn
	idle time.Duration
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	_ = d.conn.SetReadDeadline(time.Now().Add(d.idle))
	return d.r.Read(p)
}
