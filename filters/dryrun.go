package filters

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"backchannel/model"
	"backchannel/store"
	"backchannel/wordfilter"
)

// Dry runs: a rule set tried on past messages, storing nothing.

// DefaultDryRunSessions is how many sessions a dry run reads when not told.
const DefaultDryRunSessions = 5

// MaxDryRunSessions caps the sessions one dry run reads.
const MaxDryRunSessions = 50

// maxDryRunMessages caps the messages one dry run checks.
const maxDryRunMessages = 20000

// DryRunInput says what to try and on what.
type DryRunInput struct {
	Scope    string  // "site": the last sessions of every channel; "channel:<id>": of that channel
	CSV      []byte  // the rules to try, as Import reads them; empty: the scope's enabled rules
	Rules    []Input // rules to try as typed (a rule not yet added); they come before CSV
	Sessions int     // how many of the latest sessions (DefaultDryRunSessions when 0)
}

// DryRunRule is one rule of a dry run and how many messages it caught.
type DryRunRule struct {
	ID        int64 // the stored rule's id; the line number for rules from CSV
	Pattern   string
	Kind      string
	Action    string
	Guideline string
	Caught    int
}

// DryRunHit is one message the rules would have caught.
type DryRunHit struct {
	Message model.Message
	Channel string // the channel's slug
	Action  string // the strongest action of its matches
	Matches []wordfilter.Match
}

// DryRunResult is what a dry run found.
type DryRunResult struct {
	Scope    string
	Sessions int // sessions read
	Checked  int // messages checked
	Rules    []DryRunRule
	Hits     []DryRunHit
}

// DryRun checks the messages of the latest sessions of the scope against
// in's rules (or the scope's stored ones) and reports what they would have
// caught. It writes nothing: no message, rule, version or audit entry.
func (s *Set) DryRun(ctx context.Context, in DryRunInput) (*DryRunResult, error) {
	if err := checkScope(in.Scope); err != nil {
		return nil, err
	}
	n := in.Sessions
	if n == 0 {
		n = DefaultDryRunSessions
	}
	if n < 0 || n > MaxDryRunSessions {
		return nil, model.Invalid("sessions", fmt.Sprintf("Try the rules on 1 to %d sessions.", MaxDryRunSessions))
	}
	var rules []wordfilter.Rule
	if len(in.Rules) > 0 {
		for i, ri := range in.Rules {
			on := true
			ri.Enabled = &on // tried as if it were on
			r, err := newRule(in.Scope, ri)
			if err != nil {
				return nil, err
			}
			r.ID = int64(i + 1)
			cr, err := toRule(r)
			if err != nil {
				return nil, err
			}
			rules = append(rules, cr)
		}
	} else if len(bytes.TrimSpace(in.CSV)) > 0 {
		parsed, err := wordfilter.ParseCSV(bytes.NewReader(in.CSV))
		if err != nil {
			return nil, model.Invalid("rules_csv", importProblem(err))
		}
		for i, mr := range parsed {
			r := &model.FilterRule{Scope: in.Scope, Pattern: mr.Pattern, Kind: mr.Kind.String(), Action: mr.Action.String(),
				Allow: strings.Join(mr.Allow, "|"), Enabled: true, Guideline: mr.GuidelineID}
			err := checkAllow(mr.Allow)
			if err == nil {
				err = check(r)
			}
			if err != nil {
				var fe *model.FieldError
				if errors.As(err, &fe) {
					return nil, model.Invalid("rules_csv", fmt.Sprintf("Rule %d (%q): %s", i+1, mr.Pattern, fe.Message))
				}
				return nil, err
			}
			if !mr.Enabled {
				continue
			}
			r.ID = int64(i + 1)
			cr, err := toRule(r)
			if err != nil {
				return nil, err
			}
			rules = append(rules, cr)
		}
	} else {
		stored, err := s.Rules(ctx, in.Scope)
		if err != nil {
			return nil, err
		}
		for i := range stored {
			if !stored[i].Enabled {
				continue
			}
			r, err := toRule(&stored[i])
			if err == nil {
				err = wordfilter.ValidateRule(r)
			}
			if err != nil {
				continue // left out, as Reload does
			}
			rules = append(rules, r)
		}
	}
	res := &DryRunResult{Scope: in.Scope}
	index := map[int64]int{}
	for i := range rules {
		// Compiled as site rules: the scope's rule set is tried on its own.
		rules[i].Scope = Site
		rules[i].Enabled = true
		index[rules[i].ID] = len(res.Rules)
		res.Rules = append(res.Rules, DryRunRule{ID: rules[i].ID, Pattern: rules[i].Pattern, Kind: rules[i].Kind.String(),
			Action: rules[i].Action.String(), Guideline: rules[i].GuidelineID})
	}
	m, err := wordfilter.Compile(rules)
	if err != nil {
		return nil, fmt.Errorf("filters: dry run: compile: %w", err)
	}

	var channelID int64
	if ch := channelOf(in.Scope); ch != nil {
		channelID = *ch
	}
	sessions, err := store.RecentSessions(ctx, s.db, channelID, n)
	if err != nil {
		return nil, fmt.Errorf("filters: dry run: %w", err)
	}
	res.Sessions = len(sessions)
	if len(sessions) == 0 || len(rules) == 0 {
		return res, nil
	}
	ids := make([]int64, 0, len(sessions))
	for _, cs := range sessions {
		ids = append(ids, cs.ID)
	}
	msgs, err := store.SessionsMessages(ctx, s.db, ids, maxDryRunMessages)
	if err != nil {
		return nil, fmt.Errorf("filters: dry run: %w", err)
	}
	res.Checked = len(msgs)
	slugs, err := store.ChannelSlugs(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("filters: dry run: %w", err)
	}
	for _, msg := range msgs {
		v := m.Check(msg.Body, wordfilter.Settings{}, nil)
		var matches []wordfilter.Match
		var seen []int64
		for _, mt := range v.Rules {
			if mt.Kind == wordfilter.KindBuiltin {
				continue
			}
			matches = append(matches, mt)
			if !slices.Contains(seen, mt.RuleID) {
				seen = append(seen, mt.RuleID)
				if i, ok := index[mt.RuleID]; ok {
					res.Rules[i].Caught++
				}
			}
		}
		if len(matches) == 0 {
			continue
		}
		res.Hits = append(res.Hits, DryRunHit{Message: msg, Channel: slugs[msg.ChannelID], Action: v.Action.String(), Matches: matches})
	}
	return res, nil
}

// Segment is a piece of a highlighted excerpt: plain text, or a match.
type Segment struct {
	Text  string
	Match bool
}

// Highlight cuts body into segments with the byte spans of matches marked,
// keeping about around bytes of context on each side of each marked stretch
// and "…" where text is left out. Spans out of range are ignored;
// overlapping ones are merged. Cuts fall on rune boundaries.
func Highlight(body string, matches []wordfilter.Match, around int) []Segment {
	type span struct{ start, end int }
	var spans []span
	for _, m := range matches {
		if m.Start < 0 || m.End > len(body) || m.Start >= m.End {
			continue
		}
		spans = append(spans, span{m.Start, m.End})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var merged []span
	for _, sp := range spans {
		if k := len(merged) - 1; k >= 0 && sp.start <= merged[k].end {
			merged[k].end = max(merged[k].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	for i := range merged {
		merged[i].start = runeStart(body, merged[i].start)
		merged[i].end = runeEnd(body, merged[i].end)
	}
	var out []Segment
	plain := func(text string, first, last bool) {
		if text == "" {
			return
		}
		if around >= 0 && len(text) > 2*around+1 {
			switch {
			case first:
				text = "…" + text[runeStart(text, len(text)-around):]
			case last:
				text = text[:runeEnd(text, around)] + "…"
			default:
				text = text[:runeEnd(text, around)] + " … " + text[runeStart(text, len(text)-around):]
			}
		}
		out = append(out, Segment{Text: text})
	}
	pos := 0
	for i, sp := range merged {
		plain(body[pos:sp.start], i == 0, false)
		out = append(out, Segment{Text: body[sp.start:sp.end], Match: true})
		pos = sp.end
	}
	if len(merged) == 0 {
		return []Segment{{Text: body}}
	}
	plain(body[pos:], false, true)
	return out
}

// runeStart moves i back to the start of a rune.
func runeStart(s string, i int) int {
	i = max(0, min(i, len(s)))
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// runeEnd moves i forward to the end of a rune.
func runeEnd(s string, i int) int {
	i = max(0, min(i, len(s)))
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return i
}
