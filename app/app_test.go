package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"backchannel/accounts"
	"backchannel/app"
	"backchannel/chat"
	"backchannel/model"
	"backchannel/testenv"
)

// Two instances on one PostgreSQL: what is posted on one reaches the
// streams of the other (LISTEN/NOTIFY wakes the other's hub, whose ring
// reads the events once), every event once and in order.
func TestTwoInstancesDeliver(t *testing.T) {
	testenv.Require(t, testenv.PostgresVar, "PostgreSQL")
	var url string
	for _, d := range testenv.Databases(t) {
		if d.Name == "postgres" {
			url = d.URL
		}
	}
	ctx := context.Background()
	open := func() *app.App {
		a, err := app.New(ctx, testenv.Open(t, url), app.Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Hub.Close(); _ = a.Bus.Close() })
		return a
	}
	a, b := open(), open()
	u, err := a.Accounts.CreateUser(ctx, 0, accounts.Input{Email: "host@example.org", DisplayName: "Host", Password: "correct horse battery"}, model.RoleHost)
	if err != nil {
		t.Fatal(err)
	}
	slug, title := "two", "Two instances"
	ch, err := a.Chat.CreateChannel(ctx, u.ID, chat.ChannelInput{Slug: &slug, Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	va, err := a.Chat.ViewerFor(ctx, ch, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Chat.AcceptGuideline(ctx, ch, va, 0); err != nil {
		t.Fatal(err)
	}
	chB, err := b.Chat.Channel(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	vb, err := b.Chat.ViewerFor(ctx, chB, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	const streams, posts = 20, 30
	start := chB.LastSeq
	done := make(chan []int64, streams)
	for range streams {
		sub := b.Hub.Subscribe(chB.ID)
		go func() {
			defer sub.Close()
			var seqs []int64
			last := start
			timeout := time.After(30 * time.Second)
			for len(seqs) < posts {
				select {
				case <-timeout:
					done <- seqs
					return
				case <-sub.C():
				}
				cs, err := b.Chat.Changes(ctx, chB, vb, last, 0)
				if err != nil {
					t.Error(err)
					break
				}
				for _, c := range cs {
					seqs = append(seqs, c.Event.Seq)
					last = c.Event.Seq
				}
			}
			done <- seqs
		}()
	}
	time.Sleep(200 * time.Millisecond) // B listens before A posts
	for i := range posts {
		if _, err := a.Chat.Post(ctx, ch, va, chat.PostInput{Body: fmt.Sprintf("from A %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for range streams {
		seqs := <-done
		if len(seqs) != posts {
			t.Fatalf("a stream on B got %d of %d events: %v", len(seqs), posts, seqs)
		}
		for i, s := range seqs {
			if s != start+int64(i)+1 {
				t.Fatalf("a stream on B got %v, want %d.. in order", seqs, start+1)
			}
		}
	}
}
