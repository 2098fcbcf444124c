package views_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"backchannel/views"
)

// The report form lets a reporter point at one file of the message, by a
// labelled select; a message without files has none.
func TestReportFormPicksAFile(t *testing.T) {
	render := func(m views.Message) *goquery.Document {
		var b bytes.Buffer
		if err := views.MessageView(m).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		doc, err := goquery.NewDocumentFromReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	m := views.Message{ID: 7, CanReport: true, Attachments: []views.Attachment{
		{ID: 31, Name: "board.png", Image: true, URL: "/files/31/board.png", ThumbURL: "/files/31/thumb"},
		{ID: 32, Name: "notes.pdf", URL: "/files/32/notes.pdf"},
	}}
	doc := render(m)
	sel := doc.Find(".report-form select[name=attachment_id]")
	if sel.Length() != 1 {
		t.Fatal("no file select in the report form")
	}
	id, _ := sel.Attr("id")
	if doc.Find(`.report-form label[for="`+id+`"]`).Length() != 1 {
		t.Error("the file select has no label")
	}
	var got []string
	sel.Find("option").Each(func(_ int, o *goquery.Selection) { got = append(got, o.AttrOr("value", "")+"="+o.Text()) })
	want := []string{"=The message", "31=File: board.png", "32=File: notes.pdf"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("options = %q, want %q", got, want)
	}
	m.Attachments = nil
	if render(m).Find(".report-form select").Length() != 0 {
		t.Error("a file select on a message without files")
	}
}
