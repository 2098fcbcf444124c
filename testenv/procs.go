package testenv

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Environment variables scripts/services.sh exports for the fault tests,
// which run services of their own so that they can stop and restart them.
const (
	MeiliBinVar       = "BACKCHANNEL_TEST_MEILI_BIN" // the meilisearch binary
	PostgresBinDirVar = "BACKCHANNEL_TEST_PG_BINDIR" // the directory holding initdb and pg_ctl
)

// FreePort returns a TCP port on 127.0.0.1 nobody listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// MeiliServer is a Meilisearch process of one test: Stop and Start it again
// on the same port and data.
type MeiliServer struct {
	Bin, Dir, Addr, Key string
	cmd                 *exec.Cmd
	done                chan struct{} // closed when cmd has exited
	log                 *os.File
}

// StartMeili starts a Meilisearch of the test's own (stopped when the test
// ends) and waits until it is healthy.
func StartMeili(t testing.TB) *MeiliServer {
	t.Helper()
	m := &MeiliServer{Bin: Require(t, MeiliBinVar, "the Meilisearch binary"), Dir: t.TempDir(),
		Addr: "127.0.0.1:" + strconv.Itoa(FreePort(t)), Key: RandomHex(16)}
	t.Cleanup(func() { m.Stop(t) })
	m.Start(t)
	return m
}

// URL is the server's base URL.
func (m *MeiliServer) URL() string { return "http://" + m.Addr }

// Start runs the server (again) and waits up to a minute until it says it
// is available.
func (m *MeiliServer) Start(t testing.TB) {
	t.Helper()
	log, err := os.OpenFile(filepath.Join(m.Dir, "meilisearch.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	m.log = log
	m.cmd = exec.Command(m.Bin, "--http-addr", m.Addr, "--master-key", m.Key, "--no-analytics",
		"--env", "development", "--db-path", filepath.Join(m.Dir, "data.ms"),
		"--dump-dir", filepath.Join(m.Dir, "dumps"), "--snapshot-dir", filepath.Join(m.Dir, "snapshots"),
		"--log-level", "WARN")
	m.cmd.Dir, m.cmd.Stdout, m.cmd.Stderr = m.Dir, log, log
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("testenv: start meilisearch: %v", err)
	}
	exited := make(chan struct{})
	m.done = exited
	go func() { _ = m.cmd.Wait(); close(exited) }()
	Poll(t, time.Minute, "Meilisearch to become healthy", func() bool {
		select {
		case <-exited:
			b, _ := os.ReadFile(filepath.Join(m.Dir, "meilisearch.log"))
			t.Fatalf("testenv: meilisearch exited:\n%s", b)
		default:
		}
		res, err := http.Get(m.URL() + "/health")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
}

// Stop kills the server (SIGKILL, as a crash would) and waits until it is
// gone. Stopping a stopped server does nothing.
func (m *MeiliServer) Stop(t testing.TB) {
	t.Helper()
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Kill()
	<-m.done
	m.cmd = nil
	_ = m.log.Close()
}

// PostgresServer is a PostgreSQL cluster of one test, run as user postgres
// when the test runs as root: Stop and Start it again on the same port.
type PostgresServer struct {
	BinDir, Dir string
	Port        int
}

// StartPostgres creates a cluster in a fresh directory under /tmp (user
// postgres must reach it), starts it and removes it when the test ends.
// Commits are acknowledged once their WAL is written (synchronous_commit
// on); fsync is off, as in the other tests: the machine does not crash.
func StartPostgres(t testing.TB) *PostgresServer {
	t.Helper()
	bin := Require(t, PostgresBinDirVar, "PostgreSQL's server binaries")
	dir, err := os.MkdirTemp("/tmp", "bc-faults-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p := &PostgresServer{BinDir: bin, Dir: dir, Port: FreePort(t)}
	t.Cleanup(func() {
		p.Stop(t)
		_ = os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"data", "sock"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if os.Getuid() == 0 {
		if out, err := exec.Command("chown", "-R", "postgres:", dir).CombinedOutput(); err != nil {
			t.Fatalf("testenv: chown the cluster's directory to postgres: %v: %s", err, out)
		}
	}
	p.pg(t, "initdb", "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C")
	p.Start(t)
	return p
}

// URL is the database URL of the cluster's postgres database.
func (p *PostgresServer) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.Port)
}

// Start starts the cluster and waits until it accepts connections.
func (p *PostgresServer) Start(t testing.TB) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=100",
		p.Port, filepath.Join(p.Dir, "sock"))
	p.pg(t, "pg_ctl", "-D", filepath.Join(p.Dir, "data"), "-l", filepath.Join(p.Dir, "postgres.log"), "-w", "-t", "60", "-o", opts, "start")
}

// Stop stops the cluster at once, as a crash of the database server would
// (pg_ctl -m immediate: no checkpoint, sessions cut; the next start
// recovers from the WAL). Stopping a stopped cluster does nothing.
func (p *PostgresServer) Stop(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(p.Dir, "data", "postmaster.pid")); err != nil {
		return
	}
	p.pg(t, "pg_ctl", "-D", filepath.Join(p.Dir, "data"), "-m", "immediate", "-w", "-t", "60", "stop")
}

// pg runs one of PostgreSQL's programs, as user postgres when we are root
// (the server refuses to run as root).
func (p *PostgresServer) pg(t testing.TB, prog string, args ...string) {
	t.Helper()
	name, argv := filepath.Join(p.BinDir, prog), args
	if os.Getuid() == 0 {
		name, argv = "runuser", append([]string{"-u", "postgres", "--", filepath.Join(p.BinDir, prog)}, args...)
	}
	cmd := exec.Command(name, argv...)
	cmd.Dir = "/"
	if out, err := cmd.CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.Dir, "postgres.log"))
		t.Fatalf("testenv: %s %s: %v: %s\n%s", prog, strings.Join(args, " "), err, out, log)
	}
}

// Poll polls cond every 20 ms until it holds, failing the test after
// timeout: a wait on a condition, with a deadline generous enough for a
// loaded machine.
func Poll(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
