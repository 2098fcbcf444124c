package live

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"backchannel/model"
)

// HeartbeatInterval is how often an idle stream writes a comment: fasthttp
// notices a client that has gone only when a write fails, and proxies close
// idle connections.
const HeartbeatInterval = 15 * time.Second

// WriteEvent writes one SSE event and flushes it: an "id:" line (the event's
// seq; omitted when id <= 0), an "event:" line when event is not empty, one
// "data:" line per line of data (split on "\n", "\r" removed; empty data is
// one empty data line), and the blank line that ends the event.
func WriteEvent(w *bufio.Writer, id int64, event string, data []byte) error {
	text := ""
	if id > 0 {
		text = strconv.FormatInt(id, 10)
	}
	return WriteEventID(w, text, event, data)
}

// WriteEventID is WriteEvent with an id of any text (omitted when empty),
// for streams whose position is more than one number.
func WriteEventID(w *bufio.Writer, id, event string, data []byte) error {
	BufferEventID(w, id, event, data)
	if err := w.Flush(); err != nil {
		return fmt.Errorf("live: write event: %w", err)
	}
	return nil
}

// BufferEvent is WriteEvent without the flush: a stream writing several
// events at once flushes once after the last (one write to the socket).
func BufferEvent(w *bufio.Writer, id int64, event string, data []byte) {
	text := ""
	if id > 0 {
		text = strconv.FormatInt(id, 10)
	}
	BufferEventID(w, text, event, data)
}

// BufferEventID is BufferEvent with an id of any text.
func BufferEventID(w *bufio.Writer, id, event string, data []byte) {
	if id != "" {
		w.WriteString("id: ")
		w.WriteString(oneLine(id))
		w.WriteByte('\n')
	}
	if event != "" {
		w.WriteString("event: ")
		w.WriteString(oneLine(event))
		w.WriteByte('\n')
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte{'\r'}, nil)
	}
	for {
		line, rest, more := bytes.Cut(data, []byte{'\n'})
		w.WriteString("data: ")
		w.Write(line)
		w.WriteByte('\n')
		if !more {
			break
		}
		data = rest
	}
	w.WriteByte('\n')
}

// WriteComment writes an SSE comment (": text", one line per line of text) and
// flushes it. WriteComment(w, "ping") is the heartbeat.
func WriteComment(w *bufio.Writer, text string) error {
	text = strings.ReplaceAll(text, "\r", "")
	for line := range strings.SplitSeq(text, "\n") {
		w.WriteString(": ")
		w.WriteString(line)
		w.WriteByte('\n')
	}
	w.WriteByte('\n')
	if err := w.Flush(); err != nil {
		return fmt.Errorf("live: write comment: %w", err)
	}
	return nil
}

// WriteRetry tells the client to wait ms milliseconds before reconnecting,
// and flushes.
func WriteRetry(w *bufio.Writer, ms int) error {
	w.WriteString("retry: ")
	w.WriteString(strconv.Itoa(max(ms, 0)))
	w.WriteString("\n\n")
	if err := w.Flush(); err != nil {
		return fmt.Errorf("live: write retry: %w", err)
	}
	return nil
}

// LastEventID returns the seq a reconnecting stream resumes after: the
// Last-Event-ID header, or else the ?since= query value (for clients that
// cannot set headers); 0 when both are empty. A value that is not a
// non-negative integer is an error wrapping model.ErrInvalid.
func LastEventID(header, since string) (int64, error) {
	name, v := "Last-Event-ID", strings.TrimSpace(header)
	if v == "" {
		name, v = "since", strings.TrimSpace(since)
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("live: %s %q is not a non-negative integer: %w", name, v, model.ErrInvalid)
	}
	return n, nil
}

// oneLine keeps a field value on one line: an event name with a line break
// would end the field early.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", "", "\n", " ").Replace(s)
}
