// Package filters keeps the word and link filters of the site and of each
// channel: the rules stored in the filter_rules table, compiled with package
// wordfilter, applied to new messages (chat takes a Set as its Filter and
// gets wordfilter's Verdict back), changed (with an audit entry) through
// Create, Update, Delete and Import, and tried on past sessions (DryRun).
//
// Scopes are "site" (rules that apply in every channel) and "channel:<id>"
// (rules of one channel, applied besides the site's). Every enabled rule of
// every scope is compiled into one wordfilter.Matcher; Check selects the
// site's rules and the channel's own with wordfilter.Settings.Scope, so the
// site's rules are compiled once, not once per channel. The channel's
// settings switch the built-in checks (caps, repeats, mention and link
// floods, the list of allowed domains).
//
// Several instances share one database. Every change through a Set writes
// its rows and, in the same transaction, a new random value of the setting
// "filter_version", then recompiles at once. Check compares the stored
// version with the one it compiled at most once every 500 ms
// (RefreshInterval) and recompiles when it differs, so a change made on
// another instance takes effect here within about half a second. The
// compiled matcher is swapped atomically: a Check never sees half a change.
package filters

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/wordfilter"
)

// VersionSetting is the settings key whose value changes with every change
// of the rules.
const VersionSetting = "filter_version"

// RefreshInterval is how often, at most, a Set asks the database whether the
// rules changed.
const RefreshInterval = 500 * time.Millisecond

// Site is the scope of the rules that apply in every channel.
const Site = wordfilter.ScopeSite

// ChannelScope is the scope of channel id's own rules.
func ChannelScope(id int64) string { return wordfilter.ChannelScope(id) }

// Set is the filter rules in force, compiled. It is safe for concurrent use.
type Set struct {
	db  *bun.DB
	log *slog.Logger

	poll     store.VersionPoll // the stored version, asked every RefreshInterval
	reloadMu sync.Mutex        // one reload at a time
	cur      atomic.Pointer[compiled]
}

// compiled is one version of the rules, compiled.
type compiled struct {
	version string
	matcher *wordfilter.Matcher
	rules   int // enabled rules in the matcher
	skipped int // stored rules that did not compile (left out, logged)
}

// New loads and compiles the stored rules; opts change how often the Set
// asks whether they changed (RefreshInterval) and its clock.
func New(ctx context.Context, db *bun.DB, log *slog.Logger, opts ...store.PollOption) (*Set, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Set{db: db, log: log}
	s.poll.Interval = RefreshInterval
	for _, o := range opts {
		o(&s.poll)
	}
	if err := s.Reload(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Reload reads and compiles the stored rules now and puts them in use.
func (s *Set) Reload(ctx context.Context) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	loadedAt := s.poll.Time()
	// Version first: a change committed after this read makes the next
	// check reload again, never miss it.
	v, err := store.Setting(ctx, s.db, VersionSetting, "")
	if err != nil {
		return fmt.Errorf("filters: reload: %w", err)
	}
	stored, err := store.ListFilterRules(ctx, s.db)
	if err != nil {
		return fmt.Errorf("filters: reload: %w", err)
	}
	rules := make([]wordfilter.Rule, 0, len(stored))
	skipped := 0
	for i := range stored {
		if !stored[i].Enabled {
			continue
		}
		r, err := toRule(&stored[i])
		if err == nil {
			err = wordfilter.ValidateRule(r)
		}
		if err != nil {
			// Rules are checked when they are stored; one that no longer
			// compiles (a newer engine, a hand-edited row) must not take
			// every other rule down with it.
			s.log.WarnContext(ctx, "filters: rule left out", "rule", stored[i].ID, "scope", stored[i].Scope, "err", err)
			skipped++
			continue
		}
		rules = append(rules, r)
	}
	m, err := wordfilter.Compile(rules)
	if err != nil {
		return fmt.Errorf("filters: compile: %w", err)
	}
	old := s.cur.Swap(&compiled{version: v, matcher: m, rules: len(rules), skipped: skipped})
	s.poll.Loaded(loadedAt)
	if old != nil && old.version != v {
		s.log.DebugContext(ctx, "filters: rules reloaded", "version", v, "previous", old.version, "rules", len(rules))
	}
	return nil
}

// refresh reloads the rules when the stored version changed, asking the
// database at most once per interval.
func (s *Set) refresh(ctx context.Context) error {
	current := ""
	if c := s.cur.Load(); c != nil {
		current = c.version
	}
	changed, err := s.poll.Changed(ctx, s.db, VersionSetting, current)
	if err != nil || !changed {
		return err
	}
	return s.Reload(ctx)
}

// Check filters a new message of ch (chat.Filter). recent are the author's
// latest messages in ch, newest first, for the repeat check. When several
// rules match the strongest action wins: block, hold, mask, flag.
func (s *Set) Check(ctx context.Context, ch *model.Channel, body string, recent []string) (wordfilter.Verdict, error) {
	if err := s.refresh(ctx); err != nil {
		// The rules compiled last still apply; the next check asks again.
		s.log.WarnContext(ctx, "filters: rules may be stale", "err", err)
	}
	c := s.cur.Load()
	v := c.matcher.Check(body, settingsOf(ch), recent)
	for _, m := range v.Rules {
		if m.Kind == wordfilter.KindBuiltin && m.Pattern == wordfilter.CheckBudget {
			s.log.WarnContext(ctx, "filters: regex rules ran out of budget; the rest were skipped and the message is held",
				"channel", ch.Slug, "bytes", len(body), "work", v.RegexWork, "budget", wordfilter.RegexBudget)
		}
	}
	return v, nil
}

// settingsOf is what ch's settings switch on.
func settingsOf(ch *model.Channel) wordfilter.Settings {
	st := wordfilter.Settings{
		Scope:    ChannelScope(ch.ID),
		Caps:     wordfilter.Caps{Enabled: ch.FilterCaps},
		Repeats:  wordfilter.Repeats{Enabled: ch.FilterRepeats},
		Mentions: wordfilter.Flood{Enabled: ch.FilterMentions},
		Links:    wordfilter.Flood{Enabled: ch.FilterLinks},
	}
	for _, d := range strings.FieldsFunc(ch.AllowedDomains, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		st.AllowedDomains = append(st.AllowedDomains, d)
	}
	return st
}

// toRule reads a stored rule.
func toRule(fr *model.FilterRule) (wordfilter.Rule, error) {
	r := wordfilter.Rule{ID: fr.ID, Scope: fr.Scope, Pattern: fr.Pattern, Enabled: fr.Enabled,
		GuidelineID: fr.Guideline, CreatedAt: fr.CreatedAt, Allow: splitAllow(fr.Allow)}
	if fr.CreatedBy != nil {
		r.CreatedBy = *fr.CreatedBy
	}
	var err error
	if r.Kind, err = wordfilter.ParseKind(fr.Kind); err != nil {
		return r, err
	}
	if r.Action, err = wordfilter.ParseAction(fr.Action); err != nil {
		return r, err
	}
	return r, nil
}

// splitAllow reads the stored |-separated exceptions.
func splitAllow(s string) []string {
	var out []string
	for _, a := range strings.Split(s, "|") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// bump stores a new version of the rules.
func (s *Set) bump(ctx context.Context, db bun.IDB) error {
	if err := store.BumpVersion(ctx, db, VersionSetting, s.poll.Time()); err != nil {
		return fmt.Errorf("filters: %w", err)
	}
	return nil
}

// Stats says how many rules are in force.
type Stats struct {
	Rules   int // enabled rules compiled
	Skipped int // enabled rules left out because they do not compile
}

// Stats returns the numbers of the rules compiled last.
func (s *Set) Stats() Stats {
	c := s.cur.Load()
	return Stats{Rules: c.rules, Skipped: c.skipped}
}
