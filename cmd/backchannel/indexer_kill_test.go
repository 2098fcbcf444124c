package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/config"
	"backchannel/model"
	"backchannel/search"
	"backchannel/store"
	"backchannel/testenv"
)

// childEnv, when set, makes the test binary run "backchannel serve" with
// the environment it was given instead of the tests: the kill test starts
// real server processes and kills them with SIGKILL.
const childEnv = "BACKCHANNEL_TEST_SERVE_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		// As main: SIGTERM and Ctrl+C shut the server down gracefully
		// (the SIGTERM fault test); SIGKILL ends it outright.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, []string{"serve"}, os.Getenv, nil, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is a server process started from the test binary.
type child struct {
	cmd *exec.Cmd
	out *syncBuffer
}

func startChild(t *testing.T, env map[string]string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, out: out}
	t.Cleanup(func() { c.kill() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + env["BACKCHANNEL_ADDR"] + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL: no shutdown, no deferred work.
func (c *child) kill() {
	if c.cmd.ProcessState == nil {
		_ = c.cmd.Process.Kill()
		_ = c.cmd.Wait()
	}
}

// addMessages writes n messages through the store path every change takes
// (message, event and outbox entry in one transaction).
func addMessages(t *testing.T, db *bun.DB, channelID int64, from, n int) {
	t.Helper()
	ctx := context.Background()
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i := from; i < from+n; i++ {
			m := &model.Message{ChannelID: channelID, AuthorName: "Kim", Kind: model.KindComment,
				Body: fmt.Sprintf("kilroy was here, message %d", i)}
			if err := store.InsertMessage(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func outboxLen(t *testing.T, db *bun.DB) int {
	t.Helper()
	n, err := store.OutboxLen(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIndexerSurvivesKill: messages written while Meilisearch is down wait
// in the outbox; a server killed (SIGKILL) while draining it loses nothing;
// the next server indexes every message exactly once.
func TestIndexerSurvivesKill(t *testing.T) {
	meiliURL, meiliKey := testenv.Meili(t)
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			ctx := context.Background()
			index := "kill_" + testenv.RandomHex(6)
			engine := search.NewMeili(meiliURL, meiliKey, index)
			t.Cleanup(func() { _ = engine.Reset(context.Background()); _ = engine.Close() })
			env := with(baseEnv(t, d.URL), "BACKCHANNEL_MEILI_KEY", meiliKey, "BACKCHANNEL_MEILI_INDEX", index,
				"BACKCHANNEL_LOG_LEVEL", "info")
			cfg, err := config.Load(getenvOf(env))
			if err != nil {
				t.Fatal(err)
			}
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			c, err := openCore(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ch := &model.Channel{Slug: "kill-test", Title: "Kill test", ChannelSettings: model.ChannelSettings{
				Visibility: model.VisibilityPublic, PostingMode: model.PostingOpen, PremodMode: model.PremodOff, MaxLength: 500}}
			if err := store.CreateChannel(ctx, c.DB, ch); err != nil {
				t.Fatal(err)
			}

			// 1. The engine is down: the server keeps every change waiting.
			addMessages(t, c.DB, ch.ID, 0, 200)
			down := startChild(t, with(env, "BACKCHANNEL_ADDR", freeAddr(t), "BACKCHANNEL_MEILI_URL", "http://"+freeAddr(t)))
			// Wait until its indexer has tried the engine and failed (a
			// condition, not a duration).
			deadline := time.Now().Add(60 * time.Second)
			for !strings.Contains(down.out.String(), "search indexer: will retry") {
				if time.Now().After(deadline) {
					t.Fatalf("the indexer never tried the engine that is down:\n%s", down.out.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			if n := outboxLen(t, c.DB); n != 200 {
				t.Fatalf("with the engine down the outbox holds %d entries, want 200", n)
			}
			down.kill()

			// 2. More changes, then a server that is killed while it drains.
			addMessages(t, c.DB, ch.ID, 200, 1800)
			total := outboxLen(t, c.DB)
			live := with(env, "BACKCHANNEL_MEILI_URL", meiliURL)
			drainer := startChild(t, with(live, "BACKCHANNEL_ADDR", freeAddr(t)))
			deadline = time.Now().Add(60 * time.Second)
			for outboxLen(t, c.DB) == total {
				if time.Now().After(deadline) {
					t.Fatalf("the server drained nothing of %d outbox entries:\n%s", total, drainer.out.String())
				}
				time.Sleep(2 * time.Millisecond)
			}
			drainer.kill()
			// The kill came mid-drain: some entries were indexed, not all
			// (the outbox is read in batches of 500).
			left := outboxLen(t, c.DB)
			if left == 0 || left >= total {
				t.Fatalf("killed the server with %d of %d outbox entries left: not in the middle of the drain", left, total)
			}
			t.Logf("killed the server with %d of %d outbox entries left", left, total)

			// 3. A new server finishes the job.
			startChild(t, with(live, "BACKCHANNEL_ADDR", freeAddr(t)))
			deadline = time.Now().Add(90 * time.Second)
			for outboxLen(t, c.DB) > 0 {
				if time.Now().After(deadline) {
					t.Fatalf("outbox still holds %d entries", outboxLen(t, c.DB))
				}
				time.Sleep(50 * time.Millisecond)
			}
			res, err := engine.Search(ctx, search.Query{Text: "kilroy", Scopes: []search.Scope{{ChannelIDs: []int64{ch.ID}}}, Sort: search.SortNewest, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 2000 {
				t.Errorf("Meilisearch finds %d messages, want 2000", res.Total)
			}
			if len(res.Hits) == 0 || res.Hits[0].Body != "kilroy was here, message 1999" {
				t.Errorf("newest hit = %+v", res.Hits)
			}
		})
	}
}
