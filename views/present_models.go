package views

import (
	"strconv"
	"strings"
)

// PresentPage is the presenter view of a channel: for the projector or a
// second screen.
type PresentPage struct {
	Slug     string
	JoinURL  string   // the channel's address, shown as text and as a QR code
	JoinCode string   // shown when the channel asks for one
	QR       [][]bool // the QR code of JoinURL, quiet zone included: true is dark
	LastSeq  int64    // where the live stream starts
	Board    PresentBoard
}

// PresentBoard is the live part of the presenter view, rendered once for
// everyone who presents the channel.
type PresentBoard struct {
	Slug         string
	Title        string
	Live         bool
	SessionTitle string
	Questions    []PresentItem // open questions: pinned first, then by votes
	Highlighted  *PresentItem
}

// PresentItem is a message on the presenter view.
type PresentItem struct {
	ID          int64
	Author      string
	AuthorRole  string
	Body        string
	Votes       int
	Pinned      bool
	Highlighted bool
	// Attachments are the message's files: images shown, files named.
	Attachments []Attachment
}

// qrPath is the SVG path of the dark modules of a QR code: one rectangle
// per run of dark modules in a row.
func qrPath(bits [][]bool) string {
	var b strings.Builder
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			b.WriteString("M" + strconv.Itoa(start) + " " + strconv.Itoa(y) + "h" + strconv.Itoa(x-start) + "v1h-" + strconv.Itoa(x-start) + "z")
		}
	}
	return b.String()
}

func qrViewBox(bits [][]bool) string {
	n := strconv.Itoa(len(bits))
	return "0 0 " + n + " " + n
}

func presentActionURL(slug string, id int64, action string) string {
	return "/c/" + slug + "/present/messages/" + strconv.FormatInt(id, 10) + "/" + action
}

func voteWord(n int) string {
	if n == 1 {
		return "vote"
	}
	return "votes"
}
