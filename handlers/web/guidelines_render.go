package web

import (
	"bytes"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/views"
)

// RenderGuideline turns a guideline's Markdown into sanitised HTML: rule
// lines ("G3. No personal attacks") become list items with the id in bold,
// goldmark renders (raw HTML omitted), and bluemonday's UGC policy removes
// anything unsafe that is left (scripts, event handlers, javascript: links).
// Only its result may reach templ.Raw.
func RenderGuideline(body string) string {
	var md strings.Builder
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if r, ok := chat.ParseRule(line); ok {
			md.WriteString("- **" + r.ID + ".** " + r.Text + "\n")
			continue
		}
		md.WriteString(line + "\n")
	}
	var buf bytes.Buffer
	if err := goldmark.Convert([]byte(md.String()), &buf); err != nil {
		return ""
	}
	return bluemonday.UGCPolicy().Sanitize(buf.String())
}

// GuidelineVersion is the view of one stored version.
func GuidelineVersion(g *model.Guideline) views.GuidelineVersion {
	v := views.GuidelineVersion{ID: g.ID, Version: g.Version, Title: g.Title, Material: g.Material,
		Created: g.CreatedAt, Rules: len(chat.ParseRules(g.Body))}
	if g.Body != "" {
		v.HTML = RenderGuideline(g.Body)
	}
	return v
}

// APIGuideline is a guideline version in the JSON API.
func APIGuideline(g *model.Guideline) map[string]any {
	rules := []map[string]string{}
	for _, r := range chat.ParseRules(g.Body) {
		rules = append(rules, map[string]string{"id": r.ID, "text": r.Text})
	}
	return map[string]any{"id": g.ID, "scope": g.Scope, "version": g.Version, "title": g.Title, "body": g.Body,
		"material": g.Material, "created_at": g.CreatedAt, "rules": rules, "html": RenderGuideline(g.Body)}
}
