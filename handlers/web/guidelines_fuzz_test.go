package web

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"backchannel/testenv/xss"
)

// unsafeURL is a URL scheme that runs code or carries a document.
var unsafeURL = regexp.MustCompile(`(?i)^\s*(javascript|vbscript|data):`)

// unsafeHTML returns what in s (as a browser would parse it) could run code:
// script-like elements, event-handler or htmx hx-on attributes, style, and
// links or sources with a code-running scheme; "" when none.
func unsafeHTML(s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "unparsable: " + err.Error()
	}
	var walk func(n *html.Node) string
	walk = func(n *html.Node) string {
		if n.Type == html.ElementNode {
			switch strings.ToLower(n.Data) {
			case "script", "iframe", "object", "embed", "base", "form", "style", "svg", "math", "meta", "link", "frame":
				return "element <" + n.Data + ">"
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(k, "on"), strings.HasPrefix(k, "hx-"), strings.HasPrefix(k, "data-hx"),
					k == "style", k == "srcdoc", k == "formaction":
					return "attribute " + a.Key + "=" + a.Val
				case (k == "href" || k == "src" || k == "action" || k == "xlink:href" || k == "data") && unsafeURL.MatchString(a.Val):
					return "URL " + a.Key + "=" + a.Val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if bad := walk(c); bad != "" {
				return bad
			}
		}
		return ""
	}
	for _, n := range nodes {
		if bad := walk(n); bad != "" {
			return bad
		}
	}
	return ""
}

func TestUnsafeHTMLSeesUnsafeMarkup(t *testing.T) {
	for _, s := range []string{`<script>x</script>`, `<img src=x onerror=y>`, `<a href=" JaVaScRiPt:x">`,
		`<b hx-on:click="x">`, `<p style="x">`, `<svg><a xlink:href="javascript:x">`} {
		if unsafeHTML(s) == "" {
			t.Errorf("unsafeHTML(%q) sees nothing", s)
		}
	}
	if bad := unsafeHTML(`<ul><li><strong>G1.</strong> Be kind <a href="https://x.org" rel="nofollow">x</a></li></ul>`); bad != "" {
		t.Errorf("safe markup reported: %s", bad)
	}
}

// FuzzRenderGuideline checks that whatever Markdown an admin writes, the
// guideline HTML that reaches templ.Raw holds nothing that could run code.
func FuzzRenderGuideline(f *testing.F) {
	for _, s := range []string{"", "G1. Be kind\nG2. No spam", "# Rules\n\n* one\n* **two**", "[link](https://example.org)",
		"<b>raw</b>", "```\n<script>\n```", "> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |", "[a]: javascript:x\n\n[a]"} {
		f.Add(s)
	}
	for _, p := range xss.Payloads {
		f.Add(p)
		f.Add("G1. " + p)
		f.Add("[" + p + "](https://example.org)")
	}
	f.Fuzz(func(t *testing.T, body string) {
		out := RenderGuideline(body)
		if bad := unsafeHTML(out); bad != "" {
			t.Fatalf("RenderGuideline(%q) = %q: %s", body, out, bad)
		}
	})
}
