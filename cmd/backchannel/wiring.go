package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"strings"

	"backchannel/app"
	"backchannel/config"
	"backchannel/search"
)

// loadConfig reads the environment, applies the flags common to every
// command (and, through apply, a command's own), and validates. Errors are
// usage errors (exit status 2).
func loadConfig(fs *flag.FlagSet, args []string, getenv config.Getenv, apply func(*config.Config)) (config.Config, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return cfg, usageErr(err)
	}
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory (BACKCHANNEL_DATA_DIR)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "database URL (BACKCHANNEL_DATABASE_URL)")
	fs.StringVar(&cfg.MeiliURL, "meili-url", cfg.MeiliURL, "Meilisearch URL (BACKCHANNEL_MEILI_URL)")
	logLevel := fs.String("log-level", "", "debug, info, warn or error (BACKCHANNEL_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, usageErr(err)
	}
	if *logLevel != "" {
		lvl, err := config.ParseLogLevel(*logLevel)
		if err != nil {
			return cfg, usageErr(&config.Error{Var: "BACKCHANNEL_LOG_LEVEL", Msg: err.Error()})
		}
		cfg.LogLevel = lvl
	}
	if apply != nil {
		apply(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usageErr(err)
	}
	return cfg, nil
}

func newLogger(w io.Writer, lvl slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lvl}))
}

// openCore opens the database, applies migrations and builds everything
// (app.Open); a database that cannot be opened is a usage error naming
// BACKCHANNEL_DATABASE_URL.
func openCore(ctx context.Context, cfg config.Config, log *slog.Logger) (*app.App, error) {
	a, err := app.Open(ctx, cfg, log)
	if errors.Is(err, app.ErrDatabase) {
		return nil, usageErr(&config.Error{Var: "BACKCHANNEL_DATABASE_URL", Msg: strings.TrimPrefix(err.Error(), app.ErrDatabase.Error()+": ")})
	}
	return a, err
}

// openSearch is openCore that also checks that the search engine answers;
// close releases everything.
func openSearch(ctx context.Context, cfg config.Config, log *slog.Logger) (c *app.App, engine search.Engine, close func(), err error) {
	c, err = openCore(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	close = func() { _ = c.Close() }
	if err := c.Search.Ping(ctx); err != nil {
		close()
		return nil, nil, nil, err
	}
	return c, c.Search, close, nil
}
