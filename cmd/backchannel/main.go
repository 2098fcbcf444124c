// Command backchannel runs the Backchannel server and its admin tasks.
//
//	backchannel serve                      start the server
//	backchannel migrate up|down|status     manage the database schema
//	backchannel user create|set-role|disable|enable
//	backchannel token create --email …     print a personal access token
//	backchannel demo                       the server with a demo channel and a simulated audience
//	backchannel filter check --rules FILE  filter stdin lines, one JSON verdict per line
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"backchannel/config"
)

const usage = `Backchannel: a self-hosted backchannel and moderation server.

Usage:
  backchannel serve [flags]                 start the server (default command)
  backchannel migrate up|down|status        apply, roll back or list database migrations
  backchannel user create --email E --password P [--name N] [--role R]
  backchannel user set-role --email E --role admin|moderator|host|participant
  backchannel user disable --email E
  backchannel user enable --email E
  backchannel token create --email E [--name N]
  backchannel demo [flags]                  serve a demo channel with a simulated audience
                                            (data in ./data/demo; see "backchannel demo -h")
  backchannel reindex [flags]               rebuild the search index from the database
  backchannel bench seed [flags]            fill a database with realistic messages for benchmarks
  backchannel filter check --rules FILE     filter messages (one per line on stdin) with the rules
                                            in FILE; one JSON verdict per line (no database)

Configuration comes from BACKCHANNEL_* environment variables (see README.md);
flags override them. Run "backchannel serve -h" for the serve flags.
`

// exitError carries the exit status of a failed command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr is a command-line or configuration mistake: exit status 2.
func usageErr(err error) error { return &exitError{code: 2, err: err} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		code := 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		fmt.Fprintln(os.Stderr, "backchannel: "+err.Error())
		os.Exit(code)
	}
}

// run is main without the process: testable end to end. stdin may be nil
// (no input).
func run(ctx context.Context, args []string, getenv config.Getenv, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, args, getenv, stdout, stderr)
	case "user":
		return userCmd(ctx, args, getenv, stdout, stderr)
	case "token":
		return tokenCmd(ctx, args, getenv, stdout, stderr)
	case "demo":
		return demoCmd(ctx, args, getenv, stdout, stderr)
	case "filter":
		return filterCmd(ctx, args, stdin, stdout, stderr)
	case "reindex":
		return reindexCmd(ctx, args, getenv, stdout, stderr)
	case "bench":
		return benchCmd(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageErr(fmt.Errorf("unknown command %q", cmd))
}
