package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"backchannel/accounts"
	"backchannel/app"
	"backchannel/config"
	"backchannel/loadgen"
)

// demoOptions are the demo's own flags.
type demoOptions struct {
	loadgen.DemoOptions
}

func (o *demoOptions) register(fs *flag.FlagSet) {
	fs.Float64Var(&o.Rate, "rate", 20, "messages per minute the simulated audience posts (with jitter)")
	fs.DurationVar(&o.Duration, "duration", 0, "stop the demo after this long (0: run until interrupted)")
	fs.Uint64Var(&o.Seed, "seed", 0, "seed of the audience's random choices (0: a random seed, printed)")
	fs.IntVar(&o.Audience, "audience", 12, fmt.Sprintf("number of simulated participants (1 to %d)", loadgen.DemoAudienceMax()))
	fs.StringVar(&o.AdminPassword, "admin-password", "", "password of "+loadgen.DemoAdminEmail+" (default: a random one, printed)")
}

// check validates the flags and, unless the data directory or database is
// given (by flag or environment), keeps the demo's data apart from real data.
func (o *demoOptions) check(fs *flag.FlagSet, getenv config.Getenv, c *config.Config) error {
	switch {
	case o.Rate <= 0 || o.Rate > 6000:
		return fmt.Errorf("demo: --rate is messages per minute, more than 0 and at most 6000 (got %g)", o.Rate)
	case o.Duration < 0:
		return fmt.Errorf("demo: --duration cannot be negative (got %s)", o.Duration)
	case o.Audience < 1 || o.Audience > loadgen.DemoAudienceMax():
		return fmt.Errorf("demo: --audience is 1 to %d (got %d)", loadgen.DemoAudienceMax(), o.Audience)
	case o.AdminPassword != "":
		if err := accounts.ValidatePassword(o.AdminPassword); err != nil {
			return fmt.Errorf("demo: --admin-password: %w", err)
		}
	}
	explicit := getenv("BACKCHANNEL_DATA_DIR") != "" || c.DatabaseURL != ""
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "data-dir" {
			explicit = true
		}
	})
	if !explicit {
		c.DataDir = filepath.Join(c.DataDir, "demo")
	}
	if o.Seed == 0 {
		o.Seed = binary.LittleEndian.Uint64(randomBytes(8)) | 1
	}
	return nil
}

// demoCmd runs the server like serve, on its own data unless told otherwise,
// with a demo admin, a demo channel with a live session, and a simulated
// audience (package loadgen) posting into it through the chat use cases.
func demoCmd(ctx context.Context, args []string, getenv config.Getenv, stdout, stderr io.Writer) error {
	var o demoOptions
	return serveWith(ctx, "demo", args, getenv, stdout, stderr, serveHooks{
		flags: o.register,
		config: func(fs *flag.FlagSet, c *config.Config) error {
			return o.check(fs, getenv, c)
		},
		prepare: func(ctx context.Context, cfg config.Config, c *app.App, log *slog.Logger) (func(context.Context) error, error) {
			d := o.DemoOptions
			d.BaseURL = cfg.BaseURL
			return loadgen.Demo(ctx, services(c, log), d, stdout)
		},
	})
}
