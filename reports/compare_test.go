package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	gstat "gonum.org/v1/gonum/stat"

	"arceval/reports/stats"
)

func mustCompare(t *testing.T, a, b []*Run) *Comparison {
	t.Helper()
	c, err := Compare(a, b, fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Sudoku runs: B is A with 12 puzzles flipped (9 to solved, 3 to unsolved).
func sudokuPair() (*Run, *Run) {
	a := boardRun("sudoku-a.jsonl", "sudoku", sha('c'), 0.75, 3, nil, 0)
	flips := map[int]bool{}
	up, down := 0, 0
	for i, it := range a.Items {
		if !it.Solved() && up < 9 {
			flips[i], up = true, up+1
		} else if it.Solved() && down < 3 && i%5 == 0 {
			flips[i], down = true, down+1
		}
	}
	return a, boardRun("sudoku-b.jsonl", "sudoku", sha('e'), 0.75, 3, flips, 0)
}

func TestCompareGolden(t *testing.T) {
	a, b := sudokuPair()
	sud := mustCompare(t, []*Run{a}, []*Run{b})
	arc := mustCompare(t, []*Run{arcRun("arc-a.jsonl", sha('a'), 0.35, 10, 1)}, []*Run{arcRun("arc-b.jsonl", sha('b'), 0.45, 10, 2)})
	seeds := mustCompare(t,
		[]*Run{boardRun("a-s1.jsonl", "maze", sha('1'), 0.8, 1, nil, 0), boardRun("a-s2.jsonl", "maze", sha('2'), 0.8, 2, nil, 0), boardRun("a-s3.jsonl", "maze", sha('3'), 0.8, 3, nil, 0)},
		[]*Run{boardRun("b-s1.jsonl", "maze", sha('4'), 0.9, 1, nil, 0), boardRun("b-s2.jsonl", "maze", sha('5'), 0.9, 2, nil, 0)})
	arcSeeds := mustCompare(t,
		[]*Run{arcRun("arc-a1.jsonl", sha('a'), 0.35, 10, 1), arcRun("arc-a2.jsonl", sha('b'), 0.35, 10, 2)},
		[]*Run{arcRun("arc-b1.jsonl", sha('c'), 0.5, 10, 3), arcRun("arc-b2.jsonl", sha('d'), 0.5, 10, 4)})
	for _, tc := range []struct {
		name  string
		c     *Comparison
		f     Format
		flips bool
	}{
		{"compare_sudoku.text", sud, Text, false},
		{"compare_sudoku.markdown", sud, Markdown, false},
		{"compare_sudoku.csv", sud, CSV, false},
		{"compare_sudoku.json", sud, JSON, false},
		{"compare_sudoku_flips.text", sud, Text, true},
		{"compare_sudoku_flips.csv", sud, CSV, true},
		{"compare_arc.text", arc, Text, false},
		{"compare_arc.json", arc, JSON, true},
		{"compare_seeds.text", seeds, Text, false},
		{"compare_arc_seeds.text", arcSeeds, Text, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, render(t, func(b *bytes.Buffer) error { return tc.c.Write(b, tc.f, tc.flips) }))
		})
	}
}

func TestCompareStatistics(t *testing.T) {
	a, b := sudokuPair()
	c := mustCompare(t, []*Run{a}, []*Run{b})
	exact := c.Rows[0]
	t.Run("mcnemar", func(t *testing.T) {
		// 3 lost, 9 gained: exact McNemar p = 2·P(X ≤ 3), X ~ Bin(12, ½) = 2·299/4096.
		want := 2 * 299.0 / 4096
		if exact.Metric != "exact" || math.Abs(exact.P-want) > 1e-12 || exact.Sig {
			t.Errorf("exact: %+v, want p = %v and not significant", exact, want)
		}
		if math.Abs(exact.Delta.Value-6.0/120) > 1e-12 || !(exact.Delta.Lo < 0.05 && 0.05 < exact.Delta.Hi) {
			t.Errorf("delta %+v, want +0.05 inside its interval", exact.Delta)
		}
		if len(c.Flips) != 12 {
			t.Errorf("%d flips, want 12", len(c.Flips))
		}
		gained := 0
		for _, f := range c.Flips {
			gained += b2i(f.Gained())
		}
		if gained != 9 {
			t.Errorf("%d gained, want 9", gained)
		}
	})
	t.Run("swap mirrors", func(t *testing.T) {
		s := mustCompare(t, []*Run{b}, []*Run{a})
		d := exact.Delta
		mirror := Estimate{Value: -d.Value, Lo: -d.Hi, Hi: -d.Lo, Method: d.Method}
		if diff := cmp.Diff(mirror, s.Rows[0].Delta, cmpopts.EquateApprox(0, 1e-9)); diff != "" || s.Rows[0].P != exact.P {
			t.Errorf("swapped p %v, original %v; delta (-mirrored +swapped):\n%s", s.Rows[0].P, exact.P, diff)
		}
	})
	t.Run("identical runs", func(t *testing.T) {
		s := mustCompare(t, []*Run{a}, []*Run{a})
		for _, r := range s.Rows {
			if r.P != 1 || r.Delta.Value != 0 || r.Sig {
				t.Errorf("%s: %+v", r.Metric, r)
			}
		}
	})
	t.Run("arc task-macro is the paired bootstrap", func(t *testing.T) {
		ra, rb := arcRun("a", sha('a'), 0.35, 10, 1), arcRun("b", sha('b'), 0.45, 10, 2)
		c := mustCompare(t, []*Run{ra}, []*Run{rb})
		ta := taskResults(ra.Header, ra.Items, func(it resultsItem) bool { return it.Solved() })
		tb := taskResults(rb.Header, rb.Items, func(it resultsItem) bool { return it.Solved() })
		want, err := stats.BootstrapPaired(ta, tb, fixtureOptions().withDefaults().boot())
		if err != nil {
			t.Fatal(err)
		}
		r := c.Rows[0]
		if r.Metric != "task-macro" || r.P != want.P || r.Delta.Value != want.Delta.Value || r.Delta.Lo != want.Delta.CI.Lo {
			t.Errorf("row %+v, bootstrap %+v", r, want)
		}
		if math.Abs(r.A.Value-ra.Summary.TaskMacro) > 1e-12 || math.Abs(r.B.Value-rb.Summary.TaskMacro) > 1e-12 {
			t.Errorf("A %v B %v, scores %v %v", r.A.Value, r.B.Value, ra.Summary.TaskMacro, rb.Summary.TaskMacro)
		}
	})
	t.Run("seeds: mean ± sd", func(t *testing.T) {
		runs := []*Run{boardRun("1", "maze", sha('1'), 0.8, 1, nil, 0), boardRun("2", "maze", sha('2'), 0.8, 2, nil, 0), boardRun("3", "maze", sha('3'), 0.8, 3, nil, 0)}
		c := mustCompare(t, runs, runs[:1])
		var accs []float64
		for _, r := range runs {
			accs = append(accs, r.Summary.Exact)
		}
		m, sd := gstat.MeanStdDev(accs, nil) // an independent implementation
		r := c.Rows[0]
		if math.Abs(r.A.Value-m) > 1e-12 || math.Abs(r.ASD-sd) > 1e-12 || !math.IsNaN(r.BSD) || r.B.Value != runs[0].Summary.Exact {
			t.Errorf("row %+v, want A %v ± %v", r, m, sd)
		}
		if math.Abs(r.Delta.Value-(r.B.Value-r.A.Value)) > 1e-12 {
			t.Errorf("delta %v, B − A %v", r.Delta.Value, r.B.Value-r.A.Value)
		}
	})
	t.Run("shared items only", func(t *testing.T) {
		short := boardRun("short", "sudoku", sha('c'), 0.75, 3, nil, 20)
		c, err := Compare([]*Run{a}, []*Run{short}, fixtureOptions())
		if err != nil {
			t.Fatal(err)
		}
		if c.Shared != 100 || len(c.Warnings) == 0 || !strings.Contains(strings.Join(c.Warnings, "\n"), "20 test input(s)") {
			t.Errorf("shared %d, warnings %q", c.Shared, c.Warnings)
		}
	})
	t.Run("different sets", func(t *testing.T) {
		if _, err := Compare([]*Run{a}, []*Run{boardRun("m", "maze", sha('d'), 0.9, 4, nil, 0)}, fixtureOptions()); err == nil {
			t.Error("compared a Sudoku run with a Maze run")
		}
	})
}

// flipCorrect returns a copy of r with n of its solved items made wrong.
func flipCorrect(r *Run, name string, n int) *Run {
	items := cloneItems(r.Items)
	for i := range items {
		if n == 0 {
			break
		}
		if items[i].Solved() {
			for a := range items[i].Attempts {
				items[i].Attempts[a].Correct = false
			}
			n--
		}
	}
	out, err := NewRun(name, r.Header, items)
	if err != nil {
		panic(err)
	}
	return out
}

func TestCheck(t *testing.T) {
	base := boardRun("base.jsonl", "sudoku", sha('c'), 0.75, 3, nil, 0)
	gate := func(run *Run, maxDrop float64) *CheckResult {
		t.Helper()
		res, err := Check(base, run, maxDrop, fixtureOptions())
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	t.Run("same run passes", func(t *testing.T) {
		if r := gate(base, 0); !r.Pass() || !strings.HasPrefix(r.Reason, "ok:") {
			t.Errorf("%s", r.Reason)
		}
	})
	t.Run("big drop fails", func(t *testing.T) {
		r := gate(flipCorrect(base, "worse.jsonl", 20), 0.01)
		if r.Pass() || !strings.HasPrefix(r.Reason, "FAIL:") || math.Abs(r.Verdict.Drop-20.0/120) > 1e-12 {
			t.Errorf("%s %+v", r.Reason, r.Verdict)
		}
		golden(t, "check_fail.text", render(t, func(b *bytes.Buffer) error { return r.Write(b, Text) }))
		golden(t, "check_fail.json", render(t, func(b *bytes.Buffer) error { return r.Write(b, JSON) }))
		j := render(t, func(b *bytes.Buffer) error { return WriteJUnit(b, "worse vs base", r, nil) })
		golden(t, "check_fail.junit.xml", j)
		var doc struct {
			Failures int `xml:"failures,attr"`
		}
		if err := xml.Unmarshal(j, &doc); err != nil || doc.Failures != 1 {
			t.Errorf("junit: %v, failures %d", err, doc.Failures)
		}
	})
	t.Run("large but insignificant drop passes", func(t *testing.T) {
		r := gate(flipCorrect(base, "slightly.jsonl", 2), 0.01)
		if !r.Pass() || !strings.Contains(r.Reason, "not significantly") {
			t.Errorf("%s", r.Reason)
		}
		golden(t, "check_pass.text", render(t, func(b *bytes.Buffer) error { return r.Write(b, Text) }))
		golden(t, "check_pass.junit.xml", render(t, func(b *bytes.Buffer) error { return WriteJUnit(b, "slightly vs base", r, nil) }))
	})
	t.Run("missing records count wrong", func(t *testing.T) {
		short := boardRun("short.jsonl", "sudoku", sha('c'), 0.75, 3, nil, 40) // the hardest 40 gone
		r := gate(short, 0.01)
		lost := 0
		for _, it := range base.Items[80:] {
			lost += b2i(it.Solved())
		}
		if math.Abs(r.Verdict.Drop-float64(lost)/120) > 1e-12 || !strings.Contains(r.Reason, "40 missing in short.jsonl") {
			t.Errorf("drop %v, want %d/120; %s", r.Verdict.Drop, lost, r.Reason)
		}
	})
	t.Run("arc uses tasks", func(t *testing.T) {
		a := arcRun("a.jsonl", sha('a'), 0.45, 10, 1)
		r, err := Check(a, flipCorrect(a, "b.jsonl", 6), 0.01, fixtureOptions())
		if err != nil {
			t.Fatal(err)
		}
		want := a.Summary.TaskMacro - r.Run.Summary.TaskMacro
		if r.Metric != "task-macro" || r.Unit != "tasks" || r.N != 20 || math.Abs(r.Verdict.Drop-want) > 1e-12 {
			t.Errorf("%+v, want drop %v", r, want)
		}
	})
	t.Run("unusable input", func(t *testing.T) {
		for name, run := range map[string]*Run{
			"other set":       boardRun("m.jsonl", "maze", sha('d'), 0.9, 4, nil, 0),
			"other selection": withHeader(base, func(h *resultsHeader) { h.Subset, h.TestInputs, h.Tasks = "first 100", 100, 100 }),
			"shard":           withHeader(base, func(h *resultsHeader) { h.Shard = "1/2" }),
		} {
			_, err := Check(base, run, 0.01, fixtureOptions())
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Errorf("%s: err %v, want an InputError", name, err)
			}
		}
		j := render(t, func(b *bytes.Buffer) error {
			return WriteJUnit(b, "x vs y", nil, &InputError{"baseline and run select different test inputs"})
		})
		golden(t, "check_error.junit.xml", j)
	})
}

// Runs on the same content compare whatever path the set was read from (a
// raw set and the build's test split record the same digest); other
// content does not.
func TestCompareSameSetByContent(t *testing.T) {
	a := arcRun("raw.jsonl", sha('a'), 0.35, 10, 1)
	b := withHeader(arcRun("built.jsonl", sha('b'), 0.45, 10, 2), func(h *resultsHeader) {
		h.Set, h.Fingerprint = "arc1concept-aug-1000/test", "0000000000000000"
	})
	c := mustCompare(t, []*Run{a}, []*Run{b})
	for _, w := range c.Warnings {
		if strings.Contains(w, "fingerprints differ") {
			t.Errorf("warning across representations: %s", w)
		}
	}
	other := withHeader(b, func(h *resultsHeader) {
		p := *h.Protocol
		p.SetHash = "ffffffffffffffff"
		h.Protocol = &p
	})
	if _, err := Compare([]*Run{a}, []*Run{other}, fixtureOptions()); err == nil || !strings.Contains(err.Error(), "same set") {
		t.Errorf("other content compared: %v", err)
	}
	old := withHeader(b, func(h *resultsHeader) { h.Protocol = nil })
	if _, err := Compare([]*Run{a}, []*Run{old}, fixtureOptions()); err == nil {
		t.Error("a run without a protocol on another path compared")
	}
}
