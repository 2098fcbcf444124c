package handlers_test

import (
	"net/url"
	"strings"
	"testing"

	"backchannel/chat"
	"backchannel/model"
)

// TestSearchQueryLanguage checks the page's hint for a query it could not
// read as written, is:unanswered, and the "Showing results for …" link of a
// corrected word, on the page and in the API (built-in engine, both
// databases).
func TestSearchQueryLanguage(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		s.newChannel(t, "astro", chat.ChannelInput{})
		alice := s.apiUser(t, "alice@example.org", model.RoleParticipant)
		alice.accept("astro")
		q := alice.post("astro", map[string]any{"body": "Did Hubble photograph the black hole?", "kind": "question"})
		alice.post("astro", map[string]any{"body": "A black star and a black cat"})
		alice.post("astro", map[string]any{"body": "JWST sees infrared light"})
		s.waitIndexed(t)
		b := s.browser(t)
		b.signIn("alice@example.org")

		page := b.get("/search?q=" + url.QueryEscape(`"black hole`))
		if hint := page.Doc.Find(`[data-testid=search-problem]`).Text(); !strings.Contains(hint, "quote was not closed") {
			t.Errorf("unclosed quote: hint %q", hint)
		}
		if n := page.Doc.Find(`[data-testid=hit]`).Length(); n != 1 {
			t.Errorf("unclosed quote searched as a phrase: %d hits, want 1", n)
		}
		page = b.get("/search?q=" + url.QueryEscape("jwst OR hubble"))
		if n := page.Doc.Find(`[data-testid=hit]`).Length(); n != 2 {
			t.Errorf("OR: %d hits, want 2", n)
		}
		page = b.get("/search?q=" + url.QueryEscape("black -hole"))
		if n := page.Doc.Find(`[data-testid=hit]`).Length(); n != 1 || page.Doc.Find("mark").Text() != "blackblack" {
			t.Errorf("exclusion: %d hits, marks %q", n, page.Doc.Find("mark").Text())
		}
		page = b.get("/search?q=" + url.QueryEscape("is:unanswered"))
		if n := page.Doc.Find(`[data-testid=hit]`).Length(); n != 1 {
			t.Errorf("is:unanswered: %d hits, want the one question", n)
		}
		page = b.get("/search?q=" + url.QueryEscape("colour:red star"))
		if hint := page.Doc.Find(`[data-testid=search-problem]`).Text(); !strings.Contains(hint, "colour: is not a search operator") {
			t.Errorf("unknown operator: hint %q", hint)
		}

		page = b.get("/search?q=" + url.QueryEscape("blsck hole"))
		corrected := page.Doc.Find(`[data-testid=search-corrected]`)
		if !strings.Contains(corrected.Text(), "Showing results for") || !strings.Contains(corrected.Find("strong").Text(), "black hole") {
			t.Errorf("corrected: %q", corrected.Text())
		}
		href, _ := corrected.Find(`a[data-testid=search-exact]`).Attr("href")
		if !strings.Contains(href, "exact=1") || !strings.Contains(href, "q=blsck+hole") {
			t.Errorf("exact link %q", href)
		}
		if n := page.Doc.Find(`[data-testid=hit]`).Length(); n != 1 {
			t.Errorf("corrected: %d hits, want 1", n)
		}
		// A typo in one OR alternative is corrected though the other finds
		// something.
		page = b.get("/search?q=" + url.QueryEscape("jwst OR hubbke"))
		if c := page.Doc.Find(`[data-testid=search-corrected]`); !strings.Contains(c.Text(), "Showing results for") || c.Find("strong").Text() != "jwst OR hubble" {
			t.Errorf("OR corrected: %q", c.Text())
		}
		if n := page.Doc.Find(`[data-testid=hit]`).Length(); n != 2 {
			t.Errorf("OR corrected: %d hits, want 2", n)
		}
		page = b.get(href)
		if page.Doc.Find(`[data-testid=search-corrected]`).Length() != 0 || page.Doc.Find(`[data-testid=hit]`).Length() != 0 {
			t.Errorf("exact search was corrected")
		}

		var res struct {
			Total          int      `json:"total"`
			CorrectedQuery string   `json:"corrected_query"`
			Problems       []string `json:"problems"`
			Hits           []struct {
				ID int64 `json:"id"`
			} `json:"hits"`
		}
		alice.do("GET", "/api/v1/search?q="+url.QueryEscape("blsck hole"), nil).want(200).into(&res)
		if res.CorrectedQuery != "black hole" || res.Total != 1 || res.Hits[0].ID != q.ID {
			t.Errorf("API corrected: %+v", res)
		}
		res.CorrectedQuery = "x"
		alice.do("GET", "/api/v1/search?exact=1&q="+url.QueryEscape("blsck hole"), nil).want(200).into(&res)
		if res.CorrectedQuery != "" || res.Total != 0 {
			t.Errorf("API exact: %+v", res)
		}
		alice.do("GET", "/api/v1/search?q="+url.QueryEscape("-black"), nil).want(200).into(&res)
		if res.Total != 1 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0], "only of exclusions") {
			t.Errorf("API exclusions only: %+v", res)
		}
	})
}
