package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"backchannel/search"
)

// reindexCmd rebuilds the search indexes from the database, the channel
// messages' and then the direct messages': each index is emptied and every
// message written again, with a progress bar and a rate.
// Changes made meanwhile wait in the outbox and are indexed by the servers.
func reindexCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	batch := fs.Int("batch", 1000, "messages written to the engine at once")
	cfg, err := loadConfig(fs, args, getenv, nil)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if *batch < 1 || *batch > 10000 {
		return usageErr(fmt.Errorf("reindex: --batch must be between 1 and 10000"))
	}
	log := newLogger(stderr, cfg.LogLevel)
	c, engine, closeAll, err := openSearch(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeAll()
	fmt.Fprintf(stdout, "Rebuilding the %s index…\n", engine.Name())
	start := time.Now()
	bar := progressBar{w: stdout, start: start}
	if err := search.Rebuild(ctx, engine, c.Transcripts.IndexSource(), *batch, bar.update); err != nil {
		fmt.Fprintln(stdout)
		return err
	}
	bar.finish()
	// Direct messages have an index of their own.
	fmt.Fprintf(stdout, "Rebuilding the %s index of direct messages…\n", c.DMSearch.Name())
	dmBar := progressBar{w: stdout, start: time.Now()}
	if err := search.RebuildDMs(ctx, c.DMSearch, c.Inbox.IndexSource(), *batch, dmBar.update); err != nil {
		fmt.Fprintln(stdout)
		return err
	}
	dmBar.finish()
	return nil
}

// progressBar draws "[#####     ] 50% 5000/10000 1234/s" on one line.
type progressBar struct {
	w     io.Writer
	start time.Time
	done  int
	total int
}

func (p *progressBar) update(done, total int) {
	p.done, p.total = done, total
	pct := 100
	if total > 0 {
		pct = min(100, done*100/total)
	}
	const width = 30
	filled := pct * width / 100
	rate := float64(done) / max(time.Since(p.start).Seconds(), 0.001)
	fmt.Fprintf(p.w, "\r[%s%s] %3d%% %d/%d  %.0f messages/s", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), pct, done, total, rate)
}

func (p *progressBar) finish() {
	if p.total == 0 {
		p.update(0, 0)
	}
	d := time.Since(p.start)
	fmt.Fprintf(p.w, "\nIndexed %d messages in %s (%.0f messages/s).\n", p.done, d.Round(time.Millisecond), float64(p.done)/max(d.Seconds(), 0.001))
}
