package handlers_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"backchannel/model"
	"backchannel/testenv"
)

// A client that writes a whole over-limit body before it reads gets the 413
// and its JSON message every time, not a connection reset; the connection
// then serves its next request.
func TestOversizedBodyIsAnsweredNotReset(t *testing.T) {
	s := newServer(t, testenv.Databases(t)[0].URL) // no data involved: the first database
	pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
	addr := strings.TrimPrefix(s.URL, "http://")
	body := `{"body":"` + strings.Repeat("x", 1<<20) + `"}` // 1 MiB and a little: over the 1 MiB limit
	head := fmt.Sprintf("POST /api/v1/channels/general/messages HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", addr, pat.token, len(body))
	for i := range 8 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.WriteString(conn, head+body); err != nil {
			t.Fatalf("try %d: writing the body: %v", i, err)
		}
		r := bufio.NewReader(conn)
		res, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("try %d: no answer: %v", i, err)
		}
		data, err := io.ReadAll(res.Body)
		res.Body.Close()
		var e struct {
			Error struct{ Code, Message string }
		}
		if err != nil || res.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal(data, &e) != nil ||
			e.Error.Code != "payload_too_large" || e.Error.Message == "" {
			t.Fatalf("try %d: %d %s (%v), want 413 payload_too_large with a message", i, res.StatusCode, data, err)
		}
		// The same connection answers the next request.
		if _, err := fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", addr); err != nil {
			t.Fatalf("try %d: the connection was closed: %v", i, err)
		}
		if res, err := http.ReadResponse(r, nil); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("try %d: the next request on the connection: %v", i, err)
		}
		conn.Close()
	}
}

// Two uploads, sent chunked (as a browser streams a file it reads), on one
// connection: the handler stops reading at the end of the file part, and the
// rest of the body (the closing boundary) is read and thrown away, so the
// second upload is not taken for garbage.
func TestUploadsShareAConnection(t *testing.T) {
	s := newServer(t, testenv.Databases(t)[0].URL)
	pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
	addr := strings.TrimPrefix(s.URL, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(conn)
	for i := range 3 {
		body, ct := uploadBody(t, "file", fmt.Sprintf("n%d.txt", i), []byte(fmt.Sprintf("note %d\n", i)))
		body += strings.Repeat("\r\n", 10) // an epilogue after the closing boundary
		head := fmt.Sprintf("POST /api/v1/uploads HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n", addr, pat.token, ct)
		chunked := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body)
		if _, err := io.WriteString(conn, head+chunked); err != nil {
			t.Fatalf("upload %d: %v", i, err)
		}
		res, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("upload %d: no answer: %v", i, err)
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("upload %d on the same connection: %d %s, want 201", i, res.StatusCode, data)
		}
	}
}

// An upload may take longer than the server's read timeout as long as it
// keeps sending (a phone on slow Wi-Fi): here the timeout is 1 s and the
// file comes in pieces over 3 s.
func TestSlowUploadIsNotCutOff(t *testing.T) {
	s := newServer(t, testenv.Databases(t)[0].URL, func(o *serverOptions) { o.readTimeout = time.Second })
	pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
	addr := strings.TrimPrefix(s.URL, "http://")
	body, ct := uploadBody(t, "file", "slow.txt", []byte(strings.Repeat("a line of notes\n", 4096)))
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	head := fmt.Sprintf("POST /api/v1/uploads HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", addr, pat.token, ct, len(body))
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	const pieces = 10
	for i := range pieces {
		time.Sleep(300 * time.Millisecond)
		from, to := i*len(body)/pieces, (i+1)*len(body)/pieces
		if _, err := io.WriteString(conn, body[from:to]); err != nil {
			t.Fatalf("piece %d: the server stopped reading: %v", i, err)
		}
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("slow upload: %d %s, want 201", res.StatusCode, data)
	}
}
