package views_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"backchannel/views"
)

func TestDMStandingNotice(t *testing.T) {
	until := time.Date(2026, 12, 9, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		d    views.DMWarningsNotice
		want []string
	}{
		{"nothing", views.DMWarningsNotice{}, nil},
		{"a warning", views.DMWarningsNotice{Warnings: []views.DMWarningLine{{Reason: "mind <your> words", Guideline: "G1", CreatedAt: until}}},
			[]string{"A moderator warned you", "mind &lt;your&gt; words", "G1"}},
		{"suspended", views.DMWarningsNotice{Suspended: true, SuspendedUntil: &until}, []string{"suspended", "Dec 9, 10:00 UTC"}},
		{"until lifted", views.DMWarningsNotice{Suspended: true}, []string{"until a moderator lifts it"}},
	} {
		var buf bytes.Buffer
		if err := views.DMStandingNotice(tc.d).Render(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		if tc.want == nil && buf.Len() != 0 {
			t.Errorf("%s: rendered %q", tc.name, buf.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%s: %q lacks %q", tc.name, buf.String(), w)
			}
		}
	}
}
