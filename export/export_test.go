package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"backchannel/export"
)

func sample() export.Document {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	at := func(min int) time.Time { return start.Add(time.Duration(min) * time.Minute) }
	return export.Document{
		Title:   "Physics 101 — Week 3",
		Channel: &export.Channel{Slug: "physics-101", Title: "Physics 101"},
		Session: &export.Session{ID: 3, Title: "Week 3", StartedAt: start, EndedAt: &end},
		View:    "participant",
		Messages: []export.Message{
			{ID: 1, Channel: "physics-101", SessionID: 3, Author: "Alice *Martin*", Kind: "question", State: "visible",
				Body: "Why does entropy\nincrease?", CreatedAt: at(2), Votes: 3, Reactions: 1, Answered: true, Pinned: true,
				Tags: []string{"exam", "follow-up"},
				Replies: []export.Message{
					{ID: 2, ParentID: 1, Channel: "physics-101", SessionID: 3, Author: "Sam", Anonymous: true, Kind: "comment", State: "visible",
						Body: "Microstates.", CreatedAt: at(3)},
				}},
			{ID: 3, Channel: "physics-101", SessionID: 3, Author: "=HYPERLINK(\"x\")", Kind: "comment", State: "hidden",
				Body: "=1+2", CreatedAt: at(5)},
			{ID: 4, Channel: "physics-101", SessionID: 3, Author: "Anonymous", Kind: "comment", State: "visible",
				Removed: true, CreatedAt: at(7)},
		},
	}
}

func TestExportCSV(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, d); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(export.CSVHeader(), ",") {
		t.Fatalf("header = %v", rows[0])
	}
	flat := d.Flatten()
	if len(rows)-1 != len(flat) {
		t.Fatalf("%d rows, want %d", len(rows)-1, len(flat))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, m := range flat {
		r := rows[i+1]
		if r[col["id"]] != strconv.FormatInt(m.ID, 10) {
			t.Errorf("row %d id = %q, want %d", i, r[col["id"]], m.ID)
		}
		wantParent := ""
		if m.ParentID != 0 {
			wantParent = strconv.FormatInt(m.ParentID, 10)
		}
		if r[col["parent_id"]] != wantParent {
			t.Errorf("row %d parent = %q", i, r[col["parent_id"]])
		}
		if got, err := time.Parse(time.RFC3339, r[col["created_at"]]); err != nil || !got.Equal(m.CreatedAt) {
			t.Errorf("row %d created_at = %q", i, r[col["created_at"]])
		}
	}
	tests := []struct {
		row        int
		col, value string
	}{
		{1, "body", "Why does entropy\nincrease?"},
		{1, "tags", "exam; follow-up"},
		{1, "answered", "true"},
		{1, "votes", "3"},
		{2, "author", "Sam"},
		{2, "anonymous", "true"},
		{1, "anonymous", "false"},
		{3, "author", `'=HYPERLINK("x")`}, // formula injection defused
		{3, "body", "'=1+2"},
		{3, "state", "hidden"},
		{4, "body", export.RemovedBody},
	}
	for _, tt := range tests {
		if got := rows[tt.row][col[tt.col]]; got != tt.value {
			t.Errorf("row %d %s = %q, want %q", tt.row, tt.col, got, tt.value)
		}
	}
}

func TestExportCSVSafe(t *testing.T) {
	for in, want := range map[string]string{"": "", "plain": "plain", "=x": "'=x", "+1": "'+1", "-1": "'-1",
		"@SUM": "'@SUM", "\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b"} {
		if got := export.CSVSafe(in); got != want {
			t.Errorf("CSVSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExportJSON(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	if err := export.WriteJSON(&buf, d); err != nil {
		t.Fatal(err)
	}
	var got export.Document
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, buf.String())
	}
	if got.Channel == nil || got.Channel.Slug != "physics-101" || got.Session == nil || got.Session.ID != 3 || got.View != "participant" {
		t.Fatalf("document = %+v", got)
	}
	if len(got.Messages) != 3 || len(got.Messages[0].Replies) != 1 || got.Messages[0].Replies[0].ParentID != 1 {
		t.Fatalf("messages = %+v", got.Messages)
	}
	if m := got.Messages[0]; m.Body != d.Messages[0].Body || !m.Answered || !m.Pinned || m.Votes != 3 || strings.Join(m.Tags, ",") != "exam,follow-up" {
		t.Errorf("first message = %+v", m)
	}
	if m := got.Messages[1]; m.Body != "=1+2" || m.State != "hidden" { // JSON needs no escaping of formulas
		t.Errorf("second message = %+v", m)
	}
	// Tags are always a list.
	var raw map[string]any
	_ = json.Unmarshal(buf.Bytes(), &raw)
	if tags := raw["messages"].([]any)[1].(map[string]any)["tags"]; tags == nil {
		t.Errorf("tags of an untagged message = null")
	}
}

func TestExportMarkdown(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	if err := export.WriteMarkdown(&buf, d); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	if lines[0] != "# Physics 101 — Week 3" {
		t.Errorf("title line = %q", lines[0])
	}
	want := []string{
		"- Channel: Physics 101 (physics-101)",
		"- Started: 2026-03-02 10:00 UTC",
		"- Ended: 2026-03-02 11:00 UTC",
		`- **Alice \*Martin\*** (10:02): ❓ Why does entropy / increase? — ✅ answered · 📌 pinned · 3 votes · 1 reaction · tags: exam, follow-up`,
		"  - **Sam** (posted anonymously) (10:03): Microstates.",
		`- **=HYPERLINK("x")** (10:05): [hidden] =1+2`,
		"- **Anonymous** (10:07): _(removed by retention)_",
	}
	for _, w := range want {
		found := false
		for _, l := range lines {
			if l == w {
				found = true
			}
		}
		if !found {
			t.Errorf("no line %q in\n%s", w, buf.String())
		}
	}
}

// A flat document (search results) indents replies whose thread start is
// in it.
func TestExportMarkdownFlat(t *testing.T) {
	d := sample()
	d.Messages = d.Flatten()
	var buf bytes.Buffer
	if err := export.WriteMarkdown(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\n  - **Sam** (posted anonymously) (10:03): Microstates.\n") {
		t.Errorf("reply not indented:\n%s", buf.String())
	}
}
