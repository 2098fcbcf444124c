// Package app builds Backchannel's whole object graph in one place: the
// database (migrated), the policy engine, the live hub and bus, the word
// filters, every use case (accounts, chat, moderation, transcripts,
// retention), the search engine, the HTTP stack and the background jobs.
// The serve, demo, bench, reindex and admin commands and every test helper
// start from Open or New, so the wiring exists once.
package app

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"crypto/rand"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"backchannel/accounts"
	"backchannel/attachments"
	"backchannel/chat"
	"backchannel/config"
	"backchannel/filters"
	"backchannel/handlers"
	"backchannel/inbox"
	"backchannel/live"
	"backchannel/moderation"
	"backchannel/policies"
	"backchannel/retention"
	"backchannel/search"
	"backchannel/store"
	"backchannel/transcripts"
)

// App is every part of a running Backchannel.
type App struct {
	DB          *bun.DB
	Migrator    *store.Migrator
	Authz       *policies.Authorizer
	Hub         *live.Hub
	Access      *live.AccessWatch // tells open streams that someone's access may have changed
	Bus         live.Bus
	Filters     *filters.Set
	Accounts    *accounts.Service
	Chat        *chat.Service
	Inbox       *inbox.Service
	InboxFeed   *inbox.Feed // each instance's one reader of the direct-message event log
	Moderation  *moderation.Service
	Transcripts *transcripts.Service
	Retention   *retention.Service
	Attachments *attachments.Service
	Search      search.Engine
	Log         *slog.Logger
	// DMSearch is the direct-message index, apart from Search's channel
	// index (the same engine's own table family or index).
	DMSearch search.DMEngine
}

// Options tune New; the zero value is the production setting.
type Options struct {
	Accounts accounts.Options
	Chat     chat.Options // Chat.Now is every use case's clock
	Inbox    inbox.Options
	// Search is the search engine (default: the built-in engine in the
	// same database).
	Search search.Engine
	// DMSearch is the direct-message index (default: the one beside
	// Search when it keeps one, else the built-in engine's).
	DMSearch search.DMEngine
	// SingleInstance wakes only this process's streams, even on PostgreSQL
	// (tests that share one PostgreSQL database between many schemas must
	// not wake each other; PGBus has tests of its own).
	SingleInstance bool
	// AccessPoll is how often, at most, open streams learn that access
	// changed (live.AccessPoll when zero).
	AccessPoll time.Duration
	// Storage keeps attachments' bytes (default: the database).
	Storage attachments.Storage
	// SearchLanguage is whose word forms the default search engine
	// matches (search.DefaultLanguage when empty).
	SearchLanguage search.Language
}

// ErrDatabase wraps a failure to open the configured database: a setup
// mistake, reported against BACKCHANNEL_DATABASE_URL.
var ErrDatabase = errors.New("app: cannot open the database")

// Open opens the configured database, applies pending migrations and builds
// everything on it, with Meilisearch when cfg names one and the built-in
// search engine otherwise.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrDatabase, cfg.Redacted(), err)
	}
	applied, err := store.NewMigrator(db).Up(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("applied migrations", "migrations", applied)
	}
	opts := Options{Accounts: accounts.Options{SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax}}
	lang, err := search.ParseLanguage(cfg.SearchLanguage)
	if err != nil {
		db.Close()
		return nil, err
	}
	opts.SearchLanguage = lang
	if cfg.MeiliURL != "" {
		opts.Search = search.NewMeili(cfg.MeiliURL, cfg.MeiliKey, cfg.MeiliIndex, search.WithLanguage(lang))
	}
	if cfg.Storage.Kind == "s3" {
		if opts.Storage, err = attachments.NewS3Storage(cfg.Storage); err != nil {
			db.Close()
			return nil, err
		}
	}
	a, err := New(ctx, db, opts, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// New builds everything on db, which must be migrated. Close releases what
// New started and closes db.
func New(ctx context.Context, db *bun.DB, opts Options, log *slog.Logger) (*App, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &App{DB: db, Migrator: store.NewMigrator(db), Hub: live.NewHub(log), Search: opts.Search, Log: log}
	if a.Search == nil {
		a.Search = search.NewSQL(db, search.WithLanguage(opts.SearchLanguage))
	}
	a.DMSearch = dmSearch(db, a.Search, opts.DMSearch)
	var err error
	if a.Authz, err = policies.New(ctx, db, log); err != nil {
		return nil, err
	}
	a.Access = live.NewAccessWatch(func(ctx context.Context) (string, error) {
		return store.AccessVersions(ctx, db, policies.VersionSetting, store.AccessVersionSetting)
	}, opts.AccessPoll)
	a.Bus = live.NewLocalBus(a.Hub)
	if store.IsPostgres(db) && !opts.SingleInstance {
		// Several instances share PostgreSQL: wake each other's streams.
		if a.Bus, err = live.NewPGBus(ctx, db, a.Hub, log); err != nil {
			return nil, err
		}
	}
	// Word and link filters: every post goes through them.
	if a.Filters, err = filters.New(ctx, db, log); err != nil {
		a.Bus.Close()
		return nil, err
	}
	now := opts.Chat.Now
	a.Accounts = accounts.New(db, a.Authz, opts.Accounts, log)
	a.Chat = chat.New(db, a.Bus, a.Authz, a.Filters, opts.Chat, log)
	a.Hub.Observe(a.Chat.LiveObserver()) // every stream of a channel reads its events once
	a.Moderation = moderation.New(db, a.Chat, a.Authz, moderation.Options{Now: now})
	inboxOpts := opts.Inbox
	if inboxOpts.Now == nil {
		inboxOpts.Now = now
	}
	a.Inbox = inbox.New(db, a.Bus, a.Filters, a.Authz, inboxOpts, log)
	a.InboxFeed = inbox.NewFeed(db)
	a.Hub.Observe(a.InboxFeed.Observer()) // every inbox stream reads the log's new events once
	a.InboxFeed.Start(ctx, a.Hub, log)    // and wakes only the streams of each event's recipients
	a.Transcripts = transcripts.New(db, a.Chat, a.Authz, now)
	a.Retention = retention.New(db, now, log)
	a.Attachments = attachments.New(db, opts.Storage, log)
	a.Attachments.Visibility = attachments.MessageVisibility{Channels: a.Chat, Service: a.Attachments}
	a.Retention.Files = a.Attachments // retention deletes the bytes of the files it removes
	a.Moderation.UseFiles(a.Attachments)
	if now != nil {
		a.Attachments.Now = now
	}
	if err := a.Chat.EnsureDefaults(ctx); err != nil {
		a.Bus.Close()
		return nil, err
	}
	return a, nil
}

// Close ends live streams, stops the bus, the search client and the
// database.
func (a *App) Close() error {
	a.Hub.Close()
	_ = a.Bus.Close()
	_ = a.Search.Close()
	return a.DB.Close()
}

// HTTPOptions are the settings of the HTTP stack that are not use cases.
type HTTPOptions struct {
	BaseURL       string
	SecureCookies bool
	TrustProxy    bool
	BodyLimit     int
	// ReadTimeout bounds reading a request, and the wait for each piece of
	// an upload (zero: 30 s).
	ReadTimeout time.Duration
	// CSRFKey signs CSRF tokens; nil: the key stored in the database, shared
	// by every instance (made on first start).
	CSRFKey []byte
	// Streams caps the event streams open at once per person and per
	// address (zero fields: live's defaults).
	Streams live.StreamLimits
}

// HTTP builds the fiber app with every route.
func (a *App) HTTP(ctx context.Context, o HTTPOptions) (*fiber.App, error) {
	if o.CSRFKey == nil {
		v, err := store.SetSettingOnce(ctx, a.DB, "csrf_key", hex.EncodeToString(randomBytes(32)))
		if err != nil {
			return nil, err
		}
		if o.CSRFKey, err = hex.DecodeString(v); err != nil {
			return nil, fmt.Errorf("app: csrf key: %w", err)
		}
	}
	return handlers.New(handlers.Deps{
		Accounts: a.Accounts, Chat: a.Chat, Moderation: a.Moderation, Transcripts: a.Transcripts,
		Inbox:     a.Inbox,
		Retention: a.Retention, Attachments: a.Attachments, Filters: a.Filters, Hub: a.Hub, Access: a.Access, Authz: a.Authz, Search: a.Search,
		Migrations: a.Migrator, Log: a.Log, BaseURL: o.BaseURL, SecureCookies: o.SecureCookies,
		TrustProxy: o.TrustProxy, BodyLimit: o.BodyLimit, ReadTimeout: o.ReadTimeout, CSRFKey: o.CSRFKey, Streams: o.Streams,
		InboxFeed: a.InboxFeed, DMSearch: a.DMSearch,
	}), nil
}

// Background options: how often each job runs.
type Background struct {
	IndexerIdle time.Duration // 0: the indexer's default
	Retention   bool          // run the retention job (shortly after start, then hourly)
	Cleanup     bool          // remove expired sign-ins and old sign-in attempts
}

// Start runs the background jobs until ctx ends; Wait on the result after.
// The search indexer always runs (it sets the engine up first, retrying
// while it is down).
func (a *App) Start(ctx context.Context, b Background) *sync.WaitGroup {
	var wg sync.WaitGroup
	ix := search.NewIndexer(a.Search, a.Transcripts.IndexSource(), a.Log)
	if b.IndexerIdle > 0 {
		ix.Idle = b.IndexerIdle
	}
	wg.Go(func() { _ = ix.Run(ctx) })
	dmix := search.NewDMIndexer(a.DMSearch, a.Inbox.IndexSource(), a.Log)
	if b.IndexerIdle > 0 {
		dmix.Idle = b.IndexerIdle
	}
	wg.Go(func() { _ = dmix.Run(ctx) })
	if b.Retention {
		wg.Go(func() { a.Retention.Run(ctx) })
	}
	if b.Cleanup {
		wg.Go(func() { a.cleanup(ctx) })
	}
	return &wg
}

// cleanup removes expired sign-ins and old sign-in attempts every ten
// minutes until ctx ends.
func (a *App) cleanup(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if err := a.Accounts.Cleanup(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("cleanup", "err", err)
		}
		if err := a.Chat.CleanupJoinFailures(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("cleanup", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
