package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"backchannel/accounts"
	"backchannel/config"
	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
	"backchannel/testenv"
)

// syncBuffer is a bytes.Buffer safe to write from the server's goroutines
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// baseEnv is the environment of one command run: its own data directory and
// the given database.
func baseEnv(t *testing.T, databaseURL string) map[string]string {
	t.Helper()
	return map[string]string{
		"BACKCHANNEL_DATA_DIR":     t.TempDir(),
		"BACKCHANNEL_DATABASE_URL": databaseURL,
		"BACKCHANNEL_LOG_LEVEL":    "warn",
	}
}

// with returns a copy of env with the pairs k, v, ... set.
func with(env map[string]string, kv ...string) map[string]string {
	out := maps.Clone(env)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func getenvOf(env map[string]string) config.Getenv {
	return func(name string) string { return env[name] }
}

// result is what one run of the command left behind.
type result struct {
	stdout, stderr string
	err            error
}

// code is the exit status main would use for r.err.
func (r result) code() int {
	if r.err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(r.err, &ee) {
		return ee.code
	}
	return 1
}

func (r result) String() string {
	return fmt.Sprintf("exit %d, err=%v\nstdout:\n%s\nstderr:\n%s", r.code(), r.err, r.stdout, r.stderr)
}

// runCmd runs the command line args with env, with a deadline so that a hung
// command fails the test instead of the whole run.
func runCmd(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stdout, stderr syncBuffer
	err := run(ctx, args, getenvOf(env), nil, &stdout, &stderr)
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// mustRun runs args and fails the test unless the command succeeds.
func mustRun(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	r := runCmd(t, env, args...)
	if r.err != nil {
		t.Fatalf("backchannel %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// wantFail runs args and checks the exit status and that the error contains
// every one of parts.
func wantFail(t *testing.T, env map[string]string, code int, args []string, parts ...string) result {
	t.Helper()
	r := runCmd(t, env, args...)
	if r.err == nil {
		t.Fatalf("backchannel %s succeeded, want exit status %d: %s", strings.Join(args, " "), code, r)
	}
	if r.code() != code {
		t.Errorf("backchannel %s: exit status %d, want %d: %s", strings.Join(args, " "), r.code(), code, r)
	}
	msg := r.err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("backchannel %s: error is more than one line: %q", strings.Join(args, " "), msg)
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("backchannel %s: error %q does not contain %q", strings.Join(args, " "), msg, p)
		}
	}
	return r
}

// freeAddr returns a 127.0.0.1 address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// openAccounts opens the database at databaseURL the way the command does
// and returns an account service over it, to check what commands did.
func openAccounts(t *testing.T, databaseURL string) *accounts.Service {
	t.Helper()
	db := testenv.Open(t, databaseURL)
	authz, err := policies.New(context.Background(), db, nil)
	if err != nil {
		t.Fatalf("policies.New: %v", err)
	}
	return accounts.New(db, authz, accounts.Options{}, nil)
}

func TestHelpAndUsageErrors(t *testing.T) {
	env := baseEnv(t, "sqlite://"+t.TempDir()+"/bc.db")
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		r := mustRun(t, env, args...)
		if !strings.Contains(r.stdout, "Usage:") || !strings.Contains(r.stdout, "backchannel migrate") {
			t.Errorf("%v: stdout does not show the usage: %q", args, r.stdout)
		}
	}

	r := wantFail(t, env, 2, []string{"frobnicate"}, `unknown command "frobnicate"`)
	if !strings.Contains(r.stderr, "Usage:") {
		t.Errorf("unknown command: stderr does not show the usage: %q", r.stderr)
	}
	wantFail(t, env, 2, []string{"serve", "--no-such-flag"}, "no-such-flag")
	wantFail(t, env, 2, []string{"migrate", "--no-such-flag"}, "no-such-flag")
	wantFail(t, env, 2, []string{"user"}, "user:")
	wantFail(t, env, 2, []string{"user", "create"}, "--email is required")
	wantFail(t, env, 2, []string{"user", "set-role", "--role", "admin"}, "--email is required")
	wantFail(t, env, 2, []string{"token"}, "token:")
	wantFail(t, env, 2, []string{"token", "revoke", "--email", "a@example.org"}, "token:")
	wantFail(t, env, 2, []string{"token", "create"}, "--email is required")

	// -h on a subcommand prints its flags and is not an error.
	for _, args := range [][]string{{"serve", "-h"}, {"migrate", "-h"}, {"user", "create", "-h"}, {"token", "create", "-h"}} {
		r := mustRun(t, env, args...)
		if !strings.Contains(r.stderr, "-database-url") {
			t.Errorf("%v: stderr does not list the flags: %q", args, r.stderr)
		}
	}
}

// Configuration errors stop every command with exit status 2 and one line
// naming the variable at fault, before anything touches the database.
func TestConfigurationErrors(t *testing.T) {
	dataDir := t.TempDir()
	env := map[string]string{
		"BACKCHANNEL_DATA_DIR": dataDir,
		"BACKCHANNEL_ADDR":     freeAddr(t),
	}
	commands := [][]string{
		{"serve"},
		{"migrate", "status"},
		{"user", "create", "--email", "a@example.org", "--password", "long enough password"},
		{"token", "create", "--email", "a@example.org"},
	}
	tests := []struct {
		name    string
		env     map[string]string
		flags   []string
		wantVar string
		hidden  string // must not appear in the error
	}{
		{name: "unparseable database URL", env: with(env, "BACKCHANNEL_DATABASE_URL", "postgres://bc:Hunter2Secret@db:port/bc"),
			wantVar: "BACKCHANNEL_DATABASE_URL", hidden: "Hunter2Secret"},
		{name: "unknown database scheme", env: with(env, "BACKCHANNEL_DATABASE_URL", "mysql://bc@db/bc"),
			wantVar: "BACKCHANNEL_DATABASE_URL"},
		{name: "postgres URL without host", env: with(env, "BACKCHANNEL_DATABASE_URL", "postgres://bc:Hunter2Secret@/bc"),
			wantVar: "BACKCHANNEL_DATABASE_URL", hidden: "Hunter2Secret"},
		{name: "bad database URL flag", env: env, flags: []string{"--database-url", "nonsense"},
			wantVar: "BACKCHANNEL_DATABASE_URL"},
		{name: "unknown log level", env: with(env, "BACKCHANNEL_LOG_LEVEL", "loud"),
			wantVar: "BACKCHANNEL_LOG_LEVEL"},
		{name: "unknown log level flag", env: env, flags: []string{"--log-level", "loud"},
			wantVar: "BACKCHANNEL_LOG_LEVEL"},
		{name: "bad addr", env: with(env, "BACKCHANNEL_ADDR", "nowhere"),
			wantVar: "BACKCHANNEL_ADDR"},
		{name: "bad duration", env: with(env, "BACKCHANNEL_SESSION_IDLE", "a while"),
			wantVar: "BACKCHANNEL_SESSION_IDLE"},
		{name: "admin email without password", env: with(env, "BACKCHANNEL_ADMIN_EMAIL", "admin@example.org"),
			wantVar: "BACKCHANNEL_ADMIN_EMAIL"},
		{name: "bad meili URL", env: with(env, "BACKCHANNEL_MEILI_URL", "meili:7700"),
			wantVar: "BACKCHANNEL_MEILI_URL"},
		{name: "bad meili URL flag", env: env, flags: []string{"--meili-url", "ftp://meili"},
			wantVar: "BACKCHANNEL_MEILI_URL"},
		{name: "bad body limit", env: with(env, "BACKCHANNEL_BODY_LIMIT", "big"),
			wantVar: "BACKCHANNEL_BODY_LIMIT"},
	}
	for _, tt := range tests {
		for _, cmd := range commands {
			t.Run(tt.name+"/"+cmd[0], func(t *testing.T) {
				// Flags go after the subcommand; migrate reads its action
				// after the flags (flags after it are not read).
				at := len(cmd)
				if cmd[0] == "migrate" {
					at = 1
				}
				args := append([]string{}, cmd[:at]...)
				args = append(args, tt.flags...)
				args = append(args, cmd[at:]...)
				r := wantFail(t, tt.env, 2, args, tt.wantVar+": ")
				if tt.hidden != "" && strings.Contains(r.err.Error()+r.stderr+r.stdout, tt.hidden) {
					t.Errorf("the password is shown: %s", r)
				}
			})
		}
	}
	// Validation comes first: the default database was never created.
	if _, err := os.Stat(filepath.Join(dataDir, "backchannel.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a command with a configuration error touched the default database (stat: %v)", err)
	}
}

func TestServeAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	env := baseEnv(t, "sqlite://"+t.TempDir()+"/bc.db")

	wantFail(t, env, 2, []string{"serve", "--addr", addr}, "BACKCHANNEL_ADDR: ", addr)
	wantFail(t, with(env, "BACKCHANNEL_ADDR", addr), 2, []string{"serve"}, "BACKCHANNEL_ADDR: ", addr)
	// The flag overrides the variable.
	wantFail(t, with(env, "BACKCHANNEL_ADDR", freeAddr(t)), 2, []string{"serve", "--addr", addr}, "BACKCHANNEL_ADDR: ", addr)
	wantFail(t, env, 2, []string{"serve", "--addr", "127.0.0.1:99999"}, "BACKCHANNEL_ADDR: ")
}

// migrationLines parses `migrate status` output into name → state.
func migrationLines(t *testing.T, out string) (names []string, state map[string]string) {
	t.Helper()
	state = map[string]string{}
	for line := range strings.Lines(strings.TrimSpace(out)) {
		f := strings.Fields(line)
		if len(f) < 2 {
			t.Fatalf("migrate status: odd line %q in\n%s", line, out)
		}
		names = append(names, f[1])
		state[f[1]] = f[0]
	}
	if len(names) == 0 {
		t.Fatalf("migrate status lists no migrations:\n%s", out)
	}
	return names, state
}

func TestMigrate(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			env := baseEnv(t, d.URL)

			names, state := migrationLines(t, mustRun(t, env, "migrate", "status").stdout)
			for _, n := range names {
				if state[n] != "pending" {
					t.Errorf("fresh database: %s is %q, want pending", n, state[n])
				}
			}

			up := mustRun(t, env, "migrate", "up").stdout
			for _, n := range names {
				if !strings.Contains(up, "applied "+n) {
					t.Errorf("migrate up does not report %s:\n%s", n, up)
				}
			}
			names2, state := migrationLines(t, mustRun(t, env, "migrate", "status").stdout)
			if strings.Join(names2, " ") != strings.Join(names, " ") {
				t.Errorf("status lists %v after up, %v before", names2, names)
			}
			for _, n := range names {
				if state[n] != "applied" {
					t.Errorf("after up: %s is %q, want applied", n, state[n])
				}
			}
			if out := mustRun(t, env, "migrate", "up").stdout; !strings.Contains(out, "up to date") {
				t.Errorf("second migrate up: %q, want up to date", out)
			}
			// No action means up.
			if out := mustRun(t, env, "migrate").stdout; !strings.Contains(out, "up to date") {
				t.Errorf("migrate without action: %q, want up to date", out)
			}

			down := mustRun(t, env, "migrate", "down").stdout
			for _, n := range names {
				if !strings.Contains(down, "rolled back "+n) {
					t.Errorf("migrate down does not report %s:\n%s", n, down)
				}
			}
			_, state = migrationLines(t, mustRun(t, env, "migrate", "status").stdout)
			for _, n := range names {
				if state[n] != "pending" {
					t.Errorf("after down: %s is %q, want pending", n, state[n])
				}
			}
			if out := mustRun(t, env, "migrate", "down").stdout; !strings.Contains(out, "Nothing to roll back") {
				t.Errorf("second migrate down: %q, want nothing to roll back", out)
			}

			wantFail(t, env, 2, []string{"migrate", "bogus"}, `"bogus"`)

			// Up again after down works: the down migration removed everything.
			mustRun(t, env, "migrate", "up")
			_, state = migrationLines(t, mustRun(t, env, "migrate", "status").stdout)
			for _, n := range names {
				if state[n] != "applied" {
					t.Errorf("after down and up: %s is %q, want applied", n, state[n])
				}
			}
		})
	}
}

func TestUser(t *testing.T) {
	const (
		alice    = "alice@example.org"
		bob      = "bob@example.org"
		password = "correct horse battery"
	)
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			env := baseEnv(t, d.URL)
			ctx := context.Background()

			r := mustRun(t, env, "user", "create", "--email", alice, "--password", password, "--name", "Alice", "--role", "admin")
			if !strings.Contains(r.stdout, "created user") || !strings.Contains(r.stdout, alice) || !strings.Contains(r.stdout, "admin") {
				t.Errorf("user create: stdout %q", r.stdout)
			}
			acc := openAccounts(t, d.URL)
			a, err := acc.UserByEmail(ctx, alice)
			if err != nil {
				t.Fatalf("alice not created: %v", err)
			}
			if a.DisplayName != "Alice" {
				t.Errorf("display name %q, want Alice", a.DisplayName)
			}
			if _, err := acc.Authenticate(ctx, alice, password, "192.0.2.1"); err != nil {
				t.Errorf("alice cannot sign in with her password: %v", err)
			}
			wantRole := func(email string, want model.Role) {
				t.Helper()
				// A fresh service each time: an Authorizer caches the policy.
				acc := openAccounts(t, d.URL)
				u, err := acc.UserByEmail(ctx, email)
				if err != nil {
					t.Fatalf("%s: %v", email, err)
				}
				got, err := acc.TopSiteRole(ctx, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("%s has site role %q, want %q", email, got, want)
				}
			}
			wantDisabled := func(email string, want bool) {
				t.Helper()
				u, err := openAccounts(t, d.URL).UserByEmail(ctx, email)
				if err != nil {
					t.Fatalf("%s: %v", email, err)
				}
				if u.Disabled() != want {
					t.Errorf("%s disabled = %v, want %v", email, u.Disabled(), want)
				}
			}
			wantRole(alice, model.RoleAdmin)

			// The last admin can be neither demoted nor disabled.
			wantFail(t, env, 2, []string{"user", "set-role", "--email", alice, "--role", "moderator"}, "last admin")
			wantFail(t, env, 2, []string{"user", "disable", "--email", alice}, "last admin")
			wantRole(alice, model.RoleAdmin)
			wantDisabled(alice, false)

			mustRun(t, env, "user", "create", "--email", bob, "--password", password, "--role", "admin")
			wantRole(bob, model.RoleAdmin)
			r = mustRun(t, env, "user", "set-role", "--email", alice, "--role", "moderator")
			if !strings.Contains(r.stdout, alice) {
				t.Errorf("set-role: stdout %q does not name the user", r.stdout)
			}
			wantRole(alice, model.RoleModerator)
			// Now bob is the last admin.
			wantFail(t, env, 2, []string{"user", "set-role", "--email", bob, "--role", "participant"}, "last admin")
			wantRole(bob, model.RoleAdmin)

			mustRun(t, env, "user", "disable", "--email", alice)
			wantDisabled(alice, true)
			if _, err := openAccounts(t, d.URL).Authenticate(ctx, alice, password, "192.0.2.1"); err == nil {
				t.Error("a disabled user can sign in")
			}
			mustRun(t, env, "user", "enable", "--email", alice)
			wantDisabled(alice, false)
			if _, err := openAccounts(t, d.URL).Authenticate(ctx, alice, password, "192.0.2.1"); err != nil {
				t.Errorf("alice cannot sign in after enable: %v", err)
			}
			// Email addresses are matched without regard to case.
			mustRun(t, env, "user", "set-role", "--email", "ALICE@example.org", "--role", "host")
			wantRole(alice, model.RoleHost)

			// Bad input is a usage error and creates nothing.
			bad := []struct {
				name  string
				email string
				args  []string
				want  string
			}{
				{"bad email", "not-an-email", []string{"--password", password}, "email"},
				{"bad email with space", "carol @example.org", []string{"--password", password}, "email"},
				{"short password", "carol@example.org", []string{"--password", "short"}, "password"},
				{"no password", "carol@example.org", nil, "password"},
				{"unknown role", "carol@example.org", []string{"--password", password, "--role", "superuser"}, "role"},
				{"name with markup", "carol@example.org", []string{"--password", password, "--name", "<b>Carol</b>"}, "display_name"},
			}
			for _, b := range bad {
				t.Run(b.name, func(t *testing.T) {
					args := append([]string{"user", "create", "--email", b.email}, b.args...)
					wantFail(t, env, 2, args, b.want)
					if _, err := store.UserByEmail(ctx, testenv.Open(t, d.URL), b.email); !errors.Is(err, model.ErrNotFound) {
						t.Errorf("%s: user exists after a failed create (err=%v)", b.email, err)
					}
				})
			}
			wantFail(t, env, 2, []string{"user", "create", "--email", alice, "--password", password}, "already exists")
			wantFail(t, env, 2, []string{"user", "set-role", "--email", alice, "--role", "overlord"}, "role")
			wantRole(alice, model.RoleHost)

			for _, action := range []string{"set-role", "disable", "enable"} {
				r := wantFail(t, env, 1, []string{"user", action, "--email", "nobody@example.org"}, "no such user")
				if r.err.Error() != "no such user" {
					t.Errorf("user %s: error %q, want just %q", action, r.err, "no such user")
				}
			}
			wantFail(t, env, 2, []string{"user", "rename", "--email", alice}, `"rename"`)
		})
	}
}

func TestTokenCreate(t *testing.T) {
	const email = "dana@example.org"
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			env := baseEnv(t, d.URL)
			ctx := context.Background()
			mustRun(t, env, "user", "create", "--email", email, "--password", "correct horse battery")

			r := mustRun(t, env, "token", "create", "--email", email, "--name", "ci")
			secret := strings.TrimSuffix(r.stdout, "\n")
			if !strings.HasPrefix(secret, "bc_pat_") || strings.ContainsAny(secret, " \n\t") {
				t.Fatalf("token create printed %q, want one bc_pat_ token on one line", r.stdout)
			}
			second := strings.TrimSpace(mustRun(t, env, "token", "create", "--email", email).stdout)
			if second == secret {
				t.Error("two token create runs printed the same token")
			}

			acc := openAccounts(t, d.URL)
			for _, s := range []string{secret, second} {
				u, err := acc.APITokenUser(ctx, s)
				if err != nil {
					t.Fatalf("the printed token does not authenticate: %v", err)
				}
				if u.Email != email {
					t.Errorf("the token acts as %s, want %s", u.Email, email)
				}
			}
			u, err := acc.UserByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			toks, err := acc.APITokens(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]bool{}
			for _, tk := range toks {
				names[tk.Name] = true
			}
			if len(toks) != 2 || !names["ci"] || !names["command line"] {
				t.Errorf("tokens stored: %+v, want two named ci and command line", toks)
			}

			wantFail(t, env, 1, []string{"token", "create", "--email", "nobody@example.org"}, "no such user")
		})
	}
}
