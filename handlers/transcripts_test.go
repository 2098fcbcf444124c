package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"backchannel/chat"
	"backchannel/export"
	"backchannel/model"
	"backchannel/moderation"
	"backchannel/transcripts"
)

// classFixture is a small known session of physics-101: a question with a
// reply, an anonymous question, a comment that looks like a formula, and a
// hidden, a deleted, a held and a shadow-muted message.
type classFixture struct {
	ch      *model.Channel
	sess    *model.ChannelSession
	host    *model.User
	ids     map[string]int64
	visible []string // participants' transcript, reading order
	all     []string // staff transcript, reading order
}

func (s *testServer) classSession(t *testing.T) *classFixture {
	t.Helper()
	ctx := context.Background()
	f := &classFixture{ids: map[string]int64{}}
	f.ch, f.host = s.newChannel(t, "physics-101", chat.ChannelInput{})
	var err error
	if f.sess, err = s.Chat.StartSession(ctx, f.host.ID, f.ch, "Week 3: entropy"); err != nil {
		t.Fatal(err)
	}
	mod := s.createUser(t, "mo@example.org", model.RoleModerator)
	viewer := func(u *model.User) chat.Viewer {
		v, err := s.Chat.ViewerFor(ctx, f.ch, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Chat.AcceptGuideline(ctx, f.ch, v, 0); err != nil {
			t.Fatal(err)
		}
		return v
	}
	alice := viewer(s.createUser(t, "alice@example.org", model.RoleParticipant))
	bob := viewer(s.createUser(t, "bob@example.org", model.RoleParticipant))
	carol := viewer(s.createUser(t, "carol@example.org", model.RoleParticipant))
	eve := viewer(s.createUser(t, "eve@example.org", model.RoleParticipant))
	staff, err := s.Chat.ViewerFor(ctx, f.ch, mod, nil)
	if err != nil {
		t.Fatal(err)
	}
	post := func(name string, v chat.Viewer, in chat.PostInput) int64 {
		t.Helper()
		m, err := s.Chat.Post(ctx, f.ch, v, in)
		if err != nil {
			t.Fatalf("post %s: %v", name, err)
		}
		f.ids[name] = m.ID
		return m.ID
	}
	moderate := func(name string, act model.ModAction, rule string) {
		t.Helper()
		if _, err := s.Moderation.Moderate(ctx, f.ch, staff, f.ids[name], act, moderation.ModInput{Guideline: rule, Reason: "test"}); err != nil {
			t.Fatalf("%s %s: %v", act, name, err)
		}
	}
	q1 := post("q1", alice, chat.PostInput{Body: "Why does entropy always increase?", Kind: model.KindQuestion})
	post("r1", bob, chat.PostInput{Body: "Far more disordered microstates.", ParentID: q1})
	post("q2", carol, chat.PostInput{Body: "Is the exam open book?", Kind: model.KindQuestion, Anonymous: true})
	post("c1", bob, chat.PostInput{Body: "=SUM(A1) slide 12 helped"})
	post("hid", eve, chat.PostInput{Body: "Buy cheap essays"})
	moderate("hid", model.ActHide, "G2")
	post("del", alice, chat.PostInput{Body: "Oops, wrong channel"})
	moderate("del", model.ActDelete, "G2")
	all, off := model.PremodAll, model.PremodOff
	if f.ch, err = s.Chat.UpdateChannel(ctx, f.host.ID, f.ch.Slug, chat.ChannelInput{PremodMode: &all}); err != nil {
		t.Fatal(err)
	}
	post("held", carol, chat.PostInput{Body: "Waiting for a moderator"})
	if f.ch, err = s.Chat.UpdateChannel(ctx, f.host.ID, f.ch.Slug, chat.ChannelInput{PremodMode: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Moderation.Sanction(ctx, f.ch, staff, moderation.SanctionInput{Subject: eve.Actor.Key(), Kind: model.SanctionShadowMute,
		ModInput: moderation.ModInput{Guideline: "G1"}}); err != nil {
		t.Fatal(err)
	}
	post("shadow", eve, chat.PostInput{Body: "Nobody hears me"})
	if _, err := s.Chat.Vote(ctx, f.ch, bob, q1, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Chat.React(ctx, f.ch, alice, f.ids["c1"], "👍"); err != nil {
		t.Fatal(err)
	}
	moderate("q1", model.ActAnswer, "")
	moderate("c1", model.ActPin, "")
	if _, err := s.Transcripts.Tag(ctx, f.host.ID, f.ch, transcripts.TagInput{MessageIDs: []int64{q1}, Tag: "exam", Thread: true}); err != nil {
		t.Fatal(err)
	}
	f.visible = []string{"q1", "r1", "q2", "c1"}
	f.all = []string{"q1", "r1", "q2", "c1", "hid", "del", "held", "shadow"}
	return f
}

func (f *classFixture) path(rest string) string {
	return "/transcripts/" + f.ch.Slug + "/" + strconv.FormatInt(f.sess.ID, 10) + rest
}

// order lists the transcript's messages by fixture name, in page order.
func (f *classFixture) order(doc *goquery.Document) []string {
	byID := map[string]string{}
	for n, id := range f.ids {
		byID["m-"+strconv.FormatInt(id, 10)] = n
	}
	var out []string
	doc.Find(`[data-testid="transcript-message"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, byID[s.AttrOr("id", "")])
	})
	return out
}

func (f *classFixture) msg(doc *goquery.Document, name string) *goquery.Selection {
	return doc.Find("#m-" + strconv.FormatInt(f.ids[name], 10))
}

func TestTranscriptPages(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		f := s.classSession(t)
		pat := s.browser(t)
		pat.signIn("alice@example.org")
		host := s.browser(t)
		host.signIn(f.host.Email)

		r := pat.get("/transcripts")
		if r.Status != 200 || r.Doc.Find(`[data-testid="transcript-channel"][data-slug="physics-101"]`).Length() != 1 {
			t.Fatalf("/transcripts = %d: %s", r.Status, r.Doc.Find("main").Text())
		}
		r = pat.get("/transcripts/physics-101")
		row := r.Doc.Find(`[data-testid="session-row"]`)
		if r.Status != 200 || row.Length() != 1 || strings.TrimSpace(row.Find(`[data-testid="session-messages"]`).Text()) != "4" {
			t.Fatalf("sessions page = %d, rows %d %q", r.Status, row.Length(), row.Text())
		}
		if href := row.Find("a").First().AttrOr("href", ""); href != f.path("") {
			t.Errorf("session link = %q", href)
		}

		// The participant version: only what participants saw.
		r = pat.get(f.path(""))
		if r.Status != 200 {
			t.Fatalf("transcript = %d", r.Status)
		}
		if got := f.order(r.Doc); !slices.Equal(got, f.visible) {
			t.Errorf("participant transcript = %v, want %v", got, f.visible)
		}
		if a := strings.TrimSpace(f.msg(r.Doc, "q2").Find(`[data-testid="author"]`).Text()); a != "Anonymous" {
			t.Errorf("anonymous author shown as %q", a)
		}
		if strings.Contains(r.Body, "carol") || strings.Contains(r.Body, "Buy cheap") || strings.Contains(r.Body, "Nobody hears") {
			t.Errorf("participant transcript leaks staff-only content")
		}
		if f.msg(r.Doc, "q1").Parent().Find(`.replies #m-`+strconv.FormatInt(f.ids["r1"], 10)).Length() != 1 {
			t.Errorf("reply not under its question")
		}
		q1 := f.msg(r.Doc, "q1")
		if q1.Find(`[data-testid="answered"]`).Length() != 1 || q1.Find(`[data-testid="tag"]`).Text() != "exam" ||
			!strings.Contains(q1.Find(`[data-testid="votes"]`).Text(), "1 vote") {
			t.Errorf("q1 marks: %q", q1.Text())
		}
		if f.msg(r.Doc, "c1").Find(`[data-testid="pinned"]`).Length() != 1 {
			t.Errorf("pinned comment not marked")
		}
		if r.Doc.Find(`[data-testid="tag-form"]`).Length() != 0 || r.Doc.Find(`[data-testid="mod-state"]`).Length() != 0 {
			t.Errorf("participant sees staff tools")
		}
		if got := pat.get(f.path("?view=staff")).Status; got != http.StatusForbidden {
			t.Errorf("participant asking for the staff view = %d", got)
		}
		if got := pat.get(f.path("/analytics")).Status; got != http.StatusForbidden {
			t.Errorf("participant asking for analytics = %d", got)
		}
		if got := pat.get(f.path("/export/md?view=staff")).Status; got != http.StatusForbidden {
			t.Errorf("participant exporting the staff view = %d", got)
		}
		if got := pat.get("/transcripts/physics-101/999999").Status; got != http.StatusNotFound {
			t.Errorf("unknown session = %d", got)
		}

		// The staff version: everything, marked.
		r = host.get(f.path(""))
		if got := f.order(r.Doc); r.Status != 200 || !slices.Equal(got, f.all) {
			t.Fatalf("staff transcript = %d %v, want %v", r.Status, got, f.all)
		}
		for name, state := range map[string]string{"hid": "hidden", "del": "deleted", "held": "held", "shadow": "shadow", "q1": "visible"} {
			if got := f.msg(r.Doc, name).AttrOr("data-state", ""); got != state {
				t.Errorf("%s state = %q, want %q", name, got, state)
			}
		}
		if a := strings.TrimSpace(f.msg(r.Doc, "q2").Find(`[data-testid="author"]`).Text()); a != "carol" {
			t.Errorf("staff see the anonymous author as %q", a)
		}
		acts := f.msg(r.Doc, "hid").Find(`[data-testid="actions"]`)
		if !strings.Contains(acts.Text(), "message.hide") || acts.Find(`[data-testid="rule"]`).Text() != "G2" {
			t.Errorf("actions of the hidden message: %q", acts.Text())
		}
		if !strings.Contains(r.Doc.Find(`[data-testid="activity"]`).Text(), "user.shadow_mute") {
			t.Errorf("session activity lacks the shadow mute")
		}
		form := f.msg(r.Doc, "c1").Find(`[data-testid="tag-form"]`)
		if form.AttrOr("action", "") != "/c/physics-101/messages/"+strconv.FormatInt(f.ids["c1"], 10)+"/tags" ||
			form.Find(`input[name="tag"]`).Length() != 1 || form.Find(`input[name="thread"][value="1"]`).Length() != 1 ||
			form.Find(`input[name="_csrf"]`).AttrOr("value", "") == "" {
			t.Errorf("tag form: %v", goquery.NewDocumentFromNode(form.Nodes[0]).Text())
		}
		if got := f.order(host.get(f.path("?view=participant")).Doc); !slices.Equal(got, f.visible) {
			t.Errorf("staff reading the participant version = %v", got)
		}
		if got := host.get(f.path("?view=everything")).Status; got != http.StatusUnprocessableEntity && got != http.StatusBadRequest {
			t.Errorf("unknown view = %d", got)
		}
	})
}

// exportOf downloads an export and checks its headers.
func exportOf(t *testing.T, b *browser, path, filename string) []byte {
	t.Helper()
	r := b.get(path)
	if r.Status != 200 {
		t.Fatalf("%s = %d: %s", path, r.Status, r.Body)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="`+filename+`"` {
		t.Errorf("%s: Content-Disposition %q", path, cd)
	}
	return []byte(r.Body)
}

func TestTranscriptExports(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		f := s.classSession(t)
		pat := s.browser(t)
		pat.signIn("alice@example.org")
		host := s.browser(t)
		host.signIn(f.host.Email)
		sid := strconv.FormatInt(f.sess.ID, 10)
		for _, tc := range []struct {
			view string
			b    *browser
			want []string
		}{{"participant", pat, f.visible}, {"staff", host, f.all}} {
			t.Run(tc.view, func(t *testing.T) {
				want := make([]int64, 0, len(tc.want))
				for _, n := range tc.want {
					want = append(want, f.ids[n])
				}
				base := "physics-101-session-" + sid + "-" + tc.view

				// JSON: the document, replies nested with their parent id.
				var doc export.Document
				if err := json.Unmarshal(exportOf(t, tc.b, f.path("/export/json?view="+tc.view), base+".json"), &doc); err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, m := range doc.Flatten() {
					got = append(got, m.ID)
				}
				if !slices.Equal(got, want) || doc.Channel.Slug != "physics-101" || doc.Session.ID != f.sess.ID || doc.View != tc.view {
					t.Errorf("json: ids %v, want %v; %+v %+v", got, want, doc.Channel, doc.Session)
				}
				if len(doc.Messages) == 0 || len(doc.Messages[0].Replies) != 1 || doc.Messages[0].Replies[0].ParentID != f.ids["q1"] {
					t.Errorf("json: reply not nested under q1: %+v", doc.Messages)
				}
				byID := map[int64]export.Message{}
				for _, m := range doc.Flatten() {
					byID[m.ID] = m
				}
				q1, q2 := byID[f.ids["q1"]], byID[f.ids["q2"]]
				if !q1.Answered || q1.Votes != 1 || !slices.Equal(q1.Tags, []string{"exam"}) || !byID[f.ids["c1"]].Pinned {
					t.Errorf("json: q1 = %+v", q1)
				}
				wantQ2 := "Anonymous"
				if tc.view == "staff" {
					wantQ2 = "carol"
					if byID[f.ids["hid"]].State != "hidden" {
						t.Errorf("json: hidden message state %q", byID[f.ids["hid"]].State)
					}
				}
				if q2.Author != wantQ2 || !q2.Anonymous || q1.Anonymous {
					t.Errorf("json: q2 author %q anonymous %v (q1 %v), want %q and only q2 anonymous", q2.Author, q2.Anonymous, q1.Anonymous, wantQ2)
				}

				// CSV: a header, one row per message, formulas defused.
				rows, err := csv.NewReader(bytes.NewReader(exportOf(t, tc.b, f.path("/export/csv?view="+tc.view), base+".csv"))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				// (the staff version's other moderation follows as rows of kind "moderation")
				rows = slices.DeleteFunc(rows, func(r []string) bool { return len(r) > 6 && r[6] == "moderation" })
				if !slices.Equal(rows[0], export.CSVHeader()) || len(rows) != len(want)+1 {
					t.Fatalf("csv: header %v, %d rows", rows[0], len(rows))
				}
				for i, row := range rows[1:] {
					if row[0] != strconv.FormatInt(want[i], 10) {
						t.Errorf("csv row %d id %s, want %d", i, row[0], want[i])
					}
					m := byID[want[i]]
					if row[5] != m.Author || row[7] != m.State || row[8] != export.CSVSafe(m.Body) {
						t.Errorf("csv row %d = %v, want %+v", i, row, m)
					}
					if want[i] == f.ids["c1"] && row[8] != "'=SUM(A1) slide 12 helped" {
						t.Errorf("csv: formula not defused: %q", row[8])
					}
				}

				// Markdown: a title, one line per message, replies indented.
				md := string(exportOf(t, tc.b, f.path("/export/md?view="+tc.view), base+".md"))
				lines := strings.Split(md, "\n")
				if lines[0] != "# Channel physics-101 — Week 3: entropy" {
					t.Errorf("md title %q", lines[0])
				}
				var items []string
				for _, l := range lines {
					if strings.HasPrefix(strings.TrimLeft(l, " "), "- **") {
						items = append(items, l)
					}
				}
				if len(items) != len(want) {
					t.Fatalf("md: %d message lines, want %d:\n%s", len(items), len(want), md)
				}
				for i, l := range items {
					m := byID[want[i]]
					who := "**" + m.Author + "**"
					if m.Anonymous && tc.view == "staff" {
						who += " (posted anonymously)"
					}
					prefix := "- " + who + " (" + m.CreatedAt.UTC().Format("15:04") + "): "
					if m.ParentID != 0 {
						prefix = "  " + prefix
					}
					if !strings.HasPrefix(l, prefix) || !strings.Contains(l, m.Body) {
						t.Errorf("md line %q, want %q… %q", l, prefix, m.Body)
					}
				}
				if !strings.Contains(md, "✅ answered") || !strings.Contains(md, "📌 pinned") {
					t.Errorf("md lacks the answered and pinned marks:\n%s", md)
				}
			})
		}
		if got := host.get(f.path("/export/pdf")).Status; got < 400 || got >= 500 {
			t.Errorf("unknown format = %d", got)
		}
	})
}

// svgBars decodes the chart as XML and returns the counts of its bars.
func svgBars(t *testing.T, svg string) []int {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var bars []int
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the chart is not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			if se.Name.Local != "rect" {
				continue
			}
			for _, a := range se.Attr {
				if a.Name.Local == "data-count" {
					n, _ := strconv.Atoi(a.Value)
					bars = append(bars, n)
				}
			}
		}
	}
	if root != "svg" {
		t.Fatalf("chart root = %q", root)
	}
	return bars
}

func TestTranscriptAnalytics(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		f := s.classSession(t)
		host := s.browser(t)
		host.signIn(f.host.Email)
		r := host.get(f.path("/analytics"))
		if r.Status != 200 {
			t.Fatalf("analytics = %d", r.Status)
		}
		// Alice, Bob, Carol and Eve posted; all four (and nobody else)
		// accepted the guidelines, voted or reacted.
		for id, want := range map[string]string{"stat-participants": "4", "stat-posters": "4", "stat-messages": "8",
			"stat-questions": "2", "stat-answered": "1", "stat-actions": "3"} {
			if got := strings.TrimSpace(r.Doc.Find(`[data-testid="` + id + `"]`).Text()); got != want {
				t.Errorf("%s = %q, want %q", id, got, want)
			}
		}
		if !strings.Contains(r.Doc.Find(`[data-testid="participants-note"]`).Text(), "reacted, voted or accepted the guidelines") {
			t.Errorf("the page does not say who counts as a participant")
		}
		top := r.Doc.Find(`[data-testid="top-question"]`)
		if top.Length() != 2 || !strings.Contains(top.First().Text(), "Why does entropy") || !strings.Contains(top.Eq(1).Text(), "Anonymous") {
			t.Errorf("top questions: %q", top.Text())
		}
		if tags := r.Doc.Find(`[data-testid="tag-counts"] li`); tags.Length() != 1 || !strings.Contains(tags.Text(), "exam") ||
			tags.Find(`[data-testid="count"]`).Text() != "2" {
			t.Errorf("tags: %q", tags.Text())
		}
		rules := map[string]string{}
		r.Doc.Find(`[data-testid="rule-counts"] tr[data-rule]`).Each(func(_ int, s *goquery.Selection) {
			rules[s.AttrOr("data-rule", "")] = s.Find(`[data-testid="count"]`).Text()
		})
		if len(rules) != 2 || rules["G1"] != "1" || rules["G2"] != "2" {
			t.Errorf("actions by rule = %v", rules)
		}

		chart := r.Doc.Find(`svg[data-testid="chart"]`)
		if chart.AttrOr("role", "") != "img" || chart.AttrOr("aria-label", "") == "" || chart.Find("title").First().Text() == "" {
			t.Errorf("chart is not labelled: role %q label %q", chart.AttrOr("role", ""), chart.AttrOr("aria-label", ""))
		}
		svg, err := goquery.OuterHtml(chart)
		if err != nil {
			t.Fatal(err)
		}
		bars := svgBars(t, svg)
		a, err := s.Transcripts.Analytics(context.Background(), f.ch, f.sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		var nonEmpty []int
		for _, b := range a.Buckets {
			if b.Count > 0 {
				nonEmpty = append(nonEmpty, b.Count)
			}
		}
		if !slices.Equal(bars, nonEmpty) {
			t.Errorf("bars %v, want one per non-empty bucket %v", bars, nonEmpty)
		}
	})
}

func TestTranscriptAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		f := s.classSession(t)
		ctx := context.Background()
		token, _, err := s.Accounts.CreateAPIToken(ctx, f.host.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		host := &apiClient{t: t, s: s, user: f.host, token: token}
		pat := s.apiUser(t, "pat@example.org", model.RoleParticipant)
		base := "/api/v1/channels/physics-101/sessions"
		sid := strconv.FormatInt(f.sess.ID, 10)

		var list struct {
			Sessions []struct {
				ID       int64 `json:"id"`
				Title    string
				Messages int `json:"messages"`
			} `json:"sessions"`
		}
		pat.do("GET", base, nil).want(200).into(&list)
		if len(list.Sessions) != 1 || list.Sessions[0].ID != f.sess.ID || list.Sessions[0].Messages != 4 {
			t.Errorf("participant sessions = %+v", list)
		}
		host.do("GET", base, nil).want(200).into(&list)
		if list.Sessions[0].Messages != len(f.all) {
			t.Errorf("staff sessions = %+v", list)
		}

		var doc export.Document
		pat.do("GET", base+"/"+sid+"/transcript", nil).want(200).into(&doc)
		if doc.View != "participant" || len(doc.Flatten()) != len(f.visible) {
			t.Errorf("participant transcript: view %q, %d messages", doc.View, len(doc.Flatten()))
		}
		host.do("GET", base+"/"+sid+"/transcript?view=staff", nil).want(200).into(&doc)
		if doc.View != "staff" || len(doc.Flatten()) != len(f.all) {
			t.Errorf("staff transcript: view %q, %d messages", doc.View, len(doc.Flatten()))
		}
		if res := host.do("GET", base+"/"+sid+"/transcript?view=participant&format=csv", nil).want(200); !strings.HasPrefix(string(res.Body), "id,parent_id,") {
			t.Errorf("csv transcript: %s", res.Body)
		}
		pat.do("GET", base+"/"+sid+"/transcript?view=staff", nil).wantError(http.StatusForbidden, "not_staff", "")
		pat.do("GET", base+"/"+sid+"/analytics", nil).want(http.StatusForbidden)

		var a struct {
			Messages      int `json:"messages"`
			Questions     int `json:"questions"`
			Answered      int `json:"answered"`
			Participants  int `json:"participants"`
			Posters       int `json:"posters"`
			ActionsByRule []struct {
				Name  string `json:"name"`
				Count int    `json:"count"`
			} `json:"actions_by_rule"`
			TopQuestions []struct {
				ID int64 `json:"id"`
			} `json:"top_questions"`
		}
		host.do("GET", base+"/"+sid+"/analytics", nil).want(200).into(&a)
		if a.Messages != 8 || a.Questions != 2 || a.Answered != 1 || a.Participants != 4 || a.Posters != 4 ||
			len(a.ActionsByRule) != 2 || len(a.TopQuestions) != 2 || a.TopQuestions[0].ID != f.ids["q1"] {
			t.Errorf("analytics = %+v", a)
		}
	})
}
