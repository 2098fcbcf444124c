// Package xss holds the XSS payloads shared by the browser corpus test and the fuzz seeds. Each
// one, if it ever ran, would call the global trap Trap with its own
// number, so a test can tell which one got through. They cover script tags,
// event handlers, javascript: and data: URLs, SVG and MathML parsing tricks,
// attribute breaking, Markdown link tricks, CSS expressions and htmx's own
// attributes (hx-on runs code). It imports nothing, so pure packages can
// seed their fuzz targets with it.
package xss

// Trap is the name of the global function the payloads call.
const Trap = "__xss"

// Payloads is the corpus, shortest first within each family.
var Payloads = []string{
	`<script>__xss(1)</script>`,
	`<img src=x onerror=__xss(2)>`,
	`<svg onload=__xss(3)>`,
	`"><svg/onload=__xss(4)>`,
	`'><img src=x onerror=__xss(5)>`,
	`javascript:__xss(6)`,
	`[click](javascript:__xss(7))`,
	`<a href="javascript:__xss(8)">x</a>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=__xss(9)>`,
	`<iframe srcdoc="<script>parent.__xss(10)</script>">`,
	`<div style="width:expression(__xss(11));background:url(javascript:__xss(11))">x</div>`,
	`<details open ontoggle=__xss(12)>`,
	`{{constructor.constructor('__xss(13)')()}}`,
	`<b hx-on:htmx:load="__xss(14)" hx-get="/">x</b>`,
	`[x](data:text/html,<script>__xss(15)</script>)`,
	`<base href="javascript:__xss(16)//">`,
	`</textarea></title><script>__xss(17)</script>`,
	`<form><button formaction=javascript:__xss(18)>x</button></form>`,
	`<object data="javascript:__xss(19)"></object>`,
	`&lt;img src=x onerror=__xss(20)&gt;`,
	`<!--<img src="--><img src=x onerror=__xss(21)//">`,
	`<svg><a xlink:href="javascript:__xss(22)"><text>x</text></a></svg>`,
	`https://example.org/"onmouseover="__xss(23)"`,
	`http://x.org/<img/src=x/onerror=__xss(24)>`,
	`<img src=x onerror=&#95;&#95;xss(25)>`,
	`[a](JaVaScRiPt&#58;__xss(26))`,
	"<scr<script>ipt>__xss(27)</scr</script>ipt>",
	`<a href="jav&#x09;ascript:__xss(28)">x</a>`,
	`![x](x" onerror="__xss(29))`,
	`<noscript><p title="</noscript><img src=x onerror=__xss(30)>">`,
	`" onmouseover="__xss(31)" x="`,
	`' autofocus onfocus='__xss(32)`,
	"${__xss(33)}`;__xss(33)//",
}

// NamePayloads have no angle brackets (names refuse them) and fit in 40
// characters: they try to break out of an attribute or a script string.
var NamePayloads = []string{
	`" onmouseover="__xss(31)" x="`,
	`' autofocus onfocus='__xss(32)`,
	`javascript:__xss(6)`,
	"${__xss(33)}`;__xss(33)//",
}

// ShortPayloads fit fields with a small length limit (display names,
// titles, tags); each is under 40 bytes.
var ShortPayloads = []string{
	`<img src=x onerror=__xss(2)>`,
	`"><svg/onload=__xss(4)>`,
	`<script>__xss(1)</script>`,
	`'><img src=x onerror=__xss(5)>`,
	`javascript:__xss(6)`,
	`<details open ontoggle=__xss(12)>`,
}
