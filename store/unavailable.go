package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/uptrace/bun/driver/pgdriver"

	"backchannel/model"
)

// Unavailable reports whether err says the database cannot be reached or
// cannot serve right now, rather than that the request was wrong: a closed
// pool, a refused or dropped connection, PostgreSQL shutting down,
// restarting or missing its database, SQLite busy or locked. The HTTP layer
// answers those 503 with Retry-After instead of 500.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, model.ErrUnavailable) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	// pgdriver reports a connection the server closed mid-query (a
	// restart, a crash) as a bare io.EOF.
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		return true
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		code := pgErr.Field('C')
		switch {
		case strings.HasPrefix(code, "08"), // connection exception
			strings.HasPrefix(code, "57P"), // admin shutdown (pg_terminate_backend), crash shutdown, cannot connect now
			code == "3D000",                // the database does not exist (dropped)
			code == "53300":                // too many connections
			return true
		}
		return false
	}
	// database/sql's own and modernc SQLite's errors carry no type to
	// match: SQLITE_BUSY (5) and SQLITE_LOCKED (6) say "database is
	// locked" / "database table is locked"; a closed pool says "sql:
	// database is closed".
	s := err.Error()
	return strings.Contains(s, "sql: database is closed") || strings.Contains(s, "database is locked") ||
		strings.Contains(s, "database table is locked") || strings.Contains(s, "SQLITE_BUSY")
}
