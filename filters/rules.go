package filters

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/wordfilter"
)

// Limits on rules.
const (
	MaxPattern   = 200   // characters of a pattern
	MaxAllow     = 50    // exceptions of one rule
	MaxAllowText = 100   // characters of one exception
	MaxGuideline = 20    // characters of a guideline id, such as G3
	MaxImport    = 10000 // rules in one import
)

// Input is a new rule.
type Input struct {
	Pattern   string
	Kind      string // word (when empty), phrase, wildcard, regex or domain
	Action    string // block, hold, mask or flag
	Allow     []string
	Enabled   *bool // true when nil
	Guideline string
}

// Patch changes the fields of a rule that are not nil.
type Patch struct {
	Pattern   *string
	Kind      *string
	Action    *string
	Allow     *[]string
	Enabled   *bool
	Guideline *string
}

// Rules lists the rules of scope, oldest first.
func (s *Set) Rules(ctx context.Context, scope string) ([]model.FilterRule, error) {
	if err := checkScope(scope); err != nil {
		return nil, err
	}
	return store.ListFilterRules(ctx, s.db, scope)
}

// Rule returns rule id of scope; a rule of another scope is not found.
func (s *Set) Rule(ctx context.Context, scope string, id int64) (*model.FilterRule, error) {
	if err := checkScope(scope); err != nil {
		return nil, err
	}
	r, err := store.FilterRuleByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if r.Scope != scope {
		return nil, fmt.Errorf("filters: rule %d is not in %s: %w", id, scope, model.ErrNotFound)
	}
	return r, nil
}

// Create stores a new rule of scope, checked by compiling it; the rules in
// force change at once (and on other instances within a second).
func (s *Set) Create(ctx context.Context, actorID int64, scope string, in Input) (*model.FilterRule, error) {
	if err := checkScope(scope); err != nil {
		return nil, err
	}
	r, err := newRule(scope, in)
	if err != nil {
		return nil, err
	}
	if actorID != 0 {
		r.CreatedBy = &actorID
	}
	err = s.change(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.unique(ctx, tx, r); err != nil {
			return err
		}
		if err := store.CreateFilterRules(ctx, tx, []*model.FilterRule{r}); err != nil {
			return err
		}
		return audit(ctx, tx, actorID, "filter_rule.create", "filter_rule", strconv.FormatInt(r.ID, 10), scope, nil, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// newRule is the rule in describes in scope, checked by compiling it.
func newRule(scope string, in Input) (*model.FilterRule, error) {
	r := &model.FilterRule{Scope: scope, Pattern: in.Pattern, Kind: in.Kind, Action: in.Action,
		Allow: strings.Join(in.Allow, "|"), Enabled: in.Enabled == nil || *in.Enabled, Guideline: in.Guideline}
	if r.Kind == "" {
		r.Kind = wordfilter.KindWord.String()
	}
	if err := checkAllow(in.Allow); err != nil {
		return nil, err
	}
	if err := check(r); err != nil {
		return nil, err
	}
	return r, nil
}

// Update changes rule id of scope.
func (s *Set) Update(ctx context.Context, actorID int64, scope string, id int64, p Patch) (*model.FilterRule, error) {
	old, err := s.Rule(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	r := *old
	if p.Pattern != nil {
		r.Pattern = *p.Pattern
	}
	if p.Kind != nil {
		r.Kind = *p.Kind
	}
	if p.Action != nil {
		r.Action = *p.Action
	}
	if p.Allow != nil {
		if err := checkAllow(*p.Allow); err != nil {
			return nil, err
		}
		r.Allow = strings.Join(*p.Allow, "|")
	}
	if p.Enabled != nil {
		r.Enabled = *p.Enabled
	}
	if p.Guideline != nil {
		r.Guideline = *p.Guideline
	}
	if err := check(&r); err != nil {
		return nil, err
	}
	err = s.change(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.unique(ctx, tx, &r); err != nil {
			return err
		}
		if err := store.UpdateFilterRule(ctx, tx, &r); err != nil {
			return err
		}
		return audit(ctx, tx, actorID, "filter_rule.update", "filter_rule", strconv.FormatInt(r.ID, 10), scope, old, &r)
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Delete removes rule id of scope.
func (s *Set) Delete(ctx context.Context, actorID int64, scope string, id int64) error {
	old, err := s.Rule(ctx, scope, id)
	if err != nil {
		return err
	}
	return s.change(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.DeleteFilterRule(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actorID, "filter_rule.delete", "filter_rule", strconv.FormatInt(id, 10), scope, old, nil)
	})
}

// ImportResult is what an import did.
type ImportResult struct {
	Created []model.FilterRule
	Skipped int // rules the scope had already (same kind and pattern)
}

// Import adds the rules of src to scope: CSV with a header naming the
// columns pattern, kind and action (and optionally allow, guideline,
// enabled; a scope column is ignored: the rules join scope) or, when
// wordAction is set, a plain list of words and phrases, one a line, all
// with that action. Every rule is checked before any is stored; rules the
// scope has already are skipped. One audit entry records the import.
func (s *Set) Import(ctx context.Context, actorID int64, scope string, src []byte, wordAction string) (*ImportResult, error) {
	if err := checkScope(scope); err != nil {
		return nil, err
	}
	var rules []wordfilter.Rule
	var err error
	if wordAction != "" {
		a, perr := wordfilter.ParseAction(wordAction)
		if perr != nil || a == wordfilter.Allow {
			return nil, model.Invalid("action", "A word list's action is block, hold, mask or flag.")
		}
		rules, err = wordfilter.ParseWordList(bytes.NewReader(src), a)
	} else {
		rules, err = wordfilter.ParseCSV(bytes.NewReader(src))
	}
	if err != nil {
		return nil, model.Invalid("csv", importProblem(err))
	}
	if len(rules) == 0 {
		return nil, model.Invalid("csv", "There are no rules in what you sent.")
	}
	if len(rules) > MaxImport {
		return nil, model.Invalid("csv", fmt.Sprintf("Import at most %d rules at a time; this has %d.", MaxImport, len(rules)))
	}
	rows := make([]*model.FilterRule, 0, len(rules))
	for i, mr := range rules {
		r := &model.FilterRule{Scope: scope, Pattern: mr.Pattern, Kind: mr.Kind.String(), Action: mr.Action.String(),
			Allow: strings.Join(mr.Allow, "|"), Enabled: mr.Enabled, Guideline: mr.GuidelineID}
		if actorID != 0 {
			r.CreatedBy = &actorID
		}
		err := checkAllow(mr.Allow)
		if err == nil {
			err = check(r)
		}
		if err != nil {
			var fe *model.FieldError
			if errors.As(err, &fe) {
				return nil, model.Invalid("csv", fmt.Sprintf("Rule %d (%q): %s", i+1, mr.Pattern, fe.Message))
			}
			return nil, err
		}
		rows = append(rows, r)
	}
	res := &ImportResult{}
	err = s.change(ctx, func(ctx context.Context, tx bun.Tx) error {
		existing, err := store.ListFilterRules(ctx, tx, scope)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for i := range existing {
			have[ruleKey(&existing[i])] = true
		}
		var fresh []*model.FilterRule
		for _, r := range rows {
			if k := ruleKey(r); have[k] {
				res.Skipped++
			} else {
				have[k] = true
				fresh = append(fresh, r)
			}
		}
		// In batches: SQLite takes at most 32766 parameters a statement.
		for i := 0; i < len(fresh); i += 500 {
			if err := store.CreateFilterRules(ctx, tx, fresh[i:min(i+500, len(fresh))]); err != nil {
				return err
			}
		}
		ids := make([]int64, 0, len(fresh))
		for _, r := range fresh {
			ids = append(ids, r.ID)
			res.Created = append(res.Created, *r)
		}
		return audit(ctx, tx, actorID, "filter_rule.import", "filter_scope", scope, scope, nil,
			map[string]any{"created": len(fresh), "skipped": res.Skipped, "ids": ids})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Export writes the rules of scope as CSV that Import reads back.
func (s *Set) Export(ctx context.Context, scope string, w io.Writer) error {
	stored, err := s.Rules(ctx, scope)
	if err != nil {
		return err
	}
	rules := make([]wordfilter.Rule, 0, len(stored))
	for i := range stored {
		r, err := toRule(&stored[i])
		if err != nil {
			s.log.WarnContext(ctx, "filters: export: rule left out", "rule", stored[i].ID, "err", err)
			continue
		}
		rules = append(rules, r)
	}
	if err := wordfilter.WriteCSV(w, rules); err != nil {
		return fmt.Errorf("filters: export: %w", err)
	}
	return nil
}

// change runs write and stores a new version in one transaction, then
// recompiles.
func (s *Set) change(ctx context.Context, write func(ctx context.Context, tx bun.Tx) error) error {
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := write(ctx, tx); err != nil {
			return err
		}
		return s.bump(ctx, tx)
	})
	if err != nil {
		return err
	}
	if err := s.Reload(ctx); err != nil {
		// Stored and versioned: the next Check tries again.
		s.poll.AskNow()
		s.log.ErrorContext(ctx, "filters: reload after change", "err", err)
	}
	return nil
}

// unique refuses a second rule of the same kind and pattern in a scope.
func (s *Set) unique(ctx context.Context, tx bun.IDB, r *model.FilterRule) error {
	rs, err := store.ListFilterRules(ctx, tx, r.Scope)
	if err != nil {
		return err
	}
	k := ruleKey(r)
	for i := range rs {
		if rs[i].ID != r.ID && ruleKey(&rs[i]) == k {
			return model.Refuse(model.ErrConflict, "duplicate_rule",
				fmt.Sprintf("There is a %s rule for %q here already (rule %d).", r.Kind, r.Pattern, rs[i].ID))
		}
	}
	return nil
}

func ruleKey(r *model.FilterRule) string { return r.Kind + "\x00" + strings.ToLower(r.Pattern) }

// check validates r and writes its kind and action in their canonical
// spelling. Problems are *model.FieldError naming the field.
func check(r *model.FilterRule) error {
	r.Pattern = strings.TrimSpace(r.Pattern)
	r.Guideline = strings.TrimSpace(r.Guideline)
	switch {
	case r.Pattern == "":
		return model.Invalid("pattern", "Enter a word, phrase, pattern or domain.")
	case utf8.RuneCountInString(r.Pattern) > MaxPattern:
		return model.Invalid("pattern", fmt.Sprintf("Keep the pattern to %d characters.", MaxPattern))
	case strings.ContainsAny(r.Pattern, "\r\n\x00"):
		return model.Invalid("pattern", "A pattern is one line.")
	}
	kind, err := wordfilter.ParseKind(r.Kind)
	if err != nil {
		return model.Invalid("kind", "A rule's kind is word, phrase, wildcard, regex or domain.")
	}
	action, err := wordfilter.ParseAction(r.Action)
	if err != nil || action == wordfilter.Allow {
		return model.Invalid("action", "A rule's action is block, hold, mask or flag.")
	}
	r.Kind, r.Action = kind.String(), action.String()
	if utf8.RuneCountInString(r.Guideline) > MaxGuideline {
		return model.Invalid("guideline", "Cite a guideline by its id, such as G3.")
	}
	mr, err := toRule(r)
	if err != nil {
		return err
	}
	mr.Enabled = true
	allow := mr.Allow
	mr.Allow = nil
	if err := wordfilter.ValidateRule(mr); err != nil {
		return model.Invalid("pattern", describe(err, mr))
	}
	mr.Allow = allow
	if err := wordfilter.ValidateRule(mr); err != nil {
		return model.Invalid("allow", describe(err, mr))
	}
	return nil
}

// checkAllow checks a rule's exceptions as given (before they are joined).
func checkAllow(allow []string) error {
	if len(allow) > MaxAllow {
		return model.Invalid("allow", fmt.Sprintf("A rule takes at most %d exceptions.", MaxAllow))
	}
	for _, a := range allow {
		a = strings.TrimSpace(a)
		switch {
		case a == "":
			return model.Invalid("allow", "An exception cannot be empty.")
		case utf8.RuneCountInString(a) > MaxAllowText:
			return model.Invalid("allow", fmt.Sprintf("Keep each exception to %d characters.", MaxAllowText))
		case strings.ContainsAny(a, "|\r\n\x00"):
			return model.Invalid("allow", "An exception cannot contain | or line breaks.")
		}
	}
	return nil
}

// describe explains why the engine refused rule r, in a sentence.
func describe(err error, r wordfilter.Rule) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		expr := se.Expr
		if !strings.HasPrefix(r.Pattern, "(?i)") {
			expr = strings.TrimPrefix(expr, "(?i)") // the engine's, not the user's
		}
		return fmt.Sprintf("The pattern is not a valid regular expression: %s in `%s`.", se.Code, expr)
	}
	msg := strings.TrimPrefix(err.Error(), fmt.Sprintf("wordfilter: rule %d (%s %q): ", r.ID, r.Kind, r.Pattern))
	msg = strings.TrimPrefix(msg, "wordfilter: ")
	if rest, ok := strings.CutPrefix(msg, "allow "); ok {
		msg = "exception " + rest
	}
	return sentence(msg)
}

// importProblem explains why an import file was refused, naming the line.
func importProblem(err error) string {
	msg := strings.TrimPrefix(err.Error(), "wordfilter: ")
	msg = strings.TrimPrefix(msg, "rules ")
	msg = strings.Replace(msg, "invalid regex: error parsing regexp: ", "not a valid regular expression: ", 1)
	msg = strings.Replace(msg, "`(?i)", "`", 1)
	return sentence(msg)
}

// sentence capitalises msg and ends it with a full stop.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	r, n := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// checkScope accepts "site" and "channel:<id>".
func checkScope(scope string) error {
	if scope == Site {
		return nil
	}
	if id, ok := strings.CutPrefix(scope, "channel:"); ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
			return nil
		}
	}
	return fmt.Errorf("filters: scope %q: %w", scope, model.ErrInvalid)
}

// channelOf is the channel of a scope (nil for the site).
func channelOf(scope string) *int64 {
	if id, ok := strings.CutPrefix(scope, "channel:"); ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			return &n
		}
	}
	return nil
}

// audit records a change of the rules.
func audit(ctx context.Context, db bun.IDB, actorID int64, action, targetType, targetID, scope string, before, after any) error {
	r := store.AuditRecord{ActorID: actorID, Action: action, TargetType: targetType, TargetID: targetID,
		Before: before, After: after}
	if id := channelOf(scope); id != nil {
		r.ChannelID = *id
	}
	_, err := store.Audit(ctx, db, r)
	return err
}
