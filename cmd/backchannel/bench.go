package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"backchannel/app"
	"backchannel/config"
	"backchannel/loadgen"
	"backchannel/search"
	"backchannel/store"
)

const benchUsage = `Usage:
  backchannel bench seed [--messages N] [--channels N] [--seed N] [--append] [--index]
        fill the database with generated course traffic (bulk inserts, no outbox)
  backchannel bench search [--queries N] [--concurrency N] [--duration D]
        time two-word searches with a channel filter against the configured engine
  backchannel bench lag [--rate N] [--duration D]
        post through chat at a steady rate and time until each message is searchable
  backchannel bench live [--url U] [--subscribers N] [--posters N] [--rate N] [--duration D] [--server-pid P] [--stream json|html] [--post-url U2]
        open N event streams on a running server, post through its API and time each delivery
  backchannel bench upload [--url U] [--kind jpeg|pdf] [--size-mb N] [--uploads N] [--concurrency N] [--server-pid P]
        upload files through a running server's API, streamed, and time each upload (with re-encoding and thumbnail)

Every subcommand takes --database-url, --meili-url and --meili-index; the
engine is Meilisearch when a Meilisearch URL is set, the built-in one otherwise.
`

// benchCmd parses the flags of the benchmark tools and runs them (package
// loadgen).
func benchCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, benchUsage)
		return usageErr(fmt.Errorf("bench: say seed, search, lag, live or upload"))
	}
	switch args[0] {
	case "seed":
		return benchSeed(ctx, args[1:], getenv, stdout, stderr)
	case "search":
		return benchSearch(ctx, args[1:], getenv, stdout, stderr)
	case "live":
		return benchLive(ctx, args[1:], getenv, stdout, stderr)
	case "lag":
		return benchLag(ctx, args[1:], getenv, stdout, stderr)
	case "upload":
		return benchUpload(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, benchUsage)
		return nil
	}
	fmt.Fprint(stderr, benchUsage)
	return usageErr(fmt.Errorf("bench: unknown subcommand %q", args[0]))
}

// runBench parses the flags of a bench subcommand (fs holds its own; the
// ones every subcommand shares are added here), checks them with check (a
// failure is a usage error) and runs the subcommand.
func runBench(ctx context.Context, fs *flag.FlagSet, args []string, getenv config.Getenv, stderr io.Writer,
	check func() error, run func(ctx context.Context, cfg config.Config, log *slog.Logger) error) error {
	fs.SetOutput(stderr)
	var index string
	fs.StringVar(&index, "meili-index", "", "Meilisearch index (BACKCHANNEL_MEILI_INDEX, default messages)")
	cfg, err := loadConfig(fs, args, getenv, func(c *config.Config) {
		if index != "" {
			c.MeiliIndex = index
		}
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := check(); err != nil {
		return usageErr(err)
	}
	return run(ctx, cfg, newLogger(stderr, cfg.LogLevel))
}

// badFlag is the error msg when bad holds, nil otherwise: cmp.Or of a
// subcommand's badFlags is its first mistake.
func badFlag(bad bool, msg string) error {
	if bad {
		return errors.New(msg)
	}
	return nil
}

// services is what loadgen's tools drive, from c.
func services(c *app.App, log *slog.Logger) loadgen.Services {
	return loadgen.Services{DB: c.DB, Accounts: c.Accounts, Chat: c.Chat, Index: c.Transcripts.IndexSource(), Log: log}
}

// benchSeed parses bench seed's flags and seeds (loadgen.Seed).
func benchSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench seed", flag.ContinueOnError)
	var gen loadgen.Config
	var o loadgen.SeedOptions
	fs.IntVar(&gen.Messages, "messages", 1000000, "messages to generate")
	fs.IntVar(&gen.Channels, "channels", 50, "course channels (physics-101, chem-101, …)")
	fs.IntVar(&gen.Users, "users", 0, "participants (0: one per 400 messages, 60 to 20,000)")
	fs.Uint64Var(&gen.Seed, "seed", 1, "seed of the generator: the same seed makes the same messages")
	appendTo := fs.Bool("append", false, "add to a database that already holds messages")
	index := fs.Bool("index", false, "rebuild the search index afterwards (like backchannel reindex)")
	fs.IntVar(&o.Rows, "rows", 1000, "rows per INSERT statement")
	fs.IntVar(&o.TxRows, "tx", 20000, "messages per transaction")
	indexBatch := fs.Int("index-batch", 1000, "with --index: documents written to the engine at once")
	check := func() error {
		return cmp.Or(
			badFlag(gen.Messages < 1 || gen.Messages > 100_000_000, "bench seed: --messages must be between 1 and 100000000"),
			badFlag(gen.Channels < 1 || gen.Channels > 10000, "bench seed: --channels must be between 1 and 10000"),
			badFlag(gen.Users < 0, "bench seed: --users must not be negative"),
			badFlag(o.Rows < 1 || o.Rows > 10000, "bench seed: --rows must be between 1 and 10000"),
			badFlag(o.TxRows < 1, "bench seed: --tx must be positive"),
			badFlag(*indexBatch < 1 || *indexBatch > 10000, "bench seed: --index-batch must be between 1 and 10000"),
		)
	}
	return runBench(ctx, fs, args, getenv, stderr, check, func(ctx context.Context, cfg config.Config, log *slog.Logger) error {
		c, err := openCore(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer c.Close()
		have, err := store.CountMessages(ctx, c.DB)
		if err != nil {
			return err
		}
		if have > 0 && !*appendTo {
			return usageErr(fmt.Errorf("bench seed: the database already holds %d messages; add --append to add more", have))
		}
		gen.End = time.Now()
		plan, err := loadgen.New(gen)
		if err != nil {
			return usageErr(fmt.Errorf("bench seed: %w", err))
		}
		if _, err := loadgen.Seed(ctx, c.DB, c.Authz, plan, o, stdout); err != nil {
			return err
		}
		if !*index {
			fmt.Fprintln(stdout, "The messages are not in the search index: run `backchannel reindex` to index them (or seed with --index).")
			return nil
		}
		return benchIndex(ctx, cfg, c, *indexBatch, stdout)
	})
}

// benchIndex rebuilds the search index after bench seed --index, as
// backchannel reindex does.
func benchIndex(ctx context.Context, cfg config.Config, c *app.App, batch int, stdout io.Writer) error {
	engine := c.Search
	if err := engine.Ping(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Rebuilding the %s index…\n", engine.Name())
	bar := progressBar{w: stdout, start: time.Now()}
	if err := search.Rebuild(ctx, engine, c.Transcripts.IndexSource(), batch, bar.update); err != nil {
		fmt.Fprintln(stdout)
		return err
	}
	bar.finish()
	if cfg.MeiliURL != "" {
		return nil
	}
	// The built-in index was loaded in bulk: refresh PostgreSQL's statistics
	// of it, as autovacuum would a little later.
	if err := store.Analyze(ctx, c.DB, "search_docs"); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// benchSearch parses bench search's flags and times searches
// (loadgen.SearchBench).
func benchSearch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	var o loadgen.SearchOptions
	fs.IntVar(&o.Queries, "queries", 500, "queries to time")
	fs.IntVar(&o.Warmup, "warmup", 50, "queries run first and not timed")
	fs.IntVar(&o.Concurrency, "concurrency", 4, "queries in flight at once")
	fs.DurationVar(&o.Duration, "duration", 2*time.Minute, "stop after this long, whatever happens")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the queries")
	fs.BoolVar(&o.Staff, "staff", false, "search as staff (every state) rather than as a participant (visible messages)")
	fs.BoolVar(&o.Facets, "facets", true, "ask for facets (tags, channels, authors) as the search page does")
	fs.IntVar(&o.CommonWords, "common-words", 0, "search the N most common words of the messages, one a query, in turn (0: two words of the channel's course)")
	check := func() error {
		return cmp.Or(
			badFlag(o.Queries < 1 || o.Queries > 1_000_000, "bench search: --queries must be between 1 and 1000000"),
			badFlag(o.Warmup < 0, "bench search: --warmup must not be negative"),
			badFlag(o.Concurrency < 1 || o.Concurrency > 256, "bench search: --concurrency must be between 1 and 256"),
			badFlag(o.Duration <= 0, "bench search: --duration must be positive"),
			badFlag(o.CommonWords < 0 || o.CommonWords > 1000, "bench search: --common-words must be between 0 and 1000"),
		)
	}
	return runBench(ctx, fs, args, getenv, stderr, check, func(ctx context.Context, cfg config.Config, log *slog.Logger) error {
		ctx, cancel := context.WithTimeout(ctx, o.Duration) // opening counts too
		defer cancel()
		c, engine, closeAll, err := openSearch(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer closeAll()
		return loadgen.SearchBench(ctx, c.DB, engine, o, stdout)
	})
}

// benchLag parses bench lag's flags and times the indexing lag
// (loadgen.LagBench).
func benchLag(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench lag", flag.ContinueOnError)
	var o loadgen.LagOptions
	fs.Float64Var(&o.Rate, "rate", 100, "messages per second")
	fs.DurationVar(&o.Duration, "duration", 60*time.Second, "how long to post")
	fs.DurationVar(&o.Drain, "drain", 30*time.Second, "how long to wait afterwards for the last messages to become searchable")
	fs.DurationVar(&o.Poll, "poll", 50*time.Millisecond, "how often to search for the messages not found yet")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the message bodies")
	check := func() error {
		return cmp.Or(
			badFlag(o.Rate <= 0 || o.Rate > 10000, "bench lag: --rate must be above 0 and at most 10000"),
			badFlag(o.Duration <= 0 || o.Duration > time.Hour, "bench lag: --duration must be positive and at most 1h"),
			badFlag(o.Drain < 0 || o.Drain > 10*time.Minute, "bench lag: --drain must be between 0 and 10m"),
			badFlag(o.Poll < time.Millisecond, "bench lag: --poll must be at least 1ms"),
		)
	}
	return runBench(ctx, fs, args, getenv, stderr, check, func(ctx context.Context, cfg config.Config, log *slog.Logger) error {
		c, engine, closeAll, err := openSearch(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer closeAll()
		return loadgen.LagBench(ctx, services(c, log), engine, o, stdout)
	})
}

// benchLive parses bench live's flags and loads a running server's live
// streams (loadgen.LiveBench).
func benchLive(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench live", flag.ContinueOnError)
	var o loadgen.LiveOptions
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "the running server (its database is the one configured here)")
	fs.StringVar(&o.PostURL, "post-url", "", "post through this server instead (another instance on the same database: delivery across instances)")
	fs.IntVar(&o.Subscribers, "subscribers", 1000, "event streams to open")
	fs.IntVar(&o.Posters, "posters", 8, "accounts posting in parallel")
	fs.Float64Var(&o.Rate, "rate", 100, "messages per second in all (0: as fast as the posters can)")
	fs.DurationVar(&o.Duration, "duration", 20*time.Second, "how long to post")
	fs.DurationVar(&o.Drain, "drain", 10*time.Second, "how long to wait afterwards for the last deliveries")
	fs.IntVar(&o.ServerPID, "server-pid", 0, "the server's process id, to report its CPU and memory (Linux)")
	fs.StringVar(&o.Stream, "stream", loadgen.StreamJSON, "the event stream to open: json (the API's) or html (the channel page's)")
	check := func() error {
		return cmp.Or(
			badFlag(o.PostURL != "" && !strings.HasPrefix(o.PostURL, "http://") && !strings.HasPrefix(o.PostURL, "https://"), "bench live: --post-url must be an http(s) URL"),
			badFlag(o.Subscribers < 1 || o.Subscribers > 50000, "bench live: --subscribers must be between 1 and 50000"),
			badFlag(o.Posters < 1 || o.Posters > 256, "bench live: --posters must be between 1 and 256"),
			badFlag(o.Rate < 0 || o.Rate > 100000, "bench live: --rate must be between 0 and 100000"),
			badFlag(o.Duration <= 0 || o.Duration > time.Hour, "bench live: --duration must be positive and at most 1h"),
			badFlag(o.Drain < 0 || o.Drain > 10*time.Minute, "bench live: --drain must be between 0 and 10m"),
			badFlag(o.Stream != loadgen.StreamJSON && o.Stream != loadgen.StreamHTML, "bench live: --stream must be json or html"),
		)
	}
	return runBench(ctx, fs, args, getenv, stderr, check, func(ctx context.Context, cfg config.Config, log *slog.Logger) error {
		c, err := openCore(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer c.Close()
		return loadgen.LiveBench(ctx, services(c, log), o, stdout)
	})
}

func benchUpload(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench upload", flag.ContinueOnError)
	var o loadgen.UploadOptions
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "the running server (its database is the one configured here)")
	fs.StringVar(&o.Kind, "kind", loadgen.UploadJPEG, "the file: jpeg (re-encoded and thumbnailed) or pdf (stored as sent)")
	fs.IntVar(&o.SizeMB, "size-mb", 10, "the file's size in MB (about, for a JPEG)")
	fs.IntVar(&o.Uploads, "uploads", 10, "uploads in all, each from an account of its own")
	fs.IntVar(&o.Concurrency, "concurrency", 1, "uploads in flight at once")
	fs.IntVar(&o.ServerPID, "server-pid", 0, "the server's process id, to report its CPU and peak memory (Linux)")
	check := func() error {
		return cmp.Or(
			badFlag(o.Kind != loadgen.UploadJPEG && o.Kind != loadgen.UploadPDF, "bench upload: --kind must be jpeg or pdf"),
			badFlag(o.SizeMB < 1 || o.SizeMB > 100, "bench upload: --size-mb must be between 1 and 100"),
			badFlag(o.Uploads < 1 || o.Uploads > 1000, "bench upload: --uploads must be between 1 and 1000"),
			badFlag(o.Concurrency < 1 || o.Concurrency > 100, "bench upload: --concurrency must be between 1 and 100"),
		)
	}
	return runBench(ctx, fs, args, getenv, stderr, check, func(ctx context.Context, cfg config.Config, log *slog.Logger) error {
		c, err := openCore(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer c.Close()
		return loadgen.UploadBench(ctx, services(c, log), o, stdout)
	})
}
