package reports_test

import (
	"fmt"
	"os"

	"arceval/reports"
	"arceval/results"
)

func ExampleTable_Write() {
	t := &reports.Table{
		Header: []string{"metric", "A", "B", "delta (pts)"},
		Align:  []reports.Align{reports.Left, reports.Right, reports.Right, reports.Right},
		Notes:  []string{"~: not significant at α = 0.05."},
	}
	t.AddRow("exact", "44.17%", "49.17%", "~")
	t.AddRow("cells", "91.21%", "95.84%", "+4.63 [+3.1, +6.2]")
	t.Write(os.Stdout, reports.Text)
	// Output:
	// metric       A       B         delta (pts)
	// exact   44.17%  49.17%                   ~
	// cells   91.21%  95.84%  +4.63 [+3.1, +6.2]
	// ~: not significant at α = 0.05.
}

// sudoku returns a run of n puzzles, the first solved of them right.
func sudoku(name string, n, solved int) *reports.Run {
	h := results.Header{Set: "sudoku-extreme/test", TaskKind: "sudoku", Tasks: n, TestInputs: n, Views: 1, Steps: 16}
	var items []results.Item
	for i := range n {
		items = append(items, results.Item{TaskID: fmt.Sprint(i), Tests: 1,
			Attempts: []results.Attempt{{Grid: [][]int{{1}}, Correct: i < solved}}})
	}
	r, err := reports.NewRun(name, h, items)
	if err != nil {
		panic(err)
	}
	return r
}

func ExampleCheck() {
	base := sudoku("base.jsonl", 1000, 620)
	for _, run := range []*reports.Run{sudoku("rerun.jsonl", 1000, 617), sudoku("regressed.jsonl", 1000, 589)} {
		res, err := reports.Check(base, run, 0.01, reports.Options{Alpha: 0.05})
		if err != nil {
			panic(err)
		}
		fmt.Println(res.Pass(), res.Reason)
	}
	// Output:
	// true ok: exact 62.00% → 61.70% (-0.30 pts), within the allowed drop of 1.00 (n=1000 puzzles)
	// false FAIL: exact dropped 3.10 pts (62.00% → 58.90%), more than the allowed 1.00 (drop ≥ 2.32 pts at 95% confidence, p=2.6e-06, n=1000 puzzles)
}
