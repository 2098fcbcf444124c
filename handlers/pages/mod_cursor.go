package pages

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"backchannel/model"
)

// wallCursor is where the wall's stream stands in each channel it merges:
// channel id → the last seq delivered.
//
// It travels as the SSE event id, so that a reconnecting browser sends it
// back as Last-Event-ID and is replayed exactly what it missed in every
// channel. The text form is "chanID:seq,chanID:seq" with channel ids in
// increasing order, e.g. "3:41,7:0". ?since= takes the same form (the wall
// page starts its stream with it). A channel the cursor does not name starts
// at its current position: new events only, no history.
type wallCursor map[int64]int64

// String is the cursor's text form.
func (wc wallCursor) String() string {
	ids := make([]int64, 0, len(wc))
	for id := range wc {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(wc[id], 10))
	}
	return b.String()
}

// parseWallCursor reads a cursor's text form ("" is the empty cursor). A
// malformed cursor is an error wrapping model.ErrInvalid.
func parseWallCursor(s string) (wallCursor, error) {
	wc := wallCursor{}
	s = strings.TrimSpace(s)
	if s == "" {
		return wc, nil
	}
	for part := range strings.SplitSeq(s, ",") {
		id, seq, ok := strings.Cut(strings.TrimSpace(part), ":")
		cid, err1 := strconv.ParseInt(id, 10, 64)
		n, err2 := strconv.ParseInt(seq, 10, 64)
		if !ok || err1 != nil || err2 != nil || cid <= 0 || n < 0 {
			return nil, model.Refuse(model.ErrInvalid, "bad_cursor",
				fmt.Sprintf("The stream position %q is not a list of channel:seq pairs separated by commas.", s))
		}
		wc[cid] = n
	}
	return wc, nil
}
