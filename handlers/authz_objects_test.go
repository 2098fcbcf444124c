package handlers_test

import (
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

	"backchannel/handlers"
	"backchannel/model"
)

// objectRequest is one request of TestObjectsOfAnotherChannel: a route of
// the route table with channel alpha in its path, an object id of beta in
// it, and a body that would act on an object of alpha.
type objectRequest struct {
	form url.Values     // HTML routes
	json map[string]any // API routes
}

// objectBodies are the bodies that make each id-taking route act (checked
// by the control request on alpha's own objects); routes not named here
// need none.
var objectBodies = map[string]objectRequest{
	"POST /c/:slug/messages/:id/edit":                          {form: url.Values{"body": {"pwned"}}},
	"POST /c/:slug/messages/:id/react":                         {form: url.Values{"emoji": {"👍"}}},
	"POST /c/:slug/messages/:id/report":                        {form: url.Values{"reason": {"spam"}}},
	"POST /c/:slug/messages/:id/tags":                          {form: url.Values{"tag": {"pwned"}}},
	"PATCH /api/v1/channels/:slug/messages/:id":                {json: map[string]any{"body": "pwned"}},
	"POST /api/v1/channels/:slug/messages/:id/report":          {json: map[string]any{"reason": "spam"}},
	"POST /api/v1/channels/:slug/messages/:id/tags":            {json: map[string]any{"tag": "pwned"}},
	"POST /api/v1/channels/:slug/present/messages/:id":         {json: map[string]any{"action": "pin"}},
	"POST /api/v1/channels/:slug/messages/:id/moderate":        {json: map[string]any{"action": "hide"}},
	"POST /api/v1/channels/:slug/messages/:id/reports/dismiss": {json: map[string]any{"reason": "breaks no rule"}},
	"POST /mod/c/:slug/messages/:id/reports/dismiss":           {form: url.Values{"reason": {"breaks no rule"}}},
	"PATCH /api/v1/channels/:slug/sessions/:session":           {json: map[string]any{"title": "pwned"}},
	"PATCH /api/v1/channels/:slug/filters/:id":                 {json: map[string]any{"enabled": false}},
}

// Every route that names an object of a channel (a message, session,
// sanction, filter rule or audit entry) refuses one of another channel: a
// person with every staff role in alpha, and none in beta, cannot reach
// beta's objects through alpha's routes. The same request on alpha's own
// object is let through (the control that the request would act).
func TestObjectsOfAnotherChannel(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		admin := s.apiUser(t, "ada@example.org", model.RoleAdmin)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		staff := s.apiUser(t, "sam@example.org", model.RoleParticipant)
		admin.createChannel(map[string]any{"slug": "alpha", "title": "Alpha"})
		beta := admin.createChannel(map[string]any{"slug": "beta", "title": "Beta"})
		s.grant(t, staff, model.RoleHost, "alpha")
		s.grant(t, staff, model.RoleModerator, "alpha")
		staff.accept("alpha")
		bob.accept("beta")
		admin.accept("beta")
		admin.accept("alpha")

		// beta's objects.
		betaMsg := bob.post("beta", map[string]any{"body": "beta secret kumquat"}).ID
		var betaFile uploadJSON // a file of beta's, for the attachment routes
		bob.upload("beta.txt", []byte("beta kumquat notes\n")).want(http.StatusCreated).into(&betaFile)
		bob.post("beta", map[string]any{"body": "beta file", "attachments": []int64{betaFile.ID}})
		admin.do("POST", chanPath("beta", "/messages/"+itoa(betaMsg)+"/report"), map[string]any{"reason": "spam"}).want(http.StatusCreated)
		admin.do("POST", chanPath("beta", "/messages/"+itoa(betaMsg)+"/tags"), map[string]any{"tag": "betatag"})
		admin.do("POST", "/api/v1/channels/beta/sessions", map[string]string{"title": "Beta week"}).want(http.StatusCreated)
		admin.do("POST", chanPath("beta", "/sanctions"), map[string]any{"subject": subj(bob), "kind": "mute", "duration": "1h"}).want(http.StatusCreated)
		admin.do("POST", chanPath("beta", "/filters"), map[string]any{"pattern": "kumquatz", "action": "flag"}).want(http.StatusCreated)
		admin.do("POST", chanPath("beta", "/messages/"+itoa(betaMsg)+"/moderate"), map[string]any{"action": "pin"}).want(http.StatusOK)
		// alpha's, for the controls.
		admin.do("POST", "/api/v1/channels/alpha/sessions", map[string]string{"title": "Alpha week"}).want(http.StatusCreated)
		admin.do("POST", chanPath("alpha", "/sanctions"), map[string]any{"subject": subj(bob), "kind": "mute", "duration": "1h"}).want(http.StatusCreated)
		admin.do("POST", chanPath("alpha", "/filters"), map[string]any{"pattern": "alphaz", "action": "flag"}).want(http.StatusCreated)

		latest := func(table, where string, args ...any) int64 {
			t.Helper()
			var id int64
			if err := s.DB.NewSelect().Table(table).Column("id").Where(where, args...).Order("id DESC").Limit(1).Scan(ctx, &id); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			return id
		}
		alphaID := latestChannel(t, s, "alpha")
		ids := map[string]map[string]int64{
			"beta": {"session": latest("channel_sessions", "channel_id = ?", beta.ID),
				"sanction": latest("sanctions", "channel_id = ?", beta.ID),
				"filter":   latest("filter_rules", "pattern = ?", "kumquatz"),
				"audit":    latest("audit_entries", "channel_id = ?", beta.ID)},
			"alpha": {"session": latest("channel_sessions", "channel_id = ?", alphaID),
				"sanction": latest("sanctions", "channel_id = ?", alphaID),
				"filter":   latest("filter_rules", "pattern = ?", "alphaz")},
		}
		before := channelSnapshot(t, s, beta.ID, betaMsg, ids["beta"]["filter"])

		n := 0
		for _, r := range handlers.RouteTable() {
			if !strings.Contains(r.Path, ":slug") {
				continue
			}
			key := r.Method + " " + r.Path
			var kind string
			switch {
			case strings.Contains(r.Path, "/sanctions/:id"):
				kind = "sanction"
			case strings.Contains(r.Path, "/filters/:id"):
				kind = "filter"
			case strings.Contains(r.Path, ":session"):
				kind = "session"
			case strings.Contains(r.Path, ":audit"):
				kind = "audit"
			case strings.Contains(r.Path, "/attachments/:id"):
				kind = "attachment"
			case strings.Contains(r.Path, ":id"):
				kind = "message"
			default:
				continue
			}
			path := func(owner string, msg int64) string {
				var id int64
				if kind == "message" || kind == "attachment" {
					id = msg // the message's, or the file's
				} else {
					id = ids[owner][kind]
				}
				p := strings.NewReplacer(":slug", "alpha", ":id", itoa(id), ":session", itoa(id), ":audit", itoa(id),
					":tag", "betatag", ":emoji", "%F0%9F%91%8D", ":format", "csv").Replace(r.Path)
				if strings.HasPrefix(r.Path, "/mod/") {
					p = strings.Replace(p, ":action", "hide", 1)
				} else {
					p = strings.Replace(p, ":action", "pin", 1)
				}
				return p
			}
			send := func(p string) *apiResponse {
				body := objectBodies[key]
				switch {
				case strings.HasPrefix(r.Path, "/api/"):
					var b any
					if body.json != nil {
						b = body.json
					} else if r.Method != "GET" && r.Method != "DELETE" {
						b = map[string]any{}
					}
					return noRedirect(staff, r.Method, p, b)
				case r.Method == "GET":
					return noRedirect(staff, r.Method, p, nil)
				default:
					// As htmx sends it: refusals are statuses, not a
					// redirect with a message.
					return noRedirect(staff, r.Method, p, body.form.Encode(),
						"Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true")
				}
			}
			betaObj := betaMsg
			if kind == "attachment" {
				betaObj = betaFile.ID
			}
			res := send(path("beta", betaObj))
			if res.Status < 400 || res.Status >= 500 {
				t.Errorf("%s with beta's %s = %d, want refused (4xx): %.200s", key, kind, res.Status, res.Body)
			}
			if strings.Contains(string(res.Body), "kumquat") {
				t.Errorf("%s with beta's %s shows beta's message", key, kind)
			}
			if after := channelSnapshot(t, s, beta.ID, betaMsg, ids["beta"]["filter"]); after != before {
				t.Fatalf("%s with beta's %s changed beta:\n%s\nwas\n%s", key, kind, after, before)
			}
			n++
			// The control: the same request on alpha's own object acts.
			if kind == "audit" {
				continue // its undo needs an action of its own; the status above is enough
			}
			own := staff.post("alpha", map[string]any{"body": "alpha control " + strconv.Itoa(n), "kind": "question"}).ID
			if strings.Contains(key, "/reports/dismiss") {
				admin.do("POST", chanPath("alpha", "/messages/"+itoa(own)+"/report"), map[string]any{"reason": "spam"}).want(http.StatusCreated)
			}
			if kind == "attachment" {
				var f uploadJSON
				staff.upload("alpha.txt", []byte("alpha notes\n")).want(http.StatusCreated).into(&f)
				staff.post("alpha", map[string]any{"body": "alpha file " + strconv.Itoa(n), "attachments": []int64{f.ID}})
				own = f.ID
			}
			if res := send(path("alpha", own)); res.Status >= 400 {
				t.Errorf("control: %s on alpha's own %s = %d: %.200s", key, kind, res.Status, res.Body)
			}
		}
		if n < 30 {
			t.Errorf("only %d id-taking routes checked", n)
		}
		t.Logf("%d id-taking routes checked", n)
	})
}

// noRedirect is a.do that does not follow redirects: a refusal shown as a
// redirect to another page must not pass for that page's 200.
func noRedirect(a *apiClient, method, path string, body any, headers ...string) *apiResponse {
	a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		r = bytes.NewReader(data)
		headers = append([]string{"Content-Type", "application/json"}, headers...)
	}
	req, err := http.NewRequest(method, a.s.URL+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return &apiResponse{t: a.t, what: method + " " + path, Status: res.StatusCode, Header: res.Header, Body: data}
}

func latestChannel(t *testing.T, s *testServer, slug string) int64 {
	t.Helper()
	ch, err := s.Chat.Channel(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return ch.ID
}

// channelSnapshot is every row that belongs to a channel and its message.
func channelSnapshot(t *testing.T, s *testServer, channelID, messageID, filterID int64) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []struct {
		table, where string
		arg          int64
	}{
		{"messages", "channel_id = ?", channelID},
		{"channel_events", "channel_id = ?", channelID},
		{"channel_sessions", "channel_id = ?", channelID},
		{"memberships", "channel_id = ?", channelID},
		{"sanctions", "channel_id = ?", channelID},
		{"reports", "channel_id = ?", channelID},
		{"reactions", "message_id = ?", messageID},
		{"votes", "message_id = ?", messageID},
		{"message_tags", "message_id = ?", messageID},
		{"filter_rules", "id = ?", filterID},
	} {
		rows, err := s.DB.QueryContext(context.Background(), "SELECT * FROM "+q.table+" WHERE "+q.where+" ORDER BY 1, 2", q.arg)
		if err != nil {
			t.Fatalf("%s: %v", q.table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", q.table, vals)
		}
		_ = rows.Close()
	}
	return b.String()
}
