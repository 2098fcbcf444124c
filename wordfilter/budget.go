package wordfilter

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
)

// Limits on the regex work one message may cost. Go's regexes (RE2) take
// time linear in the text, but the factor is the size of the compiled
// program, so a few host-written patterns with large counted repeats or
// alternations could take seconds over one long post.
const (
	// MaxRegexProgram is the most instructions a regex (or wildcard) rule
	// may compile to; a larger one is refused when it is added or imported.
	MaxRegexProgram = 1000
	// RegexBudget is the regex work allowed per message, in steps: each run
	// of a wildcard or regex over a reading of the text costs the reading's
	// length in bytes times the rule's program size. Once the next run
	// would exceed it, that run and the rest of the rule set's wildcards and
	// regexes are skipped and the message is held for review (CheckBudget).
	RegexBudget = 10_000_000
	// CheckBudget names the built-in match of a message whose regex work
	// ran out of budget.
	CheckBudget = "regex-budget"
)

var errTooComplex = errors.New("the pattern is too complex")

// compileBounded compiles expr, refusing a program larger than
// MaxRegexProgram, and returns the regex with its program size.
func compileBounded(expr string) (*regexp.Regexp, int, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, 0, err
	}
	parsed, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, 0, err
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return nil, 0, err
	}
	if n := len(prog.Inst); n > MaxRegexProgram {
		return nil, 0, fmt.Errorf("%w: it compiles to %d steps and at most %d are allowed (use fewer or smaller {n,m} repeats and alternatives)", errTooComplex, n, MaxRegexProgram)
	}
	return re, len(prog.Inst), nil
}

// spend charges one run of r over n bytes to the message's budget and
// reports whether it may run. Once a run is refused, every later one is too.
func (sc *scratch) spend(r reRule, n int) bool {
	cost := int64(n) * int64(r.size)
	if sc.overBudget || sc.regexWork+cost > RegexBudget {
		sc.overBudget = true
		return false
	}
	sc.regexWork += cost
	return true
}

// budgetCheck adds the built-in hold of a message whose regex work ran out
// of budget.
func budgetCheck(v *Verdict, sc *scratch, text string) {
	v.RegexWork = sc.regexWork
	if !sc.overBudget {
		return
	}
	v.Rules = append(v.Rules, Match{Kind: KindBuiltin, Action: Hold, Pattern: CheckBudget, Start: 0, End: len(text), Text: text})
	v.Reasons = append(v.Reasons, "the filter's regex rules ran out of their work budget on this message (the rest were skipped); held for review")
}
