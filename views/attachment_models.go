package views

import "strconv"

// Attachment is a file of a message as pages show it: an image shown as a
// thumbnail that opens full size, or a file shown as a card (name, type,
// size) that downloads. The same for every viewer who may see the message.
type Attachment struct {
	ID       int64
	Name     string
	Type     string // the sniffed media type
	Image    bool
	Size     int64
	URL      string // the original
	ThumbURL string // images only
	Width    int
	Height   int
}

// FileSize is a size in bytes for people: "840 B", "12 KB", "3.4 MB".
func FileSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return strconv.FormatInt((n+500)/1000, 10) + " KB"
	default:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
	}
}
