package chat

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/wordfilter"
)

// Group commit. Every post to a channel is checked by its own request (who
// may post, sanctions, guidelines, body, filters) and then handed to the
// channel's writer, which commits the posts queued since its last commit in
// one transaction: one sequence allocation, one multi-row insert each of
// messages, events and outbox entries, and one commit (one fsync) for all
// of them. Batches form by themselves: a post arriving while the writer is
// idle is committed at once, alone; posts arriving while a commit runs wait
// for the next one, up to maxBatch. So a quiet channel adds no delay and a
// busy one shares each commit among many posts.
//
// Each post gets its own answer. Slow mode and the rate limit are checked
// in the batch, in order, under the channel's lock (so posting in parallel,
// even on several instances, cannot slip past them), and refuse only the
// post at fault. When the transaction itself fails, its posts are retried
// one by one, so one bad row cannot fail the others.

// maxBatch is the most posts one transaction commits.
const maxBatch = 64

// commitTimeout bounds a batch's transaction, which runs detached from the
// requests that wait for it.
const commitTimeout = 30 * time.Second

// pendingPost is a checked post waiting for its channel's writer.
type pendingPost struct {
	ch      *model.Channel
	v       Viewer
	m       *model.Message
	verdict wordfilter.Verdict
	// attachments are uploads to link to the message (checked by Post).
	attachments []int64
	// maskedNames are file names the filters starred out, by attachment id.
	maskedNames map[int64]string
	err         error
	done        chan struct{}
}

// postQueues holds the posts waiting for each channel's writer.
type postQueues struct {
	mu      sync.Mutex
	waiting map[int64][]*pendingPost // by channel; a channel is here while its writer runs
}

// commitPost hands p to its channel's writer, starting the writer when none
// runs, and waits for the answer. The wait ignores ctx on purpose: once
// queued, the post is committed or refused, and the poster must learn which.
func (s *Service) commitPost(ctx context.Context, p *pendingPost) error {
	p.done = make(chan struct{})
	q := &s.posts
	q.mu.Lock()
	queue, running := q.waiting[p.ch.ID]
	q.waiting[p.ch.ID] = append(queue, p)
	q.mu.Unlock()
	if !running {
		go s.writePosts(context.WithoutCancel(ctx), p.ch.ID)
	}
	<-p.done
	return p.err
}

// writePosts commits a channel's waiting posts, a batch at a time, until
// none are left.
func (s *Service) writePosts(ctx context.Context, channelID int64) {
	q := &s.posts
	for {
		q.mu.Lock()
		queue := q.waiting[channelID]
		if len(queue) == 0 {
			delete(q.waiting, channelID)
			q.mu.Unlock()
			return
		}
		n := min(len(queue), maxBatch)
		batch := queue[:n:n]
		q.waiting[channelID] = queue[n:]
		q.mu.Unlock()
		s.commitBatch(ctx, batch)
	}
}

// commitBatch commits a batch of posts to one channel and answers each.
func (s *Service) commitBatch(ctx context.Context, batch []*pendingPost) {
	ch := batch[0].ch
	tctx, cancel := context.WithTimeout(ctx, commitTimeout)
	defer cancel()
	var stored []*pendingPost
	var last int64
	err := s.db.RunInTx(tctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, p := range batch {
			p.err = nil
			p.m.ID, p.m.Seq, p.m.SessionID = 0, 0, nil
		}
		if err := s.checkPaces(ctx, tx, ch, batch); err != nil {
			return err
		}
		stored = stored[:0]
		ms := make([]*model.Message, 0, len(batch))
		for _, p := range batch {
			if p.err == nil {
				stored = append(stored, p)
				ms = append(ms, p.m)
			}
		}
		if len(ms) == 0 {
			return nil
		}
		if live, err := store.LiveChannelSession(ctx, tx, ch.ID); err == nil {
			for _, m := range ms {
				m.SessionID = &live.ID
			}
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		var err error
		if last, err = store.InsertPosts(ctx, tx, ch.ID, ms); err != nil {
			return err
		}
		for _, p := range stored {
			if err := s.auditVerdict(ctx, tx, ch, p.m, p.verdict); err != nil {
				return err
			}
			if err := attach(ctx, tx, p); err != nil {
				return err
			}
			if err := maskNames(ctx, tx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && len(batch) > 1 {
		s.log.WarnContext(ctx, "chat: batch of posts failed; committing them one by one", "channel", ch.ID, "posts", len(batch), "err", err)
		for _, p := range batch {
			s.commitBatch(ctx, []*pendingPost{p})
		}
		return
	}
	if err == nil && len(stored) > 0 {
		s.Publish(ctx, ch.ID, last)
	}
	for _, p := range batch {
		if err != nil {
			p.err = err
		}
		close(p.done)
	}
}

// checkPaces applies slow mode and the rate limit to the batch's posts in
// order, counting the posts before them in the batch, and sets the error of
// each post too early. Staff and hosts are exempt. On PostgreSQL the
// channel's row is locked first, so other instances' batches wait.
func (s *Service) checkPaces(ctx context.Context, tx bun.IDB, ch *model.Channel, batch []*pendingPost) error {
	var actors []model.Actor
	for _, p := range batch {
		if !p.v.Staff && !p.v.Host {
			actors = append(actors, p.v.Actor)
		}
	}
	if len(actors) == 0 {
		return nil
	}
	if err := store.LockChannel(ctx, tx, ch.ID); err != nil {
		return err
	}
	now := s.now().UTC()
	window := max(s.opts.RateWindow, time.Duration(ch.SlowModeSeconds)*time.Second)
	recent, err := store.RecentPostsBy(ctx, tx, ch.ID, actors, now.Add(-window))
	if err != nil {
		return err
	}
	for _, p := range batch {
		if p.v.Staff || p.v.Host {
			continue
		}
		key := p.v.Actor.Key()
		if p.err = s.pace(ch, recent[key], now); p.err == nil {
			recent[key] = append([]time.Time{now}, recent[key]...)
		}
	}
	return nil
}

// Queued reports how many checked posts to a channel wait for its writer
// (not counting the batch being committed).
func (s *Service) Queued(channelID int64) int {
	s.posts.mu.Lock()
	defer s.posts.mu.Unlock()
	return len(s.posts.waiting[channelID])
}
