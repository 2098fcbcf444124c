package chat_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestAnonymousAuthor(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "pub", chat.ChannelInput{})
		va, vb := e.Ready(ch, alice), e.Ready(ch, bob)
		vm := e.Viewer(ch, mod)
		vg, _ := e.Guest(ch, "Gus")

		anon := e.Post(ch, va, chat.PostInput{Body: "secret question", Kind: model.KindQuestion, Anonymous: true})
		named := e.Post(ch, va, chat.PostInput{Body: "named"})
		ganon := e.Post(ch, vg, chat.PostInput{Body: "guest secret", Anonymous: true})

		type names struct{ anon, named, ganon string }
		tests := []struct {
			name string
			v    chat.Viewer
			want names
			mine names // "x" where the viewer wrote it
		}{
			{"peer", vb, names{"Anonymous", "Alice", "Anonymous"}, names{}},
			{"author", va, names{"Alice", "Alice", "Anonymous"}, names{"x", "x", ""}},
			{"guest author", vg, names{"Anonymous", "Alice", "Gus"}, names{"", "", "x"}},
			{"staff", vm, names{"Alice", "Alice", "Gus"}, names{}},
			{"visitor", chat.Viewer{}, names{"Anonymous", "Alice", "Anonymous"}, names{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				check := func(where string, items []chat.Item) {
					t.Helper()
					got, mine := names{}, names{}
					for _, it := range items {
						x := ""
						if it.Mine {
							x = "x"
						}
						switch it.Message.ID {
						case anon.ID:
							got.anon, mine.anon = it.Author, x
						case named.ID:
							got.named, mine.named = it.Author, x
						case ganon.ID:
							got.ganon, mine.ganon = it.Author, x
						}
						// A copy shown as "Anonymous" carries nothing of
						// who wrote it: no name, no user or guest id.
						if m := it.Message; it.Author == "Anonymous" && (m.AuthorName != "" || m.AuthorUserID != nil || m.AuthorGuestID != nil) {
							t.Errorf("%s: message %d is shown as Anonymous but carries its author (%q, user %v, guest %v)",
								where, m.ID, m.AuthorName, m.AuthorUserID, m.AuthorGuestID)
						}
					}
					if got != tt.want || mine != tt.mine {
						t.Errorf("%s: authors %+v mine %+v; want %+v, %+v", where, got, mine, tt.want, tt.mine)
					}
				}
				feed, err := e.Chat.Feed(e.Ctx, e.Reload(ch), tt.v, "")
				if err != nil {
					t.Fatal(err)
				}
				check("feed", feed.Items)
				items, err := e.Chat.Messages(e.Ctx, ch, tt.v, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				check("messages", items)
				changes, err := e.Chat.Changes(e.Ctx, ch, tt.v, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				items = items[:0]
				for _, c := range changes {
					if c.Item != nil {
						items = append(items, *c.Item)
					}
				}
				check("changes", items)
			})
		}
	})
}

func TestFeedOrder(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		ch := e.Channel(host, "pub", chat.ChannelInput{})
		va, vb, vh := e.Ready(ch, alice), e.Ready(ch, bob), e.Ready(ch, host)

		q1 := e.Post(ch, va, chat.PostInput{Body: "q1", Kind: model.KindQuestion})
		q2 := e.Post(ch, va, chat.PostInput{Body: "q2", Kind: model.KindQuestion})
		c := e.Post(ch, vb, chat.PostInput{Body: "c"})
		q3 := e.Post(ch, vb, chat.PostInput{Body: "q3", Kind: model.KindQuestion})
		q4 := e.Post(ch, vb, chat.PostInput{Body: "q4", Kind: model.KindQuestion})
		e.Post(ch, va, chat.PostInput{Body: "reply", ParentID: q1.ID})
		for _, v := range []chat.Viewer{va, vb, vh} {
			if _, err := e.Chat.Vote(e.Ctx, ch, v, q3.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range []chat.Viewer{va, vb} {
			if _, err := e.Chat.Vote(e.Ctx, ch, v, q2.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.Chat.Vote(e.Ctx, ch, vh, q4.ID, true); err != nil {
			t.Fatal(err)
		}
		order := func(sort string) []string {
			f, err := e.Chat.Feed(e.Ctx, e.Reload(ch), vb, sort)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range f.Items {
				out = append(out, it.Message.Body)
			}
			return out
		}
		for _, tt := range []struct {
			sort string
			want string
		}{
			{"", "[q4 q3 c q2 q1]"}, // newest first
			{"newest", "[q4 q3 c q2 q1]"},
			{"top", "[q3 q2 q4 q1 c]"}, // by votes, then oldest first
		} {
			if got := fmt.Sprint(order(tt.sort)); got != tt.want {
				t.Errorf("sort %q: %s, want %s", tt.sort, got, tt.want)
			}
		}
		if c.Kind != model.KindComment {
			t.Errorf("kind %q", c.Kind)
		}

		// The page shows the newest ThreadsPerPage threads, newest first, and
		// says that earlier ones exist; Earlier pages back from the oldest.
		vm := e.Viewer(ch, e.User("Mo", model.RoleModerator))
		e.Accept(ch, vm)
		const n = chat.ThreadsPerPage + 10
		for i := range n {
			e.Post(ch, vm, chat.PostInput{Body: fmt.Sprintf("n%03d", i)})
		}
		f, err := e.Chat.Feed(e.Ctx, e.Reload(ch), vb, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Items) != chat.ThreadsPerPage || f.Items[0].Message.Body != fmt.Sprintf("n%03d", n-1) ||
			f.Items[len(f.Items)-1].Message.Body != fmt.Sprintf("n%03d", 10) || !f.Earlier || f.Oldest != f.Items[len(f.Items)-1].Message.Seq {
			t.Errorf("%d threads, from %q to %q, earlier %v; want the newest %d, n%03d to n010", len(f.Items),
				f.Items[0].Message.Body, f.Items[len(f.Items)-1].Message.Body, f.Earlier, chat.ThreadsPerPage, n-1)
		}
		before, err := e.Chat.Earlier(e.Ctx, e.Reload(ch), vb, f.Oldest)
		if err != nil {
			t.Fatal(err)
		}
		// The ten before, after the threads of the test above.
		ns := 0
		for _, it := range before.Items {
			if strings.HasPrefix(it.Message.Body, "n0") {
				ns++
			}
		}
		if before.Earlier || ns != 10 || before.Items[0].Message.Body != "n009" || before.Items[len(before.Items)-1].Message.Body != "q1" {
			t.Errorf("earlier: %d threads (%d of this page) from %q to %q, earlier %v", len(before.Items), ns,
				before.Items[0].Message.Body, before.Items[len(before.Items)-1].Message.Body, before.Earlier)
		}
		if _, err := e.Chat.Earlier(e.Ctx, ch, vb, 0); err == nil {
			t.Error("Earlier(0) accepted")
		}
		if last := e.Reload(ch).LastSeq; f.LastSeq != last {
			t.Errorf("feed last seq %d, channel %d", f.LastSeq, last)
		}
	})
}

func TestChanges(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "pub", chat.ChannelInput{})
		va, vb := e.Ready(ch, alice), e.Ready(ch, bob)
		vm := e.Viewer(ch, mod)
		start := e.Reload(ch).LastSeq

		m1 := e.Post(ch, va, chat.PostInput{Body: "one"})
		m2 := e.Post(ch, vb, chat.PostInput{Body: "two"})
		if _, err := e.Chat.Edit(e.Ctx, ch, va, m1.ID, "one, edited"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Chat.React(e.Ctx, ch, va, m2.ID, "🎉"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Chat.UpdateChannel(e.Ctx, host.ID, ch.Slug, chat.ChannelInput{Title: ptr("Renamed")}); err != nil {
			t.Fatal(err)
		}
		// A moderator hides Bob's message (as moderation will: row and event
		// in one transaction).
		m3 := e.Post(ch, vb, chat.PostInput{Body: "three"})
		err := db.RunInTx(e.Ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			m := e.Message(m3.ID)
			m.State = model.StateHidden
			if err := store.UpdateMessage(ctx, tx, m); err != nil {
				return err
			}
			_, err := store.AddEvent(ctx, tx, ch.ID, model.EventMessageUpdated, &m.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		type row struct {
			seq  int64
			kind model.EventKind
			body string // "-" for no item
		}
		s := start
		all := []row{
			{s + 1, model.EventMessageCreated, "one, edited"},
			{s + 2, model.EventMessageCreated, "two"},
			{s + 3, model.EventMessageUpdated, "one, edited"},
			{s + 4, model.EventMessageUpdated, "two"},
			{s + 5, model.EventChannelUpdated, "-"},
			{s + 6, model.EventMessageCreated, "three"},
			{s + 7, model.EventMessageUpdated, "three"},
		}
		hidden := func(rows []row) []row {
			out := append([]row(nil), rows...)
			for i := range out {
				if out[i].body == "three" {
					out[i].body = "-"
				}
			}
			return out
		}
		tests := []struct {
			name  string
			v     chat.Viewer
			after int64
			limit int
			want  []row
		}{
			{"all, as the hidden message's author", vb, start, 0, all},
			{"all, as staff", vm, start, 0, all},
			{"all, as a peer", va, start, 0, hidden(all)},
			{"after the first", vb, start + 1, 0, all[1:]},
			{"after the edit", vb, start + 3, 0, all[3:]},
			{"limited", vb, start + 1, 2, all[1:3]},
			{"nothing new", vb, start + 7, 0, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cs, err := e.Chat.Changes(e.Ctx, ch, tt.v, tt.after, tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				var got []row
				for _, c := range cs {
					r := row{c.Event.Seq, c.Event.Kind, "-"}
					if c.Item != nil {
						r.body = c.Item.Message.Body
						if c.Event.MessageID == nil || *c.Event.MessageID != c.Item.Message.ID {
							t.Errorf("seq %d: item %d for event of %v", c.Event.Seq, c.Item.Message.ID, c.Event.MessageID)
						}
					}
					got = append(got, r)
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("changes\n got %v\nwant %v", got, tt.want)
				}
				for _, c := range cs {
					if c.Item != nil && c.Item.Message.ID == m2.ID {
						if len(c.Item.Reactions) != 1 || c.Item.Reactions[0].Emoji != "🎉" {
							t.Errorf("seq %d: reactions %+v, want the current ones", c.Event.Seq, c.Item.Reactions)
						}
					}
					if c.Item != nil && c.Item.Message.ID == m1.ID && c.Item.Message.EditedAt == nil {
						t.Errorf("seq %d: not marked edited", c.Event.Seq)
					}
				}
			})
		}
	})
}

func TestMessagesPaging(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		ch := e.Channel(host, "pub", chat.ChannelInput{})
		va, vb := e.Ready(ch, alice), e.Ready(ch, bob)

		var want []string
		var first *model.Message
		for i := range 8 {
			v := va
			if i%2 == 1 {
				v = vb
			}
			m := e.Post(ch, v, chat.PostInput{Body: fmt.Sprintf("m%d", i)})
			want = append(want, m.Body)
			if first == nil {
				first = m
			}
			if i%3 == 0 { // events between messages: seqs of messages have gaps
				if _, err := e.Chat.React(e.Ctx, ch, vb, m.ID, "👍"); err != nil {
					t.Fatal(err)
				}
			}
		}
		page := func(v chat.Viewer, after int64, limit int) []chat.Item {
			items, err := e.Chat.Messages(e.Ctx, ch, v, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			return items
		}
		var got []string
		var sizes []int
		after := int64(0)
		for range 10 {
			items := page(va, after, 3)
			sizes = append(sizes, len(items))
			if len(items) == 0 {
				break
			}
			for i, it := range items {
				if it.Message.Seq <= after || (i > 0 && it.Message.Seq <= items[i-1].Message.Seq) {
					t.Errorf("seq %d after cursor %d out of order", it.Message.Seq, after)
				}
				got = append(got, it.Message.Body)
			}
			after = items[len(items)-1].Message.Seq
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(sizes) != "[3 3 2 0]" {
			t.Errorf("pages %v of sizes %v, want %v in [3 3 2 0]", got, sizes, want)
		}
		for _, limit := range []int{0, -1, 501} {
			if n := len(page(va, 0, limit)); n != 8 {
				t.Errorf("limit %d: %d messages, want all 8 (default limit)", limit, n)
			}
		}
		if items := page(va, 0, 500); len(items) != 8 || items[0].Message.Body != "m0" {
			t.Errorf("limit 500: %d messages", len(items))
		}
		// Replies are messages too; Mine is per viewer.
		r := e.Post(ch, vb, chat.PostInput{Body: "reply", ParentID: first.ID})
		items := page(vb, after, 10)
		if len(items) != 1 || items[0].Message.ID != r.ID || !items[0].Mine {
			t.Errorf("after %d as the author: %+v", after, items)
		}
		if items := page(va, after, 10); len(items) != 1 || items[0].Mine {
			t.Errorf("after %d as a peer: %+v", after, items)
		}
	})
}
