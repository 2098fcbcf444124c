package export_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"backchannel/export"
)

// A message's files are named links in Markdown: the name is escaped as
// people's text is (no link or HTML of its own), and the path cannot end
// the link early; JSON lists them with name, type, size and path, and an
// empty list for a message without files.
func TestConversationFiles(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 2, 0, 0, time.UTC)
	c := export.Conversation{ID: 1, Title: "t", Messages: []export.DM{
		{ID: 1, Kind: "text", Author: &export.Person{Name: "Ada", Handle: "ada"}, CreatedAt: at, Attachments: []export.File{
			{Name: "x](javascript:alert(1)) <b>*a*</b>.txt", Type: "text/plain", Size: 6, URL: "/files/7/x (y).txt"},
			{Name: "b.png", Type: "image/png", Size: 9, URL: "/files/8/b.png"},
		}},
		{ID: 2, Kind: "text", Body: "plain", CreatedAt: at},
	}}
	var md bytes.Buffer
	if err := export.WriteConversationMarkdown(&md, c); err != nil {
		t.Fatal(err)
	}
	want := `- **Ada** (@ada) · 2026-12-06 10:02 UTC: 📎 [x\](javascript:alert(1)) &lt;b&gt;\*a\*&lt;/b&gt;.txt](/files/7/x%20%28y%29.txt), [b.png](/files/8/b.png)`
	if !strings.Contains(md.String(), want+"\n") {
		t.Errorf("Markdown:\n%s\nwant the line\n%s", md.String(), want)
	}
	var js bytes.Buffer
	if err := export.WriteConversationJSON(&js, c); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Messages []struct {
			Attachments []map[string]any `json:"attachments"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	f := back.Messages[0].Attachments
	if len(f) != 2 || f[1]["name"] != "b.png" || f[1]["type"] != "image/png" || f[1]["size"] != 9.0 || f[1]["url"] != "/files/8/b.png" {
		t.Errorf("JSON attachments = %v", f)
	}
	if a := back.Messages[1].Attachments; a == nil || len(a) != 0 {
		t.Errorf("a message without files: attachments = %v, want []", a)
	}
}
