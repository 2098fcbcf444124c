package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"backchannel/model"
	"backchannel/store"
)

// apiClient calls the JSON API with one user's personal access token.
type apiClient struct {
	t     testing.TB
	s     *testServer
	user  *model.User
	token string
}

// apiUser creates a user with a site-wide role and a token for them.
func (s *testServer) apiUser(t testing.TB, email string, role model.Role) *apiClient {
	t.Helper()
	u := s.createUser(t, email, role)
	token, _, err := s.Accounts.CreateAPIToken(context.Background(), u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{t: t, s: s, user: u, token: token}
}

// apiResponse is a read API response.
type apiResponse struct {
	t      testing.TB
	what   string
	Status int
	Header http.Header
	Body   []byte
}

// do sends body (nil: none; a string: as is; anything else: as JSON) with
// the token; headers are name, value pairs.
func (a *apiClient) do(method, path string, body any, headers ...string) *apiResponse {
	a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, a.s.URL+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{Timeout: 20 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return &apiResponse{t: a.t, what: method + " " + path, Status: res.StatusCode, Header: res.Header, Body: data}
}

// want fails the test unless the status is status.
func (r *apiResponse) want(status int) *apiResponse {
	r.t.Helper()
	if r.Status != status {
		r.t.Fatalf("%s = %d, want %d: %s", r.what, r.Status, status, r.Body)
	}
	return r
}

// into decodes the body into v.
func (r *apiResponse) into(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("%s: body is not the expected JSON (%v): %s", r.what, err, r.Body)
	}
}

// apiErr is the JSON body of every API error.
type apiErr struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// wantError checks status, code and, for 422, the field at fault.
func (r *apiResponse) wantError(status int, code, field string) {
	r.t.Helper()
	if r.Status != status {
		r.t.Fatalf("%s = %d, want %d %s: %s", r.what, r.Status, status, code, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		r.t.Errorf("%s: error Content-Type %q", r.what, ct)
	}
	var e apiErr
	r.into(&e)
	if e.Error.Code != code || e.Error.Message == "" || e.Error.Field != field {
		r.t.Errorf("%s: error = %+v, want code %q field %q", r.what, e.Error, code, field)
	}
}

// Shapes the tests read.
type tChannel struct {
	ID              int64   `json:"id"`
	Slug            string  `json:"slug"`
	Title           string  `json:"title"`
	Visibility      string  `json:"visibility"`
	JoinCode        *string `json:"join_code"`
	PostingMode     string  `json:"posting_mode"`
	AllowAnonymous  bool    `json:"allow_anonymous"`
	SlowModeSeconds int     `json:"slow_mode_seconds"`
	MaxLength       int     `json:"max_length"`
	LastSeq         int64   `json:"last_seq"`
	Live            bool    `json:"live"`
	Session         *struct {
		ID      int64      `json:"id"`
		Title   string     `json:"title"`
		Live    bool       `json:"live"`
		EndedAt *time.Time `json:"ended_at"`
	} `json:"session"`
}

type tSession struct {
	ID      int64      `json:"id"`
	Title   string     `json:"title"`
	Live    bool       `json:"live"`
	EndedAt *time.Time `json:"ended_at"`
}

type tReaction struct {
	Emoji string `json:"emoji"`
	Count int    `json:"count"`
	Mine  bool   `json:"mine"`
}

type tMessage struct {
	ID           int64       `json:"id"`
	Seq          int64       `json:"seq"`
	Channel      string      `json:"channel"`
	SessionID    *int64      `json:"session_id"`
	ParentID     *int64      `json:"parent_id"`
	Kind         string      `json:"kind"`
	Body         string      `json:"body"`
	Author       string      `json:"author"`
	Anonymous    bool        `json:"anonymous"`
	State        string      `json:"state"`
	VoteCount    int         `json:"vote_count"`
	ReplyCount   int         `json:"reply_count"`
	Reactions    []tReaction `json:"reactions"`
	Voted        bool        `json:"voted"`
	EditedAt     *time.Time  `json:"edited_at"`
	DeletedAt    *time.Time  `json:"deleted_at"`
	Mine         bool        `json:"mine"`
	AuthorUserID *int64      `json:"author_user_id"`
}

type tPage struct {
	Messages []tMessage `json:"messages"`
	LastSeq  int64      `json:"last_seq"`
	HasMore  bool       `json:"has_more"`
}

func chanPath(slug string, rest ...string) string {
	return "/api/v1/channels/" + slug + strings.Join(rest, "")
}

// createChannel creates a channel through the API.
func (a *apiClient) createChannel(body map[string]any) tChannel {
	a.t.Helper()
	var ch tChannel
	a.do("POST", "/api/v1/channels", body).want(http.StatusCreated).into(&ch)
	return ch
}

// accept accepts the channel's guidelines.
func (a *apiClient) accept(slug string) {
	a.t.Helper()
	a.do("POST", chanPath(slug, "/guidelines/accept"), nil).want(http.StatusNoContent)
}

// post posts a message and returns it.
func (a *apiClient) post(slug string, body map[string]any) tMessage {
	a.t.Helper()
	var m tMessage
	a.do("POST", chanPath(slug, "/messages"), body).want(http.StatusCreated).into(&m)
	return m
}

// messages reads one page of a channel's messages.
func (a *apiClient) messages(slug, query string) tPage {
	a.t.Helper()
	var p tPage
	a.do("GET", chanPath(slug, "/messages"+query), nil).want(http.StatusOK).into(&p)
	return p
}

func (s *testServer) countMessages(t testing.TB, channelID int64) int {
	t.Helper()
	n, err := s.DB.NewSelect().Model((*model.Message)(nil)).Where("channel_id = ?", channelID).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAPIChannels(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		host := s.apiUser(t, "hal@example.org", model.RoleHost)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)

		// Who may create: admins and site-wide hosts; not participants.
		ch := admin.createChannel(map[string]any{"slug": "physics-101", "title": "Physics 101", "description": "Mondays",
			"visibility": "public", "posting_mode": "open", "allow_anonymous": true, "allow_guests": false,
			"slow_mode_seconds": 0, "max_length": 300})
		if ch.Slug != "physics-101" || ch.Title != "Physics 101" || ch.MaxLength != 300 || ch.Live || ch.ID == 0 {
			t.Errorf("created channel = %+v", ch)
		}
		secret := host.createChannel(map[string]any{"slug": "seminar", "title": "Seminar", "visibility": "join-code"})
		if secret.JoinCode == nil || *secret.JoinCode == "" {
			t.Fatalf("host does not see the join code of their channel: %+v", secret)
		}
		host.createChannel(map[string]any{"slug": "staff-room", "title": "Staff room", "visibility": "members"})
		pat.do("POST", "/api/v1/channels", map[string]any{"slug": "mine", "title": "Mine"}).wantError(403, "forbidden", "")
		// Refusals create nothing and say what is wrong.
		admin.do("POST", "/api/v1/channels", map[string]any{"slug": "physics-101", "title": "Again"}).wantError(422, "invalid", "slug")
		admin.do("POST", "/api/v1/channels", map[string]any{"slug": "Bad Slug!", "title": "X"}).wantError(422, "invalid", "slug")
		admin.do("POST", "/api/v1/channels", map[string]any{"slug": "ok-slug", "title": "X", "max_length": 0}).wantError(422, "invalid", "max_length")
		admin.do("POST", "/api/v1/channels", map[string]any{"slug": "ok-slug", "title": "X", "colour": "red"}).wantError(400, "bad_request", "")
		admin.do("POST", "/api/v1/channels", `{"slug": "ok-slug",`).wantError(400, "bad_request", "")
		admin.do("POST", "/api/v1/channels", `{"slug": "ok-slug", "title": "X", "max_length": "long"}`).wantError(400, "bad_request", "")
		admin.do("POST", "/api/v1/channels", `{"slug": "ok-slug", "title": "X"} {}`).wantError(400, "bad_request", "")
		admin.do("POST", "/api/v1/channels", "").wantError(400, "bad_request", "")
		admin.do("GET", chanPath("ok-slug"), nil).wantError(404, "not_found", "")
		// A JSON body sent with another Content-Type is still read.
		admin.do("POST", "/api/v1/channels", `{"slug":"curl-made","title":"Curl"}`, "Content-Type", "application/x-www-form-urlencoded").want(201)

		// The list: participants see public channels only; staff see all.
		var list struct {
			Channels []tChannel `json:"channels"`
		}
		pat.do("GET", "/api/v1/channels", nil).want(200).into(&list)
		var slugs []string
		for _, c := range list.Channels {
			slugs = append(slugs, c.Slug)
			if c.JoinCode != nil {
				t.Errorf("participant sees the join code of %s", c.Slug)
			}
		}
		if got := strings.Join(slugs, ","); strings.Contains(got, "staff-room") || strings.Contains(got, "seminar") || !strings.Contains(got, "physics-101") {
			t.Errorf("participant's channels = %s", got)
		}
		admin.do("GET", "/api/v1/channels", nil).want(200).into(&list)
		if len(list.Channels) != 4 {
			t.Errorf("admin sees %d channels, want 4", len(list.Channels))
		}
		for _, c := range list.Channels {
			if c.Slug == "seminar" && (c.JoinCode == nil || *c.JoinCode != *secret.JoinCode) {
				t.Errorf("admin's list lacks the join code of seminar: %+v", c)
			}
		}

		// One channel: viewable ones only, the join code for hosts and staff.
		var got tChannel
		pat.do("GET", chanPath("physics-101"), nil).want(200).into(&got)
		if got.Slug != "physics-101" || got.Session != nil || got.JoinCode != nil {
			t.Errorf("participant GET channel = %+v", got)
		}
		if !strings.Contains(string(pat.do("GET", chanPath("physics-101"), nil).Body), `"session":null`) {
			t.Error("a channel without a live session does not say session: null")
		}
		pat.do("GET", chanPath("seminar"), nil).wantError(403, "not_a_member", "")
		pat.do("GET", chanPath("staff-room"), nil).wantError(403, "not_a_member", "")
		admin.do("GET", chanPath("seminar"), nil).want(200).into(&got)
		if got.JoinCode == nil || *got.JoinCode != *secret.JoinCode {
			t.Errorf("admin does not see the join code: %+v", got)
		}

		// Joining: a wrong code is refused, the right one lets the user in.
		pat.do("POST", chanPath("seminar", "/join"), map[string]any{"code": "WRONG1"}).wantError(422, "invalid", "code")
		pat.do("POST", chanPath("seminar", "/join"), map[string]any{"code": strings.ToLower(*secret.JoinCode)}).want(204)
		pat.do("GET", chanPath("seminar"), nil).want(200)
		pat.do("POST", chanPath("staff-room", "/join"), nil).wantError(403, "members_only", "")
		pat.do("POST", chanPath("physics-101", "/join"), nil).want(204)

		// PATCH: any subset of the settings, by its hosts and admins.
		var patched tChannel
		admin.do("PATCH", chanPath("physics-101"), map[string]any{"slow_mode_seconds": 30}).want(200).into(&patched)
		if patched.SlowModeSeconds != 30 || patched.MaxLength != 300 || patched.Title != "Physics 101" {
			t.Errorf("patched channel = %+v", patched)
		}
		host.do("PATCH", chanPath("seminar"), map[string]any{"title": "Seminar (spring)", "posting_mode": "questions"}).want(200).into(&patched)
		if patched.Title != "Seminar (spring)" || patched.PostingMode != "questions" || patched.Visibility != "join-code" {
			t.Errorf("host's patch = %+v", patched)
		}
		pat.do("PATCH", chanPath("physics-101"), map[string]any{"title": "Hijacked"}).wantError(403, "forbidden", "")
		admin.do("PATCH", chanPath("physics-101"), map[string]any{"slug": "physics-102"}).wantError(422, "invalid", "slug")
		admin.do("PATCH", chanPath("physics-101"), map[string]any{"slow_mode_seconds": 5, "nope": 1}).wantError(400, "bad_request", "")
		admin.do("PATCH", chanPath("physics-101"), map[string]any{"slow_mode_seconds": -1}).wantError(422, "invalid", "slow_mode_seconds")
		admin.do("PATCH", chanPath("physics-101"), map[string]any{"visibility": "secret"}).wantError(422, "invalid", "visibility")
		admin.do("PATCH", chanPath("no-such"), map[string]any{"title": "X"}).wantError(404, "not_found", "")
		admin.do("GET", chanPath("physics-101"), nil).want(200).into(&got)
		if got.SlowModeSeconds != 30 || got.Title != "Physics 101" || got.Slug != "physics-101" || got.Visibility != "public" {
			t.Errorf("refused patches changed the channel: %+v", got)
		}

		// No token, or a bad one: 401 in JSON.
		anon := &apiClient{t: t, s: s}
		anon.do("GET", "/api/v1/channels", nil).wantError(401, "unauthorized", "")
		bad := &apiClient{t: t, s: s, token: "bc_pat_nope"}
		bad.do("POST", "/api/v1/channels", map[string]any{"slug": "x1", "title": "X"}).wantError(401, "unauthorized", "")
	})
}

func TestAPISessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		host := s.apiUser(t, "hal@example.org", model.RoleHost)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		host.createChannel(map[string]any{"slug": "physics-101", "title": "Physics 101"})
		host.accept("physics-101")
		pat.accept("physics-101")

		before := host.post("physics-101", map[string]any{"body": "before class"})
		if before.SessionID != nil {
			t.Errorf("message before any session has session %d", *before.SessionID)
		}
		pat.do("POST", chanPath("physics-101", "/sessions"), map[string]any{"title": "Mine"}).wantError(403, "forbidden", "")
		pat.do("POST", chanPath("physics-101", "/sessions/current/end"), nil).wantError(403, "forbidden", "")
		host.do("POST", chanPath("physics-101", "/sessions/current/end"), nil).wantError(404, "no_live_session", "")

		var sess tSession
		host.do("POST", chanPath("physics-101", "/sessions"), map[string]any{"title": "Week 1"}).want(201).into(&sess)
		if sess.ID == 0 || sess.Title != "Week 1" || !sess.Live || sess.EndedAt != nil {
			t.Errorf("started session = %+v", sess)
		}
		var ch tChannel
		pat.do("GET", chanPath("physics-101"), nil).want(200).into(&ch)
		if !ch.Live || ch.Session == nil || ch.Session.ID != sess.ID || ch.Session.Title != "Week 1" {
			t.Errorf("channel during the session = %+v", ch)
		}
		var list struct {
			Channels []tChannel `json:"channels"`
		}
		pat.do("GET", "/api/v1/channels", nil).want(200).into(&list)
		if len(list.Channels) != 1 || !list.Channels[0].Live {
			t.Errorf("list does not show the channel live: %+v", list.Channels)
		}
		during := pat.post("physics-101", map[string]any{"body": "during class"})
		if during.SessionID == nil || *during.SessionID != sess.ID {
			t.Errorf("message during the session belongs to %v, want %d", during.SessionID, sess.ID)
		}

		var ended tSession
		host.do("POST", chanPath("physics-101", "/sessions/current/end"), nil).want(200).into(&ended)
		if ended.ID != sess.ID || ended.Live || ended.EndedAt == nil {
			t.Errorf("ended session = %+v", ended)
		}
		host.do("POST", chanPath("physics-101", "/sessions/current/end"), nil).wantError(404, "no_live_session", "")
		pat.do("GET", chanPath("physics-101"), nil).want(200).into(&ch)
		if ch.Live || ch.Session != nil {
			t.Errorf("channel after the session = %+v", ch)
		}
		after := pat.post("physics-101", map[string]any{"body": "after class"})
		if after.SessionID != nil {
			t.Errorf("message after the session belongs to %d", *after.SessionID)
		}
		// A title is optional.
		host.do("POST", chanPath("physics-101", "/sessions"), nil).want(201).into(&sess)
		if sess.Title == "" || !sess.Live {
			t.Errorf("untitled session = %+v", sess)
		}
	})
}

func TestAPIPostingRepliesReactionsVotes(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		kim := s.apiUser(t, "kim@example.org", model.RoleParticipant)
		ch := admin.createChannel(map[string]any{"slug": "physics-101", "title": "Physics 101", "max_length": 40})
		const slug = "physics-101"

		// Guidelines first.
		var gl struct {
			Guideline struct {
				ID      int64  `json:"id"`
				Version int    `json:"version"`
				Title   string `json:"title"`
				Body    string `json:"body"`
			} `json:"guideline"`
			Accepted bool `json:"accepted"`
		}
		pat.do("GET", chanPath(slug, "/guidelines"), nil).want(200).into(&gl)
		if gl.Accepted || gl.Guideline.ID == 0 || gl.Guideline.Title == "" || gl.Guideline.Body == "" || gl.Guideline.Version == 0 {
			t.Errorf("guidelines = %+v", gl)
		}
		pat.do("POST", chanPath(slug, "/messages"), map[string]any{"body": "hello"}).wantError(403, "guidelines_not_accepted", "")
		if n := s.countMessages(t, ch.ID); n != 0 {
			t.Fatalf("%d messages stored before the guidelines were accepted", n)
		}
		pat.do("POST", chanPath(slug, "/guidelines/accept"), map[string]any{"guideline_id": gl.Guideline.ID + 100}).wantError(409, "guidelines_changed", "")
		pat.do("POST", chanPath(slug, "/guidelines/accept"), map[string]any{"guideline_id": gl.Guideline.ID}).want(204)
		pat.do("GET", chanPath(slug, "/guidelines"), nil).want(200).into(&gl)
		if !gl.Accepted {
			t.Error("guidelines not accepted after accepting")
		}
		kim.accept(slug)
		admin.accept(slug)

		// A comment, a question and a reply, numbered in order.
		c1 := pat.post(slug, map[string]any{"body": "  first!  ", "kind": "comment"})
		if c1.ID == 0 || c1.Seq == 0 || c1.Kind != "comment" || c1.State != "visible" || c1.Body != "first!" ||
			c1.Author != "pat" || !c1.Mine || c1.Channel != slug || c1.ParentID != nil || c1.AuthorUserID != nil {
			t.Errorf("comment = %+v", c1)
		}
		q := kim.post(slug, map[string]any{"body": "Why is the sky blue?", "kind": "question"})
		if q.Kind != "question" || q.Seq <= c1.Seq {
			t.Errorf("question = %+v (after seq %d)", q, c1.Seq)
		}
		r := pat.post(slug, map[string]any{"body": "Rayleigh scattering", "parent_id": q.ID})
		if r.ParentID == nil || *r.ParentID != q.ID || r.Kind != "comment" || r.Seq <= q.Seq {
			t.Errorf("reply = %+v", r)
		}
		page := kim.messages(slug, "")
		if len(page.Messages) != 3 || page.Messages[1].ID != q.ID || page.Messages[1].ReplyCount != 1 || page.Messages[1].Author != "kim" {
			t.Errorf("messages = %+v", page.Messages)
		}
		if page.Messages[0].Mine || !page.Messages[1].Mine {
			t.Error("mine is wrong in the list")
		}
		// Refusals store nothing.
		n := s.countMessages(t, ch.ID)
		pat.do("POST", chanPath(slug, "/messages"), map[string]any{"body": strings.Repeat("x", 41)}).wantError(422, "invalid", "body")
		pat.do("POST", chanPath(slug, "/messages"), map[string]any{"body": "   "}).wantError(422, "invalid", "body")
		pat.do("POST", chanPath(slug, "/messages"), map[string]any{"body": "hi", "kind": "poll"}).wantError(422, "invalid", "kind")
		pat.do("POST", chanPath(slug, "/messages"), map[string]any{"body": "hi", "parent_id": 999999}).wantError(422, "invalid", "parent_id")
		pat.do("POST", chanPath(slug, "/messages"), map[string]any{"body": "hi", "author": "admin"}).wantError(400, "bad_request", "")
		pat.do("POST", chanPath(slug, "/messages"), `{"body": "hi"`).wantError(400, "bad_request", "")
		pat.do("POST", chanPath("no-such", "/messages"), map[string]any{"body": "hi"}).wantError(404, "not_found", "")
		if got := s.countMessages(t, ch.ID); got != n {
			t.Fatalf("refused posts stored %d messages", got-n)
		}
		// Over the server's body limit: 413 (or the connection is cut).
		big := `{"body":"` + strings.Repeat("x", 2<<20) + `"}`
		req, _ := http.NewRequest("POST", s.URL+chanPath(slug, "/messages"), strings.NewReader(big))
		req.Header.Set("Authorization", "Bearer "+pat.token)
		if res, err := http.DefaultClient.Do(req); err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			var e apiErr
			if res.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal(body, &e) != nil || e.Error.Code != "payload_too_large" {
				t.Errorf("2 MB body = %d %s, want 413 payload_too_large", res.StatusCode, body)
			}
		} // a reset connection is also a refusal

		// Reactions: PUT adds, DELETE removes, both idempotent.
		react := func(a *apiClient, method, emoji string) tMessage {
			t.Helper()
			var m tMessage
			a.do(method, chanPath(slug, "/messages/", itoa(q.ID), "/reactions/", url.PathEscape(emoji)), nil).want(200).into(&m)
			return m
		}
		m := react(pat, "PUT", "👍")
		if len(m.Reactions) != 1 || m.Reactions[0] != (tReaction{"👍", 1, true}) {
			t.Errorf("after PUT 👍: %+v", m.Reactions)
		}
		m = react(pat, "PUT", "👍")
		if len(m.Reactions) != 1 || m.Reactions[0].Count != 1 {
			t.Errorf("PUT twice is not idempotent: %+v", m.Reactions)
		}
		m = react(kim, "PUT", "👍")
		if len(m.Reactions) != 1 || m.Reactions[0] != (tReaction{"👍", 2, true}) {
			t.Errorf("after kim's 👍: %+v", m.Reactions)
		}
		m = react(kim, "PUT", "❤") // without the variation selector
		if len(m.Reactions) != 2 || m.Reactions[1].Emoji != "❤️" {
			t.Errorf("after kim's ❤: %+v", m.Reactions)
		}
		m = react(pat, "DELETE", "👍")
		if m.Reactions[0] != (tReaction{"👍", 1, false}) {
			t.Errorf("after pat's DELETE: %+v", m.Reactions)
		}
		m = react(pat, "DELETE", "👍")
		if m.Reactions[0].Count != 1 {
			t.Errorf("DELETE twice is not idempotent: %+v", m.Reactions)
		}
		pat.do("PUT", chanPath(slug, "/messages/", itoa(q.ID), "/reactions/", url.PathEscape("🦄")), nil).wantError(422, "invalid", "emoji")
		pat.do("PUT", chanPath(slug, "/messages/999999/reactions/", url.PathEscape("👍")), nil).wantError(404, "not_found", "")
		pat.do("PUT", chanPath(slug, "/messages/abc/reactions/", url.PathEscape("👍")), nil).wantError(404, "not_found", "")

		// Votes: one per person, taken back with DELETE.
		type voteRes struct {
			VoteCount int  `json:"vote_count"`
			Voted     bool `json:"voted"`
		}
		vote := func(a *apiClient, method string, id int64) voteRes {
			t.Helper()
			var v voteRes
			a.do(method, chanPath(slug, "/messages/", itoa(id), "/vote"), nil).want(200).into(&v)
			return v
		}
		if v := vote(pat, "PUT", q.ID); v != (voteRes{1, true}) {
			t.Errorf("first vote = %+v", v)
		}
		if v := vote(pat, "PUT", q.ID); v != (voteRes{1, true}) {
			t.Errorf("second vote by the same person = %+v", v)
		}
		if v := vote(admin, "PUT", q.ID); v != (voteRes{2, true}) {
			t.Errorf("admin's vote = %+v", v)
		}
		if v := vote(pat, "DELETE", q.ID); v != (voteRes{1, false}) {
			t.Errorf("take back = %+v", v)
		}
		if v := vote(pat, "DELETE", q.ID); v != (voteRes{1, false}) {
			t.Errorf("take back twice = %+v", v)
		}
		pat.do("PUT", chanPath(slug, "/messages/", itoa(c1.ID), "/vote"), nil).wantError(409, "not_a_question", "")
		page = admin.messages(slug, "")
		if got := page.Messages[1]; got.VoteCount != 1 || !got.Voted {
			t.Errorf("question as admin sees it: votes %d voted %v", got.VoteCount, got.Voted)
		}

		// Edit within the window, only one's own.
		var edited tMessage
		pat.do("PATCH", chanPath(slug, "/messages/", itoa(c1.ID)), map[string]any{"body": "first (edited)"}).want(200).into(&edited)
		if edited.Body != "first (edited)" || edited.EditedAt == nil || edited.ID != c1.ID || edited.Seq != c1.Seq {
			t.Errorf("edited = %+v", edited)
		}
		kim.do("PATCH", chanPath(slug, "/messages/", itoa(c1.ID)), map[string]any{"body": "mine now"}).wantError(403, "not_author", "")
		pat.do("PATCH", chanPath(slug, "/messages/", itoa(c1.ID)), map[string]any{"body": strings.Repeat("y", 41)}).wantError(422, "invalid", "body")
		pat.do("PATCH", chanPath(slug, "/messages/", itoa(c1.ID)), map[string]any{"body": "x", "kind": "question"}).wantError(400, "bad_request", "")

		// Delete: the author (or staff); others are refused.
		kim.do("DELETE", chanPath(slug, "/messages/", itoa(c1.ID)), nil).wantError(403, "not_author", "")
		var deleted tMessage
		pat.do("DELETE", chanPath(slug, "/messages/", itoa(c1.ID)), nil).want(200).into(&deleted)
		if deleted.State != "deleted" || deleted.DeletedAt == nil || deleted.Body != "" {
			t.Errorf("deleted = %+v", deleted)
		}
		pat.do("PATCH", chanPath(slug, "/messages/", itoa(c1.ID)), map[string]any{"body": "back"}).wantError(404, "not_found", "")
		page = kim.messages(slug, "")
		if page.Messages[0].State != "deleted" || page.Messages[0].Body != "" {
			t.Errorf("peer sees the deleted message as %+v", page.Messages[0])
		}
		page = admin.messages(slug, "")
		if page.Messages[0].State != "deleted" || page.Messages[0].Body != "first (edited)" {
			t.Errorf("staff sees the deleted message as %+v", page.Messages[0])
		}
		admin.do("DELETE", chanPath(slug, "/messages/", itoa(r.ID)), nil).want(200)
	})
}

func TestAPIAnonymityAndPostingRules(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		kim := s.apiUser(t, "kim@example.org", model.RoleParticipant)
		ch := admin.createChannel(map[string]any{"slug": "physics-101", "title": "Physics 101"})
		const slug = "physics-101"
		for _, a := range []*apiClient{admin, pat, kim} {
			a.accept(slug)
		}

		// Anonymous: peers see "Anonymous" and no ids; staff see the name.
		anon := pat.post(slug, map[string]any{"body": "I am lost", "anonymous": true, "kind": "question"})
		if !anon.Anonymous || anon.Author != "pat" || !anon.Mine {
			t.Errorf("the author's own anonymous post = %+v", anon)
		}
		peer := kim.do("GET", chanPath(slug, "/messages"), nil).want(200)
		var page tPage
		peer.into(&page)
		if got := page.Messages[0]; got.Author != "Anonymous" || got.Mine || got.AuthorUserID != nil {
			t.Errorf("peer sees the anonymous post as %+v", got)
		}
		if bytes.Contains(peer.Body, []byte("author_user_id")) || bytes.Contains(peer.Body, []byte(`"pat"`)) {
			t.Errorf("a peer's view leaks the author: %s", peer.Body)
		}
		page = admin.messages(slug, "")
		if got := page.Messages[0]; got.Author != "pat" || got.AuthorUserID == nil || *got.AuthorUserID != pat.user.ID {
			t.Errorf("staff sees the anonymous post as %+v", got)
		}
		admin.do("PATCH", chanPath(slug), map[string]any{"allow_anonymous": false}).want(200)
		n := s.countMessages(t, ch.ID)
		kim.do("POST", chanPath(slug, "/messages"), map[string]any{"body": "hidden me", "anonymous": true}).wantError(422, "invalid", "anonymous")
		if s.countMessages(t, ch.ID) != n {
			t.Error("a refused anonymous post was stored")
		}

		// Slow mode: the second post within the delay is 429 with Retry-After.
		admin.do("PATCH", chanPath(slug), map[string]any{"slow_mode_seconds": 60}).want(200)
		kim.post(slug, map[string]any{"body": "one"})
		n = s.countMessages(t, ch.ID)
		res := kim.do("POST", chanPath(slug, "/messages"), map[string]any{"body": "two"})
		res.wantError(429, "rate_limited", "")
		if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
			t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
		}
		if s.countMessages(t, ch.ID) != n {
			t.Error("a post refused by slow mode was stored")
		}
		admin.post(slug, map[string]any{"body": "staff are not slowed"})
		admin.post(slug, map[string]any{"body": "staff are not slowed, really"})
		admin.do("PATCH", chanPath(slug), map[string]any{"slow_mode_seconds": 0}).want(200)

		// Locked: participants are refused, staff may still post.
		admin.do("PATCH", chanPath(slug), map[string]any{"posting_mode": "locked"}).want(200)
		n = s.countMessages(t, ch.ID)
		pat.do("POST", chanPath(slug, "/messages"), map[string]any{"body": "let me in"}).wantError(403, "channel_locked", "")
		if s.countMessages(t, ch.ID) != n {
			t.Error("a post in a locked channel was stored")
		}
		admin.post(slug, map[string]any{"body": "announcement"})

		// Questions only: comments are refused, questions and replies are not.
		admin.do("PATCH", chanPath(slug), map[string]any{"posting_mode": "questions"}).want(200)
		pat.do("POST", chanPath(slug, "/messages"), map[string]any{"body": "a comment", "kind": "comment"}).wantError(422, "invalid", "kind")
		pat.do("POST", chanPath(slug, "/messages"), map[string]any{"body": "no kind"}).wantError(422, "invalid", "kind")
		q := pat.post(slug, map[string]any{"body": "a question?", "kind": "question"})
		reply := pat.post(slug, map[string]any{"body": "a follow-up", "parent_id": q.ID})
		if reply.ParentID == nil || *reply.ParentID != q.ID {
			t.Errorf("reply in questions mode = %+v", reply)
		}
	})
}

func TestAPIMessagesPaging(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		admin.createChannel(map[string]any{"slug": "physics-101", "title": "Physics 101"})
		const slug = "physics-101"
		admin.accept(slug)
		var seqs []int64
		for i := range 7 {
			seqs = append(seqs, admin.post(slug, map[string]any{"body": "message " + strconv.Itoa(i)}).Seq)
		}
		// walk pages from the cursor from by param (after or before), 3 at
		// a time, to the end: the seqs, and the last page's last_seq.
		walk := func(param string, from int64) ([]int64, int64) {
			var got []int64
			for pages := 0; ; pages++ {
				if pages > 5 {
					t.Fatalf("paging by %s does not end", param)
				}
				p := pat.messages(slug, "?limit=3&"+param+"="+itoa(from))
				for _, m := range p.Messages {
					got = append(got, m.Seq)
				}
				if len(p.Messages) > 3 {
					t.Fatalf("page of %d messages with limit 3", len(p.Messages))
				}
				if len(p.Messages) > 0 && p.LastSeq != p.Messages[len(p.Messages)-1].Seq {
					t.Errorf("last_seq %d is not the last message's seq", p.LastSeq)
				}
				from = p.LastSeq
				if !p.HasMore {
					return got, from
				}
			}
		}
		got, after := walk("after", 0)
		if len(got) != len(seqs) {
			t.Fatalf("paged seqs %v, want %v", got, seqs)
		}
		for i := range seqs {
			if got[i] != seqs[i] {
				t.Fatalf("paged seqs %v, want %v", got, seqs)
			}
		}
		if p := pat.messages(slug, "?after="+itoa(after)); len(p.Messages) != 0 || p.LastSeq != after || p.HasMore {
			t.Errorf("page after the end = %+v", p)
		}
		if p := pat.messages(slug, "?limit=0"); len(p.Messages) != 1 || !p.HasMore {
			t.Errorf("limit=0 is not clamped to 1: %d messages", len(p.Messages))
		}
		if p := pat.messages(slug, "?limit=100000"); len(p.Messages) != 7 || p.HasMore {
			t.Errorf("a huge limit: %d messages", len(p.Messages))
		}
		if p := pat.messages(slug, "?after="+itoa(seqs[5])); len(p.Messages) != 1 || p.Messages[0].Seq != seqs[6] {
			t.Errorf("after=%d: %+v", seqs[5], p.Messages)
		}
		// Back from the newest, newest first, as the channel page's "load
		// earlier" pages.
		if back, _ := walk("before", seqs[6]+1); fmt.Sprint(back) != fmt.Sprint([]int64{seqs[6], seqs[5], seqs[4], seqs[3], seqs[2], seqs[1], seqs[0]}) {
			t.Errorf("paged back %v, want %v reversed", back, seqs)
		}
		pat.do("GET", chanPath(slug, "/messages?after=1&before=5"), nil).wantError(400, "bad_request", "")
		pat.do("GET", chanPath(slug, "/messages?before=-1"), nil).wantError(400, "bad_request", "")
		pat.do("GET", chanPath(slug, "/messages?after=-1"), nil).wantError(400, "bad_request", "")
		pat.do("GET", chanPath(slug, "/messages?limit=ten"), nil).wantError(400, "bad_request", "")
		pat.do("GET", chanPath("no-such", "/messages"), nil).wantError(404, "not_found", "")
	})
}

// sseEvent is one event read from a stream.
type sseEvent struct {
	ID    string
	Event string
	Data  string
}

// sseStream reads a stream's events in a goroutine.
type sseStream struct {
	t      testing.TB
	events chan sseEvent
	cancel context.CancelFunc
	done   chan struct{}
}

// openStream opens the API event stream of slug with the given query and
// headers; it fails the test unless the server answers 200 with an event
// stream.
func (a *apiClient) openStream(slug, query string, headers ...string) *sseStream {
	a.t.Helper()
	return a.openStreamAt(chanPath(slug, "/events"+query), headers...)
}

// openStreamAt opens the API event stream at path (see openStream).
func (a *apiClient) openStreamAt(path string, headers ...string) *sseStream {
	a.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", a.s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Accept", "text/event-stream")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	type result struct {
		res *http.Response
		err error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		got <- result{res, err}
	}()
	var res *http.Response
	select {
	case r := <-got:
		if r.err != nil {
			cancel()
			a.t.Fatalf("open stream: %v", r.err)
		}
		res = r.res
	case <-time.After(10 * time.Second):
		cancel()
		a.t.Fatal("the stream did not answer within 10 s")
	}
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		cancel()
		a.t.Fatalf("open stream = %d %q: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	st := &sseStream{t: a.t, events: make(chan sseEvent, 64), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(st.done)
		defer close(st.events)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.ID != "" || len(data) > 0 {
					ev.Data = strings.Join(data, "\n")
					st.events <- ev
				}
				ev, data = sseEvent{}, nil
			case strings.HasPrefix(line, ":"), strings.HasPrefix(line, "retry:"):
			case strings.HasPrefix(line, "id:"):
				ev.ID = strings.TrimSpace(strings.TrimPrefix(line, "id:"))
			case strings.HasPrefix(line, "event:"):
				ev.Event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				data = append(data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
			}
		}
	}()
	a.t.Cleanup(st.close)
	return st
}

// next returns the next event, failing the test after 10 s.
func (st *sseStream) next() sseEvent {
	st.t.Helper()
	select {
	case ev, ok := <-st.events:
		if !ok {
			st.t.Fatal("the stream ended")
		}
		return ev
	case <-time.After(10 * time.Second):
		st.t.Fatal("no event within 10 s")
	}
	return sseEvent{}
}

// quiet fails the test if an event arrives within d.
func (st *sseStream) quiet(d time.Duration) {
	st.t.Helper()
	select {
	case ev, ok := <-st.events:
		if ok {
			st.t.Errorf("unexpected event %+v", ev)
		}
	case <-time.After(d):
	}
}

// close drops the connection and waits for the reader to stop.
func (st *sseStream) close() {
	st.cancel()
	select {
	case <-st.done:
	case <-time.After(10 * time.Second):
		st.t.Error("the stream reader did not stop")
	}
}

// tEvent is the data of an API stream event.
type tEvent struct {
	Type    string    `json:"type"`
	Seq     int64     `json:"seq"`
	Message *tMessage `json:"message"`
}

func decodeEvent(t testing.TB, ev sseEvent) tEvent {
	t.Helper()
	var e tEvent
	if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
		t.Fatalf("event data is not JSON (%v): %+v", err, ev)
	}
	if ev.Event != "" {
		t.Errorf("event %s has an event name %q; the type belongs in the data", ev.ID, ev.Event)
	}
	if ev.ID != itoa(e.Seq) {
		t.Errorf("event id %q is not its seq %d", ev.ID, e.Seq)
	}
	return e
}

func TestAPIEventStream(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		admin.createChannel(map[string]any{"slug": "physics-101", "title": "Physics 101"})
		admin.createChannel(map[string]any{"slug": "staff-room", "title": "Staff", "visibility": "members"})
		const slug = "physics-101"
		admin.accept(slug)
		pat.accept(slug)

		// Live: three posts arrive as three events whose ids are the seqs.
		st := pat.openStream(slug, "")
		var posted []tMessage
		for i := range 3 {
			posted = append(posted, admin.post(slug, map[string]any{"body": "live " + strconv.Itoa(i), "kind": "question"}))
		}
		var last int64
		for i := range 3 {
			e := decodeEvent(t, st.next())
			if e.Type != "message.created" || e.Seq != posted[i].Seq || e.Message == nil ||
				e.Message.ID != posted[i].ID || e.Message.Body != posted[i].Body || e.Message.Channel != slug || e.Message.Mine {
				t.Errorf("event %d = %+v (message %+v), want message %d", i, e, e.Message, posted[i].ID)
			}
			last = e.Seq
		}

		// Dropped: what is posted meanwhile is replayed on reconnect, exactly.
		st.close()
		var missed []tMessage
		for i := range 2 {
			missed = append(missed, admin.post(slug, map[string]any{"body": "missed " + strconv.Itoa(i)}))
		}
		for _, how := range []struct {
			name           string
			query, headers []string
		}{
			{"Last-Event-ID", nil, []string{"Last-Event-ID", itoa(last)}},
			{"since", []string{"?since=" + itoa(last)}, nil},
		} {
			st := pat.openStream(slug, strings.Join(how.query, ""), how.headers...)
			for i := range 2 {
				e := decodeEvent(t, st.next())
				if e.Type != "message.created" || e.Seq != missed[i].Seq || e.Message == nil || e.Message.ID != missed[i].ID {
					t.Errorf("%s: replayed event %d = %+v, want message %d (seq %d)", how.name, i, e, missed[i].ID, missed[i].Seq)
				}
			}
			st.quiet(300 * time.Millisecond)
			st.close()
		}

		// Updates and channel changes follow on the same stream; the data
		// is the message as this viewer sees it.
		st = pat.openStream(slug, "?since="+itoa(missed[1].Seq))
		pat.do("PUT", chanPath(slug, "/messages/", itoa(posted[0].ID), "/vote"), nil).want(200)
		e := decodeEvent(t, st.next())
		if e.Type != "message.updated" || e.Message == nil || e.Message.ID != posted[0].ID || e.Message.VoteCount != 1 || !e.Message.Voted {
			t.Errorf("vote event = %+v %+v", e, e.Message)
		}
		admin.do("PATCH", chanPath(slug), map[string]any{"slow_mode_seconds": 10}).want(200)
		e = decodeEvent(t, st.next())
		if e.Type != "channel.updated" || e.Message != nil {
			t.Errorf("channel event = %+v", e)
		}
		anon := pat.post(slug, map[string]any{"body": "who am I", "anonymous": true})
		e = decodeEvent(t, st.next())
		if e.Seq != anon.Seq || e.Message == nil || !e.Message.Mine || e.Message.Author != "pat" {
			t.Errorf("own anonymous post on the stream = %+v %+v", e, e.Message)
		}
		st.close()
		other := s.apiUser(t, "kim@example.org", model.RoleParticipant)
		st = other.openStream(slug, "?since="+itoa(anon.Seq-1))
		e = decodeEvent(t, st.next())
		if e.Message == nil || e.Message.Author != "Anonymous" || e.Message.AuthorUserID != nil {
			t.Errorf("peer's stream shows the anonymous post as %+v", e.Message)
		}
		st.close()

		// What a viewer may not see (a held message) goes out as its id
		// alone, so the position still advances; staff get the message.
		ch := struct{ ID int64 }{}
		admin.do("GET", chanPath(slug), nil).want(200).into(&ch)
		uid := pat.user.ID
		held := &model.Message{ChannelID: ch.ID, Kind: model.KindComment, Body: "held for review", AuthorName: "pat",
			AuthorUserID: &uid, State: model.StateHeld}
		if err := store.InsertMessage(context.Background(), s.DB, held); err != nil {
			t.Fatal(err)
		}
		s.Hub.Publish(ch.ID, held.Seq)
		st = other.openStream(slug, "?since="+itoa(held.Seq-1))
		if ev := st.next(); ev.ID != itoa(held.Seq) || ev.Data != "" {
			t.Errorf("a participant's stream shows a held message: %+v", ev)
		}
		st.close()
		st = admin.openStream(slug, "?since="+itoa(held.Seq-1))
		if e := decodeEvent(t, st.next()); e.Message == nil || e.Message.State != "held" || e.Message.Body != "held for review" {
			t.Errorf("staff stream shows the held message as %+v", e.Message)
		}
		st.close()

		// Refused: bad positions, channels one may not read, no token.
		pat.do("GET", chanPath(slug, "/events?since=abc"), nil).wantError(400, "bad_request", "")
		pat.do("GET", chanPath(slug, "/events"), nil, "Last-Event-ID", "-3").wantError(400, "bad_request", "")
		pat.do("GET", chanPath("staff-room", "/events"), nil).wantError(403, "not_a_member", "")
		(&apiClient{t: t, s: s}).do("GET", chanPath(slug, "/events"), nil).wantError(401, "unauthorized", "")
	})
}
