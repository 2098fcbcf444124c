package views

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
)

// Chart is a bar chart of counts over time, drawn on the server as SVG.
type Chart struct {
	Title   string // the chart's <title>
	Summary string // the text alternative (aria-label and <desc>)
	Unit    string // what is counted, singular ("message")
	Units   string // plural ("messages")
	Size    time.Duration
	Bars    []ChartBar // every bucket in order, empty ones included
}

// ChartBar is one bucket: its start and count.
type ChartBar struct {
	Start time.Time
	Count int
}

// Chart geometry, in SVG user units (the chart scales to its container).
const (
	chartW, chartH          = 720, 260
	chartLeft, chartRight   = 48, 12
	chartTop, chartBottom   = 16, 44
	chartPlotW, chartPlotH  = chartW - chartLeft - chartRight, chartH - chartTop - chartBottom
	chartMaxXLabels         = 7
	chartMaxBarW            = 48.0
	chartMinBarGap, chartGp = 1.0, 0.2
)

// BarChart renders c as an accessible inline SVG: role="img" with a
// <title> and an aria-label carrying the text summary; one <rect
// class="bar"> per non-empty bucket (each with its own <title>), axes with
// labels. No script, no inline styles (colours come from transcripts.css).
func BarChart(c Chart) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, ChartSVG(c))
		return err
	})
}

// ChartSVG is the SVG markup of BarChart.
func ChartSVG(c Chart) string {
	var b strings.Builder
	maxCount := 0
	for _, bar := range c.Bars {
		maxCount = max(maxCount, bar.Count)
	}
	top := niceMax(maxCount)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" data-testid="chart">`,
		chartW, chartH, attr(c.Summary))
	fmt.Fprintf(&b, `<title id="chart-title">%s</title><desc id="chart-desc">%s</desc>`, text(c.Title), text(c.Summary))

	// Horizontal grid lines and y labels: 0, half, top.
	for _, v := range []int{0, top / 2, top} {
		if v == top/2 && (top < 2 || top%2 != 0) {
			continue
		}
		y := chartTop + chartPlotH - float64(v)/float64(top)*chartPlotH
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%s" x2="%d" y2="%s"/>`, chartLeft, num(y), chartW-chartRight, num(y))
		fmt.Fprintf(&b, `<text class="axis-label" x="%d" y="%s" text-anchor="end" dominant-baseline="middle">%d</text>`, chartLeft-6, num(y), v)
	}
	n := len(c.Bars)
	slot := float64(chartPlotW)
	if n > 0 {
		slot = float64(chartPlotW) / float64(n)
	}
	gap := max(chartMinBarGap, slot*chartGp)
	width := min(max(slot-gap, 1), chartMaxBarW)
	gap = slot - width // a few buckets: narrow bars centred in their slots
	b.WriteString(`<g class="bars">`)
	for i, bar := range c.Bars {
		if bar.Count == 0 {
			continue
		}
		h := float64(bar.Count) / float64(top) * chartPlotH
		x := chartLeft + float64(i)*slot + gap/2
		y := chartTop + chartPlotH - h
		label := fmt.Sprintf("%s–%s UTC: %s", bar.Start.UTC().Format("15:04"), bar.Start.Add(c.Size).UTC().Format("15:04"),
			countOf(bar.Count, c.Unit, c.Units))
		fmt.Fprintf(&b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" data-count="%d"><title>%s</title></rect>`,
			num(x), num(y), num(width), num(h), bar.Count, text(label))
	}
	b.WriteString(`</g>`)
	// Axes.
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartLeft, chartTop+chartPlotH, chartW-chartRight, chartTop+chartPlotH)
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartLeft, chartTop, chartLeft, chartTop+chartPlotH)
	// X labels: at most chartMaxXLabels bucket starts, evenly spread.
	if n > 0 {
		step := (n + chartMaxXLabels - 1) / chartMaxXLabels
		for i := 0; i < n; i += step {
			x := chartLeft + float64(i)*slot + slot/2
			fmt.Fprintf(&b, `<text class="axis-label" x="%s" y="%d" text-anchor="middle">%s</text>`,
				num(x), chartTop+chartPlotH+18, c.Bars[i].Start.UTC().Format("15:04"))
		}
	}
	fmt.Fprintf(&b, `<text class="axis-title" x="%d" y="%d" text-anchor="middle">Time (UTC), %s per bar</text>`,
		chartLeft+chartPlotW/2, chartH-6, text(durationLabel(c.Size)))
	fmt.Fprintf(&b, `<text class="axis-title" x="12" y="%d" text-anchor="middle" transform="rotate(-90 12 %d)">%s</text>`,
		chartTop+chartPlotH/2, chartTop+chartPlotH/2, text(capitalize(c.Units)))
	b.WriteString(`</svg>`)
	return b.String()
}

// niceMax rounds the top of the y axis up to an even number (1 for none).
func niceMax(n int) int {
	switch {
	case n <= 1:
		return 1
	case n%2 == 1:
		return n + 1
	}
	return n
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func text(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func attr(s string) string { return text(s) }

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func durationLabel(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		return countOf(int(d/time.Hour), "hour", "hours")
	}
	return countOf(int(d/time.Minute), "minute", "minutes")
}
