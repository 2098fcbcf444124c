package main

import (
	"context"
	"log/slog"
	"sync"

	"backchannel/search"
)

// startBackground starts the jobs that run beside the server: the search
// indexer draining the outbox, and retention. Wait on the returned group
// after ctx ends.
func startBackground(ctx context.Context, c *core, engine search.Engine, log *slog.Logger) *sync.WaitGroup {
	var wg sync.WaitGroup
	ix := search.NewIndexer(engine, c.chat.IndexSource(), log)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = ix.Run(ctx) // sets the engine up first, retrying while it is down
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.chat.RunRetention(ctx)
	}()
	return &wg
}
