package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"backchannel/model"
	"backchannel/testenv"
)

// server is one `backchannel serve` running in a goroutine.
type server struct {
	addr           string
	base           string // http://addr
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan error
	stopped        bool
}

// startServe runs `serve --addr <free port>` with env until stop is called
// (or the test ends) and waits until GET /healthz answers 200.
func startServe(t *testing.T, env map[string]string) *server {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{addr: addr, base: "http://" + addr, stdout: &syncBuffer{}, stderr: &syncBuffer{},
		cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- run(ctx, []string{"serve", "--addr", addr}, getenvOf(env), nil, s.stdout, s.stderr) }()
	t.Cleanup(func() {
		if !s.stopped {
			cancel()
			select {
			case <-s.done:
			case <-time.After(30 * time.Second):
				t.Error("serve did not stop within 30 s of the test's end")
			}
		}
	})

	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-s.done:
			s.stopped = true
			t.Fatalf("serve ended before it answered: %v\nstdout:\n%s\nstderr:\n%s", err, s.stdout, s.stderr)
		default:
		}
		if code, _ := s.get(t, "/healthz", ""); code == http.StatusOK {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /healthz did not answer 200 within 15 s\nstdout:\n%s\nstderr:\n%s", s.stdout, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// client talks to the test server without keeping connections open, so that
// shutting down never waits for the test's idle connections.
var client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// get fetches path and returns the status and body (0 when the request
// failed, e.g. because the server does not listen yet).
func (s *server) get(t *testing.T, path, bearer string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil
	}
	return resp.StatusCode, body
}

// stop cancels serve's context and checks that it returns nil promptly and
// frees its port.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.stopped = true
		if err != nil {
			t.Errorf("serve returned %v after its context ended, want nil (graceful shutdown)\nstderr:\n%s", err, s.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("serve did not return within 10 s of its context ending\nstderr:\n%s", s.stderr)
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Errorf("port %s is still taken after serve returned: %v", s.addr, err)
	} else {
		ln.Close()
	}
	if code, _ := s.get(t, "/healthz", ""); code != 0 {
		t.Errorf("GET /healthz after stop answered %d", code)
	}
}

var setupLink = regexp.MustCompile(`(http://[^\s/]+)/setup\?token=(\S+)`)

func TestServeFirstRun(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			env := baseEnv(t, d.URL)
			env["BACKCHANNEL_LOG_LEVEL"] = "info"
			s := startServe(t, env)

			out := s.stdout.String()
			m := setupLink.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("stdout has no /setup?token= link:\n%s", out)
			}
			if m[1] != s.base {
				t.Errorf("setup link is on %s, want %s (derived from --addr)", m[1], s.base)
			}
			token := m[2]
			if !strings.Contains(out, "running at "+s.base) {
				t.Errorf("stdout does not say where the server runs:\n%s", out)
			}

			code, body := s.get(t, "/readyz", "")
			if code != http.StatusOK {
				t.Fatalf("GET /readyz = %d, want 200: %s", code, body)
			}
			var ready struct {
				Status string                    `json:"status"`
				Checks map[string]map[string]any `json:"checks"`
			}
			if err := json.Unmarshal(body, &ready); err != nil {
				t.Fatalf("GET /readyz: %v: %s", err, body)
			}
			if ready.Status != "ready" {
				t.Errorf("/readyz status %q, want ready: %s", ready.Status, body)
			}
			for _, part := range []string{"database", "migrations", "search"} {
				if ready.Checks[part]["status"] != "ok" {
					t.Errorf("/readyz %s check is %v, want ok: %s", part, ready.Checks[part], body)
				}
			}

			if code, body := s.get(t, "/setup?token="+token, ""); code != http.StatusOK {
				t.Errorf("GET the printed setup link = %d, want 200: %.300s", code, body)
			}
			if code, _ := s.get(t, "/setup?token=wrong"+token, ""); code == http.StatusOK {
				t.Error("GET /setup with a wrong token answered 200")
			}

			s.stop(t)
			if !strings.Contains(s.stderr.String(), "stopped") {
				t.Errorf("stderr does not log the stop:\n%s", s.stderr)
			}

			// A restart before setup prints the same link: every instance
			// shares the token.
			s2 := startServe(t, env)
			m2 := setupLink.FindStringSubmatch(s2.stdout.String())
			if m2 == nil {
				t.Fatalf("restart: stdout has no setup link:\n%s", s2.stdout)
			}
			if m2[2] != token {
				t.Errorf("restart printed setup token %q, want the same %q", m2[2], token)
			}
			s2.stop(t)
		})
	}
}

func TestServeAdminFromEnvironment(t *testing.T) {
	const (
		email    = "root@example.org"
		password = "a long admin password"
	)
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			env := with(baseEnv(t, d.URL), "BACKCHANNEL_ADMIN_EMAIL", email, "BACKCHANNEL_ADMIN_PASSWORD", password)
			s := startServe(t, env)
			if out := s.stdout.String(); strings.Contains(out, "/setup") {
				t.Errorf("stdout prints a setup link although the admin is configured:\n%s", out)
			}
			if code, body := s.get(t, "/readyz", ""); code != http.StatusOK {
				t.Errorf("GET /readyz = %d, want 200: %s", code, body)
			}

			// A token made from the command line while the server runs
			// works against it, and the API sees an admin.
			secret := strings.TrimSpace(mustRun(t, env, "token", "create", "--email", email).stdout)
			if !strings.HasPrefix(secret, "bc_pat_") {
				t.Fatalf("token create printed %q", secret)
			}
			code, body := s.get(t, "/api/v1/me", secret)
			if code != http.StatusOK {
				t.Fatalf("GET /api/v1/me with the token = %d: %s", code, body)
			}
			var me struct {
				User  struct{ Email string } `json:"user"`
				Roles []model.Role           `json:"roles"`
			}
			if err := json.Unmarshal(body, &me); err != nil {
				t.Fatalf("GET /api/v1/me: %v: %s", err, body)
			}
			if me.User.Email != email || len(me.Roles) == 0 || me.Roles[0] != model.RoleAdmin {
				t.Errorf("GET /api/v1/me = %s, want %s as admin", body, email)
			}
			if code, _ := s.get(t, "/api/v1/me", "bc_pat_wrong"); code == http.StatusOK {
				t.Error("GET /api/v1/me with a wrong token answered 200")
			}
			s.stop(t)

			// The admin signs in with the configured password.
			ctx := context.Background()
			acc := openAccounts(t, d.URL)
			u, err := acc.Authenticate(ctx, email, password, "192.0.2.7")
			if err != nil {
				t.Fatalf("the configured admin cannot sign in: %v", err)
			}
			if role, err := acc.TopSiteRole(ctx, u.ID); err != nil || role != model.RoleAdmin {
				t.Errorf("the configured admin has role %q (err %v), want admin", role, err)
			}
			if _, err := acc.Authenticate(ctx, email, password+"x", "192.0.2.7"); err == nil {
				t.Error("a wrong password signs in")
			}

			// A second start finds the admin and neither recreates it nor
			// prints a setup link.
			s2 := startServe(t, env)
			if out := s2.stdout.String(); strings.Contains(out, "/setup") {
				t.Errorf("restart prints a setup link:\n%s", out)
			}
			s2.stop(t)
			if u2, err := openAccounts(t, d.URL).UserByEmail(ctx, email); err != nil || u2.ID != u.ID {
				t.Errorf("after restart the admin is %+v (err %v), want the same id %d", u2, err, u.ID)
			}
		})
	}
}
