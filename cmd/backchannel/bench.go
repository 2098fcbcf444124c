package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"backchannel/app"
	"backchannel/chat"
	"backchannel/config"
	"backchannel/loadgen"
	"backchannel/model"
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

Every subcommand takes --database-url, --meili-url and --meili-index; the
engine is Meilisearch when a Meilisearch URL is set, the built-in one otherwise.
`

// benchCmd runs the benchmark tools.
func benchCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, benchUsage)
		return usageErr(fmt.Errorf("bench: say seed, search or lag"))
	}
	switch args[0] {
	case "seed":
		return benchSeed(ctx, args[1:], getenv, stdout, stderr)
	case "search":
		return benchSearch(ctx, args[1:], getenv, stdout, stderr)
	case "lag":
		return benchLag(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, benchUsage)
		return nil
	}
	fmt.Fprint(stderr, benchUsage)
	return usageErr(fmt.Errorf("bench: unknown subcommand %q", args[0]))
}

// benchConfig parses the flags every bench subcommand shares.
func benchConfig(fs *flag.FlagSet, args []string, getenv config.Getenv) (config.Config, error) {
	var index string
	fs.StringVar(&index, "meili-index", "", "Meilisearch index (BACKCHANNEL_MEILI_INDEX, default messages)")
	return loadConfig(fs, args, getenv, func(c *config.Config) {
		if index != "" {
			c.MeiliIndex = index
		}
	})
}

// ---------------------------------------------------------------- seed

// seedOptions are the flags of bench seed.
type seedOptions struct {
	messages, channels, users int
	seed                      uint64
	appendTo, index           bool
	rows, txRows, indexBatch  int
}

func benchSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o seedOptions
	fs.IntVar(&o.messages, "messages", 1000000, "messages to generate")
	fs.IntVar(&o.channels, "channels", 50, "course channels (physics-101, chem-101, …)")
	fs.IntVar(&o.users, "users", 0, "participants (0: one per 400 messages, 60 to 20,000)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generator: the same seed makes the same messages")
	fs.BoolVar(&o.appendTo, "append", false, "add to a database that already holds messages")
	fs.BoolVar(&o.index, "index", false, "rebuild the search index afterwards (like backchannel reindex)")
	fs.IntVar(&o.rows, "rows", 1000, "rows per INSERT statement")
	fs.IntVar(&o.txRows, "tx", 20000, "messages per transaction")
	fs.IntVar(&o.indexBatch, "index-batch", 1000, "with --index: documents written to the engine at once")
	cfg, err := benchConfig(fs, args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case o.messages < 1 || o.messages > 100_000_000:
		return usageErr(fmt.Errorf("bench seed: --messages must be between 1 and 100000000"))
	case o.channels < 1 || o.channels > 10000:
		return usageErr(fmt.Errorf("bench seed: --channels must be between 1 and 10000"))
	case o.users < 0:
		return usageErr(fmt.Errorf("bench seed: --users must not be negative"))
	case o.rows < 1 || o.rows > 10000:
		return usageErr(fmt.Errorf("bench seed: --rows must be between 1 and 10000"))
	case o.txRows < 1:
		return usageErr(fmt.Errorf("bench seed: --tx must be positive"))
	case o.indexBatch < 1 || o.indexBatch > 10000:
		return usageErr(fmt.Errorf("bench seed: --index-batch must be between 1 and 10000"))
	}
	log := newLogger(stderr, cfg.LogLevel)
	c, err := openCore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer c.Close()
	have, err := store.CountMessages(ctx, c.DB)
	if err != nil {
		return err
	}
	if have > 0 && !o.appendTo {
		return usageErr(fmt.Errorf("bench seed: the database already holds %d messages; add --append to add more", have))
	}
	plan, err := loadgen.New(loadgen.Config{Seed: o.seed, Messages: o.messages, Channels: o.channels, Users: o.users, End: time.Now()})
	if err != nil {
		return usageErr(fmt.Errorf("bench seed: %w", err))
	}
	fmt.Fprintf(stdout, "Seeding %d messages in %d channels (%d sessions, %d people, seed %d) into %s…\n",
		o.messages, len(plan.Channels), len(plan.Sessions), len(plan.Users), o.seed, c.DB.Dialect().Name())
	s := &seeder{db: c.DB, plan: plan, o: o, authz: c.Authz}
	start := time.Now()
	if err := s.prepare(ctx); err != nil {
		return err
	}
	if err := s.messages(ctx, stdout); err != nil {
		fmt.Fprintln(stdout)
		return err
	}
	d := time.Since(start)
	fmt.Fprintf(stdout, "\nSeeded %d messages in %s (%.0f messages/s), with %d votes and %d tags.\n",
		o.messages, d.Round(time.Millisecond), float64(o.messages)/max(d.Seconds(), 0.001), s.votes, s.tags)
	if store.IsPostgres(c.DB) {
		if _, err := c.DB.ExecContext(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("bench seed: analyze: %w", err)
		}
	}
	if !o.index {
		fmt.Fprintln(stdout, "The messages are not in the search index: run `backchannel reindex` to index them (or seed with --index).")
		return nil
	}
	engine := c.Search
	if err := engine.Ping(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Rebuilding the %s index…\n", engine.Name())
	bar := progressBar{w: stdout, start: time.Now()}
	if err := search.Rebuild(ctx, engine, c.Transcripts.IndexSource(), o.indexBatch, bar.update); err != nil {
		fmt.Fprintln(stdout)
		return err
	}
	bar.finish()
	return analyzeIndex(ctx, c.DB, cfg)
}

// analyzeIndex refreshes PostgreSQL's statistics of the built-in index
// after a bulk load, as autovacuum would a little later.
func analyzeIndex(ctx context.Context, db *bun.DB, cfg config.Config) error {
	if cfg.MeiliURL != "" || !store.IsPostgres(db) {
		return nil
	}
	if _, err := db.ExecContext(ctx, "ANALYZE search_docs"); err != nil {
		return fmt.Errorf("bench: analyze search_docs: %w", err)
	}
	return nil
}

// seeder writes a plan to the database with multi-row inserts.
type seeder struct {
	db    *bun.DB
	plan  *loadgen.Plan
	o     seedOptions
	authz interface {
		Grant(ctx context.Context, userID int64, role model.Role, domain string) error
	}
	userIDs, channelIDs, sessionIDs []int64
	lastSeq                         []int64 // by channel index
	tagIDs                          map[string]int64
	firstID                         int64 // id of the stream's message 0
	votes, tags                     int
}

// prepare writes (or finds) the people, channels, tags and sessions.
func (s *seeder) prepare(ctx context.Context) error {
	p := s.plan
	// People: reuse accounts an earlier seed with the same --seed made.
	s.userIDs = make([]int64, len(p.Users))
	byEmail := map[string]int64{}
	for start := 0; start < len(p.Users); start += 1000 {
		var rows []model.User
		emails := make([]string, 0, 1000)
		for _, u := range p.Users[start:min(start+1000, len(p.Users))] {
			emails = append(emails, u.Email)
		}
		if err := s.db.NewSelect().Model(&rows).Column("id", "email").Where("email IN (?)", bun.In(emails)).Scan(ctx); err != nil {
			return fmt.Errorf("bench seed: find people: %w", err)
		}
		for _, u := range rows {
			byEmail[u.Email] = u.ID
		}
	}
	now := time.Now().UTC()
	var fresh []model.User
	var freshIdx []int
	for i, u := range p.Users {
		if id, ok := byEmail[u.Email]; ok {
			s.userIDs[i] = id
			continue
		}
		fresh = append(fresh, model.User{Email: u.Email, DisplayName: u.Name, CreatedAt: now, UpdatedAt: now})
		freshIdx = append(freshIdx, i)
	}
	for start := 0; start < len(fresh); start += s.o.rows {
		part := fresh[start:min(start+s.o.rows, len(fresh))]
		if _, err := s.db.NewInsert().Model(&part).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("bench seed: people: %w", err)
		}
		for k, u := range part {
			s.userIDs[freshIdx[start+k]] = u.ID
		}
	}

	// Channels: public, default settings, run by their host.
	s.channelIDs = make([]int64, len(p.Channels))
	s.lastSeq = make([]int64, len(p.Channels))
	for i, pc := range p.Channels {
		ch, err := store.ChannelBySlug(ctx, s.db, pc.Slug)
		if errors.Is(err, model.ErrNotFound) {
			host := s.userIDs[pc.Host]
			ch = &model.Channel{Slug: pc.Slug, Title: pc.Title, Description: pc.Description,
				ChannelSettings: chat.DefaultSettings(), CreatedBy: &host}
			if err = store.CreateChannel(ctx, s.db, ch); err == nil {
				err = s.authz.Grant(ctx, host, model.RoleHost, ch.Slug)
			}
			if err == nil {
				err = store.AddMember(ctx, s.db, ch.ID, host)
			}
		}
		if err != nil {
			return fmt.Errorf("bench seed: channel %s: %w", pc.Slug, err)
		}
		s.channelIDs[i], s.lastSeq[i] = ch.ID, ch.LastSeq
	}

	s.tagIDs = map[string]int64{}
	colours := []string{"#d9480f", "#1971c2", "#2f9e44", "#c2255c", "#6741d9", "#495057"}
	for i, name := range loadgen.Tags() {
		t, err := store.EnsureTag(ctx, s.db, name, colours[i%len(colours)], 0)
		if err != nil {
			return fmt.Errorf("bench seed: %w", err)
		}
		s.tagIDs[name] = t.ID
	}

	// Sessions: every one has ended.
	s.sessionIDs = make([]int64, len(p.Sessions))
	rows := make([]model.ChannelSession, len(p.Sessions))
	for i, ps := range p.Sessions {
		end := ps.End.UTC()
		host := s.userIDs[p.Channels[ps.Channel].Host]
		rows[i] = model.ChannelSession{ChannelID: s.channelIDs[ps.Channel], Title: ps.Title, StartedBy: &host,
			StartedAt: ps.Start.UTC(), EndedAt: &end}
	}
	for start := 0; start < len(rows); start += s.o.rows {
		part := rows[start:min(start+s.o.rows, len(rows))]
		if _, err := s.db.NewInsert().Model(&part).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("bench seed: sessions: %w", err)
		}
		for k, r := range part {
			s.sessionIDs[start+k] = r.ID
		}
	}

	// Messages get ids of their own, after any already there.
	var maxID int64
	if err := s.db.NewSelect().Model((*model.Message)(nil)).ColumnExpr("COALESCE(MAX(id), 0)").Scan(ctx, &maxID); err != nil {
		return fmt.Errorf("bench seed: last message id: %w", err)
	}
	s.firstID = maxID + 1
	return nil
}

// seedBatch is the rows of one transaction.
type seedBatch struct {
	msgs    []model.Message
	events  []model.ChannelEvent
	votes   []model.Vote
	tags    []model.MessageTag
	lastSeq map[int64]int64 // channel id → its last seq after the batch
}

// batches makes the rows of the plan's messages, about txRows messages a
// batch, and sends them on out.
func (s *seeder) batches(ctx context.Context, out chan<- *seedBatch) error {
	defer close(out)
	p := s.plan
	b := &seedBatch{lastSeq: map[int64]int64{}}
	send := func() error {
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		b = &seedBatch{lastSeq: map[int64]int64{}}
		return nil
	}
	for i := range p.Sessions {
		for _, gm := range p.SessionMessages(i) {
			m := gm.Message
			m.ID = s.firstID + int64(gm.Index)
			chID := s.channelIDs[gm.Channel]
			m.ChannelID = chID
			sid := s.sessionIDs[gm.Session]
			m.SessionID = &sid
			s.lastSeq[gm.Channel]++
			m.Seq = s.lastSeq[gm.Channel]
			b.lastSeq[chID] = m.Seq
			uid := s.userIDs[gm.Author]
			m.AuthorUserID = &uid
			if gm.Parent >= 0 {
				pid := s.firstID + int64(gm.Parent)
				m.ParentID = &pid
			}
			m.CreatedAt = m.CreatedAt.UTC()
			id := m.ID
			b.msgs = append(b.msgs, m)
			b.events = append(b.events, model.ChannelEvent{ChannelID: chID, Seq: m.Seq, Kind: model.EventMessageCreated,
				MessageID: &id, CreatedAt: m.CreatedAt})
			for k, v := range gm.Voters {
				b.votes = append(b.votes, model.Vote{MessageID: id, Actor: fmt.Sprintf("u:%d", s.userIDs[v]),
					CreatedAt: m.CreatedAt.Add(time.Duration(k+1) * time.Second)})
			}
			for _, t := range gm.Tags {
				host := s.userIDs[p.Channels[gm.Channel].Host]
				b.tags = append(b.tags, model.MessageTag{MessageID: id, TagID: s.tagIDs[t], TaggedBy: &host, CreatedAt: m.CreatedAt})
			}
			if len(b.msgs) >= s.o.txRows {
				if err := send(); err != nil {
					return err
				}
			}
		}
	}
	if len(b.msgs) > 0 {
		return send()
	}
	return nil
}

// messages writes every message with its event, votes and tags, a batch per
// transaction, and shows the progress.
func (s *seeder) messages(ctx context.Context, stdout io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan *seedBatch, 2)
	var genErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		genErr = s.batches(ctx, ch)
	}()
	start := time.Now()
	done := 0
	var err error
	for b := range ch {
		if err = s.write(ctx, b); err != nil {
			cancel()
			break
		}
		done += len(b.msgs)
		s.votes += len(b.votes)
		s.tags += len(b.tags)
		rate := float64(done) / max(time.Since(start).Seconds(), 0.001)
		fmt.Fprintf(stdout, "\rseeded %d/%d messages  %.0f messages/s", done, s.o.messages, rate)
	}
	for range ch { // let the generator end
	}
	wg.Wait()
	if err != nil {
		return err
	}
	if genErr != nil {
		return genErr
	}
	if store.IsPostgres(s.db) {
		// The ids were given: move the identity past them.
		if _, err := s.db.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('messages', 'id'), (SELECT MAX(id) FROM messages))"); err != nil {
			return fmt.Errorf("bench seed: message id sequence: %w", err)
		}
	}
	return nil
}

// write stores one batch in one transaction, with multi-row inserts of
// s.o.rows rows. bun writes the values into the statement, so there are no
// bind parameters to run out of (PostgreSQL allows 65,535, SQLite 32,766).
func (s *seeder) write(ctx context.Context, b *seedBatch) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := insertRows(ctx, tx, b.msgs, s.o.rows); err != nil {
			return fmt.Errorf("bench seed: messages: %w", err)
		}
		if err := insertRows(ctx, tx, b.events, s.o.rows); err != nil {
			return fmt.Errorf("bench seed: channel events: %w", err)
		}
		if err := insertRows(ctx, tx, b.votes, s.o.rows); err != nil {
			return fmt.Errorf("bench seed: votes: %w", err)
		}
		if err := insertRows(ctx, tx, b.tags, s.o.rows); err != nil {
			return fmt.Errorf("bench seed: tags: %w", err)
		}
		for id, seq := range b.lastSeq {
			if _, err := tx.NewUpdate().Model((*model.Channel)(nil)).Set("last_seq = ?", seq).Where("id = ?", id).Exec(ctx); err != nil {
				return fmt.Errorf("bench seed: channel sequence: %w", err)
			}
		}
		return nil
	})
}

func insertRows[T any](ctx context.Context, db bun.IDB, rows []T, per int) error {
	for start := 0; start < len(rows); start += per {
		part := rows[start:min(start+per, len(rows))]
		if _, err := db.NewInsert().Model(&part).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// ---------------------------------------------------------------- search

func benchSearch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	queries := fs.Int("queries", 500, "queries to time")
	warmup := fs.Int("warmup", 50, "queries run first and not timed")
	concurrency := fs.Int("concurrency", 4, "queries in flight at once")
	duration := fs.Duration("duration", 2*time.Minute, "stop after this long, whatever happens")
	seed := fs.Uint64("seed", 1, "seed of the queries")
	staff := fs.Bool("staff", false, "search as staff (every state) rather than as a participant (visible messages)")
	facets := fs.Bool("facets", true, "ask for facets (tags, channels, authors) as the search page does")
	cfg, err := benchConfig(fs, args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case *queries < 1 || *queries > 1_000_000:
		return usageErr(fmt.Errorf("bench search: --queries must be between 1 and 1000000"))
	case *warmup < 0:
		return usageErr(fmt.Errorf("bench search: --warmup must not be negative"))
	case *concurrency < 1 || *concurrency > 256:
		return usageErr(fmt.Errorf("bench search: --concurrency must be between 1 and 256"))
	case *duration <= 0:
		return usageErr(fmt.Errorf("bench search: --duration must be positive"))
	}
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	log := newLogger(stderr, cfg.LogLevel)
	c, engine, closeAll, err := openSearch(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeAll()
	chans, err := store.ListChannels(ctx, c.DB)
	if err != nil {
		return err
	}
	if len(chans) == 0 {
		return fmt.Errorf("bench search: the database has no channels: run backchannel bench seed first")
	}
	messages, err := store.CountMessages(ctx, c.DB)
	if err != nil {
		return err
	}
	// Every channel is in scope; queries target the generated ones (not
	// bench lag's), when there are any.
	all := make([]int64, len(chans))
	var targets []model.Channel
	for i, ch := range chans {
		all[i] = ch.ID
		if ch.Slug != benchLagSlug {
			targets = append(targets, ch)
		}
	}
	if len(targets) == 0 {
		targets = chans
	}
	scope := search.Scope{ChannelIDs: all, States: []string{string(model.StateVisible)}}
	if *staff {
		scope.States = nil
	}
	r := rand.New(rand.NewPCG(*seed, 0x7365617263))
	qs := make([]search.Query, *warmup+*queries)
	for i := range qs {
		ch := targets[r.IntN(len(targets))]
		qs[i] = search.Query{Text: loadgen.QueryText(r, ch.Slug), Scopes: []search.Scope{scope},
			ChannelIDs: []int64{ch.ID}, Sort: search.SortRelevance, Limit: 20, Facets: *facets}
	}
	fmt.Fprintf(stdout, "Engine: %s; %d messages in %d channels\n", engine.Name(), messages, len(chans))
	fmt.Fprintf(stdout, "Query: two words of the channel's course, one channel, %s scope, by relevance, 20 a page, %s\n",
		map[bool]string{true: "staff", false: "participant"}[*staff], map[bool]string{true: "with facets", false: "no facets"}[*facets])
	if *warmup > 0 {
		fmt.Fprintf(stdout, "Warm-up: %d queries\n", *warmup)
		if _, err := runQueries(ctx, engine, qs[:*warmup], *concurrency); err != nil {
			return err
		}
	}
	start := time.Now()
	res, err := runQueries(ctx, engine, qs[*warmup:], *concurrency)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if len(res) == 0 {
		return fmt.Errorf("bench search: no query finished within --duration %s", *duration)
	}
	lat := make([]time.Duration, len(res))
	var total, page, empty int
	for i, x := range res {
		lat[i] = x.took
		total += x.total
		page += x.hits
		if x.total == 0 {
			empty++
		}
	}
	n := len(res)
	fmt.Fprintf(stdout, "Queries: %d of %d (concurrency %d) in %s, %.1f queries/s\n", n, *queries, *concurrency,
		elapsed.Round(time.Millisecond), float64(n)/max(elapsed.Seconds(), 0.001))
	fmt.Fprintf(stdout, "Latency: %s\n", latencies(lat))
	fmt.Fprintf(stdout, "Hits per query: %.1f matches (%.1f on the page), %d queries with none\n",
		float64(total)/float64(n), float64(page)/float64(n), empty)
	if n < *queries {
		fmt.Fprintf(stdout, "Stopped after --duration %s: %d queries not run.\n", *duration, *queries-n)
	}
	return nil
}

// queryResult is one timed query.
type queryResult struct {
	took        time.Duration
	total, hits int
}

// runQueries runs qs with n in flight and returns the results of those that
// finished before ctx ended.
func runQueries(ctx context.Context, e search.Engine, qs []search.Query, n int) ([]queryResult, error) {
	jobs := make(chan search.Query)
	var mu sync.Mutex
	var out []queryResult
	var firstErr error
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for q := range jobs {
				t := time.Now()
				res, err := e.Search(ctx, q)
				took := time.Since(t)
				mu.Lock()
				switch {
				case ctx.Err() != nil:
				case err != nil:
					if firstErr == nil {
						firstErr = fmt.Errorf("bench search: %q: %w", q.Text, err)
					}
				default:
					out = append(out, queryResult{took: took, total: res.Total, hits: len(res.Hits)})
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, q := range qs {
		select {
		case jobs <- q:
		case <-ctx.Done():
			break feed
		}
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
	}
	close(jobs)
	wg.Wait()
	return out, firstErr
}

// latencies is "p50 1.2 ms  p95 … p99 … max …" of ds.
func latencies(ds []time.Duration) string {
	if len(ds) == 0 {
		return "no samples"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	pick := func(p float64) time.Duration {
		i := int(float64(len(s))*p+0.999999) - 1 // nearest rank
		return s[min(max(i, 0), len(s)-1)]
	}
	return fmt.Sprintf("p50 %s  p95 %s  p99 %s  max %s  (n=%d)", ms(pick(0.50)), ms(pick(0.95)), ms(pick(0.99)), ms(s[len(s)-1]), len(s))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// ---------------------------------------------------------------- lag

const (
	benchLagSlug  = "bench-lag"
	benchLagEmail = "bench-lag@example.org"
)

func benchLag(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench lag", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rate := fs.Float64("rate", 100, "messages per second")
	duration := fs.Duration("duration", 60*time.Second, "how long to post")
	drain := fs.Duration("drain", 30*time.Second, "how long to wait afterwards for the last messages to become searchable")
	poll := fs.Duration("poll", 50*time.Millisecond, "how often to search for the messages not found yet")
	seed := fs.Uint64("seed", 1, "seed of the message bodies")
	cfg, err := benchConfig(fs, args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case *rate <= 0 || *rate > 10000:
		return usageErr(fmt.Errorf("bench lag: --rate must be above 0 and at most 10000"))
	case *duration <= 0 || *duration > time.Hour:
		return usageErr(fmt.Errorf("bench lag: --duration must be positive and at most 1h"))
	case *drain < 0 || *drain > 10*time.Minute:
		return usageErr(fmt.Errorf("bench lag: --drain must be between 0 and 10m"))
	case *poll < time.Millisecond:
		return usageErr(fmt.Errorf("bench lag: --poll must be at least 1ms"))
	}
	log := newLogger(stderr, cfg.LogLevel)
	c, engine, closeAll, err := openSearch(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeAll()
	if err := engine.Setup(ctx); err != nil {
		return err
	}
	ch, v, err := lagChannel(ctx, c)
	if err != nil {
		return err
	}
	backlog, err := store.OutboxLen(ctx, c.DB)
	if err != nil {
		return err
	}

	// The indexer, as serve runs it.
	ixCtx, stopIndexer := context.WithCancel(ctx)
	defer stopIndexer()
	ix := search.NewIndexer(engine, c.Transcripts.IndexSource(), log)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = ix.Run(ixCtx) }()
	defer wg.Wait()

	r := rand.New(rand.NewPCG(*seed, uint64(time.Now().UnixNano())))
	run := fmt.Sprintf("lagrun%08x", r.Uint32()) // in every body of this run
	fmt.Fprintf(stdout, "Engine: %s; posting %g messages/s for %s to #%s as %s (run word %s)\n",
		engine.Name(), *rate, *duration, ch.Slug, v.Actor.Name, run)
	if backlog > 0 {
		fmt.Fprintf(stdout, "The outbox holds %d entries from before; the indexer drains them first.\n", backlog)
	}
	topic, _ := loadgen.Vocabulary("physics-101")
	common := loadgen.CommonWords()

	tr := &lagTracker{pending: map[string]time.Time{}}
	pollCtx, stopPoll := context.WithCancel(ctx)
	defer stopPoll()
	pollDone := make(chan error, 1)
	go func() { pollDone <- tr.poll(pollCtx, engine, ch.ID, run, *poll) }()

	interval := time.Duration(float64(time.Second) / *rate)
	start := time.Now()
	postErr := func() error {
		for i := 0; ; i++ {
			at := start.Add(time.Duration(i) * interval)
			if at.Sub(start) >= *duration {
				return nil
			}
			if wait := time.Until(at); wait > 0 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(wait):
				}
			}
			token := fmt.Sprintf("tok%d%06x", i, r.Uint32()&0xffffff)
			var b strings.Builder
			for k := range 6 + r.IntN(20) {
				if k%4 == 1 {
					b.WriteString(topic[r.IntN(len(topic))])
				} else {
					b.WriteString(common[r.IntN(len(common))])
				}
				b.WriteByte(' ')
			}
			body := b.String() + run + " " + token
			m, err := c.Chat.Post(ctx, ch, v, chat.PostInput{Body: body})
			if err != nil {
				return fmt.Errorf("bench lag: post: %w", err)
			}
			tr.posted(token, m.CreatedAt)
		}
	}()
	posting := time.Since(start)
	posted := tr.count()
	if postErr == nil {
		deadline := time.Now().Add(*drain)
		for tr.left() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
			time.Sleep(*poll)
		}
	}
	stopPoll()
	pollErr := <-pollDone
	stopIndexer()
	if postErr != nil {
		return postErr
	}
	if pollErr != nil && !errors.Is(pollErr, context.Canceled) {
		return pollErr
	}
	lags, missing := tr.results()
	fmt.Fprintf(stdout, "Posted: %d messages in %s, %.1f messages/s\n", posted, posting.Round(time.Millisecond),
		float64(posted)/max(posting.Seconds(), 0.001))
	fmt.Fprintf(stdout, "Lag (posted to searchable): %s\n", latencies(lags))
	fmt.Fprintf(stdout, "Not searchable within %s of the last post: %d\n", *drain, missing)
	return nil
}

// lagChannel finds or makes the bench channel and the account that posts
// there (its host: no rate limit, as for staff).
func lagChannel(ctx context.Context, c *app.App) (*model.Channel, chat.Viewer, error) {
	u, err := c.Accounts.UserByEmail(ctx, benchLagEmail)
	if errors.Is(err, model.ErrNotFound) {
		now := time.Now().UTC()
		u = &model.User{Email: benchLagEmail, DisplayName: "Bench Poster", CreatedAt: now, UpdatedAt: now}
		_, err = c.DB.NewInsert().Model(u).Returning("id").Exec(ctx)
	}
	if err != nil {
		return nil, chat.Viewer{}, fmt.Errorf("bench lag: account: %w", err)
	}
	ch, err := c.Chat.Channel(ctx, benchLagSlug)
	if errors.Is(err, model.ErrNotFound) {
		slug, title := benchLagSlug, "Bench: search lag"
		ch, err = c.Chat.CreateChannel(ctx, u.ID, chat.ChannelInput{Slug: &slug, Title: &title})
	}
	if err != nil {
		return nil, chat.Viewer{}, fmt.Errorf("bench lag: channel: %w", err)
	}
	v, err := c.Chat.ViewerFor(ctx, ch, u, nil)
	if err == nil {
		err = c.Chat.AcceptGuideline(ctx, ch, v, 0)
	}
	if err != nil {
		return nil, chat.Viewer{}, fmt.Errorf("bench lag: %w", err)
	}
	return ch, v, nil
}

// lagTracker holds the messages posted and not found yet, and the lags of
// those found.
type lagTracker struct {
	mu      sync.Mutex
	pending map[string]time.Time // token → when its post committed
	created map[string]time.Time // token → created_at, for the search window
	lags    []time.Duration
	n       int
}

func (t *lagTracker) posted(token string, created time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.created == nil {
		t.created = map[string]time.Time{}
	}
	t.pending[token] = time.Now()
	t.created[token] = created
	t.n++
}

func (t *lagTracker) count() int { t.mu.Lock(); defer t.mu.Unlock(); return t.n }
func (t *lagTracker) left() int  { t.mu.Lock(); defer t.mu.Unlock(); return len(t.pending) }

func (t *lagTracker) results() ([]time.Duration, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.lags), len(t.pending)
}

// window is the created_at of the oldest message not found yet.
func (t *lagTracker) window() (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var oldest time.Time
	for tok := range t.pending {
		if c := t.created[tok]; oldest.IsZero() || c.Before(oldest) {
			oldest = c
		}
	}
	return oldest, !oldest.IsZero()
}

// found records the tokens in the hits' bodies as searchable at seen.
func (t *lagTracker) found(hits []search.Hit, seen time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, h := range hits {
		f := strings.Fields(h.Body)
		if len(f) == 0 {
			continue
		}
		tok := f[len(f)-1]
		if at, ok := t.pending[tok]; ok {
			t.lags = append(t.lags, seen.Sub(at))
			delete(t.pending, tok)
		}
	}
}

// poll searches every interval for the run's word in the bench channel,
// oldest first from the oldest message not found yet, and marks the
// messages it finds.
func (t *lagTracker) poll(ctx context.Context, e search.Engine, channelID int64, run string, every time.Duration) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		for {
			from, ok := t.window()
			if !ok {
				break
			}
			res, err := e.Search(ctx, search.Query{Text: run, Scopes: []search.Scope{{ChannelIDs: []int64{channelID}}},
				ChannelIDs: []int64{channelID}, After: from.Truncate(time.Millisecond), Sort: search.SortOldest, Limit: 100})
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("bench lag: search: %w", err)
			}
			before := t.left()
			t.found(res.Hits, time.Now())
			// A full page that found something may hide more: look again.
			if len(res.Hits) < 100 || t.left() == before {
				break
			}
		}
	}
}
