package chat_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// eventReads counts the statements that read a channel's events.
type eventReads struct{ n atomic.Int64 }

func (r *eventReads) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (r *eventReads) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if strings.Contains(e.Query, `FROM "channel_events"`) {
		r.n.Add(1)
	}
}

// A thousand streams of one channel each get every event, in order, with
// no gap and no repeat, while the channel's events are read from the
// database once per wake-up, not once per stream.
func TestThousandStreamsReadOnce(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 1000})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		ch := e.Channel(host, "crowd", chat.ChannelInput{})
		va := e.Ready(ch, alice)
		vh := e.Viewer(ch, host)
		reads := &eventReads{}
		db.AddQueryHook(reads)

		const streams, posts = 1000, 40
		start := e.Reload(ch).LastSeq
		var wg sync.WaitGroup
		ctx, cancel := context.WithTimeout(e.Ctx, 60*time.Second)
		defer cancel()
		got := make([][]int64, streams)
		ready := make(chan struct{}, streams)
		for i := range streams {
			sub := e.Hub.Subscribe(ch.ID)
			v := va
			if i%10 == 0 {
				v = vh // staff see the same events
			}
			wg.Go(func() {
				defer sub.Close()
				ready <- struct{}{}
				last := start
				for len(got[i]) < posts {
					select {
					case <-ctx.Done():
						return
					case <-sub.C():
					}
					changes, err := e.Chat.Changes(ctx, ch, v, last, 0)
					if err != nil {
						t.Errorf("stream %d: %v", i, err)
						return
					}
					for _, c := range changes {
						got[i] = append(got[i], c.Event.Seq)
						last = c.Event.Seq
					}
				}
			})
		}
		for range streams {
			<-ready
		}
		before := reads.n.Load()
		for i := range posts {
			e.Post(ch, va, chat.PostInput{Body: fmt.Sprintf("message %d", i)})
		}
		wg.Wait()
		for i, seqs := range got {
			if len(seqs) != posts {
				t.Fatalf("stream %d got %d events, want %d", i, len(seqs), posts)
			}
			for k, s := range seqs {
				if s != start+int64(k)+1 {
					t.Fatalf("stream %d: events %v, want %d.. in order", i, seqs, start+1)
				}
			}
		}
		// One read per post at most (fewer when wake-ups coalesce), however
		// many streams: before the ring, every stream read on every wake-up.
		if n := reads.n.Load() - before; n > posts+2 {
			t.Errorf("%d reads of the channel's events for %d posts and %d streams, want at most %d", n, posts, streams, posts+2)
		} else {
			t.Logf("%d reads of the channel's events for %d posts and %d streams", n, posts, streams)
		}
	})
}
