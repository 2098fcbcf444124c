package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"backchannel/config"
	"backchannel/store"
)

// migrateCmd applies, rolls back or lists migrations.
func migrateCmd(ctx context.Context, args []string, getenv config.Getenv, stdout, stderr io.Writer) error {
	// The action comes first ("migrate status --database-url …"); flags
	// before it are accepted as well.
	action, explicit := "up", false
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args, explicit = args[0], args[1:], true
	}
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, err := loadConfig(fs, args, getenv, nil)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	rest := fs.Args()
	if !explicit && len(rest) > 0 {
		action, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		return usageErr(fmt.Errorf("migrate: unexpected arguments %q", rest))
	}
	switch action {
	case "up", "down", "status":
	default:
		return usageErr(fmt.Errorf("migrate: unknown action %q (use up, down or status)", action))
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return usageErr(&config.Error{Var: "BACKCHANNEL_DATABASE_URL", Msg: fmt.Sprintf("%s: %v", cfg.Redacted(), err)})
	}
	defer db.Close()
	m := store.NewMigrator(db)
	switch action {
	case "up":
		names, err := m.Up(ctx)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Fprintln(stdout, "Database is up to date.")
		}
		for _, n := range names {
			fmt.Fprintln(stdout, "applied", n)
		}
	case "down":
		names, err := m.Down(ctx)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Fprintln(stdout, "Nothing to roll back.")
		}
		for _, n := range names {
			fmt.Fprintln(stdout, "rolled back", n)
		}
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(stdout, "%-8s %s %s\n", state, s.Name, s.Comment)
		}
	default:
		return usageErr(fmt.Errorf("migrate: unknown action %q (use up, down or status)", action))
	}
	return nil
}
