package reports

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestHTMLGolden(t *testing.T) {
	rep := fixtureReport(t)
	page := render(t, func(b *bytes.Buffer) error { return WriteHTML(b, rep, fixtureHTMLOptions(rep)) })
	golden(t, "report.html", page)
	again := render(t, func(b *bytes.Buffer) error { return WriteHTML(b, fixtureReport(t), fixtureHTMLOptions(rep)) })
	if !bytes.Equal(page, again) {
		t.Error("two renderings of the same runs differ")
	}
	s := string(page)
	for _, want := range []string{
		"Content-Security-Policy", "SUBSET", "Accuracy vs supervision step", "ARC: pass@K", "ARC: accuracy vs number of views",
		"Halting calibration", "Sudoku: accuracy by rating bucket", "Maze: accuracy by shortest-path length", "ARC gallery",
		"Run provenance", "Table 5: ARC-AGI", `fill="#0074D9"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Self-contained: no scripts, no external references.
	for _, bad := range []*regexp.Regexp{regexp.MustCompile(`<script`), regexp.MustCompile(`(?i)(src|href)="(https?:)?//`), regexp.MustCompile(`@import|url\(`)} {
		if bad.MatchString(s) {
			t.Errorf("page matches %v", bad)
		}
	}
}

func TestHTMLWithoutGrids(t *testing.T) {
	rep := fixtureReport(t)
	page := string(render(t, func(b *bytes.Buffer) error {
		return WriteHTML(b, rep, HTMLOptions{Gallery: 2, GridsNote: "data root data does not hold it; pass --data"})
	}))
	if !strings.Contains(page, "the run record holds the attempts only") || !strings.Contains(page, "pass --data") {
		t.Error("no note about the missing grids")
	}
	if n := strings.Count(page, `aria-label="t`); n != 2*2*2 { // 2 runs × 2 inputs × 2 attempts
		t.Errorf("%d grids drawn, want 8 attempts", n)
	}
	// Without runs that differ in views, the views plot explains itself.
	one := &Report{Options: rep.Options, Runs: rep.Runs[:1]}
	page = string(render(t, func(b *bytes.Buffer) error { return WriteHTML(b, one, HTMLOptions{Gallery: -1}) }))
	if !strings.Contains(page, "cannot be re-voted with fewer views") || strings.Contains(page, "ARC gallery") {
		t.Error("views note missing or gallery drawn with Gallery -1")
	}
}
