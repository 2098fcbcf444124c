package wordfilter

import (
	"fmt"
	"strings"
	"time"
)

// Kind is how a rule's pattern is read.
type Kind uint8

// Rule kinds. KindBuiltin is not a rule kind: it marks the matches that the
// built-in checks (caps, repeats, floods, the channel's domain list) report.
const (
	KindWord     Kind = iota + 1 // one word, on word boundaries
	KindPhrase                   // words with any separators between them
	KindWildcard                 // * = any run of word characters, ? = one; word-bounded
	KindRegex                    // RE2, case-insensitive, on the raw and the normalised text
	KindDomain                   // links to the domain or a subdomain of it
	KindBuiltin
)

var kindNames = [...]string{KindWord: "word", KindPhrase: "phrase", KindWildcard: "wildcard",
	KindRegex: "regex", KindDomain: "domain", KindBuiltin: "builtin"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ParseKind reads a rule kind name: word, phrase, wildcard, regex or domain.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "word":
		return KindWord, nil
	case "phrase":
		return KindPhrase, nil
	case "wildcard":
		return KindWildcard, nil
	case "regex", "regexp":
		return KindRegex, nil
	case "domain":
		return KindDomain, nil
	}
	return 0, fmt.Errorf("wordfilter: unknown kind %q (want word, phrase, wildcard, regex or domain)", s)
}

// MarshalText writes the kind's name (JSON, CSV).
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind name.
func (k *Kind) UnmarshalText(b []byte) error {
	if string(b) == "builtin" {
		*k = KindBuiltin
		return nil
	}
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Action is what happens to a message. Actions are ordered: a larger one is
// stronger, and when several rules match the strongest wins.
type Action uint8

// Actions, weakest first. The zero Action is Allow.
const (
	Allow Action = iota // publish
	Flag                // publish, and show the match to moderators
	Mask                // publish with the matched spans starred out
	Hold                // keep for a moderator to approve or deny
	Block               // refuse
)

var actionNames = [...]string{Allow: "allow", Flag: "flag", Mask: "mask", Hold: "hold", Block: "block"}

func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// ParseAction reads an action name: allow, flag, mask, hold or block.
func ParseAction(s string) (Action, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "allow":
		return Allow, nil
	case "flag":
		return Flag, nil
	case "mask":
		return Mask, nil
	case "hold":
		return Hold, nil
	case "block":
		return Block, nil
	}
	return 0, fmt.Errorf("wordfilter: unknown action %q (want block, hold, mask or flag)", s)
}

// MarshalText writes the action's name (JSON, CSV).
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads an action name.
func (a *Action) UnmarshalText(b []byte) error {
	v, err := ParseAction(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ScopeSite is the scope of a rule that applies in every channel. A channel's
// own rules have the scope "channel:<id>" (see ChannelScope).
const ScopeSite = "site"

// ChannelScope is the scope of the rules of channel id.
func ChannelScope(id int64) string { return fmt.Sprintf("channel:%d", id) }

// Rule is one filter rule.
type Rule struct {
	ID      int64
	Scope   string // ScopeSite ("" means the same) or "channel:<id>"
	Pattern string
	Kind    Kind
	Action  Action // Flag, Mask, Hold or Block
	// Allow lists exceptions: words or phrases that, when a match of this
	// rule lies inside one of them, make the match not count. For a domain
	// rule they are domains: links to them (or their subdomains) pass.
	Allow       []string
	Enabled     bool
	GuidelineID string // e.g. "G3": the guideline a moderator can cite
	CreatedBy   int64
	CreatedAt   time.Time
}

// scopeOK reports whether s is a valid scope.
func scopeOK(s string) bool {
	if s == "" || s == ScopeSite {
		return true
	}
	id, ok := strings.CutPrefix(s, "channel:")
	return ok && id != "" && !strings.ContainsAny(id, " \t\r\n")
}

// Match is one place where a rule (or a built-in check) matched.
type Match struct {
	RuleID      int64  `json:"rule_id,omitempty"`
	Kind        Kind   `json:"kind"`
	Action      Action `json:"action"`
	Pattern     string `json:"pattern"` // the rule's pattern, or the built-in check's name
	GuidelineID string `json:"guideline,omitempty"`
	// Start and End are byte offsets of the matched span in the original
	// message, on rune boundaries; Text is message[Start:End].
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Verdict is the outcome of checking one message.
type Verdict struct {
	Action Action  `json:"action"` // the strongest action of all matches; Allow when none
	Rules  []Match `json:"rules,omitempty"`
	// Masked is the message with the spans of mask rules replaced by one '*'
	// per rune (so the message keeps its length in characters); the message
	// itself when no mask rule matched.
	Masked  string   `json:"masked"`
	Reasons []string `json:"reasons,omitempty"` // human-readable, one per rule or check
	// RegexWork is the regex work the check cost, in RegexBudget's steps.
	RegexWork int64 `json:"-"`
}

// Settings are the per-channel switches passed to Check.
type Settings struct {
	// Scope selects the channel rules that apply besides the site rules:
	// "channel:<id>". Empty: site rules only.
	Scope    string
	Caps     Caps
	Repeats  Repeats
	Mentions Flood // @mentions
	Links    Flood // links
	// AllowedDomains, when not empty, is the channel's list of domains links
	// may point to (subdomains included); a link elsewhere, or to a
	// look-alike of a listed domain, gets OffListAction (Hold when Allow).
	AllowedDomains []string
	OffListAction  Action
}

// Caps flags caps-lock shouting: at least MinLetters cased letters (12 when
// 0), at least MinRatio of them upper case (0.7 when 0).
type Caps struct {
	Enabled    bool
	Action     Action // Flag when Allow
	MinLetters int
	MinRatio   float64
}

// Repeats flags a message that, normalised, equals one of the author's last
// Last messages (all of recent when 0). The caller passes the author's
// recent messages, newest first, already limited to its time window.
type Repeats struct {
	Enabled bool
	Action  Action // Flag when Allow
	Last    int
}

// Flood flags a message with more than Max mentions or links (5 mentions, 3
// links when 0).
type Flood struct {
	Enabled bool
	Action  Action // Flag when Allow
	Max     int
}

func orFlag(a Action) Action {
	if a == Allow {
		return Flag
	}
	return a
}
