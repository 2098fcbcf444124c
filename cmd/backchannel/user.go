package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"backchannel/accounts"
	"backchannel/config"
	"backchannel/model"
)

// userCmd creates users, sets their site-wide role, disables and enables them.
func userCmd(ctx context.Context, args []string, getenv config.Getenv, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr(errors.New("user: say create, set-role, disable or enable"))
	}
	action, args := args[0], args[1:]
	switch action {
	case "create", "set-role", "disable", "enable":
	default:
		return usageErr(fmt.Errorf("user: unknown action %q (use create, set-role, disable or enable)", action))
	}
	fs := flag.NewFlagSet("user "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the account's email")
	password := fs.String("password", "", "password (create)")
	name := fs.String("name", "", "display name (create)")
	handle := fs.String("handle", "", "handle, for /u/{handle} (create; default: made from the name)")
	role := fs.String("role", string(model.RoleParticipant), "site-wide role: admin, moderator, host or participant")
	cfg, err := loadConfig(fs, args, getenv, nil)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if *email == "" {
		return usageErr(errors.New("user: --email is required"))
	}
	c, err := openCore(ctx, cfg, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer c.Close()
	switch action {
	case "create":
		u, err := c.Accounts.CreateUser(ctx, 0, accounts.Input{Email: *email, DisplayName: *name, Password: *password, Handle: *handle}, model.Role(*role))
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "created user %d <%s> @%s with role %s\n", u.ID, u.Email, u.Handle, *role)
	case "set-role", "disable", "enable":
		u, err := c.Accounts.UserByEmail(ctx, *email)
		if err != nil {
			return cliError(err)
		}
		switch action {
		case "set-role":
			err = c.Accounts.SetSiteRole(ctx, 0, u.ID, model.Role(*role))
		case "disable":
			err = c.Accounts.SetDisabled(ctx, 0, u.ID, true)
		case "enable":
			err = c.Accounts.SetDisabled(ctx, 0, u.ID, false)
		}
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "%s: done for <%s>\n", action, u.Email)
	default:
		return usageErr(fmt.Errorf("user: unknown action %q (use create, set-role, disable or enable)", action))
	}
	return nil
}

// cliError words an error for the terminal: the message meant for people
// when there is one; bad input exits with status 2.
func cliError(err error) error {
	var fe *model.FieldError
	switch {
	case errors.As(err, &fe):
		return usageErr(fmt.Errorf("%s: %s", fe.Field, fe.Message))
	case errors.Is(err, model.ErrNotFound):
		return &exitError{code: 1, err: errors.New("no such user")}
	}
	return err
}
