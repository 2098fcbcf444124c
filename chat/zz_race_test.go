package chat_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

func TestConcurrentVotesTmp(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 1000})
		host := e.user("Hana", model.RoleHost)
		ch := e.channel(host, "busy", chat.ChannelInput{})
		q := e.post(ch, e.ready(ch, host), chat.PostInput{Body: "q", Kind: model.KindQuestion})
		var vs []chat.Viewer
		for i := range 12 {
			v, _ := e.guest(ch, fmt.Sprintf("G%d", i))
			vs = append(vs, v)
		}
		var wg sync.WaitGroup
		for _, v := range vs {
			wg.Go(func() {
				if _, err := e.svc.Vote(e.ctx, ch, v, q.ID, true); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := e.message(q.ID).VoteCount; n != len(vs) {
			t.Errorf("vote count %d, want %d", n, len(vs))
		}
	})
}
