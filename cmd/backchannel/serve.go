package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"backchannel/app"
	"backchannel/config"
	"backchannel/live"
)

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// serve runs the HTTP server until ctx ends, then shuts down gracefully:
// stop accepting, finish in-flight requests, close streams, close the
// database.
func serve(ctx context.Context, args []string, getenv config.Getenv, stdout, stderr io.Writer) error {
	return serveWith(ctx, "serve", args, getenv, stdout, stderr, serveHooks{})
}

// serveHooks let a command built on serve (demo) add flags, adjust the
// configuration and run beside the server. Every field may be nil.
type serveHooks struct {
	// flags registers the command's own flags.
	flags func(fs *flag.FlagSet)
	// config checks the command's flags and adjusts the configuration after
	// the flags are parsed, before it is validated; an error is a usage error.
	config func(fs *flag.FlagSet, c *config.Config) error
	// prepare runs once the database is ready, before the server answers.
	// The function it returns (if any) runs once the server listens, with a
	// context that ends when the server stops; when it returns, the server
	// shuts down (and serve returns its error).
	prepare func(ctx context.Context, cfg config.Config, c *app.App, log *slog.Logger) (func(ctx context.Context) error, error)
}

// serveWith is serve with hooks; name names the flag set.
func serveWith(ctx context.Context, name string, args []string, getenv config.Getenv, stdout, stderr io.Writer, h serveHooks) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "listen address host:port (BACKCHANNEL_ADDR)")
	if h.flags != nil {
		h.flags(fs)
	}
	var hookErr error
	cfg, err := loadConfig(fs, args, getenv, func(c *config.Config) {
		if *addr != "" {
			c.Addr = *addr
		}
		if h.config != nil {
			hookErr = h.config(fs, c)
		}
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if hookErr != nil {
		return usageErr(hookErr)
	}
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return usageErr(&config.Error{Var: "BACKCHANNEL_ADDR", Msg: fmt.Sprintf("cannot listen on %s: %v", cfg.Addr, err)})
	}
	defer ln.Close()
	if cfg.BaseURLDerived() {
		// With port 0 the system picks the port: print links to the real one.
		cfg.Addr = ln.Addr().String()
		if err := cfg.Validate(); err != nil {
			return usageErr(err)
		}
	}

	c, err := openCore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer c.Close()

	engine := c.Search
	if err := engine.Ping(ctx); err != nil {
		log.Warn("search engine not reachable yet; /readyz reports it", "engine", engine.Name(), "err", err)
	}

	if cfg.AdminEmail != "" {
		created, err := c.Accounts.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
		if err != nil {
			return fmt.Errorf("BACKCHANNEL_ADMIN_EMAIL: %w", err)
		}
		if created {
			log.Info("admin account ready", "email", cfg.AdminEmail)
		}
	}
	var alongside func(ctx context.Context) error
	if h.prepare != nil {
		if alongside, err = h.prepare(ctx, cfg, c, log); err != nil {
			return err
		}
	}
	if token, err := c.Accounts.SetupToken(ctx); err != nil {
		return err
	} else if token != "" {
		fmt.Fprintf(stdout, "\nNo admin account yet. Open this one-time link to create it:\n\n    %s/setup?token=%s\n\n", cfg.BaseURL, token)
	}

	web, err := c.HTTP(ctx, app.HTTPOptions{BaseURL: cfg.BaseURL, SecureCookies: cfg.SecureCookies,
		TrustProxy: cfg.TrustProxy, BodyLimit: cfg.BodyLimit,
		Streams: live.StreamLimits{PerPerson: cfg.StreamsPerPerson, PerAddress: cfg.StreamsPerAddress}})
	if err != nil {
		return err
	}

	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	if cfg.DebugAddr != "" {
		stop, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			return usageErr(&config.Error{Var: "BACKCHANNEL_DEBUG_ADDR", Msg: err.Error()})
		}
		defer stop()
	}
	background := c.Start(runCtx, app.Background{Retention: true, Cleanup: true})
	defer background.Wait()

	// Said before the first request can be answered, so that whoever waits
	// for the server finds the line once it answers.
	log.Info("backchannel listening", "url", cfg.BaseURL, "database", cfg.Redacted(), "search", engine.Name())
	fmt.Fprintf(stdout, "Backchannel is running at %s (press Ctrl+C to stop)\n", cfg.BaseURL)
	errc := make(chan error, 1)
	go func() { errc <- web.Listener(ln) }()

	var runc chan error // nil: never ready
	if alongside != nil {
		runc = make(chan error, 1)
		go func() { runc <- alongside(runCtx) }()
	}
	var runErr error
	select {
	case err := <-errc:
		stopRun()
		if runc != nil {
			<-runc
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	case runErr = <-runc:
		runc = nil
	}
	stopRun()
	if runc != nil {
		<-runc
	}
	log.Info("shutting down: closing streams, finishing in-flight requests")
	c.Hub.Close() // ends every event stream, so shutdown need not wait for them
	if err := web.ShutdownWithTimeout(30 * time.Second); err != nil {
		log.Error("shutdown", "err", err)
	}
	log.Info("stopped")
	return runErr
}

// serveDebug serves Go's profiler on addr (a loopback address, checked by
// config) until stop is called.
func serveDebug(addr string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %v", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("debug listener stopped", "err", err)
		}
	}()
	log.Info("profiler listening", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return func() { srv.Close() }, nil
}
