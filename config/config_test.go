package config_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"backchannel/config"
)

// env returns a config.Getenv reading from m.
func env(m map[string]string) config.Getenv {
	return func(name string) string { return m[name] }
}

// loadValid runs Load then Validate, as the command does, and returns the
// first error.
func loadValid(m map[string]string) (config.Config, error) {
	c, err := config.Load(env(m))
	if err != nil {
		return c, err
	}
	err = c.Validate()
	return c, err
}

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.DatabaseURL != "" {
		t.Errorf("DatabaseURL before Validate = %q, want empty (derived in Validate)", c.DatabaseURL)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Addr", c.Addr, "127.0.0.1:8080"},
		{"DataDir", c.DataDir, "./data"},
		{"DatabaseURL", c.DatabaseURL, "sqlite://data/backchannel.db"},
		{"MeiliURL", c.MeiliURL, ""},
		{"MeiliKey", c.MeiliKey, ""},
		{"LogLevel", c.LogLevel, slog.LevelInfo},
		{"AdminEmail", c.AdminEmail, ""},
		{"AdminPassword", c.AdminPassword, ""},
		{"BaseURL", c.BaseURL, "http://127.0.0.1:8080"},
		{"SecureCookies", c.SecureCookies, false},
		{"SessionIdle", c.SessionIdle, 168 * time.Hour},
		{"SessionMax", c.SessionMax, 720 * time.Hour},
		{"TrustProxy", c.TrustProxy, false},
		{"BodyLimit", c.BodyLimit, 1 << 20},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	db, err := config.ParseDatabaseURL(c.DatabaseURL)
	if err != nil {
		t.Fatalf("ParseDatabaseURL(default): %v", err)
	}
	if db.Driver != "sqlite" || db.DSN != "data/backchannel.db" {
		t.Errorf("default database = %+v, want sqlite data/backchannel.db", db)
	}
}

// Every variable Vars documents is one Load reads, and the other way round
// for the ones this test sets.
func TestVarsDocumentsEveryVariable(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range config.Vars() {
		if !strings.HasPrefix(v.Name, "BACKCHANNEL_") || v.Default == "" || v.Meaning == "" {
			t.Errorf("incomplete Var %+v", v)
		}
		if seen[v.Name] {
			t.Errorf("%s listed twice", v.Name)
		}
		seen[v.Name] = true
	}
	read := map[string]bool{}
	if _, err := config.Load(func(name string) string { read[name] = true; return "" }); err != nil {
		t.Fatalf("Load: %v", err)
	}
	for name := range read {
		if !seen[name] {
			t.Errorf("Load reads %s, which Vars does not document", name)
		}
	}
	for name := range seen {
		if !read[name] {
			t.Errorf("Vars documents %s, which Load never reads", name)
		}
	}
}

func TestDerivedValues(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		baseURL    string
		secure     bool
		database   string
		logLevel   slog.Level
		bodyLimit  int
		trustProxy bool
	}{
		{name: "addr given", env: map[string]string{"BACKCHANNEL_ADDR": "10.0.0.5:9000"},
			baseURL: "http://10.0.0.5:9000"},
		{name: "all interfaces v4", env: map[string]string{"BACKCHANNEL_ADDR": "0.0.0.0:9000"},
			baseURL: "http://127.0.0.1:9000"},
		{name: "all interfaces empty host", env: map[string]string{"BACKCHANNEL_ADDR": ":9000"},
			baseURL: "http://127.0.0.1:9000"},
		{name: "all interfaces v6", env: map[string]string{"BACKCHANNEL_ADDR": "[::]:9000"},
			baseURL: "http://127.0.0.1:9000"},
		{name: "ipv6 loopback", env: map[string]string{"BACKCHANNEL_ADDR": "[::1]:9000"},
			baseURL: "http://[::1]:9000"},
		{name: "https base url turns on secure cookies",
			env:     map[string]string{"BACKCHANNEL_BASE_URL": "https://chat.example.org/"},
			baseURL: "https://chat.example.org", secure: true},
		{name: "http base url", env: map[string]string{"BACKCHANNEL_BASE_URL": "http://chat.example.org"},
			baseURL: "http://chat.example.org"},
		{name: "secure cookies forced off behind https",
			env:     map[string]string{"BACKCHANNEL_BASE_URL": "https://chat.example.org", "BACKCHANNEL_SECURE_COOKIES": "false"},
			baseURL: "https://chat.example.org"},
		{name: "secure cookies forced on (TLS at a proxy)",
			env:     map[string]string{"BACKCHANNEL_SECURE_COOKIES": "true"},
			baseURL: "http://127.0.0.1:8080", secure: true},
		{name: "data dir sets the sqlite file", env: map[string]string{"BACKCHANNEL_DATA_DIR": "/srv/backchannel"},
			database: "sqlite:///srv/backchannel/backchannel.db"},
		{name: "database url wins over data dir",
			env:      map[string]string{"BACKCHANNEL_DATA_DIR": "/srv/x", "BACKCHANNEL_DATABASE_URL": "postgres://bc@db/bc"},
			database: "postgres://bc@db/bc"},
		{name: "values are trimmed", env: map[string]string{"BACKCHANNEL_ADDR": "  127.0.0.1:9001 \n"},
			baseURL: "http://127.0.0.1:9001"},
		{name: "log level debug", env: map[string]string{"BACKCHANNEL_LOG_LEVEL": "debug"}, logLevel: slog.LevelDebug},
		{name: "log level WARNING", env: map[string]string{"BACKCHANNEL_LOG_LEVEL": "WARNING"}, logLevel: slog.LevelWarn},
		{name: "log level error", env: map[string]string{"BACKCHANNEL_LOG_LEVEL": "error"}, logLevel: slog.LevelError},
		{name: "body limit", env: map[string]string{"BACKCHANNEL_BODY_LIMIT": "4096"}, bodyLimit: 4096},
		{name: "trust proxy", env: map[string]string{"BACKCHANNEL_TRUST_PROXY": "true"}, trustProxy: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadValid(tt.env)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.baseURL != "" && c.BaseURL != tt.baseURL {
				t.Errorf("BaseURL = %q, want %q", c.BaseURL, tt.baseURL)
			}
			if c.SecureCookies != tt.secure {
				t.Errorf("SecureCookies = %v, want %v", c.SecureCookies, tt.secure)
			}
			if tt.database != "" && c.DatabaseURL != tt.database {
				t.Errorf("DatabaseURL = %q, want %q", c.DatabaseURL, tt.database)
			}
			if c.LogLevel != tt.logLevel {
				t.Errorf("LogLevel = %v, want %v", c.LogLevel, tt.logLevel)
			}
			if tt.bodyLimit != 0 && c.BodyLimit != tt.bodyLimit {
				t.Errorf("BodyLimit = %d, want %d", c.BodyLimit, tt.bodyLimit)
			}
			if c.TrustProxy != tt.trustProxy {
				t.Errorf("TrustProxy = %v, want %v", c.TrustProxy, tt.trustProxy)
			}
		})
	}
}

func TestErrorsNameTheVariable(t *testing.T) {
	const (
		dbURL    = "BACKCHANNEL_DATABASE_URL"
		addr     = "BACKCHANNEL_ADDR"
		level    = "BACKCHANNEL_LOG_LEVEL"
		idle     = "BACKCHANNEL_SESSION_IDLE"
		max      = "BACKCHANNEL_SESSION_MAX"
		email    = "BACKCHANNEL_ADMIN_EMAIL"
		password = "BACKCHANNEL_ADMIN_PASSWORD"
		meili    = "BACKCHANNEL_MEILI_URL"
		body     = "BACKCHANNEL_BODY_LIMIT"
		base     = "BACKCHANNEL_BASE_URL"
		proxy    = "BACKCHANNEL_TRUST_PROXY"
		secure   = "BACKCHANNEL_SECURE_COOKIES"
		debug    = "BACKCHANNEL_DEBUG_ADDR"
	)
	goodPassword := "correct horse battery"
	tests := []struct {
		name    string
		env     map[string]string
		wantVar string
		wantMsg string // a part of the message, optional
	}{
		{"database url not a url", map[string]string{dbURL: "not a url"}, dbURL, "use sqlite://"},
		{"database url unknown scheme", map[string]string{dbURL: "mysql://bc@db/bc"}, dbURL, "mysql://"},
		{"database url unparseable postgres", map[string]string{dbURL: "postgres://db:port/bc"}, dbURL, "cannot parse"},
		{"database url bad escape", map[string]string{dbURL: "postgres://db/b%zz"}, dbURL, "cannot parse"},
		{"postgres url without host", map[string]string{dbURL: "postgres:///bc"}, dbURL, "names no host"},
		{"postgresql url without host", map[string]string{dbURL: "postgresql://bc@/bc"}, dbURL, "names no host"},
		{"sqlite url without file", map[string]string{dbURL: "sqlite://"}, dbURL, "names no file"},
		{"addr without port", map[string]string{addr: "localhost"}, addr, "not host:port"},
		{"addr with too many colons", map[string]string{addr: "::1:80"}, addr, "not host:port"},
		{"port not a number", map[string]string{addr: "127.0.0.1:http"}, addr, "no valid port"},
		{"port empty", map[string]string{addr: "127.0.0.1:"}, addr, "no valid port"},
		{"port too large", map[string]string{addr: "127.0.0.1:65536"}, addr, "no valid port"},
		{"port negative", map[string]string{addr: "127.0.0.1:-1"}, addr, "no valid port"},
		{"unknown log level", map[string]string{level: "verbose"}, level, `"verbose"`},
		{"streams per person zero", map[string]string{"BACKCHANNEL_STREAMS_PER_PERSON": "0"}, "BACKCHANNEL_STREAMS_PER_PERSON", "at least 1"},
		{"streams per address not a number", map[string]string{"BACKCHANNEL_STREAMS_PER_ADDRESS": "many"}, "BACKCHANNEL_STREAMS_PER_ADDRESS", `"many"`},
		{"idle not a duration", map[string]string{idle: "forever"}, idle, "not a duration"},
		{"idle without unit", map[string]string{idle: "60"}, idle, "not a duration"},
		{"max not a duration", map[string]string{max: "1 day"}, max, "not a duration"},
		{"idle too short", map[string]string{idle: "30s"}, idle, "at least 1m"},
		{"max shorter than idle", map[string]string{idle: "2h", max: "1h"}, max, "shorter"},
		{"trust proxy not a bool", map[string]string{proxy: "maybe"}, proxy, "true or false"},
		{"secure cookies not a bool", map[string]string{secure: "sometimes"}, secure, "true or false"},
		{"admin email without password", map[string]string{email: "admin@example.org"}, email, "set both"},
		{"admin password without email", map[string]string{password: goodPassword}, email, "set both"},
		{"admin email not an address", map[string]string{email: "admin", password: goodPassword}, email, "not an email"},
		{"admin password short", map[string]string{email: "admin@example.org", password: "short"}, password, "at least 10"},
		// Characters, not bytes: nine two-byte letters are still too short.
		{"admin password short in runes", map[string]string{email: "admin@example.org", password: "ééééééééé"}, password, "at least 10"},
		{"meili url without scheme", map[string]string{meili: "127.0.0.1:7700"}, meili, "not an http(s) URL"},
		{"meili url wrong scheme", map[string]string{meili: "ftp://search.example.org"}, meili, "not an http(s) URL"},
		{"meili url without host", map[string]string{meili: "http://"}, meili, "not an http(s) URL"},
		{"body limit not a number", map[string]string{body: "lots"}, body, `"lots"`},
		{"body limit with unit", map[string]string{body: "1MB"}, body, "whole number"},
		{"body limit too small", map[string]string{body: "1024"}, body, "at least 4096"},
		{"body limit negative", map[string]string{body: "-5"}, body, "at least 4096"},
		{"base url without scheme", map[string]string{base: "chat.example.org"}, base, "not an http(s) URL"},
		{"base url wrong scheme", map[string]string{base: "ws://chat.example.org"}, base, "not an http(s) URL"},
		{"debug addr on every interface", map[string]string{debug: ":6060"}, debug, "not a loopback"},
		{"debug addr public", map[string]string{debug: "192.0.2.1:6060"}, debug, "not a loopback"},
		{"debug addr without port", map[string]string{debug: "127.0.0.1"}, debug, "not a loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadValid(tt.env)
			if err == nil {
				t.Fatalf("no error for %v", tt.env)
			}
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T) is not a *config.Error", err, err)
			}
			if ce.Var != tt.wantVar {
				t.Errorf("error names %s, want %s (error: %v)", ce.Var, tt.wantVar, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.wantVar+": ") {
				t.Errorf("message %q does not start with %q", msg, tt.wantVar+": ")
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("message %q is more than one line", msg)
			}
			if tt.wantMsg != "" && !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", msg, tt.wantMsg)
			}
		})
	}
}

func TestParseDatabaseURL(t *testing.T) {
	tests := []struct {
		raw    string
		driver string
		dsn    string
	}{
		{"sqlite:///var/lib/backchannel/bc.db", "sqlite", "/var/lib/backchannel/bc.db"},
		{"sqlite://data/bc.db", "sqlite", "data/bc.db"},
		{"sqlite://data/bc.db?cache=shared", "sqlite", "data/bc.db"},
		{"sqlite:bc.db", "sqlite", "bc.db"},
		{"sqlite:/tmp/bc.db", "sqlite", "/tmp/bc.db"},
		{"file:bc.db", "sqlite", "bc.db"},
		{"file:/tmp/bc.db?mode=rwc", "sqlite", "/tmp/bc.db"},
		{"postgres://bc:pw@db.internal:5432/bc?sslmode=disable", "postgres", "postgres://bc:pw@db.internal:5432/bc?sslmode=disable"},
		{"postgres://db/bc", "postgres", "postgres://db/bc"},
		{"postgresql://bc@127.0.0.1/bc", "postgres", "postgresql://bc@127.0.0.1/bc"},
		{"postgresql://[::1]:5433/bc", "postgres", "postgresql://[::1]:5433/bc"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := config.ParseDatabaseURL(tt.raw)
			if err != nil {
				t.Fatalf("ParseDatabaseURL(%q): %v", tt.raw, err)
			}
			if got.Driver != tt.driver || got.DSN != tt.dsn {
				t.Errorf("ParseDatabaseURL(%q) = %+v, want {%s %s}", tt.raw, got, tt.driver, tt.dsn)
			}
		})
	}

	bad := []string{
		"",
		"bc.db",
		"/var/lib/bc.db",
		"mysql://bc@db/bc",
		"http://db/bc",
		"sqlite://",
		"sqlite:",
		"file:",
		"sqlite://?mode=memory",
		"postgres://",
		"postgres:///bc",
		"postgres://db:notaport/bc",
	}
	for _, raw := range bad {
		t.Run("bad "+raw, func(t *testing.T) {
			if got, err := config.ParseDatabaseURL(raw); err == nil {
				t.Errorf("ParseDatabaseURL(%q) = %+v, want an error", raw, got)
			}
		})
	}
}

func TestPasswordsAreRedacted(t *testing.T) {
	const secret = "Sup3rS3cretPW"
	t.Run("error messages", func(t *testing.T) {
		for _, raw := range []string{
			"postgres://bc:" + secret + "@/bc",                   // no host
			"postgresql://bc:" + secret + "@/bc?sslmode=disable", // no host
			"postgres://bc:" + secret + "@db:notaport/bc",        // unparseable
			"postgres://bc:" + secret + "@db/b%zz",               // unparseable
			"mysql://bc:" + secret + "@db/bc",                    // unknown scheme
		} {
			_, err := config.ParseDatabaseURL(raw)
			if err == nil {
				t.Fatalf("ParseDatabaseURL(%q): no error", raw)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("ParseDatabaseURL error shows the password: %v", err)
			}
			_, err = loadValid(map[string]string{"BACKCHANNEL_DATABASE_URL": raw})
			var ce *config.Error
			if !errors.As(err, &ce) || ce.Var != "BACKCHANNEL_DATABASE_URL" {
				t.Fatalf("Validate(%q) = %v, want a BACKCHANNEL_DATABASE_URL error", raw, err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("Validate error shows the password: %v", err)
			}
		}
	})
	t.Run("Redacted", func(t *testing.T) {
		tests := []struct {
			raw  string
			want string // a part of the redacted form, optional
		}{
			{"postgres://bc:" + secret + "@db.internal:5432/bc?sslmode=disable", "bc:xxxxx@db.internal:5432/bc"},
			{"postgresql://bc:" + secret + "@db/bc", "db/bc"},
			{"postgres://bc:" + secret + "@db:notaport/bc", "@db:notaport/bc"},
		}
		for _, tt := range tests {
			r := config.Config{DatabaseURL: tt.raw}.Redacted()
			if strings.Contains(r, secret) {
				t.Errorf("Redacted() = %q shows the password", r)
			}
			if !strings.Contains(r, tt.want) {
				t.Errorf("Redacted() = %q, want it to contain %q", r, tt.want)
			}
		}
	})
	t.Run("nothing to hide", func(t *testing.T) {
		for _, raw := range []string{"postgres://bc@db/bc", "sqlite:///srv/bc.db"} {
			if r := (config.Config{DatabaseURL: raw}).Redacted(); r != raw {
				t.Errorf("Redacted() = %q, want %q unchanged", r, raw)
			}
		}
	})
}

func TestParseLogLevel(t *testing.T) {
	tests := []struct {
		in   string
		want slog.Level
		ok   bool
	}{
		{"debug", slog.LevelDebug, true},
		{"DEBUG", slog.LevelDebug, true},
		{"info", slog.LevelInfo, true},
		{"", slog.LevelInfo, true},
		{"warn", slog.LevelWarn, true},
		{"warning", slog.LevelWarn, true},
		{"error", slog.LevelError, true},
		{"trace", 0, false},
		{"fatal", 0, false},
		{"1", 0, false},
	}
	for _, tt := range tests {
		got, err := config.ParseLogLevel(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseLogLevel(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok && got != tt.want {
			t.Errorf("ParseLogLevel(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestReviewFixes(t *testing.T) {
	env := func(m map[string]string) config.Getenv { return func(k string) string { return m[k] } }
	// A password holding "@" in an unparseable URL is not shown.
	_, err := config.ParseDatabaseURL("postgres://bc:hunter@2secret@db:bad/bc")
	if err == nil || strings.Contains(err.Error(), "2secret") || strings.Contains(err.Error(), "hunter") {
		t.Errorf("redaction: %v", err)
	}
	// An upper-case https base URL still marks cookies Secure.
	c, _ := config.Load(env(map[string]string{"BACKCHANNEL_BASE_URL": "HTTPS://chat.example.org"}))
	if err := c.Validate(); err != nil || !c.SecureCookies {
		t.Errorf("HTTPS base URL: secure=%v err=%v", c.SecureCookies, err)
	}
	for name, m := range map[string]map[string]string{
		"BACKCHANNEL_ADMIN_EMAIL":    {"BACKCHANNEL_ADMIN_EMAIL": "a@b c", "BACKCHANNEL_ADMIN_PASSWORD": "long enough password"},
		"BACKCHANNEL_ADMIN_PASSWORD": {"BACKCHANNEL_ADMIN_EMAIL": "a@example.org", "BACKCHANNEL_ADMIN_PASSWORD": strings.Repeat("p", 300)},
	} {
		c, _ := config.Load(env(m))
		var ce *config.Error
		if err := c.Validate(); !errors.As(err, &ce) || ce.Var != name {
			t.Errorf("%v: err = %v, want one naming %s", m, err, name)
		}
	}
}
