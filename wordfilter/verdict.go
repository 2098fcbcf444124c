package wordfilter

import "slices"

// RuleIDs are the stored rules that matched, each once, in order of first
// match (built-in checks have no id).
func (v Verdict) RuleIDs() []int64 {
	var ids []int64
	for _, m := range v.Rules {
		if m.RuleID != 0 && !slices.Contains(ids, m.RuleID) {
			ids = append(ids, m.RuleID)
		}
	}
	return ids
}

// Guideline is the guideline cited by the first rule that matched with the
// verdict's action: the rule that decided the outcome.
func (v Verdict) Guideline() string {
	for _, m := range v.Rules {
		if m.Action == v.Action && m.GuidelineID != "" {
			return m.GuidelineID
		}
	}
	return ""
}

// ReasonsStrongestFirst orders the reasons by the action of what they
// explain, strongest first (chat tells the author the first one). The
// engine gives one reason per matched rule, in order of first match, then
// one per built-in match; when the counts do not tally the order is kept.
func (v Verdict) ReasonsStrongestFirst() []string {
	type reason struct {
		text   string
		action Action
	}
	var actions []Action
	seen := map[int64]bool{}
	for _, m := range v.Rules {
		if m.Kind == KindBuiltin {
			continue
		}
		if !seen[m.RuleID] {
			seen[m.RuleID] = true
			actions = append(actions, m.Action)
		}
	}
	for _, m := range v.Rules {
		if m.Kind == KindBuiltin {
			actions = append(actions, m.Action)
		}
	}
	if len(actions) != len(v.Reasons) {
		return slices.Clone(v.Reasons)
	}
	rs := make([]reason, len(v.Reasons))
	for i := range rs {
		rs[i] = reason{v.Reasons[i], actions[i]}
	}
	slices.SortStableFunc(rs, func(a, b reason) int { return int(b.action) - int(a.action) })
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.text
	}
	return out
}
