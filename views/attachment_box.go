package views

import "strconv"

// Bounds of a thumbnail as a message shows it (the stored thumbnail is
// larger, for sharp screens).
const (
	thumbMaxHeight = 160
	thumbMaxWidth  = 240
)

// thumbBox is the size a's thumbnail is shown at, in its own proportions:
// the img's width and height, so the page keeps its place while it loads.
func thumbBox(a Attachment) (w, h int) {
	w, h = a.Width, a.Height
	if w <= 0 || h <= 0 {
		return thumbMaxHeight, thumbMaxHeight
	}
	if h > thumbMaxHeight {
		w, h = max(1, w*thumbMaxHeight/h), thumbMaxHeight
	}
	if w > thumbMaxWidth {
		w, h = thumbMaxWidth, max(1, h*thumbMaxWidth/w)
	}
	return w, h
}

func thumbWidth(a Attachment) string  { w, _ := thumbBox(a); return strconv.Itoa(w) }
func thumbHeight(a Attachment) string { _, h := thumbBox(a); return strconv.Itoa(h) }
