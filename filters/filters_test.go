package filters_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/filters"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
	"backchannel/wordfilter"
)

func ptr[T any](v T) *T { return &v }

// newSet returns a filter set over a fresh database with one user (the
// actor of changes) and one channel.
func newSet(t *testing.T, db *bun.DB) (*filters.Set, int64, *model.Channel) {
	t.Helper()
	ctx := context.Background()
	fs, err := filters.New(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	u := &model.User{Email: "ada@example.org", DisplayName: "Ada", PasswordHash: "x"}
	if err := store.CreateUser(ctx, db, u); err != nil {
		t.Fatal(err)
	}
	ch := &model.Channel{Slug: "room", Title: "Room"}
	ch.ChannelSettings = model.ChannelSettings{Visibility: model.VisibilityPublic, PostingMode: model.PostingOpen,
		MaxLength: 500, PremodMode: model.PremodOff}
	if err := store.CreateChannel(ctx, db, ch); err != nil {
		t.Fatal(err)
	}
	return fs, u.ID, ch
}

func wantField(t *testing.T, err error, field, contains string) {
	t.Helper()
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field != field || !strings.Contains(fe.Message, contains) {
		t.Errorf("err = %v (%T), want a FieldError on %q saying %q", err, err, field, contains)
	}
}

func TestRuleValidation(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		fs, actor, ch := newSet(t, db)
		for _, c := range []struct {
			in       filters.Input
			field    string
			contains string
		}{
			{filters.Input{Pattern: "", Action: "hold"}, "pattern", "Enter"},
			{filters.Input{Pattern: "   ", Action: "hold"}, "pattern", "Enter"},
			{filters.Input{Pattern: strings.Repeat("a", 201), Action: "hold"}, "pattern", "200"},
			{filters.Input{Pattern: "two\nlines", Action: "hold"}, "pattern", "one line"},
			{filters.Input{Pattern: "(unclosed", Kind: "regex", Action: "hold"}, "pattern", "not a valid regular expression: missing closing )"},
			{filters.Input{Pattern: "a[", Kind: "regex", Action: "block"}, "pattern", "regular expression"},
			{filters.Input{Pattern: "---", Action: "hold"}, "pattern", "Pattern has no letters or digits."},
			{filters.Input{Pattern: "word", Kind: "soundex", Action: "hold"}, "kind", "word, phrase, wildcard, regex or domain"},
			{filters.Input{Pattern: "word", Action: ""}, "action", "block, hold, mask or flag"},
			{filters.Input{Pattern: "word", Action: "allow"}, "action", "block, hold, mask or flag"},
			{filters.Input{Pattern: "word", Action: "hold", Guideline: "the one about kindness, G7"}, "guideline", "G3"},
			{filters.Input{Pattern: "word", Action: "hold", Allow: []string{"a|b"}}, "allow", "|"},
			{filters.Input{Pattern: "word", Action: "hold", Allow: []string{" "}}, "allow", "empty"},
		} {
			_, err := fs.Create(ctx, actor, filters.Site, c.in)
			wantField(t, err, c.field, c.contains)
		}
		if rs, _ := fs.Rules(ctx, filters.Site); len(rs) != 0 {
			t.Errorf("refused rules were stored: %+v", rs)
		}

		// Kinds and actions are stored in their canonical spelling; word is
		// the default kind.
		r, err := fs.Create(ctx, actor, filters.Site, filters.Input{Pattern: " Scunthorpe ", Action: "HOLD", Allow: []string{"scunthorpe united"}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Pattern != "Scunthorpe" || r.Kind != "word" || r.Action != "hold" || r.Allow != "scunthorpe united" || !r.Enabled ||
			r.CreatedBy == nil || *r.CreatedBy != actor || r.Scope != "site" {
			t.Errorf("created %+v", r)
		}
		if _, err := fs.Create(ctx, actor, filters.Site, filters.Input{Pattern: "^ab+c$", Kind: "regexp", Action: "flag"}); err != nil {
			t.Errorf("regexp: %v", err)
		}
		// One rule per kind and pattern in a scope; the same in another scope
		// is fine.
		_, err = fs.Create(ctx, actor, filters.Site, filters.Input{Pattern: "scunthorpe", Action: "block"})
		var p *model.Problem
		if !errors.As(err, &p) || p.Code != "duplicate_rule" || !errors.Is(err, model.ErrConflict) {
			t.Errorf("duplicate: %v", err)
		}
		if _, err := fs.Create(ctx, actor, filters.ChannelScope(ch.ID), filters.Input{Pattern: "scunthorpe", Action: "block"}); err != nil {
			t.Errorf("same pattern in a channel: %v", err)
		}

		// Update: only the rule's own scope finds it; it is checked again.
		if _, err := fs.Update(ctx, actor, filters.ChannelScope(ch.ID), r.ID, filters.Patch{Action: ptr("block")}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("update through another scope: %v", err)
		}
		_, err = fs.Update(ctx, actor, filters.Site, r.ID, filters.Patch{Kind: ptr("regex"), Pattern: ptr("(")})
		wantField(t, err, "pattern", "regular expression")
		u, err := fs.Update(ctx, actor, filters.Site, r.ID, filters.Patch{Action: ptr("block"), Enabled: ptr(false), Allow: &[]string{}})
		if err != nil || u.Action != "block" || u.Enabled || u.Allow != "" || u.Pattern != "Scunthorpe" {
			t.Errorf("update: %+v, %v", u, err)
		}
		if err := fs.Delete(ctx, actor, filters.ChannelScope(ch.ID), r.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("delete through another scope: %v", err)
		}
		if err := fs.Delete(ctx, actor, filters.Site, r.ID); err != nil {
			t.Fatal(err)
		}
		if err := fs.Delete(ctx, actor, filters.Site, r.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("delete twice: %v", err)
		}

		// Every change is audited with its actor, before and after.
		for _, c := range []struct {
			action        string
			before, after bool
		}{{"filter_rule.create", false, true}, {"filter_rule.update", true, true}, {"filter_rule.delete", true, false}} {
			es, err := store.ListAudit(ctx, db, store.AuditFilter{Action: c.action, TargetType: "filter_rule", TargetID: strconv.FormatInt(r.ID, 10)})
			if err != nil || len(es) != 1 {
				t.Errorf("%s: %+v, %v", c.action, es, err)
				continue
			}
			e := es[0]
			if e.ActorID == nil || *e.ActorID != actor || (e.Before != "") != c.before || (e.After != "") != c.after || e.ChannelID != nil {
				t.Errorf("%s audit %+v", c.action, e)
			}
		}
		es, _ := store.ListAudit(ctx, db, store.AuditFilter{Action: "filter_rule.create", ChannelID: ch.ID})
		if len(es) != 1 {
			t.Errorf("channel rule audit entries %+v", es)
		}
	})
}

func TestImportExport(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		fs, actor, ch := newSet(t, db)
		csv := "\ufeffpattern,kind,action,allow,guideline\r\n" +
			"badword,word,hold,,G2\r\n" +
			"\"free money\",phrase,block,,\r\n" +
			"spam*,wildcard,flag,spammy|spamalot,\r\n" +
			"^x+$,regex,mask,,G4\r\n" +
			"evil.test,domain,block,docs.evil.test,\r\n"
		res, err := fs.Import(ctx, actor, filters.Site, []byte(csv), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Created) != 5 || res.Skipped != 0 {
			t.Fatalf("import: %d created, %d skipped", len(res.Created), res.Skipped)
		}
		// Importing again adds nothing.
		if res, err := fs.Import(ctx, actor, filters.Site, []byte(csv), ""); err != nil || len(res.Created) != 0 || res.Skipped != 5 {
			t.Errorf("second import: %+v, %v", res, err)
		}
		es, _ := store.ListAudit(ctx, db, store.AuditFilter{Action: "filter_rule.import"})
		if len(es) != 2 || es[1].ActorID == nil || *es[1].ActorID != actor || !strings.Contains(es[1].After, `"created":5`) {
			t.Errorf("import audit %+v", es)
		}

		// Export, then import into a channel: the same rules.
		var out bytes.Buffer
		if err := fs.Export(ctx, filters.Site, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out.String(), "pattern,kind,action") {
			t.Errorf("export header: %q", out.String())
		}
		scope := filters.ChannelScope(ch.ID)
		if _, err := fs.Import(ctx, actor, scope, out.Bytes(), ""); err != nil {
			t.Fatal(err)
		}
		site, _ := fs.Rules(ctx, filters.Site)
		chRules, _ := fs.Rules(ctx, scope)
		if len(site) != 5 || len(chRules) != 5 {
			t.Fatalf("site %d rules, channel %d", len(site), len(chRules))
		}
		for i := range site {
			a, b := site[i], chRules[i]
			if a.Pattern != b.Pattern || a.Kind != b.Kind || a.Action != b.Action || a.Allow != b.Allow ||
				a.Guideline != b.Guideline || a.Enabled != b.Enabled || b.Scope != scope {
				t.Errorf("round trip: %+v became %+v", a, b)
			}
		}

		// A word list takes its action from the caller.
		list := "# words\nheck\n\nflipping heck\n"
		res, err = fs.Import(ctx, actor, scope, []byte(list), "mask")
		if err != nil || len(res.Created) != 2 || res.Created[0].Kind != "word" || res.Created[1].Kind != "phrase" || res.Created[1].Action != "mask" {
			t.Errorf("word list: %+v, %v", res, err)
		}
		_, err = fs.Import(ctx, actor, scope, []byte(list), "allow")
		wantField(t, err, "action", "block, hold, mask or flag")

		// Bad files change nothing and say where they went wrong.
		before, _ := fs.Rules(ctx, scope)
		for _, c := range []struct {
			text, contains string
		}{
			{"pattern,kind,action\nok,word,hold\n(,regex,hold\n", "Line 3: not a valid regular expression"},
			{"pattern,kind\nword,word\n", "action"},
			{"pattern,kind,action\nx,word,shout\n", "Line 2: unknown action"},
			{"pattern,kind,action\n", "no rules"},
			{"just a word\n", "column"},
		} {
			_, err := fs.Import(ctx, actor, scope, []byte(c.text), "")
			wantField(t, err, "csv", c.contains)
		}
		if after, _ := fs.Rules(ctx, scope); len(after) != len(before) {
			t.Errorf("refused imports stored rules: %d → %d", len(before), len(after))
		}
	})
}

func TestCheck(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		fs, actor, ch := newSet(t, db)
		other := *ch
		other.ID = ch.ID + 1000
		mk := func(scope, pattern, action, guideline string) *model.FilterRule {
			r, err := fs.Create(ctx, actor, scope, filters.Input{Pattern: pattern, Action: action, Guideline: guideline})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		flag := mk(filters.Site, "meh", "flag", "G5")
		mask := mk(filters.Site, "darn", "mask", "G4")
		hold := mk(filters.ChannelScope(ch.ID), "spoiler", "hold", "G2")

		v, err := fs.Check(ctx, ch, "meh, darn, a spoiler", nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.Action != wordfilter.Hold || v.Guideline() != "G2" || len(v.RuleIDs()) != 3 || v.Masked != "meh, ****, a spoiler" {
			t.Errorf("verdict %+v", v)
		}
		if rs := v.ReasonsStrongestFirst(); len(rs) != 3 || !strings.Contains(rs[0], "spoiler") {
			t.Errorf("reasons %q: want the strongest first", rs)
		}
		// Channel rules stay in their channel.
		if v, _ := fs.Check(ctx, &other, "a spoiler", nil); v.Action != wordfilter.Allow || len(v.RuleIDs()) != 0 {
			t.Errorf("other channel: %+v", v)
		}
		if v, _ := fs.Check(ctx, &other, "meh", nil); v.Action != wordfilter.Flag || v.RuleIDs()[0] != flag.ID || v.Masked != "meh" {
			t.Errorf("flag: %+v", v)
		}
		if v, _ := fs.Check(ctx, &other, "darn", nil); v.Action != wordfilter.Mask || v.RuleIDs()[0] != mask.ID || v.Guideline() != "G4" {
			t.Errorf("mask: %+v", v)
		}
		_ = hold
		// Disabled rules do not apply; the repeat check reads recent.
		if _, err := fs.Update(ctx, actor, filters.ChannelScope(ch.ID), hold.ID, filters.Patch{Enabled: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		ch.FilterRepeats = true
		if v, _ := fs.Check(ctx, ch, "a spoiler", []string{"something else", "A spoiler!"}); v.Action != wordfilter.Flag || len(v.RuleIDs()) != 0 {
			t.Errorf("repeat with the rule disabled: %+v", v)
		}
		if s := fs.Stats(); s.Rules != 2 || s.Skipped != 0 {
			t.Errorf("stats %+v", s)
		}
	})
}
