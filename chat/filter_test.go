package chat_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/filters"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// withFilters is the filter set in front of e's posts.
func (e *env) withFilters() *filters.Set { return e.Filters }

// rule creates a filter rule and fails the test on an error.
func rule(t *testing.T, e *env, fs *filters.Set, actor int64, scope, pattern, action, guideline string) *model.FilterRule {
	t.Helper()
	r, err := fs.Create(e.Ctx, actor, scope, filters.Input{Pattern: pattern, Action: action, Guideline: guideline})
	if err != nil {
		t.Fatalf("create rule %q: %v", pattern, err)
	}
	return r
}

// filterAudit is the automatic entry recorded for target (a message id, or
// "0" for a blocked post), newest first.
func (e *env) filterAudit(action, target string) (model.AuditEntry, map[string]any) {
	e.T.Helper()
	es := e.Audits(store.AuditFilter{Action: action, TargetID: target})
	if len(es) == 0 {
		e.T.Fatalf("no %s audit entry for %s", action, target)
	}
	var after map[string]any
	if err := json.Unmarshal([]byte(es[0].After), &after); err != nil {
		e.T.Fatalf("%s audit after %q: %v", action, es[0].After, err)
	}
	return es[0], after
}

// ruleIDs reads the "rules" of an automatic audit entry.
func ruleIDs(after map[string]any) []int64 {
	var out []int64
	rs, _ := after["rules"].([]any)
	for _, r := range rs {
		if f, ok := r.(float64); ok {
			out = append(out, int64(f))
		}
	}
	return out
}

func TestFilterWiring(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 1000})
		fs := e.withFilters()
		admin := e.User("Ada", model.RoleAdmin)
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		a := e.Channel(host, "filtered", chat.ChannelInput{})
		b := e.Channel(host, "other", chat.ChannelInput{FilterCaps: ptr(true)})
		va, vb := e.Ready(a, alice), e.Ready(b, alice)
		vg, _ := e.Guest(a, "Gus")
		vm, vh := e.Ready(a, mod), e.Ready(a, host)

		hold := rule(t, e, fs, admin.ID, filters.Site, "badword", "hold", "G2")
		block := rule(t, e, fs, admin.ID, filters.Site, "verybad", "block", "G1")
		mask := rule(t, e, fs, admin.ID, filters.Site, "darn", "mask", "")
		flag := rule(t, e, fs, admin.ID, filters.Site, "meh", "flag", "G5")

		// hold: stored held, with the rule, audited.
		m := e.Post(a, va, chat.PostInput{Body: "this has a badword in it"})
		if m.State != model.StateHeld || m.RuleIDs != strconv.FormatInt(hold.ID, 10) || m.ModReason == "" {
			t.Errorf("held post: state %s rules %q reason %q", m.State, m.RuleIDs, m.ModReason)
		}
		entry, after := e.filterAudit("filter.hold", strconv.FormatInt(m.ID, 10))
		if entry.ActorID != nil || entry.ChannelID == nil || *entry.ChannelID != a.ID || entry.TargetType != "message" ||
			entry.Guideline != "G2" || len(ruleIDs(after)) != 1 || ruleIDs(after)[0] != hold.ID {
			t.Errorf("filter.hold audit %+v after %v", entry, after)
		}
		// Guests are filtered too.
		if g := e.Post(a, vg, chat.PostInput{Body: "BadWord!"}); g.State != model.StateHeld {
			t.Errorf("guest post: %s", g.State)
		}

		// block: refused, nothing stored, audited with the rule.
		n := e.count(a)
		_, err := e.Chat.Post(e.Ctx, a, va, chat.PostInput{Body: "something verybad here"})
		wantProblem(t, err, "blocked_by_filter", model.ErrInvalid)
		if e.count(a) != n {
			t.Error("a blocked post was stored")
		}
		entry, after = e.filterAudit("filter.block", "0")
		if entry.ChannelID == nil || *entry.ChannelID != a.ID || entry.Guideline != "G1" ||
			len(ruleIDs(after)) != 1 || ruleIDs(after)[0] != block.ID || after["actor"] != key(alice) {
			t.Errorf("filter.block audit %+v after %v", entry, after)
		}

		// mask: stored with the word starred out.
		m = e.Post(a, va, chat.PostInput{Body: "oh darn it"})
		if stored := e.Message(m.ID); stored.State != model.StateVisible || stored.Body != "oh **** it" ||
			stored.RuleIDs != strconv.FormatInt(mask.ID, 10) {
			t.Errorf("masked post: %+v", stored)
		}
		e.filterAudit("filter.mask", strconv.FormatInt(m.ID, 10))

		// flag: visible, flagged for moderators.
		m = e.Post(a, va, chat.PostInput{Body: "meh, whatever"})
		if stored := e.Message(m.ID); stored.State != model.StateVisible || !stored.Flagged || stored.ModReason == "" {
			t.Errorf("flagged post: %+v", stored)
		}
		if entry, _ := e.filterAudit("filter.flag", strconv.FormatInt(m.ID, 10)); entry.Guideline != "G5" {
			t.Errorf("filter.flag audit %+v", entry)
		}

		// The strongest action wins; every matching rule is recorded.
		m = e.Post(a, va, chat.PostInput{Body: "meh, darn, badword"})
		if m.State != model.StateHeld || m.RuleIDs == "" || len(strings.Split(m.RuleIDs, ",")) != 3 {
			t.Errorf("hold+mask+flag: state %s rules %q", m.State, m.RuleIDs)
		}
		_, err = e.Chat.Post(e.Ctx, a, va, chat.PostInput{Body: "badword and verybad"})
		wantProblem(t, err, "blocked_by_filter", model.ErrInvalid)

		// Staff and hosts are not filtered.
		for _, v := range []chat.Viewer{vm, vh} {
			if m := e.Post(a, v, chat.PostInput{Body: "quoting: verybad badword darn"}); m.State != model.StateVisible ||
				m.Body != "quoting: verybad badword darn" || m.RuleIDs != "" {
				t.Errorf("staff/host post filtered: %+v", m)
			}
		}

		// A channel's own rules apply in that channel only, besides the site's.
		own := rule(t, e, fs, host.ID, filters.ChannelScope(a.ID), "spoiler", "hold", "")
		if m := e.Post(a, va, chat.PostInput{Body: "spoiler: he dies"}); m.State != model.StateHeld || m.RuleIDs != strconv.FormatInt(own.ID, 10) {
			t.Errorf("channel rule in its channel: %s %q", m.State, m.RuleIDs)
		}
		if m := e.Post(b, vb, chat.PostInput{Body: "spoiler: he dies"}); m.State != model.StateVisible {
			t.Errorf("channel rule in another channel: %s", m.State)
		}
		if m := e.Post(b, vb, chat.PostInput{Body: "badword in b"}); m.State != model.StateHeld {
			t.Errorf("site rule in another channel: %s", m.State)
		}

		// Changes take effect at once on this instance.
		if _, err := fs.Update(e.Ctx, admin.ID, filters.Site, hold.ID, filters.Patch{Enabled: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if m := e.Post(a, va, chat.PostInput{Body: "badword again"}); m.State != model.StateVisible {
			t.Errorf("disabled rule still holds: %s", m.State)
		}
		if err := fs.Delete(e.Ctx, admin.ID, filters.Site, mask.ID); err != nil {
			t.Fatal(err)
		}
		if m := e.Post(a, va, chat.PostInput{Body: "darn again"}); m.Body != "darn again" {
			t.Errorf("deleted rule still masks: %q", m.Body)
		}

		// Built-in checks follow the channel's settings.
		shout := "WHY IS NOBODY LISTENING TO ME TODAY"
		if m := e.Message(e.Post(b, vb, chat.PostInput{Body: shout}).ID); !m.Flagged {
			t.Error("caps filter on: not flagged")
		}
		if m := e.Message(e.Post(a, va, chat.PostInput{Body: shout}).ID); m.Flagged {
			t.Error("caps filter off: flagged")
		}
		e.Post(a, va, chat.PostInput{Body: "same old thing"})
		if m := e.Message(e.Post(a, va, chat.PostInput{Body: "Same old thing!"}).ID); !m.Flagged {
			t.Error("repeat not flagged")
		}
		links := e.Channel(host, "links", chat.ChannelInput{AllowedDomains: ptr("example.org")})
		vl := e.Ready(links, alice)
		if m := e.Post(links, vl, chat.PostInput{Body: "see https://docs.example.org/x"}); m.State != model.StateVisible {
			t.Errorf("link to an allowed domain: %s", m.State)
		}
		if m := e.Post(links, vl, chat.PostInput{Body: "see https://evil.test/x"}); m.State != model.StateHeld {
			t.Errorf("link to another domain: %s", m.State)
		}
		_ = flag
	})
}

// TestFilterAcrossInstances: a change through one filter set reaches a
// second one over the same database (another instance) within its refresh
// interval, without a restart. The second instance runs on a clock of the
// test's own: the change is not seen while that clock stands still, and is
// seen on the first check once it has moved on by the interval.
func TestFilterAcrossInstances(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 1000})
		one := e.withFilters()
		var mu sync.Mutex
		now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		two, err := filters.New(e.Ctx, db, nil, store.PollClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		admin := e.User("Ada", model.RoleAdmin)
		host := e.User("Hana", model.RoleHost)
		ch := e.Channel(host, "multi", chat.ChannelInput{})
		check := func(fs *filters.Set, body string) string {
			t.Helper()
			v, err := fs.Check(e.Ctx, ch, body, nil)
			if err != nil {
				t.Fatal(err)
			}
			return v.Action.String()
		}
		// waitFor checks the second instance before and after its clock
		// moves on by one refresh interval.
		waitFor := func(body, want string) {
			t.Helper()
			if got := check(two, body); got == want {
				t.Errorf("second instance: %q is %s before its refresh interval passed (its clock stood still)", body, got)
			}
			mu.Lock()
			now = now.Add(filters.RefreshInterval)
			mu.Unlock()
			if got := check(two, body); got != want {
				t.Errorf("second instance: %q is %s one refresh interval after the change, want %s", body, got, want)
			}
		}
		if check(two, "a newword here") != "allow" {
			t.Fatal("rule before it exists")
		}
		r := rule(t, e, one, admin.ID, filters.Site, "newword", "block", "")
		if got := check(one, "a newword here"); got != "block" {
			t.Errorf("this instance: %s right after the change", got)
		}
		waitFor("a newword here", "block")
		if _, err := one.Update(e.Ctx, admin.ID, filters.Site, r.ID, filters.Patch{Action: ptr("flag")}); err != nil {
			t.Fatal(err)
		}
		waitFor("a newword here", "flag")
		if err := one.Delete(e.Ctx, admin.ID, filters.Site, r.ID); err != nil {
			t.Fatal(err)
		}
		waitFor("a newword here", "allow")
		if v, _ := store.Setting(e.Ctx, db, filters.VersionSetting, ""); v == "" {
			t.Error("no filter_version stored")
		}
	})
}
