package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"backchannel/views"
)

// maxChangeValue is how many characters of one value a change shows.
const maxChangeValue = 160

// AuditChanges reads an audit entry's before and after as the fields that
// changed: for two JSON objects, each field whose value differs; for one
// object alone (something made or removed), its fields that hold a value;
// otherwise the two texts as one change with no field name.
func AuditChanges(before, after string) []views.AuditChange {
	b, bok := jsonObject(before)
	a, aok := jsonObject(after)
	switch {
	case bok && aok:
	case bok && after == "":
		a = map[string]json.RawMessage{}
	case aok && before == "":
		b = map[string]json.RawMessage{}
	default:
		if before == "" && after == "" {
			return nil
		}
		return []views.AuditChange{{Before: shorten(textOf(json.RawMessage(before))), After: shorten(textOf(json.RawMessage(after)))}}
	}
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out, books []views.AuditChange
	for _, k := range keys {
		bv, av := textOf(b[k]), textOf(a[k])
		if bv == av {
			continue
		}
		c := views.AuditChange{Field: k, Before: shorten(bv), After: shorten(av)}
		if bookkeeping(k) {
			books = append(books, c)
			continue
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return books
	}
	return out
}

// bookkeeping are fields every record carries; a change lists them only
// when nothing else changed.
func bookkeeping(field string) bool {
	switch field {
	case "id", "created_at", "updated_at", "created_by", "channel_id", "last_seq":
		return true
	}
	return false
}

func jsonObject(s string) (map[string]json.RawMessage, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, false
	}
	return m, true
}

// textOf is a JSON value as a person reads it: strings unquoted, null,
// empty strings, empty lists and objects as nothing, the rest compact JSON.
// Text that is not JSON is kept as it is.
func textOf(v json.RawMessage) string {
	t := bytes.TrimSpace(v)
	if len(t) == 0 || !json.Valid(t) {
		return string(v)
	}
	var s string
	if json.Unmarshal(t, &s) == nil {
		return s
	}
	switch string(t) {
	case "null", "[]", "{}":
		return ""
	}
	var c bytes.Buffer
	if json.Compact(&c, t) != nil {
		return string(t)
	}
	return c.String()
}

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxChangeValue {
		return s
	}
	r := []rune(s)
	return fmt.Sprintf("%s… (%d characters)", string(r[:maxChangeValue]), len(r))
}
