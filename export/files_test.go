package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"backchannel/export"
)

func filesDoc() export.Document {
	return export.Document{Title: "Files", Messages: []export.Message{
		{ID: 1, Author: "Ada", Kind: "comment", State: "visible", Body: "see", CreatedAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC),
			Files: []export.File{
				{Name: "x](javascript:alert(1)) <b>.pdf", Type: "application/pdf", Size: 10, URL: "/files/1/x%5D%28javascript:alert%281%29%29 <b>.pdf"},
				{Name: "=cmd.txt", Type: "text/plain", Size: 3, URL: "/files/2/=cmd.txt"},
			}},
		{ID: 2, Author: "Bo", Kind: "comment", State: "visible", Body: "none", CreatedAt: time.Date(2026, 3, 2, 10, 1, 0, 0, time.UTC)},
	}}
}

// TestExportFiles: files are named links in Markdown (names escaped as text,
// destinations kept one), a formula-safe column in CSV and a list in JSON.
func TestExportFiles(t *testing.T) {
	var md bytes.Buffer
	if err := export.WriteMarkdown(&md, filesDoc()); err != nil {
		t.Fatal(err)
	}
	want := `- **Ada** (10:00): see 📎 [x\](javascript:alert(1)) &lt;b&gt;.pdf](/files/1/x%5D%28javascript:alert%281%29%29%20%3Cb%3E.pdf), [=cmd.txt](/files/2/=cmd.txt)`
	if !strings.Contains(md.String(), want+"\n") {
		t.Errorf("markdown:\n%s\nwant the line\n%s", md.String(), want)
	}
	if !strings.Contains(md.String(), "- **Bo** (10:01): none\n") {
		t.Errorf("a message without files changed:\n%s", md.String())
	}

	var c bytes.Buffer
	if err := export.WriteCSV(&c, filesDoc()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	last := len(rows[0]) - 1
	if rows[0][last] != "attachments" || rows[1][last] != "x](javascript:alert(1)) <b>.pdf; =cmd.txt" || rows[2][last] != "" {
		t.Errorf("csv attachments column: %q / %q / %q", rows[0][last], rows[1][last], rows[2][last])
	}
	d := filesDoc()
	d.Messages[0].Files = []export.File{{Name: "=cmd.txt"}}
	c.Reset()
	if err := export.WriteCSV(&c, d); err != nil {
		t.Fatal(err)
	}
	if rows, _ := csv.NewReader(&c).ReadAll(); rows[1][last] != "'=cmd.txt" {
		t.Errorf("a name starting with = is %q, not formula-safe", rows[1][last])
	}

	var j bytes.Buffer
	if err := export.WriteJSON(&j, filesDoc()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Messages []struct {
			Attachments []map[string]any `json:"attachments"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(j.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if a := got.Messages[0].Attachments; len(a) != 2 || a[0]["type"] != "application/pdf" || a[0]["size"] != 10.0 || a[1]["url"] != "/files/2/=cmd.txt" {
		t.Errorf("json attachments %v", a)
	}
	if a := got.Messages[1].Attachments; a == nil || len(a) != 0 {
		t.Errorf("json attachments of a message without files: %v", a)
	}
}
