package handlers_test

import (
	"database/sql"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/uptrace/bun/driver/pgdriver"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/search"
	"backchannel/testenv"
)

// deadAddress is a 127.0.0.1 address with nothing listening.
func deadAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// wantUnavailable checks a 503 with Retry-After and, for JSON, the code and
// a message.
func wantUnavailable(t *testing.T, what string, status int, h http.Header, body, code string) {
	t.Helper()
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
		t.Errorf("%s = %d, Retry-After %q, want 503 with Retry-After: %.300s", what, status, h.Get("Retry-After"), body)
		return
	}
	if code == "" {
		return
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != code || e.Error.Message == "" {
		t.Errorf("%s: JSON %s, want code %q and a message", what, body, code)
	}
}

// While Meilisearch cannot be reached, search answers 503 with Retry-After
// and says the index is unavailable (API and page), and /readyz says only
// that search is unavailable, never where it is or what failed.
func TestSearchOutageAnswers503(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			dead := deadAddress(t)
			s := newServer(t, d.URL, func(o *serverOptions) { o.search = search.NewMeili("http://"+dead, "key", "outage") })
			s.newChannel(t, "physics", chat.ChannelInput{}) // a channel pat may search
			pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
			r := pat.do("GET", "/api/v1/search?q=slides", nil)
			wantUnavailable(t, "API search", r.Status, r.Header, string(r.Body), "search_unavailable")
			if !strings.Contains(string(r.Body), "search index") || strings.Contains(string(r.Body), dead) {
				t.Errorf("API search message: %s", r.Body)
			}
			b := s.browser(t)
			b.signIn("pat@example.org")
			page := b.get("/search?q=slides")
			wantUnavailable(t, "search page", page.Status, page.Header, page.Body, "")
			if !strings.Contains(page.Doc.Find("main").Text(), "Search is not available") {
				t.Errorf("the search page does not say search is unavailable: %.500s", page.Doc.Find("main").Text())
			}
			res, err := http.Get(s.URL + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			var ready struct {
				Status string
				Checks map[string]map[string]any
			}
			raw := new(strings.Builder)
			_ = json.NewDecoder(teeReader(res, raw)).Decode(&ready)
			res.Body.Close()
			if res.StatusCode != 503 || ready.Checks["search"]["status"] != "unavailable" || ready.Checks["database"]["status"] != "ok" {
				t.Errorf("readyz = %d %s", res.StatusCode, raw)
			}
			for _, leak := range []string{dead, "127.0.0.1", "refused", "error", "http://"} {
				if strings.Contains(raw.String(), leak) {
					t.Errorf("readyz tells %q: %s", leak, raw)
				}
			}
			for _, c := range ready.Checks {
				if len(c) != 1 {
					t.Errorf("readyz says more than a status: %s", raw)
				}
			}
		})
	}
}

// While the database is down — its pool closed (SQLite, PostgreSQL), or
// the PostgreSQL database dropped under the server, which ends its
// connections — requests answer 503 with Retry-After and a clear message
// (JSON, HTML page and HTMX fragment), not 500, and /readyz says the
// database is unavailable without the driver's words.
func TestDatabaseOutageAnswers503(t *testing.T) {
	type outage struct {
		name   string
		url    string
		break_ func(t *testing.T, s *testServer)
	}
	closePool := func(t *testing.T, s *testServer) {
		if err := s.DB.Close(); err != nil {
			t.Fatal(err)
		}
	}
	var outages []outage
	for _, d := range testenv.Databases(t) {
		outages = append(outages, outage{d.Name + "-pool-closed", d.URL, closePool})
	}
	if base := os.Getenv(testenv.PostgresVar); base != "" {
		admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(base)))
		t.Cleanup(func() { admin.Close() })
		name := "bc_outage_" + testenv.RandomHex(6)
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		outages = append(outages, outage{"postgres-database-dropped", u.String(), func(t *testing.T, s *testServer) {
			if _, err := admin.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
				t.Fatal(err)
			}
		}})
	}
	for _, o := range outages {
		t.Run(o.name, func(t *testing.T) {
			s := newServer(t, o.url, func(so *serverOptions) { so.noIndexer = true })
			pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
			b := s.browser(t)
			b.signIn("pat@example.org")
			if r := pat.do("GET", "/api/v1/channels", nil); r.Status != http.StatusOK {
				t.Fatalf("before the outage: %d", r.Status)
			}
			o.break_(t, s)

			r := pat.do("GET", "/api/v1/channels", nil)
			wantUnavailable(t, "API", r.Status, r.Header, string(r.Body), "unavailable")
			page := b.get("/channels")
			wantUnavailable(t, "page", page.Status, page.Header, page.Body, "")
			if h := page.Doc.Find("h1").Text(); h != "Temporarily unavailable" || page.Doc.Find("header.site-header").Length() != 1 {
				t.Errorf("page heading %q", h)
			}
			frag := b.get("/channels", "HX-Request", "true")
			wantUnavailable(t, "HTMX", frag.Status, frag.Header, frag.Body, "")
			if !strings.Contains(frag.Body, "database") || strings.Contains(frag.Body, "<html") {
				t.Errorf("HTMX fragment: %.300s", frag.Body)
			}
			res, err := http.Get(s.URL + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			raw := new(strings.Builder)
			var ready struct{ Checks map[string]map[string]any }
			_ = json.NewDecoder(teeReader(res, raw)).Decode(&ready)
			res.Body.Close()
			if res.StatusCode != 503 || ready.Checks["database"]["status"] != "unavailable" || strings.Contains(raw.String(), "sql") {
				t.Errorf("readyz = %d %s", res.StatusCode, raw)
			}
		})
	}
}

// teeReader reads res's body, copying it into w.
func teeReader(res *http.Response, w *strings.Builder) *strings.Reader {
	data := new(strings.Builder)
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		data.Write(buf[:n])
		if err != nil {
			break
		}
	}
	w.WriteString(data.String())
	return strings.NewReader(data.String())
}
