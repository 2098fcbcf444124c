package wordfilter

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"backchannel/export"
)

// csvColumns are the CSV columns: pattern, kind and action are required,
// the others optional.
func csvColumns() []string {
	return []string{"pattern", "kind", "action", "allow", "guideline", "scope", "enabled"}
}

// ParseCSV reads rules from CSV with a header row naming the columns:
// pattern, kind and action, and optionally allow (exceptions separated by
// "|"), guideline, scope ("site" when empty) and enabled (true when empty),
// in any order. It tolerates a byte-order mark, CRLF line ends, blank lines
// and spaces around fields. Rules get IDs 1, 2, … in file order; each is
// checked as Compile would, and errors name the line.
func ParseCSV(r io.Reader) ([]Rule, error) {
	cr := csv.NewReader(skipBOM(r))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("wordfilter: rules CSV is empty (want a header: pattern,kind,action)")
	}
	if err != nil {
		return nil, fmt.Errorf("wordfilter: rules CSV: %w", err)
	}
	line, _ := cr.FieldPos(0)
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range csvColumns() {
			known = known || c == h
		}
		switch {
		case !known:
			return nil, fmt.Errorf("wordfilter: rules line %d: unknown column %q (want %s)", line, h, strings.Join(csvColumns(), ", "))
		case col[h] != 0:
			return nil, fmt.Errorf("wordfilter: rules line %d: column %q twice", line, h)
		}
		col[h] = i + 1
	}
	for _, need := range csvColumns()[:3] {
		if col[need] == 0 {
			return nil, fmt.Errorf("wordfilter: rules line %d: no %q column (want a header: pattern,kind,action)", line, need)
		}
	}
	field := func(rec []string, name string) string {
		if i := col[name]; i > 0 && i <= len(rec) {
			return export.CSVUnsafe(strings.TrimSpace(rec[i-1]))
		}
		return ""
	}
	var rules []Rule
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rules, nil
		}
		if err != nil {
			return nil, fmt.Errorf("wordfilter: rules CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a line of spaces
		}
		r, err := ruleFromFields(int64(len(rules)+1), field(rec, "pattern"), field(rec, "kind"), field(rec, "action"),
			field(rec, "allow"), field(rec, "guideline"), field(rec, "scope"), field(rec, "enabled"))
		if err != nil {
			return nil, fmt.Errorf("wordfilter: rules line %d: %w", line, err)
		}
		rules = append(rules, r)
	}
}

func ruleFromFields(id int64, pattern, kind, action, allow, guideline, scope, enabled string) (Rule, error) {
	r := Rule{ID: id, Pattern: pattern, GuidelineID: guideline, Scope: scope, Enabled: true}
	if r.Scope == "" {
		r.Scope = ScopeSite
	}
	if pattern == "" {
		return r, errors.New("empty pattern")
	}
	var err error
	if r.Kind, err = ParseKind(kind); err != nil {
		return r, stripPrefix(err)
	}
	if r.Action, err = ParseAction(action); err != nil {
		return r, stripPrefix(err)
	}
	if r.Action == Allow {
		return r, errors.New("action allow: want block, hold, mask or flag")
	}
	for _, a := range strings.Split(allow, "|") {
		if a = strings.TrimSpace(a); a != "" {
			r.Allow = append(r.Allow, a)
		}
	}
	if enabled != "" {
		if r.Enabled, err = parseBool(enabled); err != nil {
			return r, err
		}
	}
	if err := ValidateRule(r); err != nil {
		return r, stripPrefix(err)
	}
	return r, nil
}

// stripPrefix drops the "wordfilter: " and "rule N (…): " prefixes, for
// errors that get a line number instead.
func stripPrefix(err error) error {
	s := strings.TrimPrefix(err.Error(), "wordfilter: ")
	if strings.HasPrefix(s, "rule ") {
		if i := strings.Index(s, "): "); i >= 0 {
			s = s[i+3:]
		}
	}
	return errors.New(s)
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "yes", "y", "on":
		return true, nil
	case "no", "n", "off":
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("enabled %q: want true or false", s)
	}
	return b, nil
}

// WriteCSV writes rules as CSV that ParseCSV reads back: all columns, allow
// exceptions joined with "|".
func WriteCSV(w io.Writer, rules []Rule) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns()); err != nil {
		return fmt.Errorf("wordfilter: write CSV: %w", err)
	}
	for _, r := range rules {
		for _, a := range r.Allow {
			if strings.Contains(a, "|") {
				return fmt.Errorf("wordfilter: write CSV: rule %d: allow entry %q contains \"|\"", r.ID, a)
			}
		}
		scope := r.Scope
		if scope == "" {
			scope = ScopeSite
		}
		// Text cells get the formula guard that export.CSVSafe gives
		// transcripts; ParseCSV takes it off again.
		rec := []string{export.CSVSafe(r.Pattern), r.Kind.String(), r.Action.String(), export.CSVSafe(strings.Join(r.Allow, "|")),
			export.CSVSafe(r.GuidelineID), scope, strconv.FormatBool(r.Enabled)}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("wordfilter: write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("wordfilter: write CSV: %w", err)
	}
	return nil
}

// ParseWordList reads a plain list, one word or phrase per line and no
// header, as enabled site rules with the given action: word rules, phrase
// rules for lines with spaces. Blank lines and lines starting with "#" are
// skipped; a byte-order mark, CRLF and surrounding spaces are tolerated.
func ParseWordList(r io.Reader, action Action) ([]Rule, error) {
	if action < Flag || action > Block {
		return nil, fmt.Errorf("wordfilter: word list: action %s: want block, hold, mask or flag", action)
	}
	sc := bufio.NewScanner(skipBOM(r))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	var rules []Rule
	for line := 1; sc.Scan(); line++ {
		w := strings.TrimSpace(sc.Text())
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		kind := KindWord
		if strings.ContainsAny(w, " \t") {
			kind = KindPhrase
		}
		rule := Rule{ID: int64(len(rules) + 1), Scope: ScopeSite, Pattern: w, Kind: kind, Action: action, Enabled: true}
		if err := ValidateRule(rule); err != nil {
			return nil, fmt.Errorf("wordfilter: word list line %d: %w", line, stripPrefix(err))
		}
		rules = append(rules, rule)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("wordfilter: word list: %w", err)
	}
	return rules, nil
}

// skipBOM drops a leading UTF-8 byte-order mark.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	return br
}
