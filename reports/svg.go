package reports

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// svg builds an inline SVG document. Every text goes through html escaping,
// so the result is safe to embed as template.HTML.
type svg struct {
	b strings.Builder
}

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func newSVG(w, h int, label string) *svg {
	s := &svg{}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`, w, h, w, h, html.EscapeString(label))
	return s
}

func (s *svg) raw(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

func (s *svg) text(x, y float64, anchor, class, t string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" class="%s">%s</text>`, f1(x), f1(y), anchor, class, html.EscapeString(t))
}

func (s *svg) line(x1, y1, x2, y2 float64, class string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" class="%s"/>`, f1(x1), f1(y1), f1(x2), f1(y2), class)
}

func (s *svg) html() template.HTML {
	return template.HTML(s.b.String() + "</svg>")
}

// seriesColours are distinguishable colours for up to eight runs (cycled).
var seriesColours = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"}

func colour(i int) string { return seriesColours[i%len(seriesColours)] }

// series is one run's points: Y are proportions (NaN: no point); Lo/Hi
// optional whiskers.
type series struct {
	Name   string
	Y      []float64
	Lo, Hi []float64
}

// frame is the plotting area of a chart with a 0–100 % y axis.
type frame struct {
	s                 *svg
	left, top, pw, ph float64
	width, height     int
	xLabel, yLabel    string
	categories        []string
	continuous        bool // x in [0, 1] instead of categories
	legend            int  // legend entries drawn
}

func newFrame(title, xLabel, yLabel string, categories []string, nSeries int) *frame {
	f := &frame{width: 640, height: 300 + 18*nSeries, left: 56, top: 30, pw: 560, ph: 220, xLabel: xLabel, yLabel: yLabel, categories: categories}
	f.s = newSVG(f.width, f.height, title)
	f.axes()
	return f
}

func (f *frame) y(v float64) float64 { return f.top + f.ph*(1-v) }

// x returns the position of category i (or of a value in [0, 1]).
func (f *frame) x(i float64) float64 {
	if f.continuous {
		return f.left + f.pw*i
	}
	n := float64(len(f.categories))
	return f.left + f.pw*(i+0.5)/n
}

func (f *frame) axes() {
	s := f.s
	s.raw(`<rect x="0" y="0" width="%d" height="%d" class="bg"/>`, f.width, f.height)
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		y := f.y(v)
		s.line(f.left, y, f.left+f.pw, y, "grid")
		s.text(f.left-6, y+4, "end", "tick", fmt.Sprintf("%d%%", int(100*v)))
	}
	s.line(f.left, f.top+f.ph, f.left+f.pw, f.top+f.ph, "axis")
	s.line(f.left, f.top, f.left, f.top+f.ph, "axis")
	s.text(f.left+f.pw/2, f.top+f.ph+34, "middle", "label", f.xLabel)
	s.raw(`<text x="14" y="%s" text-anchor="middle" class="label" transform="rotate(-90 14 %s)">%s</text>`,
		f1(f.top+f.ph/2), f1(f.top+f.ph/2), html.EscapeString(f.yLabel))
}

func (f *frame) xTicks() {
	if f.continuous {
		for _, v := range []float64{0, 0.2, 0.4, 0.6, 0.8, 1} {
			f.s.text(f.x(v), f.top+f.ph+16, "middle", "tick", f1(v))
		}
		return
	}
	step := max(1, (len(f.categories)+15)/16) // at most 16 labels
	for i, c := range f.categories {
		if i%step == 0 || i == len(f.categories)-1 {
			f.s.text(f.x(float64(i)), f.top+f.ph+16, "middle", "tick", c)
		}
	}
}

func (f *frame) legendEntry(i int, name string) {
	y := f.top + f.ph + 52 + float64(f.legend)*18
	f.s.raw(`<rect x="%s" y="%s" width="12" height="12" fill="%s"/>`, f1(f.left), f1(y-10), colour(i))
	f.s.text(f.left+18, y, "start", "legend", name)
	f.legend++
}

// lineChart draws one polyline with markers per series over categories.
func lineChart(title, xLabel, yLabel string, categories []string, ss []series) template.HTML {
	f := newFrame(title, xLabel, yLabel, categories, len(ss))
	f.xTicks()
	for i, se := range ss {
		var pts []string
		for j, v := range se.Y {
			if math.IsNaN(v) {
				continue
			}
			pts = append(pts, f1(f.x(float64(j)))+","+f1(f.y(v)))
		}
		f.s.raw(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), colour(i))
		for j, v := range se.Y {
			if math.IsNaN(v) {
				continue
			}
			if j < len(se.Lo) && !math.IsNaN(se.Lo[j]) {
				f.s.raw(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, f1(f.x(float64(j))), f1(f.y(se.Lo[j])), f1(f.x(float64(j))), f1(f.y(se.Hi[j])), colour(i))
			}
			f.s.raw(`<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s: %s %s</title></circle>`, f1(f.x(float64(j))), f1(f.y(v)), colour(i),
				html.EscapeString(se.Name), html.EscapeString(categories[j]), pct(v))
		}
		f.legendEntry(i, se.Name)
	}
	return f.s.html()
}

// barChart draws grouped bars (one per series in each category) with
// whiskers for the intervals.
func barChart(title, xLabel, yLabel string, categories []string, ss []series) template.HTML {
	f := newFrame(title, xLabel, yLabel, categories, len(ss))
	f.xTicks()
	slot := f.pw / float64(len(categories))
	bw := slot * 0.8 / float64(max(1, len(ss)))
	for i, se := range ss {
		for j, v := range se.Y {
			if math.IsNaN(v) {
				continue
			}
			x := f.left + slot*float64(j) + slot*0.1 + bw*float64(i)
			f.s.raw(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" opacity="0.85"><title>%s: %s %s</title></rect>`,
				f1(x), f1(f.y(v)), f1(bw), f1(f.y(0)-f.y(v)), colour(i), html.EscapeString(se.Name), html.EscapeString(categories[j]), pct(v))
			if j < len(se.Lo) && !math.IsNaN(se.Lo[j]) {
				cx := x + bw/2
				f.s.line(cx, f.y(se.Lo[j]), cx, f.y(se.Hi[j]), "whisker")
			}
		}
		f.legendEntry(i, se.Name)
	}
	return f.s.html()
}

// calibPoint is one bin of a calibration plot.
type calibPoint struct {
	Conf, Acc float64
	N         int
}

// calibrationChart plots observed accuracy against mean predicted
// probability per bin, with the diagonal of perfect calibration.
func calibrationChart(title string, names []string, bins [][]calibPoint) template.HTML {
	f := newFrame(title, "mean sigmoid(q_halt) in the bin", "observed exact accuracy", nil, len(names))
	f.continuous = true
	f.xTicks()
	f.s.line(f.x(0), f.y(0), f.x(1), f.y(1), "diag")
	for i, bs := range bins {
		var pts []string
		for _, b := range bs {
			pts = append(pts, f1(f.x(b.Conf))+","+f1(f.y(b.Acc)))
		}
		f.s.raw(`<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5"/>`, strings.Join(pts, " "), colour(i))
		for _, b := range bs {
			r := 2 + math.Min(6, math.Sqrt(float64(b.N))/3)
			f.s.raw(`<circle cx="%s" cy="%s" r="%s" fill="%s" fill-opacity="0.7"><title>%s: confidence %s, accuracy %s, n=%d</title></circle>`,
				f1(f.x(b.Conf)), f1(f.y(b.Acc)), f1(r), colour(i), html.EscapeString(names[i]), f1(100*b.Conf)+"%", pct(b.Acc), b.N)
		}
		f.legendEntry(i, names[i])
	}
	return f.s.html()
}

// arcPalette is the ARC colour palette for 0–9.
var arcPalette = [10]string{"#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00", "#AAAAAA", "#F012BE", "#FF851B", "#7FDBFF", "#870C25"}

// gridSVG draws an ARC grid in the palette, at most about 120 px on a side.
func gridSVG(g [][]int, label string) template.HTML {
	h, w := len(g), 0
	for _, row := range g {
		w = max(w, len(row))
	}
	if h == 0 || w == 0 {
		s := newSVG(60, 60, label+": no grid")
		s.raw(`<rect x="0" y="0" width="60" height="60" class="nogrid"/>`)
		s.text(30, 34, "middle", "tick", "no grid")
		return s.html()
	}
	cell := max(3, min(14, 120/max(h, w)))
	W, H := w*cell+1, h*cell+1
	s := newSVG(W, H, fmt.Sprintf("%s: %d×%d grid", label, h, w))
	s.raw(`<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`, W, H)
	// Runs of equal colour in a row are one rect; the cell lines are drawn
	// over them as one path.
	for r, row := range g {
		for c := 0; c < len(row); {
			e := c + 1
			for e < len(row) && row[e] == row[c] {
				e++
			}
			col := "#ffffff" // not an ARC colour (e.g. PAD): white
			if v := row[c]; v >= 0 && v < 10 {
				col = arcPalette[v]
			}
			s.raw(`<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, c*cell, r*cell, (e-c)*cell+1, cell+1, col)
			c = e
		}
	}
	var p strings.Builder
	for r := 0; r <= h; r++ {
		fmt.Fprintf(&p, "M0 %s H%d", f1(float64(r*cell)+0.5), W)
	}
	for c := 0; c <= w; c++ {
		fmt.Fprintf(&p, "M%s 0 V%d", f1(float64(c*cell)+0.5), H)
	}
	s.raw(`<path d="%s" stroke="#555" stroke-width="1" fill="none"/>`, p.String())
	return s.html()
}
