package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/richtext"
	"backchannel/store"
)

// Granter gives a user a role in a channel (policies.Authorizer does).
type Granter interface {
	Grant(ctx context.Context, userID int64, role model.Role, domain string) error
}

// SeedOptions say how Seed writes a plan.
type SeedOptions struct {
	Rows   int // rows a statement (store.DefaultBulkRows when < 1)
	TxRows int // messages a transaction (20,000 when < 1)
}

// SeedResult counts what Seed wrote besides the messages.
type SeedResult struct {
	Messages, Votes, Tags int
}

// Seed writes the plan's traffic to db with bulk inserts, as `backchannel
// bench seed` does: the people (reusing accounts an earlier seed made), the
// channels (run by their hosts, whom authz makes hosts), the tags, the ended
// sessions, and every message with its creation event, votes and tags, a
// transaction at a time. It reports its progress on stdout. Nothing goes to
// the search outbox: the messages are searchable after a rebuild of the
// index. The plan's messages come after any already in db.
func Seed(ctx context.Context, db bun.IDB, authz Granter, plan *Plan, o SeedOptions, stdout io.Writer) (SeedResult, error) {
	if o.TxRows < 1 {
		o.TxRows = 20000
	}
	fmt.Fprintf(stdout, "Seeding %d messages in %d channels (%d sessions, %d people, seed %d) into %s…\n",
		plan.Config.Messages, len(plan.Channels), len(plan.Sessions), len(plan.Users), plan.Config.Seed, db.Dialect().Name())
	s := &seeder{db: db, plan: plan, o: o, authz: authz}
	start := time.Now()
	if err := s.prepare(ctx); err != nil {
		return SeedResult{}, err
	}
	if err := s.messages(ctx, stdout); err != nil {
		fmt.Fprintln(stdout)
		return SeedResult{}, err
	}
	d := time.Since(start)
	n := plan.Config.Messages
	fmt.Fprintf(stdout, "\nSeeded %d messages in %s (%.0f messages/s), with %d votes and %d tags.\n",
		n, d.Round(time.Millisecond), float64(n)/max(d.Seconds(), 0.001), s.votes, s.tags)
	if err := store.Analyze(ctx, db); err != nil {
		return SeedResult{}, fmt.Errorf("bench seed: %w", err)
	}
	return SeedResult{Messages: n, Votes: s.votes, Tags: s.tags}, nil
}

// seeder writes a plan to the database with multi-row inserts.
type seeder struct {
	db                              bun.IDB
	plan                            *Plan
	o                               SeedOptions
	authz                           Granter
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
	emails := make([]string, len(p.Users))
	for i, u := range p.Users {
		emails[i] = u.Email
	}
	byEmail, err := store.UserIDsByEmail(ctx, s.db, emails)
	if err != nil {
		return fmt.Errorf("bench seed: find people: %w", err)
	}
	s.userIDs = make([]int64, len(p.Users))
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
	if err := store.InsertUsers(ctx, s.db, fresh, s.o.Rows); err != nil {
		return fmt.Errorf("bench seed: people: %w", err)
	}
	for k, u := range fresh {
		s.userIDs[freshIdx[k]] = u.ID
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
	for i, name := range Tags() {
		t, err := store.EnsureTag(ctx, s.db, name, colours[i%len(colours)], 0)
		if err != nil {
			return fmt.Errorf("bench seed: %w", err)
		}
		s.tagIDs[name] = t.ID
	}

	// Sessions: every one has ended.
	rows := make([]model.ChannelSession, len(p.Sessions))
	for i, ps := range p.Sessions {
		end := ps.End.UTC()
		host := s.userIDs[p.Channels[ps.Channel].Host]
		rows[i] = model.ChannelSession{ChannelID: s.channelIDs[ps.Channel], Title: ps.Title, StartedBy: &host,
			StartedAt: ps.Start.UTC(), EndedAt: &end}
	}
	if err := store.InsertChannelSessions(ctx, s.db, rows, s.o.Rows); err != nil {
		return fmt.Errorf("bench seed: sessions: %w", err)
	}
	s.sessionIDs = make([]int64, len(rows))
	for i, r := range rows {
		s.sessionIDs[i] = r.ID
	}

	// Messages get ids of their own, after any already there.
	maxID, err := store.MaxMessageID(ctx, s.db)
	if err != nil {
		return fmt.Errorf("bench seed: %w", err)
	}
	s.firstID = maxID + 1
	return nil
}

// newBatch is an empty batch.
func newBatch() *store.MessageBatch { return &store.MessageBatch{LastSeq: map[int64]int64{}} }

// batches makes the rows of the plan's messages, about TxRows messages a
// batch, and sends them on out.
func (s *seeder) batches(ctx context.Context, out chan<- *store.MessageBatch) error {
	defer close(out)
	p := s.plan
	b := newBatch()
	send := func() error {
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		b = newBatch()
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
			b.LastSeq[chID] = m.Seq
			uid := s.userIDs[gm.Author]
			m.AuthorUserID = &uid
			if gm.Parent >= 0 {
				pid := s.firstID + int64(gm.Parent)
				m.ParentID = &pid
			}
			m.CreatedAt = m.CreatedAt.UTC()
			links := richtext.Encode(richtext.Find(m.Body)) // as posting stores them
			m.Links = &links
			id := m.ID
			b.Messages = append(b.Messages, m)
			b.Events = append(b.Events, model.ChannelEvent{ChannelID: chID, Seq: m.Seq, Kind: model.EventMessageCreated,
				MessageID: &id, CreatedAt: m.CreatedAt})
			for k, v := range gm.Voters {
				b.Votes = append(b.Votes, model.Vote{MessageID: id, Actor: fmt.Sprintf("u:%d", s.userIDs[v]),
					CreatedAt: m.CreatedAt.Add(time.Duration(k+1) * time.Second)})
			}
			for _, t := range gm.Tags {
				host := s.userIDs[p.Channels[gm.Channel].Host]
				b.Tags = append(b.Tags, model.MessageTag{MessageID: id, TagID: s.tagIDs[t], TaggedBy: &host, CreatedAt: m.CreatedAt})
			}
			if len(b.Messages) >= s.o.TxRows {
				if err := send(); err != nil {
					return err
				}
			}
		}
	}
	if len(b.Messages) > 0 {
		return send()
	}
	return nil
}

// messages writes every message with its event, votes and tags, a batch per
// transaction, and shows the progress.
func (s *seeder) messages(ctx context.Context, stdout io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan *store.MessageBatch, 2)
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
		if err = store.InsertMessageBatch(ctx, s.db, b, s.o.Rows); err != nil {
			err = fmt.Errorf("bench seed: %w", err)
			cancel()
			break
		}
		done += len(b.Messages)
		s.votes += len(b.Votes)
		s.tags += len(b.Tags)
		rate := float64(done) / max(time.Since(start).Seconds(), 0.001)
		fmt.Fprintf(stdout, "\rseeded %d/%d messages  %.0f messages/s", done, s.plan.Config.Messages, rate)
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
	// The ids were given: move the identity past them.
	if err := store.SyncMessageIDs(ctx, s.db); err != nil {
		return fmt.Errorf("bench seed: %w", err)
	}
	return nil
}
