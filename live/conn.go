package live

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// ConnOptions tune the streams Conns serves; zero fields take the defaults.
type ConnOptions struct {
	// WriteTimeout bounds every write to a client: a client that does not
	// take a write within it (it stopped reading and its backlog is full)
	// is dropped, and replays what it missed from its Last-Event-ID when it
	// reconnects. (A write is given between half of it and all of it: see
	// chunkWriter.) Default 10 s.
	WriteTimeout time.Duration
	// Backlog is each stream's socket send buffer in bytes: how far a client
	// that has stopped reading may fall behind (beyond what its own
	// receive buffer holds) before writes to it block and WriteTimeout
	// runs. Default 64 KiB; negative: the system's own, which grows to
	// megabytes.
	Backlog int
	// BufferSize is the size of the write buffers the streams share: a
	// stream holds one only while it has bytes to send, and sends a full
	// one as one chunk. Default 4 KiB.
	BufferSize int
}

// Conns serves event streams on connections taken over from the HTTP
// server (fasthttp's Hijack), so that an open stream costs one goroutine,
// its connection and its subscriptions, and an idle stream holds no
// buffer: the write buffers are shared through a pool and taken only for a
// burst of writes. Safe for concurrent use; make one per server.
type Conns struct {
	o    ConnOptions
	pool sync.Pool // of *[]byte holding chunkHead bytes, of capacity BufferSize+chunkHead+2
}

// NewConns returns a Conns with options o.
func NewConns(o ConnOptions) *Conns {
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.Backlog == 0 {
		o.Backlog = 64 << 10
	}
	if o.BufferSize <= 0 {
		o.BufferSize = 4 << 10
	}
	return &Conns{o: o}
}

// Serve runs st on conn until the stream stops (see Stream): it writes
// head, the response's status line and headers, which must announce
// "Transfer-Encoding: chunked", then the stream as the chunked body, each
// burst of writes one chunk. When the stream ends by itself (ctx ended, the
// hub closed a subscription) it writes the last chunk. Serve never closes
// conn: its caller does. It returns what Stream.Serve would.
func (c *Conns) Serve(ctx context.Context, conn net.Conn, head []byte, st Stream) error {
	raw := conn
	// fasthttp hands over a wrapper (whose Close may do nothing): write to
	// the socket itself, and bound its send buffer.
	if u, ok := conn.(interface{ UnsafeConn() net.Conn }); ok {
		raw = u.UnsafeConn()
	}
	if tc, ok := raw.(*net.TCPConn); ok && c.o.Backlog > 0 {
		_ = tc.SetWriteBuffer(c.o.Backlog)
	}
	cw := &chunkWriter{conn: raw, timeout: c.o.WriteTimeout}
	if err := cw.write(head); err != nil {
		return err
	}
	err := st.run(ctx, newConnWriters(c, cw))
	if err == nil {
		err = cw.write([]byte("0\r\n\r\n"))
	}
	return err
}

// connWriters gives the stream one small writer for its whole life, onto a
// batch that takes a pooled buffer only once bytes reach it: a stream
// waiting for the ring or the frame cache before it writes holds no buffer,
// nor does an idle one. The batch goes to the socket as one chunk when the
// buffer is full and when the burst ends (put); the writer's own Flush only
// moves its few bytes into the batch.
type connWriters struct {
	w     *bufio.Writer // small: only what comes in pieces shorter than it
	batch *batch
}

func newConnWriters(c *Conns, cw *chunkWriter) *connWriters {
	b := &batch{c: c, cw: cw}
	return &connWriters{w: bufio.NewWriterSize(b, 64), batch: b}
}

func (p *connWriters) get() *bufio.Writer { return p.w }

func (p *connWriters) put(w *bufio.Writer) error {
	err := w.Flush()
	if berr := p.batch.send(); err == nil {
		err = berr
	}
	return err
}

// batch gathers a burst of writes in a buffer of the Conns' pool. The
// buffer keeps room for the chunk's size line before the bytes and its
// line end after them, so that a chunk is one write to the socket.
type batch struct {
	c   *Conns
	cw  *chunkWriter
	buf *[]byte // nil while nothing is pending; else chunkHead reserved bytes, then the data
}

// chunkHead is the room kept for a chunk's size line: 16 hex digits, CRLF.
const chunkHead = 18

func (b *batch) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if b.buf == nil {
			if v, ok := b.c.pool.Get().(*[]byte); ok {
				b.buf = v
			} else {
				buf := make([]byte, chunkHead, chunkHead+b.c.o.BufferSize+2)
				b.buf = &buf
			}
		}
		room := cap(*b.buf) - 2 - len(*b.buf)
		k := min(room, len(p))
		*b.buf = append(*b.buf, p[:k]...)
		p = p[k:]
		if k == room {
			if err := b.send(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

// send writes what is pending as one chunk and gives the buffer back.
func (b *batch) send() error {
	if b.buf == nil {
		return nil
	}
	buf := *b.buf
	var err error
	if size := len(buf) - chunkHead; size > 0 {
		var head [chunkHead]byte
		h := append(strconv.AppendInt(head[:0], int64(size), 16), '\r', '\n')
		start := chunkHead - len(h)
		copy(buf[start:], h)
		err = b.cw.write(append(buf, '\r', '\n')[start:])
	}
	*b.buf = buf[:chunkHead]
	b.c.pool.Put(b.buf)
	b.buf = nil
	return err
}

// chunkWriter writes to the client, each write within the write timeout.
// The deadline is moved on only when less than half of it is left, so that
// a stream writing every second does not touch the timer at every write:
// a write may block between half the timeout and the whole of it.
type chunkWriter struct {
	conn    net.Conn
	timeout time.Duration
	until   time.Time // the deadline set
}

func (c *chunkWriter) write(b []byte) error {
	if now := time.Now(); c.until.Sub(now) < c.timeout/2 {
		c.until = now.Add(c.timeout)
		if err := c.conn.SetWriteDeadline(c.until); err != nil {
			return fmt.Errorf("live: write deadline: %w", err)
		}
	}
	if _, err := c.conn.Write(b); err != nil {
		return fmt.Errorf("live: write: %w", err)
	}
	return nil
}
