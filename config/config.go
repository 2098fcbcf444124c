// Package config reads Backchannel's settings from BACKCHANNEL_* environment
// variables (command-line flags may override them) and validates them once at
// start, so a bad value stops the process with one line naming the variable.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of a Backchannel process.
type Config struct {
	Addr        string // BACKCHANNEL_ADDR
	DataDir     string // BACKCHANNEL_DATA_DIR
	DatabaseURL string // BACKCHANNEL_DATABASE_URL
	MeiliURL    string // BACKCHANNEL_MEILI_URL
	MeiliKey    string // BACKCHANNEL_MEILI_KEY
	MeiliIndex  string // BACKCHANNEL_MEILI_INDEX
	// SearchLanguage is BACKCHANNEL_SEARCH_LANGUAGE: whose word forms
	// search matches (one of SearchLanguages).
	SearchLanguage string
	LogLevel       slog.Level    // BACKCHANNEL_LOG_LEVEL
	AdminEmail     string        // BACKCHANNEL_ADMIN_EMAIL
	AdminPassword  string        // BACKCHANNEL_ADMIN_PASSWORD
	BaseURL        string        // BACKCHANNEL_BASE_URL
	SecureCookies  bool          // derived from BaseURL (https) or BACKCHANNEL_SECURE_COOKIES
	SessionIdle    time.Duration // BACKCHANNEL_SESSION_IDLE
	SessionMax     time.Duration // BACKCHANNEL_SESSION_MAX
	TrustProxy     bool          // BACKCHANNEL_TRUST_PROXY
	BodyLimit      int           // BACKCHANNEL_BODY_LIMIT (bytes)
	Storage        Storage       // BACKCHANNEL_STORAGE_URL: where attachments' bytes live
	DebugAddr      string        // BACKCHANNEL_DEBUG_ADDR (empty: off)
	// BACKCHANNEL_STREAMS_PER_PERSON, BACKCHANNEL_STREAMS_PER_ADDRESS: caps
	// of the live streams open at once on one instance.
	StreamsPerPerson, StreamsPerAddress int

	secureSet bool // BACKCHANNEL_SECURE_COOKIES was given explicitly
	derived   bool // BaseURL was filled in by Validate from Addr
}

// BaseURLDerived reports whether the base URL was derived from the listen
// address (and so should follow the address actually bound).
func (c Config) BaseURLDerived() bool { return c.derived }

// Var describes one environment variable: its name, default and meaning. The
// README's configuration table is generated from the same list in tests.
type Var struct {
	Name    string
	Default string
	Meaning string
}

// Vars lists every environment variable Backchannel reads.
func Vars() []Var {
	return []Var{
		{"BACKCHANNEL_ADDR", "127.0.0.1:8080", "host:port the HTTP server listens on"},
		{"BACKCHANNEL_DATA_DIR", "./data", "directory for the embedded SQLite database and other local state"},
		{"BACKCHANNEL_DATABASE_URL", "sqlite://<data dir>/backchannel.db", "database: `sqlite:///path/file.db` (embedded) or `postgres://user:pass@host:5432/db?sslmode=disable`"},
		{"BACKCHANNEL_MEILI_URL", "(empty: built-in search)", "Meilisearch URL, e.g. `http://127.0.0.1:7700`; when set, search uses Meilisearch"},
		{"BACKCHANNEL_MEILI_KEY", "(empty)", "Meilisearch API key (master key or an admin key)"},
		{"BACKCHANNEL_MEILI_INDEX", "`messages`", "Meilisearch index name (several sites can share one Meilisearch with different names)"},
		{"BACKCHANNEL_SEARCH_LANGUAGE", "english", "language whose word forms search matches (galaxy finds galaxies): " + strings.Join(SearchLanguages(), ", ") + "; changing it needs `backchannel reindex`"},
		{"BACKCHANNEL_LOG_LEVEL", "info", "log level: debug, info, warn or error"},
		{"BACKCHANNEL_ADMIN_EMAIL", "(empty)", "with BACKCHANNEL_ADMIN_PASSWORD: creates this admin on first start instead of printing a setup link"},
		{"BACKCHANNEL_ADMIN_PASSWORD", "(empty)", "password for BACKCHANNEL_ADMIN_EMAIL (at least 10 characters)"},
		{"BACKCHANNEL_BASE_URL", "http://<addr>", "public URL of the site, used in printed links; an https URL turns on Secure cookies"},
		{"BACKCHANNEL_SECURE_COOKIES", "false (true when the base URL is https)", "mark cookies Secure (set when TLS ends at a proxy in front)"},
		{"BACKCHANNEL_SESSION_IDLE", "168h", "a sign-in ends after this long without a request"},
		{"BACKCHANNEL_SESSION_MAX", "720h", "a sign-in ends this long after it began, however active"},
		{"BACKCHANNEL_TRUST_PROXY", "false", "take the client address from X-Forwarded-For (only behind your own proxy)"},
		{"BACKCHANNEL_BODY_LIMIT", "1048576", "largest request body accepted, in bytes"},
		{"BACKCHANNEL_STREAMS_PER_PERSON", "16", "most live streams one account or guest holds open at once on one instance (one more ends their oldest)"},
		{"BACKCHANNEL_STORAGE_URL", "database", "where attachments' bytes live: `database` (chunks in the database) or an S3-compatible bucket, `s3://ACCESS_KEY:SECRET_KEY@host:9000/bucket?secure=false&region=us-east-1`"},
		{"BACKCHANNEL_STREAMS_PER_ADDRESS", "256", "most live streams from one client address at once on one instance (loopback not counted)"},
		{"BACKCHANNEL_DEBUG_ADDR", "(empty: off)", "loopback host:port serving Go's profiler (`/debug/pprof/`), e.g. `127.0.0.1:6060`; never expose it"},
	}
}

// SearchLanguages are the values of BACKCHANNEL_SEARCH_LANGUAGE: the
// Snowball stemmers search knows (search.Languages; a test keeps the two
// lists equal).
func SearchLanguages() []string {
	return []string{"danish", "dutch", "english", "finnish", "french", "german", "hungarian", "italian",
		"norwegian", "portuguese", "romanian", "russian", "spanish", "swedish", "turkish"}
}

// Error is a configuration error that names the variable at fault.
type Error struct {
	Var string
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Var, e.Msg) }

// Getenv is the lookup function Load reads from (os.Getenv in production).
type Getenv func(string) string

// Load reads the configuration from getenv and fills in defaults. It does not
// validate; call Validate after applying flag overrides.
func Load(getenv Getenv) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:           get("BACKCHANNEL_ADDR", "127.0.0.1:8080"),
		DataDir:        get("BACKCHANNEL_DATA_DIR", "./data"),
		DatabaseURL:    get("BACKCHANNEL_DATABASE_URL", ""),
		MeiliURL:       get("BACKCHANNEL_MEILI_URL", ""),
		MeiliKey:       getenv("BACKCHANNEL_MEILI_KEY"),
		MeiliIndex:     get("BACKCHANNEL_MEILI_INDEX", "messages"),
		SearchLanguage: strings.ToLower(get("BACKCHANNEL_SEARCH_LANGUAGE", "english")),
		AdminEmail:     get("BACKCHANNEL_ADMIN_EMAIL", ""),
		AdminPassword:  getenv("BACKCHANNEL_ADMIN_PASSWORD"),
		BaseURL:        strings.TrimRight(get("BACKCHANNEL_BASE_URL", ""), "/"),
		DebugAddr:      get("BACKCHANNEL_DEBUG_ADDR", ""),
	}
	var err error
	if c.LogLevel, err = ParseLogLevel(get("BACKCHANNEL_LOG_LEVEL", "info")); err != nil {
		return c, &Error{"BACKCHANNEL_LOG_LEVEL", err.Error()}
	}
	if c.SessionIdle, err = parseDuration(get("BACKCHANNEL_SESSION_IDLE", "168h")); err != nil {
		return c, &Error{"BACKCHANNEL_SESSION_IDLE", err.Error()}
	}
	if c.SessionMax, err = parseDuration(get("BACKCHANNEL_SESSION_MAX", "720h")); err != nil {
		return c, &Error{"BACKCHANNEL_SESSION_MAX", err.Error()}
	}
	if c.TrustProxy, err = parseBool(get("BACKCHANNEL_TRUST_PROXY", "false")); err != nil {
		return c, &Error{"BACKCHANNEL_TRUST_PROXY", err.Error()}
	}
	secure := get("BACKCHANNEL_SECURE_COOKIES", "")
	if secure != "" {
		if c.SecureCookies, err = parseBool(secure); err != nil {
			return c, &Error{"BACKCHANNEL_SECURE_COOKIES", err.Error()}
		}
		c.secureSet = true
	} else {
		c.SecureCookies = strings.HasPrefix(strings.ToLower(c.BaseURL), "https://")
	}
	if c.BodyLimit, err = strconv.Atoi(get("BACKCHANNEL_BODY_LIMIT", "1048576")); err != nil || c.BodyLimit < 4096 {
		return c, &Error{"BACKCHANNEL_BODY_LIMIT", fmt.Sprintf("%q is not a whole number of bytes of at least 4096", getenv("BACKCHANNEL_BODY_LIMIT"))}
	}
	if c.Storage, err = ParseStorageURL(getenv("BACKCHANNEL_STORAGE_URL")); err != nil {
		return c, &Error{"BACKCHANNEL_STORAGE_URL", err.Error()}
	}
	for _, v := range []struct {
		name, def string
		to        *int
	}{{"BACKCHANNEL_STREAMS_PER_PERSON", "16", &c.StreamsPerPerson}, {"BACKCHANNEL_STREAMS_PER_ADDRESS", "256", &c.StreamsPerAddress}} {
		if *v.to, err = strconv.Atoi(get(v.name, v.def)); err != nil || *v.to < 1 {
			return c, &Error{v.name, fmt.Sprintf("%q is not a whole number of at least 1", getenv(v.name))}
		}
	}
	return c, nil
}

// Validate checks every setting, fills in the values derived from others and
// returns an *Error naming the first variable at fault.
func (c *Config) Validate() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return &Error{"BACKCHANNEL_ADDR", fmt.Sprintf("%q is not host:port", c.Addr)}
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return &Error{"BACKCHANNEL_ADDR", fmt.Sprintf("%q has no valid port", c.Addr)}
	}
	if c.DebugAddr != "" {
		h, _, err := net.SplitHostPort(c.DebugAddr)
		if ip := net.ParseIP(h); err != nil || (h != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return &Error{"BACKCHANNEL_DEBUG_ADDR", fmt.Sprintf("%q is not a loopback host:port (the profiler must not be reachable from outside)", c.DebugAddr)}
		}
	}
	if c.DataDir == "" {
		return &Error{"BACKCHANNEL_DATA_DIR", "must not be empty"}
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = "sqlite://" + filepath.ToSlash(filepath.Join(c.DataDir, "backchannel.db"))
	}
	if _, err := ParseDatabaseURL(c.DatabaseURL); err != nil {
		return &Error{"BACKCHANNEL_DATABASE_URL", err.Error()}
	}
	if c.MeiliURL != "" {
		u, err := url.Parse(c.MeiliURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &Error{"BACKCHANNEL_MEILI_URL", fmt.Sprintf("%q is not an http(s) URL", c.MeiliURL)}
		}
	}
	if !validIndexName(c.MeiliIndex) {
		return &Error{"BACKCHANNEL_MEILI_INDEX", fmt.Sprintf("%q is not an index name (letters, digits, - and _, at most 400)", c.MeiliIndex)}
	}
	if !slices.Contains(SearchLanguages(), c.SearchLanguage) {
		return &Error{"BACKCHANNEL_SEARCH_LANGUAGE", fmt.Sprintf("%q is not a supported language (one of %s)", c.SearchLanguage, strings.Join(SearchLanguages(), ", "))}
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return &Error{"BACKCHANNEL_ADMIN_EMAIL", "set both BACKCHANNEL_ADMIN_EMAIL and BACKCHANNEL_ADMIN_PASSWORD, or neither"}
	}
	if c.AdminEmail != "" {
		if a, err := mail.ParseAddress(c.AdminEmail); err != nil || a.Address != c.AdminEmail || a.Name != "" {
			return &Error{"BACKCHANNEL_ADMIN_EMAIL", fmt.Sprintf("%q is not an email address", c.AdminEmail)}
		}
	}
	if c.AdminPassword != "" && len([]rune(c.AdminPassword)) < 10 {
		return &Error{"BACKCHANNEL_ADMIN_PASSWORD", "must be at least 10 characters"}
	}
	if len(c.AdminPassword) > 256 {
		return &Error{"BACKCHANNEL_ADMIN_PASSWORD", "must be at most 256 bytes"}
	}
	if c.BaseURL == "" || c.derived {
		c.derived = true
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Error{"BACKCHANNEL_BASE_URL", fmt.Sprintf("%q is not an http(s) URL", c.BaseURL)}
	} else if u.Scheme == "https" && !c.secureSet {
		c.SecureCookies = true
	}
	if c.SessionIdle < time.Minute {
		return &Error{"BACKCHANNEL_SESSION_IDLE", "must be at least 1m"}
	}
	if c.SessionMax < c.SessionIdle {
		return &Error{"BACKCHANNEL_SESSION_MAX", "must not be shorter than BACKCHANNEL_SESSION_IDLE"}
	}
	return nil
}

// Database is a parsed BACKCHANNEL_DATABASE_URL.
type Database struct {
	Driver string // "sqlite" or "postgres"
	DSN    string // file path for SQLite, the URL itself for PostgreSQL
}

// ParseDatabaseURL understands sqlite://path, sqlite:path, file:path and
// postgres:// or postgresql:// URLs.
func ParseDatabaseURL(raw string) (Database, error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil {
			return Database{}, fmt.Errorf("cannot parse %q as a URL", redact(raw))
		}
		if u.Host == "" {
			return Database{}, fmt.Errorf("%q names no host", redact(raw))
		}
		return Database{Driver: "postgres", DSN: raw}, nil
	case strings.HasPrefix(raw, "sqlite://"):
		return sqlitePath(strings.TrimPrefix(raw, "sqlite://"), raw)
	case strings.HasPrefix(raw, "sqlite:"):
		return sqlitePath(strings.TrimPrefix(raw, "sqlite:"), raw)
	case strings.HasPrefix(raw, "file:"):
		return sqlitePath(strings.TrimPrefix(raw, "file:"), raw)
	}
	return Database{}, fmt.Errorf("%q: use sqlite:///path/to/file.db or postgres://user:pass@host/db", redact(raw))
}

func sqlitePath(p, raw string) (Database, error) {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if p == "" {
		return Database{}, fmt.Errorf("%q names no file", raw)
	}
	return Database{Driver: "sqlite", DSN: p}, nil
}

// redact hides a password in a URL so that it never reaches a log line.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "…" + raw[i:]
		}
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redacted returns the database URL with any password hidden.
func (c Config) Redacted() string { return redact(c.DatabaseURL) }

// ParseLogLevel accepts debug, info, warn (warning) and error.
func ParseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info", "":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("unknown log level %q (use debug, info, warn or error)", s)
}

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 30m or 24h", s)
	}
	return d, nil
}

func parseBool(s string) (bool, error) {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, errors.New(strconv.Quote(s) + " is not true or false")
	}
	return b, nil
}

// validIndexName reports whether s may name a Meilisearch index: letters,
// digits, - and _, 1 to 400 long.
func validIndexName(s string) bool {
	if s == "" || len(s) > 400 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
