package filters_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/filters"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
	"backchannel/wordfilter"
)

func TestHighlight(t *testing.T) {
	m := func(start, end int) wordfilter.Match { return wordfilter.Match{Start: start, End: end} }
	show := func(segs []filters.Segment) string {
		var b strings.Builder
		for _, s := range segs {
			if s.Match {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		return b.String()
	}
	long := strings.Repeat("x", 30)
	for _, c := range []struct {
		body    string
		matches []wordfilter.Match
		around  int
		want    string
	}{
		{"no match", nil, 10, "no match"},
		{"a bad word", []wordfilter.Match{m(2, 5)}, 10, "a [bad] word"},
		{"bad bad", []wordfilter.Match{m(4, 7), m(0, 3)}, 10, "[bad] [bad]"},
		{"overlap", []wordfilter.Match{m(0, 4), m(2, 7)}, 10, "[overlap]"},
		{"out of range", []wordfilter.Match{m(5, 99)}, 10, "out of range"},
		{long + "bad" + long, []wordfilter.Match{m(30, 33)}, 5, "…xxxxx[bad]xxxxx…"},
		{"bad" + long + "bad", []wordfilter.Match{m(0, 3), m(33, 36)}, 5, "[bad]xxxxx … xxxxx[bad]"},
		{"ééééééé bad", []wordfilter.Match{m(15, 18)}, 3, "…é [bad]"},
	} {
		if got := show(filters.Highlight(c.body, c.matches, c.around)); got != c.want {
			t.Errorf("Highlight(%q) = %q, want %q", c.body, got, c.want)
		}
	}
}

func TestDryRun(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		fs, actor, ch := newSet(t, db)
		cs := &model.ChannelSession{ChannelID: ch.ID, Title: "one"}
		if err := store.StartChannelSession(ctx, db, cs); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, b := range []string{"darn", "fine", "heck darn", "gone darn"} {
			msg := &model.Message{ChannelID: ch.ID, SessionID: &cs.ID, AuthorName: "A", Kind: model.KindComment, Body: b}
			if b == "gone darn" {
				msg.State = model.StateDeleted
			}
			if err := store.InsertMessage(ctx, db, msg); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, msg.ID)
		}
		// A message outside any session is not read.
		if err := store.InsertMessage(ctx, db, &model.Message{ChannelID: ch.ID, AuthorName: "A", Kind: model.KindComment, Body: "darn"}); err != nil {
			t.Fatal(err)
		}
		if _, err := fs.Create(ctx, actor, filters.ChannelScope(ch.ID), filters.Input{Pattern: "darn", Action: "hold"}); err != nil {
			t.Fatal(err)
		}
		res, err := fs.DryRun(ctx, filters.DryRunInput{Scope: filters.ChannelScope(ch.ID)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Sessions != 1 || res.Checked != 3 || len(res.Hits) != 2 || res.Hits[0].Message.ID != ids[0] || res.Hits[1].Message.ID != ids[2] ||
			len(res.Rules) != 1 || res.Rules[0].Caught != 2 || res.Hits[0].Action != "hold" || res.Hits[0].Channel != "room" {
			t.Errorf("stored rules: %+v", res)
		}
		res, err = fs.DryRun(ctx, filters.DryRunInput{Scope: filters.Site, CSV: []byte("pattern,kind,action\nheck,word,block\n")})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 || res.Hits[0].Message.ID != ids[2] || res.Hits[0].Action != "block" || res.Rules[0].Caught != 1 ||
			res.Hits[0].Matches[0].Start != 0 || res.Hits[0].Matches[0].End != 4 {
			t.Errorf("csv rules: %+v", res)
		}
		if _, err := fs.DryRun(ctx, filters.DryRunInput{Scope: filters.Site, Sessions: 51}); err == nil {
			t.Errorf("51 sessions accepted")
		}
		if _, err := fs.DryRun(ctx, filters.DryRunInput{Scope: filters.Site, CSV: []byte("pattern,kind,action\n(x,regex,hold\n")}); err == nil {
			t.Errorf("bad csv accepted")
		}
	})
}
