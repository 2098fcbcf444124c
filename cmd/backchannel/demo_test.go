package main

import (
	"context"
	"flag"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"backchannel/config"
	"backchannel/loadgen"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// startDemo runs `demo --addr <free port> args...` with env like startServe
// does serve, and waits until GET /healthz answers 200.
func startDemo(t *testing.T, env map[string]string, args ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{addr: addr, base: "http://" + addr, stdout: &syncBuffer{}, stderr: &syncBuffer{},
		cancel: cancel, done: make(chan error, 1)}
	args = append([]string{"demo", "--addr", addr}, args...)
	go func() { s.done <- run(ctx, args, getenvOf(env), nil, s.stdout, s.stderr) }()
	t.Cleanup(func() {
		if !s.stopped {
			cancel()
			select {
			case <-s.done:
			case <-time.After(30 * time.Second):
				t.Error("demo did not stop within 30 s of the test's end")
			}
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-s.done:
			s.stopped = true
			t.Fatalf("demo ended before it answered: %v\nstdout:\n%s\nstderr:\n%s", err, s.stdout, s.stderr)
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

// waitMessages polls the database until the demo channel holds at least n
// messages and returns them.
func waitMessages(t *testing.T, s *server, databaseURL string, n int) []model.Message {
	t.Helper()
	db := testenv.Open(t, databaseURL)
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	var ms []model.Message
	for {
		ch, err := store.ChannelBySlug(ctx, db, loadgen.DemoSlug)
		if err == nil {
			if ms, err = store.ListMessages(ctx, db, store.MessageFilter{ChannelID: ch.ID}); err == nil && len(ms) >= n {
				return ms
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo channel has %d messages after 10 s, want %d (last error %v)\nstdout:\n%s\nstderr:\n%s",
				len(ms), n, err, s.stdout, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var demoPassword = regexp.MustCompile(`password:\s+(\S+)`)

func TestDemo(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			env := baseEnv(t, d.URL)
			s := startDemo(t, env, "--rate", "600", "--duration", "5s", "--seed", "7")
			ms := waitMessages(t, s, d.URL, 5)

			out := s.stdout.String()
			if !strings.Contains(out, s.base+"/c/demo") {
				t.Errorf("stdout does not show the channel's URL %s/c/demo:\n%s", s.base, out)
			}
			if strings.Contains(out, "/setup?token=") {
				t.Errorf("stdout offers the setup link though the demo made an admin:\n%s", out)
			}
			m := demoPassword.FindStringSubmatch(out)
			if !strings.Contains(out, loadgen.DemoAdminEmail) || m == nil {
				t.Fatalf("stdout does not show the admin's credentials:\n%s", out)
			}
			var guests int
			for _, msg := range ms {
				if msg.AuthorGuestID != nil {
					guests++
				}
				if msg.SessionID == nil {
					t.Errorf("message %d %q belongs to no session, want the demo's live session", msg.ID, msg.Body)
				}
			}
			if guests == 0 {
				t.Errorf("no message is by a guest: %+v", ms)
			}
			if code, body := s.get(t, "/c/demo", ""); code != http.StatusOK && code != http.StatusNotImplemented {
				t.Errorf("GET /c/demo = %d: %s", code, body)
			}
			s.stop(t)

			acc := openAccounts(t, d.URL)
			ctx := context.Background()
			u, err := acc.Authenticate(ctx, loadgen.DemoAdminEmail, m[1], "127.0.0.1")
			if err != nil {
				t.Fatalf("sign in with the printed credentials: %v", err)
			}
			if role, err := acc.TopSiteRole(ctx, u.ID); err != nil || role != model.RoleAdmin {
				t.Errorf("the demo admin's role = %q, %v; want admin", role, err)
			}

			// Again on the same data: the demo reuses its channel, sets the
			// given password, and stops by itself after --duration.
			r := mustRun(t, env, "demo", "--addr", freeAddr(t), "--rate", "600", "--duration", "500ms",
				"--admin-password", "correct horse battery")
			if !strings.Contains(r.stdout, "correct horse battery") {
				t.Errorf("second run does not print the given password:\n%s", r)
			}
			if _, err := acc.Authenticate(ctx, loadgen.DemoAdminEmail, "correct horse battery", "127.0.0.1"); err != nil {
				t.Errorf("sign in with --admin-password: %v", err)
			}
		})
	}
}

func TestDemoFlags(t *testing.T) {
	env := map[string]string{"BACKCHANNEL_DATA_DIR": t.TempDir()}
	for _, args := range [][]string{
		{"demo", "--rate", "0"},
		{"demo", "--duration", "-1s"},
		{"demo", "--audience", "0"},
		{"demo", "--audience", "1000"},
		{"demo", "--admin-password", "short"},
	} {
		wantFail(t, env, 2, args, "demo: --")
	}
}

// TestDemoDataDir checks that the demo keeps apart from real data unless
// told where its data goes.
func TestDemoDataDir(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		args      []string
		dataDir   string
		dbPattern string
	}{
		{"default", nil, nil, filepath.Join("data", "demo"), "sqlite://data/demo/backchannel.db"},
		{"environment", map[string]string{"BACKCHANNEL_DATA_DIR": "/srv/bc"}, nil, "/srv/bc", "sqlite:///srv/bc/backchannel.db"},
		{"flag", nil, []string{"--data-dir", "./mine"}, "./mine", "sqlite://mine/backchannel.db"},
		{"database", map[string]string{"BACKCHANNEL_DATABASE_URL": "postgres://u@localhost/bc"}, nil, "./data", "postgres://u@localhost/bc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := getenvOf(tt.env)
			fs := flag.NewFlagSet("demo", flag.ContinueOnError)
			var o demoOptions
			o.register(fs)
			var hookErr error
			cfg, err := loadConfig(fs, tt.args, getenv, func(c *config.Config) { hookErr = o.check(fs, getenv, c) })
			if err != nil || hookErr != nil {
				t.Fatalf("loadConfig: %v, %v", err, hookErr)
			}
			if cfg.DataDir != tt.dataDir {
				t.Errorf("DataDir = %q, want %q", cfg.DataDir, tt.dataDir)
			}
			if cfg.DatabaseURL != tt.dbPattern {
				t.Errorf("DatabaseURL = %q, want %q", cfg.DatabaseURL, tt.dbPattern)
			}
			if o.Seed == 0 {
				t.Error("no seed was picked")
			}
		})
	}
}
