package handlers_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"backchannel/accounts"
	"backchannel/app"
	"backchannel/live"
	"backchannel/model"
	"backchannel/search"
	"backchannel/testenv"
)

// testServer is the whole HTTP stack on a free 127.0.0.1 port, over a real
// database.
type testServer struct {
	*app.App
	URL string
}

type serverOptions struct {
	noIndexer   bool          // run no search indexer (tests that count the requests' statements)
	search      search.Engine // default: the built-in engine
	bodyLimit   int
	accounts    accounts.Options  // sign-in limits and clock (zero: the defaults)
	streams     live.StreamLimits // caps of open event streams (default: live's)
	readTimeout time.Duration     // the server's ReadTimeout (default 30 s)
}

// newServer starts a server on a fresh, migrated database at dbURL and stops
// it when the test ends.
func newServer(t testing.TB, dbURL string, opts ...func(*serverOptions)) *testServer {
	t.Helper()
	ctx := context.Background()
	db := testenv.Open(t, dbURL)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	o := serverOptions{search: search.NewSQL(db), bodyLimit: 1 << 20}
	for _, f := range opts {
		f(&o)
	}
	a, err := app.New(ctx, db, app.Options{Search: o.search, SingleInstance: true, Accounts: o.accounts}, log)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	web, err := a.HTTP(ctx, app.HTTPOptions{BaseURL: base, BodyLimit: o.bodyLimit, CSRFKey: []byte("test-key-0123456789abcdef0123456"),
		Streams: o.streams, ReadTimeout: o.readTimeout})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = web.Listener(ln) }()
	// The search indexer runs beside the server, as in production (it sets
	// the engine up first).
	bgCtx, stopBackground := context.WithCancel(ctx)
	background := &sync.WaitGroup{}
	if !o.noIndexer {
		background = a.Start(bgCtx, app.Background{IndexerIdle: 50 * time.Millisecond})
	}
	t.Cleanup(func() {
		stopBackground()
		background.Wait()
		a.Hub.Close()
		_ = a.Bus.Close()
		_ = web.ShutdownWithTimeout(5 * time.Second)
	})
	return &testServer{App: a, URL: base}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// forEachDB runs fn with a fresh server on every database.
func forEachDB(t *testing.T, fn func(t *testing.T, s *testServer)) {
	t.Helper()
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) { fn(t, newServer(t, d.URL)) })
	}
}

// createUser makes an account with a site-wide role directly.
func (s *testServer) createUser(t testing.TB, email string, role model.Role) *model.User {
	t.Helper()
	u, err := s.Accounts.CreateUser(context.Background(), 0, accounts.Input{Email: email, DisplayName: strings.Split(email, "@")[0], Password: "correct horse battery"}, role)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// browser is an HTTP client with its own cookies that does not follow
// redirects, so tests see them.
type browser struct {
	t    testing.TB
	s    *testServer
	http *http.Client
	csrf string
}

func (s *testServer) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, http: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is a read response: status, headers, body, and the parsed page.
type response struct {
	Status int
	Header http.Header
	Body   string
	Doc    *goquery.Document
}

func (b *browser) do(req *http.Request) *response {
	b.t.Helper()
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	if v, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value"); ok {
		b.csrf = v
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: string(body), Doc: doc}
}

func (b *browser) get(path string, headers ...string) *response {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.s.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// post submits a form with the CSRF token of the last page fetched (fetching
// /login first when there is none yet).
func (b *browser) post(path string, form url.Values, headers ...string) *response {
	b.t.Helper()
	if b.csrf == "" {
		b.get("/login")
	}
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("_csrf") {
		form.Set("_csrf", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// signIn signs in through the login form and fails the test otherwise.
func (b *browser) signIn(email string) {
	b.t.Helper()
	b.get("/login")
	r := b.post("/login", url.Values{"email": {email}, "password": {"correct horse battery"}})
	if r.Status != http.StatusSeeOther {
		b.t.Fatalf("sign in %s: status %d: %s", email, r.Status, r.Doc.Find(".field-error, [role=alert]").Text())
	}
	// The CSRF token is bound to the new session: take it from a page of it.
	b.csrf = ""
	b.get("/account")
}

func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.s.URL)
	for _, c := range b.http.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// navLabels returns the labels of the main navigation.
func navLabels(r *response) []string {
	var out []string
	r.Doc.Find(`nav[aria-label="Main"] a`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Text()))
	})
	return out
}

func isNotFound(err error) bool { return errors.Is(err, model.ErrNotFound) }
