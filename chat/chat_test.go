package chat_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestCreateChannel(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		// Participants as creators: a site-wide host manages every channel
		// anyway, so only they show the grant in the new channel.
		host := e.User("Hana", model.RoleParticipant)
		other := e.User("Olaf", model.RoleParticipant)

		tests := []struct {
			name     string
			slug     string
			title    string
			want     want
			wantSlug string
		}{
			{name: "plain", slug: "physics-101", title: "Physics", wantSlug: "physics-101"},
			{name: "two characters", slug: "ab", title: "AB", wantSlug: "ab"},
			{name: "64 characters", slug: strings.Repeat("a", 64), title: "Long", wantSlug: strings.Repeat("a", 64)},
			{name: "trimmed and lower-cased", slug: "  Chem-2B  ", title: "Chemistry", wantSlug: "chem-2b"},
			{name: "digits only", slug: "2026", title: "Year", wantSlug: "2026"},
			{name: "taken", slug: "physics-101", title: "Again", want: want{Field: "slug"}},
			{name: "taken in other case", slug: "PHYSICS-101", title: "Again", want: want{Field: "slug"}},
			{name: "empty", slug: "", title: "T", want: want{Field: "slug"}},
			{name: "one character", slug: "a", title: "T", want: want{Field: "slug"}},
			{name: "65 characters", slug: strings.Repeat("a", 65), title: "T", want: want{Field: "slug"}},
			{name: "leading dash", slug: "-ab", title: "T", want: want{Field: "slug"}},
			{name: "trailing dash", slug: "ab-", title: "T", want: want{Field: "slug"}},
			{name: "double dash", slug: "a--b", title: "T", want: want{Field: "slug"}},
			{name: "underscore", slug: "a_b", title: "T", want: want{Field: "slug"}},
			{name: "inner space", slug: "a b", title: "T", want: want{Field: "slug"}},
			{name: "slash", slug: "a/b", title: "T", want: want{Field: "slug"}},
			{name: "dot", slug: "a.b", title: "T", want: want{Field: "slug"}},
			{name: "non-ASCII", slug: "übung", title: "T", want: want{Field: "slug"}},
			{name: "no title", slug: "untitled", title: "   ", want: want{Field: "title"}},
			{name: "long title", slug: "long-title", title: strings.Repeat("é", 121), want: want{Field: "title"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ch, err := e.Chat.CreateChannel(e.Ctx, host.ID, chat.ChannelInput{Slug: ptr(tt.slug), Title: ptr(tt.title)})
				tt.want.Check(t, err)
				if err != nil {
					return
				}
				if ch.Slug != tt.wantSlug || ch.ID == 0 {
					t.Errorf("slug %q id %d, want %q", ch.Slug, ch.ID, tt.wantSlug)
				}
			})
		}

		// Defaults, creator as host and member, audit.
		ch, err := e.Chat.Channel(e.Ctx, "physics-101")
		if err != nil {
			t.Fatal(err)
		}
		if ch.ChannelSettings != chat.DefaultSettings() {
			t.Errorf("settings %+v, want defaults %+v", ch.ChannelSettings, chat.DefaultSettings())
		}
		d := chat.DefaultSettings()
		if d.Visibility != model.VisibilityPublic || d.PostingMode != model.PostingOpen || !d.AllowAnonymous ||
			!d.AllowGuests || d.SlowModeSeconds != 0 || d.MaxLength != model.DefaultMaxLength || d.JoinCode != "" {
			t.Errorf("default settings %+v", d)
		}
		if ch.Title != "Physics" || ch.CreatedBy == nil || *ch.CreatedBy != host.ID || ch.LastSeq != 0 {
			t.Errorf("channel %+v", ch)
		}
		v := e.Viewer(ch, host)
		if !v.Host || !v.Poster || v.Staff || v.Actor.UserID != host.ID || v.Actor.Name != "Hana" {
			t.Errorf("creator's viewer %+v, want host and poster, not staff", v)
		}
		if ok, err := store.IsMember(e.Ctx, db, ch.ID, host.ID); err != nil || !ok {
			t.Errorf("creator is member = %v, %v", ok, err)
		}
		// Hosting one channel is not hosting the others.
		if v := e.Viewer(ch, other); v.Host || v.Staff || !v.Poster {
			t.Errorf("other host's viewer in a channel they did not create %+v", v)
		}
		if ok, _ := store.IsMember(e.Ctx, db, ch.ID, other.ID); ok {
			t.Error("other host became a member")
		}
		theirs, err := e.Chat.CreateChannel(e.Ctx, other.ID, chat.ChannelInput{Slug: ptr("olafs"), Title: ptr("Olaf's")})
		if err != nil {
			t.Fatal(err)
		}
		if v := e.Viewer(theirs, other); !v.Host {
			t.Errorf("creator's viewer %+v, want host", v)
		}
		if v := e.Viewer(theirs, host); v.Host {
			t.Errorf("host of another channel is host here: %+v", v)
		}
		es, err := store.ListAudit(e.Ctx, db, store.AuditFilter{Action: "channel.create"})
		if err != nil || len(es) != 6 {
			t.Errorf("channel.create audit entries = %d, %v; want 6", len(es), err)
		}
	})
}

func TestUpdateChannel(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Hana", model.RoleHost)
		ch := e.Channel(host, "physics-101", chat.ChannelInput{})
		sub := e.Hub.Subscribe(ch.ID)
		defer sub.Close()

		tests := []struct {
			name  string
			in    chat.ChannelInput
			want  want
			check func(t *testing.T, c *model.Channel)
		}{
			{name: "slow mode negative", in: chat.ChannelInput{SlowModeSeconds: ptr(-1)}, want: want{Field: "slow_mode_seconds"}},
			{name: "slow mode over an hour", in: chat.ChannelInput{SlowModeSeconds: ptr(model.MaxSlowMode + 1)}, want: want{Field: "slow_mode_seconds"}},
			{name: "slow mode an hour", in: chat.ChannelInput{SlowModeSeconds: ptr(model.MaxSlowMode)},
				check: func(t *testing.T, c *model.Channel) {
					if c.SlowModeSeconds != model.MaxSlowMode {
						t.Errorf("slow mode %d", c.SlowModeSeconds)
					}
				}},
			{name: "slow mode off", in: chat.ChannelInput{SlowModeSeconds: ptr(0)}},
			{name: "max length zero", in: chat.ChannelInput{MaxLength: ptr(0)}, want: want{Field: "max_length"}},
			{name: "max length over limit", in: chat.ChannelInput{MaxLength: ptr(model.MaxMaxLength + 1)}, want: want{Field: "max_length"}},
			{name: "max length one", in: chat.ChannelInput{MaxLength: ptr(1)}},
			{name: "max length limit", in: chat.ChannelInput{MaxLength: ptr(model.MaxMaxLength)},
				check: func(t *testing.T, c *model.Channel) {
					if c.MaxLength != model.MaxMaxLength {
						t.Errorf("max length %d", c.MaxLength)
					}
				}},
			{name: "unknown visibility", in: chat.ChannelInput{Visibility: ptr(model.Visibility("secret"))}, want: want{Field: "visibility"}},
			{name: "unknown posting mode", in: chat.ChannelInput{PostingMode: ptr(model.PostingMode("chaos"))}, want: want{Field: "posting_mode"}},
			{name: "join code with space", in: chat.ChannelInput{JoinCode: ptr("AB CD")}, want: want{Field: "join_code"}},
			{name: "join code too short", in: chat.ChannelInput{JoinCode: ptr("ABCD234")}, want: want{Field: "join_code"}},
			{name: "join code too long", in: chat.ChannelInput{JoinCode: ptr(strings.Repeat("X", 65))}, want: want{Field: "join_code"}},
			{name: "slug change", in: chat.ChannelInput{Slug: ptr("physics-102")}, want: want{Field: "slug"}},
			{name: "empty title", in: chat.ChannelInput{Title: ptr("")}, want: want{Field: "title"}},
			{name: "long description", in: chat.ChannelInput{Description: ptr(strings.Repeat("d", 1001))}, want: want{Field: "description"}},
			{name: "same slug is fine", in: chat.ChannelInput{Slug: ptr("physics-101"), Title: ptr("  Physics I  ")},
				check: func(t *testing.T, c *model.Channel) {
					if c.Slug != "physics-101" || c.Title != "Physics I" {
						t.Errorf("slug %q title %q", c.Slug, c.Title)
					}
				}},
			{name: "join-code visibility makes a code", in: chat.ChannelInput{Visibility: ptr(model.VisibilityJoinCode)},
				check: func(t *testing.T, c *model.Channel) {
					if c.Visibility != model.VisibilityJoinCode || len(c.JoinCode) != chat.MinJoinCode || strings.Trim(c.JoinCode, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789") != "" {
						t.Errorf("visibility %q code %q, want an 8-character code", c.Visibility, c.JoinCode)
					}
				}},
			{name: "own join code kept", in: chat.ChannelInput{JoinCode: ptr(" room4242 ")},
				check: func(t *testing.T, c *model.Channel) {
					if c.JoinCode != "room4242" {
						t.Errorf("code %q", c.JoinCode)
					}
				}},
			{name: "every setting", in: chat.ChannelInput{Visibility: ptr(model.VisibilityMembers), PostingMode: ptr(model.PostingQuestions),
				AllowAnonymous: ptr(false), AllowGuests: ptr(false), SlowModeSeconds: ptr(30), MaxLength: ptr(280), Description: ptr(" Ask here ")},
				check: func(t *testing.T, c *model.Channel) {
					want := model.ChannelSettings{Visibility: model.VisibilityMembers, JoinCode: "room4242", PostingMode: model.PostingQuestions,
						SlowModeSeconds: 30, MaxLength: 280, PremodMode: model.PremodOff, FilterRepeats: true, FilterMentions: true, FilterLinks: true,
						AttachmentsMode: model.AttachmentsAllowed}
					if c.ChannelSettings != want || c.Description != "Ask here" {
						t.Errorf("settings %+v description %q, want %+v", c.ChannelSettings, c.Description, want)
					}
				}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := e.Reload(ch)
				c, err := e.Chat.UpdateChannel(e.Ctx, host.ID, ch.Slug, tt.in)
				tt.want.Check(t, err)
				after := e.Reload(ch)
				if err != nil {
					if after.LastSeq != before.LastSeq || after.ChannelSettings != before.ChannelSettings || after.Title != before.Title {
						t.Errorf("refused update changed the channel: %+v -> %+v", before, after)
					}
					wantNoWake(t, sub)
					return
				}
				if after.LastSeq != before.LastSeq+1 || c.LastSeq != after.LastSeq {
					t.Errorf("last seq %d -> %d (returned %d), want one more", before.LastSeq, after.LastSeq, c.LastSeq)
				}
				es, err := store.EventsAfter(e.Ctx, db, ch.ID, before.LastSeq, 0)
				if err != nil || len(es) != 1 || es[0].Kind != model.EventChannelUpdated || es[0].MessageID != nil || es[0].Seq != after.LastSeq {
					t.Errorf("events after update %+v, %v; want one channel.updated", es, err)
				}
				wantWake(t, sub, after.LastSeq)
				if c.ChannelSettings != after.ChannelSettings {
					t.Errorf("returned %+v, stored %+v", c.ChannelSettings, after.ChannelSettings)
				}
				if tt.check != nil {
					tt.check(t, c)
				}
			})
		}
		if _, err := e.Chat.UpdateChannel(e.Ctx, host.ID, "nope", chat.ChannelInput{}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("update of a missing channel: %v", err)
		}
	})
}

func TestVisibilityAndJoin(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		pub := e.Channel(host, "pub", chat.ChannelInput{})
		members := e.Channel(host, "members", chat.ChannelInput{Visibility: ptr(model.VisibilityMembers)})
		coded := e.Channel(host, "coded", chat.ChannelInput{Visibility: ptr(model.VisibilityJoinCode), JoinCode: ptr("ABC12345")})

		if v := e.Viewer(pub, mod); !v.Staff || v.Host || !v.Poster {
			t.Errorf("moderator's viewer %+v", v)
		}
		views := []struct {
			ch   *model.Channel
			v    chat.Viewer
			want bool
		}{
			{pub, e.Viewer(pub, alice), true},
			{members, e.Viewer(members, alice), false},
			{coded, e.Viewer(coded, alice), false},
			{pub, chat.Viewer{}, false},
			{members, e.Viewer(members, mod), true},
			{coded, e.Viewer(coded, mod), true},
			{members, e.Viewer(members, host), true},
		}
		for i, tt := range views {
			if ok, err := e.Chat.CanView(e.Ctx, tt.ch, tt.v); err != nil || ok != tt.want {
				t.Errorf("%d: CanView(%s, %s) = %v, %v; want %v", i, tt.ch.Slug, tt.v.Actor.Name, ok, err, tt.want)
			}
		}

		joins := []struct {
			name string
			ch   *model.Channel
			v    chat.Viewer
			code string
			want want
			view bool
		}{
			{"visitor", pub, chat.Viewer{}, "", want{Is: model.ErrUnauthorized}, false},
			{"members only", members, e.Viewer(members, alice), "", want{Problem: "members_only"}, false},
			{"members only, staff", members, e.Viewer(members, mod), "", want{}, true},
			{"no code", coded, e.Viewer(coded, alice), "", want{Field: "code"}, false},
			{"wrong code", coded, e.Viewer(coded, alice), "ABC12346", want{Field: "code"}, false},
			{"code in other case and spaces", coded, e.Viewer(coded, alice), "  abc12345 ", want{}, true},
			{"again", coded, e.Viewer(coded, alice), "ABC12345", want{}, true},
			{"public", pub, e.Viewer(pub, alice), "", want{}, true},
		}
		for _, tt := range joins {
			t.Run("join "+tt.name, func(t *testing.T) {
				err := e.Chat.Join(e.Ctx, tt.ch, tt.v, tt.code, "127.0.0.1")
				tt.want.Check(t, err)
				if ok, err := e.Chat.CanView(e.Ctx, tt.ch, tt.v); err != nil || ok != tt.view {
					t.Errorf("CanView after join = %v, %v; want %v", ok, err, tt.view)
				}
			})
		}
		if err := e.Chat.Join(e.Ctx, members, e.Viewer(members, alice), "", "127.0.0.1"); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("members-only join: %v, want ErrForbidden", err)
		}

		// Channels lists public ones, joined ones, and all for staff.
		list := func(u *model.User) string {
			cs, err := e.Chat.Channels(e.Ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, c := range cs {
				s = append(s, c.Slug)
			}
			return strings.Join(s, ",")
		}
		bob := e.User("Bob", model.RoleParticipant)
		for _, tt := range []struct {
			u    *model.User
			want string
		}{{bob, "pub"}, {alice, "coded,pub"}, {mod, "coded,members,pub"}, {host, "coded,members,pub"}} {
			if got := list(tt.u); got != tt.want {
				t.Errorf("channels of %s = %q, want %q", tt.u.DisplayName, got, tt.want)
			}
		}
	})
}

func TestGuests(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Hana", model.RoleHost)
		pub := e.Channel(host, "pub", chat.ChannelInput{})
		members := e.Channel(host, "members", chat.ChannelInput{Visibility: ptr(model.VisibilityMembers)})
		closed := e.Channel(host, "closed", chat.ChannelInput{AllowGuests: ptr(false)})
		coded := e.Channel(host, "coded", chat.ChannelInput{Visibility: ptr(model.VisibilityJoinCode), JoinCode: ptr("ABC12345")})

		tests := []struct {
			name     string
			ch       *model.Channel
			guest    string
			code     string
			want     want
			wantName string
		}{
			{name: "plain", ch: pub, guest: "Ada", wantName: "Ada"},
			{name: "spaces collapsed", ch: pub, guest: "  Ada \t  Lovelace ", wantName: "Ada Lovelace"},
			{name: "40 characters", ch: pub, guest: strings.Repeat("ü", 40), wantName: strings.Repeat("ü", 40)},
			{name: "41 characters", ch: pub, guest: strings.Repeat("ü", 41), want: want{Field: "name"}},
			{name: "empty", ch: pub, guest: "", want: want{Field: "name"}},
			{name: "blank", ch: pub, guest: " \t ", want: want{Field: "name"}},
			{name: "markup", ch: pub, guest: "<b>Ada</b>", want: want{Field: "name"}},
			{name: "members only", ch: members, guest: "Ada", want: want{Problem: "guests_not_allowed"}},
			{name: "guests off", ch: closed, guest: "Ada", want: want{Problem: "guests_not_allowed"}},
			{name: "no code", ch: coded, guest: "Ada", want: want{Field: "code"}},
			{name: "wrong code", ch: coded, guest: "Ada", code: "XYZ", want: want{Field: "code"}},
			{name: "right code", ch: coded, guest: "Ada", code: "abc12345", wantName: "Ada"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				token, g, err := e.Chat.JoinAsGuest(e.Ctx, tt.ch, tt.guest, tt.code, "127.0.0.1")
				tt.want.Check(t, err)
				if tt.want.Problem != "" && !errors.Is(err, model.ErrForbidden) {
					t.Errorf("refusal %v is not ErrForbidden", err)
				}
				if err != nil {
					return
				}
				if token == "" || g.ID == 0 || g.DisplayName != tt.wantName || g.ChannelID != tt.ch.ID || g.TokenHash == token {
					t.Errorf("token %q guest %+v", token, g)
				}
				got, err := e.Chat.GuestByToken(e.Ctx, tt.ch, token)
				if err != nil || got.ID != g.ID || got.DisplayName != tt.wantName {
					t.Errorf("GuestByToken = %+v, %v", got, err)
				}
				v, err := e.Chat.ViewerFor(e.Ctx, tt.ch, nil, g)
				if err != nil || v.Actor.GuestID != g.ID || v.Actor.UserID != 0 || !v.Poster || v.Staff || v.Host {
					t.Errorf("guest viewer %+v, %v", v, err)
				}
				if ok, err := e.Chat.CanView(e.Ctx, tt.ch, v); err != nil || !ok {
					t.Errorf("guest CanView = %v, %v", ok, err)
				}
			})
		}

		token, g, err := e.Chat.JoinAsGuest(e.Ctx, pub, "Grace", "", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		for name, tok := range map[string]string{"empty": "", "wrong": token + "x", "other channel's": token} {
			ch := pub
			if name == "other channel's" {
				ch = coded
			}
			if _, err := e.Chat.GuestByToken(e.Ctx, ch, tok); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("GuestByToken with %s token: %v, want ErrNotFound", name, err)
			}
		}
		// A guest of one channel is nobody in another.
		if v, err := e.Chat.ViewerFor(e.Ctx, coded, nil, g); err != nil || !v.Actor.IsZero() || v.Poster {
			t.Errorf("guest of pub in coded: %+v, %v", v, err)
		}
		// Guests switched off or the channel made members-only: the guest
		// is nobody there any more.
		v, _ := e.Chat.ViewerFor(e.Ctx, pub, nil, g)
		ch, err := e.Chat.UpdateChannel(e.Ctx, host.ID, "pub", chat.ChannelInput{Visibility: ptr(model.VisibilityMembers)})
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := e.Chat.CanView(e.Ctx, ch, v); err != nil || ok {
			t.Errorf("guest CanView in a channel made members-only = %v, %v; want false", ok, err)
		}
		if ch, err = e.Chat.UpdateChannel(e.Ctx, host.ID, "pub", chat.ChannelInput{Visibility: ptr(model.VisibilityPublic), AllowGuests: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if v, err := e.Chat.ViewerFor(e.Ctx, ch, nil, g); err != nil || !v.Actor.IsZero() || v.Poster {
			t.Errorf("guest viewer with guests off: %+v, %v", v, err)
		}
		if ok, err := e.Chat.CanView(e.Ctx, ch, v); err != nil || ok {
			t.Errorf("guest CanView with guests off = %v, %v; want false", ok, err)
		}
	})
}

func TestGuidelines(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		ch := e.Channel(host, "pub", chat.ChannelInput{})
		v := e.Viewer(ch, alice)
		_, g := e.Guest(ch, "Gus")
		gv, _ := e.Chat.ViewerFor(e.Ctx, ch, nil, g)

		site, ok, err := e.Chat.Guideline(e.Ctx, ch, v)
		if err != nil || ok || site.Scope != "site" || site.Title != chat.DefaultGuideline().Title {
			t.Fatalf("guideline = %+v, %v, %v", site, ok, err)
		}
		_, err = e.Chat.Post(e.Ctx, ch, v, chat.PostInput{Body: "hello"})
		wantProblem(t, err, "guidelines_not_accepted", model.ErrForbidden)
		if err != nil && !strings.Contains(err.Error(), "community guidelines") {
			t.Errorf("message %q does not name the guidelines", err)
		}
		if n := e.count(ch); n != 0 || e.Reload(ch).LastSeq != 0 {
			t.Fatalf("refused post stored %d messages, last seq %d", n, e.Reload(ch).LastSeq)
		}
		if err := e.Chat.AcceptGuideline(e.Ctx, ch, chat.Viewer{}, site.ID); !errors.Is(err, model.ErrUnauthorized) {
			t.Errorf("visitor accepts: %v", err)
		}
		if err := e.Chat.AcceptGuideline(e.Ctx, ch, v, site.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.Chat.AcceptGuideline(e.Ctx, ch, v, site.ID); err != nil {
			t.Fatalf("accepting twice: %v", err)
		}
		if _, ok, _ := e.Chat.Guideline(e.Ctx, ch, v); !ok {
			t.Error("accepted guideline not reported as accepted")
		}
		e.Post(ch, v, chat.PostInput{Body: "hello"})
		e.Post(ch, gv, chat.PostInput{Body: "hi from a guest"})

		// Acceptance is per channel.
		other := e.Channel(host, "other", chat.ChannelInput{})
		_, err = e.Chat.Post(e.Ctx, other, e.Viewer(other, alice), chat.PostInput{Body: "hello"})
		wantProblem(t, err, "guidelines_not_accepted", model.ErrForbidden)

		// The channel gets its own guideline: everyone accepts again, and
		// accepting the version read before is refused.
		own := &model.Guideline{Scope: "channel:" + strconv.FormatInt(ch.ID, 10), Version: 1, Title: "Lab rules", Body: "Be safe.", CreatedAt: time.Now()}
		if _, err := db.NewInsert().Model(own).Exec(e.Ctx); err != nil {
			t.Fatal(err)
		}
		cur, ok, err := e.Chat.Guideline(e.Ctx, ch, v)
		if err != nil || ok || cur.Title != "Lab rules" {
			t.Fatalf("guideline after change = %+v, %v, %v", cur, ok, err)
		}
		for _, viewer := range []chat.Viewer{v, gv} {
			_, err = e.Chat.Post(e.Ctx, ch, viewer, chat.PostInput{Body: "again"})
			wantProblem(t, err, "guidelines_not_accepted", model.ErrForbidden)
			if err != nil && !strings.Contains(err.Error(), "lab rules") {
				t.Errorf("message %q does not name the new guidelines", err)
			}
			wantProblem(t, e.Chat.AcceptGuideline(e.Ctx, ch, viewer, site.ID), "guidelines_changed", model.ErrConflict)
		}
		if n := e.count(ch); n != 2 {
			t.Errorf("%d messages, want 2", n)
		}
		if err := e.Chat.AcceptGuideline(e.Ctx, ch, v, cur.ID); err != nil {
			t.Fatal(err)
		}
		e.Post(ch, v, chat.PostInput{Body: "again"})
		_, err = e.Chat.Post(e.Ctx, ch, gv, chat.PostInput{Body: "again"})
		wantProblem(t, err, "guidelines_not_accepted", model.ErrForbidden)
	})
}
