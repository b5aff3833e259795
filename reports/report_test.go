package reports

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"arceval/reports/paper"
)

func mustPaper(rep *Report) *PaperReport {
	ref, err := paper.Load()
	if err != nil {
		panic(err)
	}
	p, err := NewPaperReport(rep.runs(), ref, rep.Options)
	if err != nil {
		panic(err)
	}
	return p
}

func render(t *testing.T, write func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReportGolden(t *testing.T) {
	rep := fixtureReport(t)
	for _, f := range []Format{Text, Markdown, CSV, JSON} {
		t.Run(string(f), func(t *testing.T) {
			golden(t, "report."+string(f), render(t, func(b *bytes.Buffer) error { return rep.Write(b, f) }))
		})
	}
	t.Run("json is valid", func(t *testing.T) {
		var v struct {
			Runs []struct {
				Subset   string
				Headline struct {
					Value float64
					Lo    *float64 `json:"ci_lo"`
				}
			}
		}
		if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return rep.Write(b, JSON) }), &v); err != nil {
			t.Fatal(err)
		}
		if len(v.Runs) != 4 || v.Runs[0].Subset == "" || v.Runs[0].Headline.Lo == nil {
			t.Errorf("json: %+v", v)
		}
	})
}

func TestPaperGolden(t *testing.T) {
	p := mustPaper(fixtureReport(t))
	for _, f := range []Format{Text, Markdown, CSV, JSON} {
		t.Run(string(f), func(t *testing.T) {
			golden(t, "paper."+string(f), render(t, func(b *bytes.Buffer) error { return p.Write(b, f) }))
		})
	}
	// No fixture run measures as the paper does (their placement rules are
	// TestPlacementRules'): the ARC runs are subsets with drawn views and
	// blank ids, the Sudoku run a subset of the stratified sample, the Maze
	// run a subset with missing records. All are listed apart.
	if len(p.Measured) != 0 || len(p.Others) != 4 {
		t.Fatalf("measured %d, others %d", len(p.Measured), len(p.Others))
	}
	for _, m := range p.Others {
		if len(m.Differences) == 0 || !math.IsNaN(m.Paper) {
			t.Errorf("%s: placed apart without differences, or with a paper number: %+v", m.Run.Run.Name, m)
		}
	}
}

func TestSummarize(t *testing.T) {
	rep := fixtureReport(t)
	arc, sud, maze := rep.Runs[0], rep.Runs[2], rep.Runs[3]
	t.Run("arc headline is the score's task-macro with a bootstrap CI", func(t *testing.T) {
		if math.Abs(arc.Headline.Value-arc.Run.Summary.TaskMacro) > 1e-12 || arc.Headline.Method != "task bootstrap" ||
			!(arc.Headline.Lo <= arc.Headline.Value && arc.Headline.Value <= arc.Headline.Hi) {
			t.Errorf("%+v vs task-macro %v", arc.Headline, arc.Run.Summary.TaskMacro)
		}
	})
	t.Run("sudoku buckets and full-test estimate", func(t *testing.T) {
		n, solved := 0, 0
		for _, b := range sud.Buckets {
			if b.N != 20 {
				t.Errorf("bucket %s: %d puzzles", b.Label, b.N)
			}
			n += b.N
			solved += b.Solved
		}
		if n != 120 || solved != sud.Run.Summary.Solved {
			t.Errorf("buckets hold %d puzzles, %d solved; run %d solved", n, solved, sud.Run.Summary.Solved)
		}
		// By hand: Σ share_h · acc_h.
		want := 0.0
		for i, b := range sud.Buckets {
			want += float64(SudokuTestHistogram[i].Count) / 422786 * float64(b.Solved) / 20
		}
		if sud.FullTest == nil || math.Abs(sud.FullTest.Value-want) > 1e-12 || !(sud.FullTest.Lo <= want && want <= sud.FullTest.Hi) {
			t.Errorf("full-test estimate %+v, want %v", sud.FullTest, want)
		}
	})
	t.Run("maze missing records count wrong", func(t *testing.T) {
		if maze.Run.Summary.Missing != 2 || maze.Headline.Value != float64(maze.Run.Summary.Solved)/50 {
			t.Errorf("missing %d, headline %v", maze.Run.Summary.Missing, maze.Headline.Value)
		}
		total := 0
		for _, b := range maze.Buckets {
			total += b.N
		}
		if total != 48 || len(maze.Buckets) < 2 {
			t.Errorf("maze buckets %+v", maze.Buckets)
		}
	})
	t.Run("no full-test estimate without every bucket", func(t *testing.T) {
		r := boardRun("s.jsonl", "sudoku", sha('e'), 0.9, 1, nil, 60) // the last 3 buckets dropped
		s, err := Summarize(r, fixtureOptions())
		if err != nil {
			t.Fatal(err)
		}
		if s.FullTest != nil || !strings.Contains(s.FullTestGap, "r20-49") {
			t.Errorf("estimate %+v, gap %q", s.FullTest, s.FullTestGap)
		}
	})
}

func TestTableMarkdownEscapes(t *testing.T) {
	tb := &Table{Title: "a | b", Header: []string{"x", "y"}, Rows: [][]string{{"p|q", "*bold* _u_"}}}
	out := string(render(t, func(b *bytes.Buffer) error { return tb.Write(b, Markdown) }))
	for _, want := range []string{`p\|q`, `\*bold\* \_u\_`, `**a \| b**`} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown %q lacks %q", out, want)
		}
	}
	out = string(render(t, func(b *bytes.Buffer) error { return tb.Write(b, CSV) }))
	if out != "x,y\np|q,*bold* _u_\n" {
		t.Errorf("csv %q", out)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "md": Markdown, "markdown": Markdown, "csv": CSV, "json": JSON} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
}
