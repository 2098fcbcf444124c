package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/uptrace/bun"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/config"
	"backchannel/filters"
	"backchannel/live"
	"backchannel/policies"
	"backchannel/search"
	"backchannel/store"
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

// core is what every command that touches data needs.
type core struct {
	db       *bun.DB
	migrator *store.Migrator
	authz    *policies.Authorizer
	accounts *accounts.Service
	chat     *chat.Service
	filters  *filters.Set
	hub      *live.Hub
	bus      live.Bus
}

// openCore opens the database, applies migrations, and builds the policy
// engine and account service.
func openCore(ctx context.Context, cfg config.Config, log *slog.Logger) (*core, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, usageErr(&config.Error{Var: "BACKCHANNEL_DATABASE_URL", Msg: fmt.Sprintf("%s: %v", cfg.Redacted(), err)})
	}
	m := store.NewMigrator(db)
	applied, err := m.Up(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("applied migrations", "migrations", applied)
	}
	authz, err := policies.New(ctx, db, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	acc := accounts.New(db, authz, accounts.Options{SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax}, log)
	hub := live.NewHub(log)
	var bus live.Bus = live.NewLocalBus(hub)
	if store.IsPostgres(db) {
		// Several instances share PostgreSQL: wake each other's streams.
		pg, err := live.NewPGBus(ctx, db, hub, log)
		if err != nil {
			db.Close()
			return nil, err
		}
		bus = pg
	}
	ch := chat.New(db, bus, authz, chat.Options{}, log)
	if err := ch.EnsureDefaults(ctx); err != nil {
		bus.Close()
		db.Close()
		return nil, err
	}
	// Word and link filters: every post goes through them.
	fs, err := filters.New(ctx, db, log)
	if err != nil {
		bus.Close()
		db.Close()
		return nil, err
	}
	ch.SetFilter(fs)
	return &core{db: db, migrator: m, authz: authz, accounts: acc, chat: ch, filters: fs, hub: hub, bus: bus}, nil
}

// Close ends live streams, stops the bus and closes the database.
func (c *core) Close() error {
	c.hub.Close()
	_ = c.bus.Close()
	return c.db.Close()
}

// csrfKey returns the key every instance signs CSRF tokens with, creating it
// on first start.
func csrfKey(ctx context.Context, db bun.IDB) ([]byte, error) {
	v, err := store.SetSettingOnce(ctx, db, "csrf_key", hex.EncodeToString(randomBytes(32)))
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

// searchEngine picks Meilisearch when configured, the built-in engine otherwise.
func searchEngine(cfg config.Config, db *bun.DB) search.Engine {
	if cfg.MeiliURL != "" {
		return search.NewMeili(cfg.MeiliURL, cfg.MeiliKey, cfg.MeiliIndex)
	}
	return search.NewSQL(db)
}

// openSearch opens the database and the configured search engine and checks
// that the engine answers; close releases both.
func openSearch(ctx context.Context, cfg config.Config, log *slog.Logger) (c *core, engine search.Engine, close func(), err error) {
	c, err = openCore(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	engine = searchEngine(cfg, c.db)
	close = func() {
		_ = engine.Close()
		_ = c.Close()
	}
	if err := engine.Ping(ctx); err != nil {
		close()
		return nil, nil, nil, err
	}
	return c, engine, close, nil
}
