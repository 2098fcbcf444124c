package moderation

import "sync/atomic"

// Engine holds the matcher in use and replaces it atomically when the rules
// change: a Check that has started keeps the matcher it loaded, so the rules
// never change under a reader. The zero Engine has no rules.
type Engine struct {
	m atomic.Pointer[Matcher]
}

// NewEngine compiles rules into a new Engine.
func NewEngine(rules []Rule) (*Engine, error) {
	e := &Engine{}
	if err := e.Swap(rules); err != nil {
		return nil, err
	}
	return e, nil
}

// Swap compiles rules and puts them in use. When they do not compile the
// matcher in use stays and the error says why.
func (e *Engine) Swap(rules []Rule) error {
	m, err := Compile(rules)
	if err != nil {
		return err
	}
	e.m.Store(m)
	return nil
}

// Matcher returns the matcher in use (nil before the first Swap).
func (e *Engine) Matcher() *Matcher { return e.m.Load() }

// Check filters text with the matcher in use; see Matcher.Check.
func (e *Engine) Check(text string, s Settings, recent []string) Verdict {
	return e.m.Load().Check(text, s, recent)
}
