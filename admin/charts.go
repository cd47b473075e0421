package admin

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// The charts are SVG written on the server: no script, no library, and they print.
// Colours are presentation attributes, which the Content-Security-Policy allows where
// inline styles are refused. Each chart is an image with a title and a description for
// screen readers, and the page shows its numbers in a table beside it.

// chartPalette colours the series, chosen to stay apart for common colour blindness.
var chartPalette = []string{"#2f6fed", "#e07b00", "#079455", "#c01574", "#6941c6", "#667085"} //nolint:gochecknoglobals // read-only table

type chartSeries struct {
	Name   string
	Values []float64
}

type chartBar struct {
	Label string
	Value float64
	Text  string // shown after the bar; the value when empty
}

const (
	chartW      = 720.0
	chartH      = 260.0
	chartLeft   = 44.0
	chartRight  = 12.0
	chartTop    = 34.0
	chartBottom = 36.0
)

func esc(s string) string { return template.HTMLEscapeString(s) }

// niceMax rounds a chart's top up so its four gridlines fall on round numbers: a
// multiple of 4 up to 8, else 1, 2 or 5 times a power of ten.
func niceMax(v float64) float64 {
	if v <= 8 {
		return math.Max(4, 4*math.Ceil(v/4))
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func svgOpen(b *strings.Builder, id, title, desc string, height float64) {
	fmt.Fprintf(b, `<svg class="chart" id="%s" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`,
		esc(id), chartW, height, esc(id), esc(id))
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

// lineChart draws one line per series over labels (the x axis), with a legend on top.
func lineChart(id, title, desc string, labels []string, series []chartSeries) template.HTML {
	var b strings.Builder
	svgOpen(&b, id, title, desc, chartH)
	top := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			top = math.Max(top, v)
		}
	}
	top = niceMax(top)
	plotW, plotH := chartW-chartLeft-chartRight, chartH-chartTop-chartBottom
	x := func(i int) float64 {
		if len(labels) <= 1 {
			return chartLeft + plotW/2
		}
		return chartLeft + plotW*float64(i)/float64(len(labels)-1)
	}
	y := func(v float64) float64 { return chartTop + plotH*(1-v/top) }
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#e4e7ec"/>`, chartLeft, chartW-chartRight, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="end" fill="#667085">%s</text>`, chartLeft-6, y(v)+4, fmtNum(v))
	}
	step := max(1, (len(labels)+7)/8)
	for i, l := range labels {
		if i%step == 0 || i == len(labels)-1 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" fill="#667085">%s</text>`, x(i), chartH-chartBottom+16, esc(l))
		}
	}
	lx := chartLeft
	for si, s := range series {
		color := chartPalette[si%len(chartPalette)]
		fmt.Fprintf(&b, `<rect x="%.1f" y="8" width="12" height="12" rx="2" fill="%s"/><text x="%.1f" y="18" font-size="12" fill="#1d2330">%s</text>`,
			lx, color, lx+16, esc(s.Name))
		lx += 28 + 7*float64(len(s.Name))
		pts := make([]string, 0, len(s.Values))
		for i, v := range s.Values {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		fmt.Fprintf(&b, `<polyline class="series" data-series="%s" fill="none" stroke="%s" stroke-width="2" points="%s"/>`,
			esc(s.Name), color, strings.Join(pts, " "))
		for i, v := range s.Values {
			if len(s.Values) <= 92 {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"><title>%s, %s: %s</title></circle>`,
					x(i), y(v), color, esc(labels[i]), esc(s.Name), fmtNum(v))
			}
		}
	}
	if len(series) == 0 {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="13" text-anchor="middle" fill="#667085">No messages in this range</text>`, chartW/2, chartH/2)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}

// barChart draws horizontal bars, one row per label.
func barChart(id, title, desc string, bars []chartBar) template.HTML {
	const row, labelW = 26.0, 170.0
	height := math.Max(60, 16+row*float64(len(bars)))
	var b strings.Builder
	svgOpen(&b, id, title, desc, height)
	top := 0.0
	for _, br := range bars {
		top = math.Max(top, br.Value)
	}
	top = niceMax(top)
	plotW := chartW - labelW - 70
	for i, br := range bars {
		y := 8 + row*float64(i)
		w := plotW * br.Value / top
		text := br.Text
		if text == "" {
			text = fmtNum(br.Value)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="end" fill="#1d2330">%s</text>`, labelW-8, y+13, esc(br.Label))
		fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="18" rx="3" fill="%s"><title>%s: %s</title></rect>`,
			labelW, y, math.Max(w, 1), chartPalette[i%len(chartPalette)], esc(br.Label), esc(text))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" fill="#1d2330">%s</text>`, labelW+math.Max(w, 1)+6, y+13, esc(text))
	}
	if len(bars) == 0 {
		fmt.Fprintf(&b, `<text x="%.1f" y="34" font-size="13" text-anchor="middle" fill="#667085">Nothing in this range</text>`, chartW/2)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}

// heatmap draws rows × columns of cells shaded by their count.
func heatmap(id, title, desc string, rows, cols []string, cells [][]int64) template.HTML {
	const labelW, headH = 40.0, 20.0
	cellW := (chartW - labelW - 4) / float64(len(cols))
	cellH := 22.0
	height := headH + cellH*float64(len(rows)) + 6
	var b strings.Builder
	svgOpen(&b, id, title, desc, height)
	var top int64
	for _, r := range cells {
		for _, n := range r {
			top = max(top, n)
		}
	}
	for j, c := range cols {
		if j%3 == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="14" font-size="11" text-anchor="middle" fill="#667085">%s</text>`, labelW+cellW*(float64(j)+0.5), esc(c))
		}
	}
	for i, r := range rows {
		y := headH + cellH*float64(i)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="end" fill="#1d2330">%s</text>`, labelW-6, y+15, esc(r))
		for j := range cols {
			n := cells[i][j]
			opacity := 0.0
			if top > 0 {
				opacity = 0.12 + 0.88*float64(n)/float64(top)
			}
			fill := "#2f6fed"
			if n == 0 {
				fill, opacity = "#f2f4f7", 1
			}
			fmt.Fprintf(&b, `<rect class="cell" x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="2" fill="%s" fill-opacity="%.2f"><title>%s %s: %d</title></rect>`,
				labelW+cellW*float64(j)+1, y+1, cellW-2, cellH-2, fill, opacity, esc(r), esc(cols[j]), n)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}
