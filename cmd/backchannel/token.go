package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"backchannel/config"
)

// tokenCmd creates a personal access token for the JSON API.
func tokenCmd(ctx context.Context, args []string, getenv config.Getenv, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageErr(errors.New("token: say create"))
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the account the token acts as")
	name := fs.String("name", "command line", "a name to recognise the token by")
	cfg, err := loadConfig(fs, args[1:], getenv, nil)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if *email == "" {
		return usageErr(errors.New("token: --email is required"))
	}
	c, err := openCore(ctx, cfg, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer c.Close()
	u, err := c.Accounts.UserByEmail(ctx, *email)
	if err != nil {
		return cliError(err)
	}
	secret, _, err := c.Accounts.CreateAPIToken(ctx, u.ID, *name)
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintln(stdout, secret)
	return nil
}
