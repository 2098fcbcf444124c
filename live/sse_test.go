package live_test

import (
	"bufio"
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"backchannel/live"
	"backchannel/model"
)

// sseEvent is one event as a browser's EventSource sees it.
type sseEvent struct {
	ID, Event, Data string
	Retry           int
	Comments        []string
}

// parseSSE is a tiny parser following the WHATWG event-stream rules: lines end
// with \n, a blank line dispatches, "field: value" (one space removed), data
// lines joined with \n, ":" starts a comment.
func parseSSE(t *testing.T, s string) []sseEvent {
	t.Helper()
	if s != "" && !strings.HasSuffix(s, "\n\n") {
		t.Fatalf("stream does not end with a blank line: %q", s)
	}
	var (
		out  []sseEvent
		cur  sseEvent
		data []string
		any  bool
	)
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if strings.Contains(line, "\r") {
			t.Fatalf("carriage return in line %q", line)
		}
		if line == "" {
			if any {
				cur.Data = strings.Join(data, "\n")
				out = append(out, cur)
			}
			cur, data, any = sseEvent{}, nil, false
			continue
		}
		any = true
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "":
			cur.Comments = append(cur.Comments, value)
		case "id":
			cur.ID = value
		case "event":
			cur.Event = value
		case "data":
			data = append(data, value)
		case "retry":
			n, err := strconv.Atoi(value)
			if err != nil {
				t.Fatalf("retry %q", value)
			}
			cur.Retry = n
		default:
			t.Fatalf("unknown field %q in line %q", field, line)
		}
	}
	return out
}

func TestWriteEvent(t *testing.T) {
	tests := []struct {
		name  string
		id    int64
		event string
		data  string
		raw   string // exact bytes written
		want  sseEvent
	}{
		{"plain", 7, "message", "hello", "id: 7\nevent: message\ndata: hello\n\n",
			sseEvent{ID: "7", Event: "message", Data: "hello"}},
		{"no event name", 8, "", "x", "id: 8\ndata: x\n\n", sseEvent{ID: "8", Data: "x"}},
		{"no id", 0, "reset", "", "event: reset\ndata: \n\n", sseEvent{Event: "reset"}},
		{"multi-line html", 12, "message", "<li>\n  <p>hi</p>\n</li>",
			"id: 12\nevent: message\ndata: <li>\ndata:   <p>hi</p>\ndata: </li>\n\n",
			sseEvent{ID: "12", Event: "message", Data: "<li>\n  <p>hi</p>\n</li>"}},
		{"crlf and lone cr removed", 13, "", "a\r\nb\rc\r\n", "id: 13\ndata: a\ndata: bc\ndata: \n\n",
			sseEvent{ID: "13", Data: "a\nbc\n"}},
		{"blank lines inside data", 14, "", "a\n\nb", "id: 14\ndata: a\ndata: \ndata: b\n\n",
			sseEvent{ID: "14", Data: "a\n\nb"}},
		{"colon in data", 15, "", "key: value", "id: 15\ndata: key: value\n\n",
			sseEvent{ID: "15", Data: "key: value"}},
		{"line break in event name", 16, "a\nb", "x", "id: 16\nevent: a b\ndata: x\n\n",
			sseEvent{ID: "16", Event: "a b", Data: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := bufio.NewWriter(&buf)
			if err := live.WriteEvent(w, tt.id, tt.event, []byte(tt.data)); err != nil {
				t.Fatal(err)
			}
			if w.Buffered() != 0 {
				t.Fatal("not flushed")
			}
			if buf.String() != tt.raw {
				t.Fatalf("wrote %q, want %q", buf.String(), tt.raw)
			}
			got := parseSSE(t, buf.String())
			if len(got) != 1 {
				t.Fatalf("parsed %d events, want 1: %+v", len(got), got)
			}
			if got[0].ID != tt.want.ID || got[0].Event != tt.want.Event || got[0].Data != tt.want.Data {
				t.Fatalf("parsed %+v, want %+v", got[0], tt.want)
			}
		})
	}
}

func TestWriteStreamParsesBack(t *testing.T) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	steps := []func() error{
		func() error { return live.WriteRetry(w, 3000) },
		func() error { return live.WriteEvent(w, 1, "message", []byte("one")) },
		func() error { return live.WriteComment(w, "ping") },
		func() error { return live.WriteEvent(w, 2, "message", []byte("two\nlines")) },
		func() error { return live.WriteComment(w, "multi\r\nline") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
		if w.Buffered() != 0 {
			t.Fatal("not flushed")
		}
	}
	if !strings.Contains(buf.String(), "\n: ping\n\n") {
		t.Fatalf("no heartbeat comment in %q", buf.String())
	}
	got := parseSSE(t, buf.String())
	if len(got) != 5 {
		t.Fatalf("parsed %d blocks: %+v", len(got), got)
	}
	if got[0].Retry != 3000 || got[1].ID != "1" || got[1].Data != "one" ||
		len(got[2].Comments) != 1 || got[2].Comments[0] != "ping" ||
		got[3].ID != "2" || got[3].Data != "two\nlines" ||
		strings.Join(got[4].Comments, "|") != "multi|line" {
		t.Fatalf("parsed %+v", got)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("client gone") }

func TestWriteErrors(t *testing.T) {
	w := bufio.NewWriter(failWriter{})
	if err := live.WriteComment(w, "ping"); err == nil || !strings.HasPrefix(err.Error(), "live: ") {
		t.Fatalf("WriteComment to a gone client: %v", err)
	}
	w = bufio.NewWriter(failWriter{})
	if err := live.WriteEvent(w, 1, "", []byte("x")); err == nil {
		t.Fatal("WriteEvent to a gone client: no error")
	}
	w = bufio.NewWriter(failWriter{})
	if err := live.WriteRetry(w, 10); err == nil {
		t.Fatal("WriteRetry to a gone client: no error")
	}
}

func TestLastEventID(t *testing.T) {
	tests := []struct {
		header, since string
		want          int64
		invalid       bool
	}{
		{"", "", 0, false},
		{"42", "", 42, false},
		{"", "17", 17, false},
		{"42", "17", 42, false}, // the header wins
		{" 5 ", "", 5, false},
		{"0", "", 0, false},
		{"9223372036854775807", "", 9223372036854775807, false},
		{"-1", "", 0, true},
		{"", "-3", 0, true},
		{"abc", "", 0, true},
		{"", "1.5", 0, true},
		{"12abc", "3", 0, true}, // a bad header is not silently replaced by since
		{"99999999999999999999", "", 0, true},
	}
	for _, tt := range tests {
		got, err := live.LastEventID(tt.header, tt.since)
		if tt.invalid {
			if !errors.Is(err, model.ErrInvalid) {
				t.Errorf("LastEventID(%q, %q) err = %v, want ErrInvalid", tt.header, tt.since, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("LastEventID(%q, %q) = %d, %v; want %d", tt.header, tt.since, got, err, tt.want)
		}
	}
}

func TestHeartbeatInterval(t *testing.T) {
	if live.HeartbeatInterval.Seconds() != 15 {
		t.Fatalf("HeartbeatInterval = %v", live.HeartbeatInterval)
	}
}
