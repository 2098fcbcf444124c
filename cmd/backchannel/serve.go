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
	"time"

	"backchannel/config"
	"backchannel/handlers"
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
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "listen address host:port (BACKCHANNEL_ADDR)")
	cfg, err := loadConfig(fs, args, getenv, func(c *config.Config) {
		if *addr != "" {
			c.Addr = *addr
		}
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
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

	key, err := csrfKey(ctx, c.db)
	if err != nil {
		return err
	}
	engine := searchEngine(cfg, c.db)
	defer engine.Close()
	if err := engine.Ping(ctx); err != nil {
		log.Warn("search engine not reachable yet; /readyz reports it", "engine", engine.Name(), "err", err)
	}

	if cfg.AdminEmail != "" {
		created, err := c.accounts.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
		if err != nil {
			return fmt.Errorf("BACKCHANNEL_ADMIN_EMAIL: %w", err)
		}
		if created {
			log.Info("admin account ready", "email", cfg.AdminEmail)
		}
	}
	if token, err := c.accounts.SetupToken(ctx); err != nil {
		return err
	} else if token != "" {
		fmt.Fprintf(stdout, "\nNo admin account yet. Open this one-time link to create it:\n\n    %s/setup?token=%s\n\n", cfg.BaseURL, token)
	}

	app := handlers.New(handlers.Deps{
		DB: c.db, Accounts: c.accounts, Chat: c.chat, Hub: c.hub, Authz: c.authz, Search: engine, Migrations: c.migrator, Log: log,
		BaseURL: cfg.BaseURL, SecureCookies: cfg.SecureCookies, TrustProxy: cfg.TrustProxy,
		BodyLimit: cfg.BodyLimit, CSRFKey: key,
	})

	go cleanupLoop(ctx, c, log)

	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	log.Info("backchannel listening", "url", cfg.BaseURL, "database", cfg.Redacted(), "search", engine.Name())
	fmt.Fprintf(stdout, "Backchannel is running at %s (press Ctrl+C to stop)\n", cfg.BaseURL)

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: closing streams, finishing in-flight requests")
	c.hub.Close() // ends every event stream, so shutdown need not wait for them
	if err := app.ShutdownWithTimeout(30 * time.Second); err != nil {
		log.Error("shutdown", "err", err)
	}
	log.Info("stopped")
	return nil
}

// cleanupLoop removes expired sessions and old sign-in attempts every few
// minutes until ctx ends.
func cleanupLoop(ctx context.Context, c *core, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if err := c.accounts.Cleanup(ctx); err != nil && ctx.Err() == nil {
			log.Warn("cleanup", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
