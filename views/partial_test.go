package views_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/a-h/templ"

	"backchannel/views"
)

func TestPartialOf(t *testing.T) {
	tests := []struct {
		name         string
		target, swap string
		body         []templ.Component
		want         string
	}{
		{"one child", "m-7", "outerHTML", []templ.Component{templ.Raw(`<p id="m-7">hi</p>`)},
			`<hx-partial hx-target="#m-7" hx-swap="outerHTML"><p id="m-7">hi</p></hx-partial>`},
		{"children in order", "staff-3", "upsert", []templ.Component{templ.Raw("<li>a</li>"), templ.Raw("<li>b</li>")},
			`<hx-partial hx-target="#staff-3" hx-swap="upsert"><li>a</li><li>b</li></hx-partial>`},
		{"no children", "t-9", "delete", nil, `<hx-partial hx-target="#t-9" hx-swap="delete"></hx-partial>`},
		{"swap with a space", "held-2", "upsert existing", nil,
			`<hx-partial hx-target="#held-2" hx-swap="upsert existing"></hx-partial>`},
		{"attribute values escaped", `x"><b`, "outerHTML", nil,
			`<hx-partial hx-target="#x&#34;&gt;&lt;b" hx-swap="outerHTML"></hx-partial>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := views.PartialOf(tt.target, tt.swap, tt.body...).Render(context.Background(), &buf); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Fatalf("rendered %s\nwant     %s", buf.String(), tt.want)
			}
		})
	}
}

// The children of one partial do not leak into components they render.
func TestPartialNested(t *testing.T) {
	var buf bytes.Buffer
	inner := views.PartialOf("b", "delete")
	if err := views.PartialOf("a", "outerHTML", inner).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	want := `<hx-partial hx-target="#a" hx-swap="outerHTML"><hx-partial hx-target="#b" hx-swap="delete"></hx-partial></hx-partial>`
	if buf.String() != want {
		t.Fatalf("rendered %s", buf.String())
	}
}
