package main

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/results"
)

// boardRunFile writes a Sudoku-style run of n puzzles to dir/name: puzzle i
// is solved when solved(i) says so. Everything is deterministic.
func boardRunFile(t *testing.T, dir, name string, n int, solved func(i int) bool) string {
	t.Helper()
	h := results.Header{Version: "test", ModelKind: "trm", ModelSHA256: strings.Repeat("ab", 32), Set: "sudoku-extreme/test",
		Fingerprint: "0011223344556677", TaskKind: "sudoku", Tasks: n, TestInputs: n, Views: 1, Steps: 16}
	var items []results.Item
	for i := range n {
		ok := solved(i)
		correct := 81
		if !ok {
			correct = 70
		}
		it := results.Item{TaskID: fmt.Sprint(i), Tests: 1, Attempts: []results.Attempt{{Grid: [][]int{{1}}, Correct: ok}},
			StepExact: []bool{false, ok}, Steps: 2, Seconds: 0.01, Cells: &results.Cells{Correct: correct, Total: 81}, Rating: i % 120, QHalt: 0.5}
		if ok {
			it.Rank = 1
		}
		items = append(items, it)
	}
	path := filepath.Join(dir, name)
	if err := results.WriteFile(path, h, items, false); err != nil {
		t.Fatal(err)
	}
	return path
}

// arcRunFile writes an ARC run of 400 tasks (every fifth with two test
// inputs); input (task, j) is solved when solved(task, j) says so.
func arcRunFile(t *testing.T, dir, name string, solved func(task, j int) bool) string {
	t.Helper()
	const tasks = 400
	var items []results.Item
	for i := range tasks {
		n := 1 + btoi(i%5 == 0)
		for j := range n {
			ok := solved(i, j)
			it := results.Item{TaskID: fmt.Sprintf("task%03d", i), TestIndex: j, Tests: n, Steps: 16, Seconds: 0.5, Rating: -1,
				Attempts: []results.Attempt{{Grid: [][]int{{1, 2}}, Correct: ok}, {Grid: [][]int{{2, 1}}}}, StepExact: []bool{ok}}
			if ok {
				it.Rank = 1
			}
			items = append(items, it)
		}
	}
	h := results.Header{Version: "test", ModelKind: "trm", ModelSHA256: strings.Repeat("cd", 32), Set: "arc-agi-1/evaluation",
		TaskKind: "arc", Tasks: tasks, TestInputs: len(items), Views: 1000, Steps: 16}
	path := filepath.Join(dir, name)
	if err := results.WriteFile(path, h, items, false); err != nil {
		t.Fatal(err)
	}
	return path
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hash01 is a deterministic pseudo-random number in [0, 1) for i.
func hash01(i, salt int) float64 {
	x := uint64(i)*0x9e3779b97f4a7c15 + uint64(salt)*0xbf58476d1ce4e5b9
	x ^= x >> 31
	x *= 0x94d049bb133111eb
	x ^= x >> 29
	return float64(x>>11) / (1 << 53)
}

func exitOf(err error) int {
	if err == nil {
		return 0
	}
	return exitCode(err)
}

// The CI gate's contract: a real regression fails, a noise re-run passes,
// unusable input exits 2 (issue 5, "Done when").
func TestCheckGate(t *testing.T) {
	dir := t.TempDir()
	base := func(i int) bool { return hash01(i, 1) < 0.6 }
	baseline := boardRunFile(t, dir, "base.jsonl", 1000, base)
	correct := 0
	for i := range 1000 {
		correct += btoi(base(i))
	}
	// 5 % of the correct items flipped to wrong.
	flipEvery := 20
	k := 0
	regressed := boardRunFile(t, dir, "regressed.jsonl", 1000, func(i int) bool {
		if !base(i) {
			return false
		}
		k++
		return k%flipEvery != 0
	})
	// Noise: three items flipped each way.
	up, down := 0, 0
	noise := boardRunFile(t, dir, "noise.jsonl", 1000, func(i int) bool {
		switch {
		case base(i) && down < 3:
			down++
			return false
		case !base(i) && up < 3:
			up++
			return true
		}
		return base(i)
	})
	arcBase := func(task, j int) bool { return hash01(task*3+j, 2) < 0.45 }
	arcBaseline := arcRunFile(t, dir, "arc-base.jsonl", arcBase)
	m := 0
	arcRegressed := arcRunFile(t, dir, "arc-regressed.jsonl", func(task, j int) bool {
		if !arcBase(task, j) {
			return false
		}
		m++
		return m%10 != 0 // 10 % of the solved inputs lost: about 4.5 points
	})
	junit := filepath.Join(dir, "junit.xml")
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		want     string
		failures int
		errors   int
	}{
		{"5% of correct items flipped", []string{"--baseline", baseline, "--run", regressed, "--max-drop", "1"}, 1, "exact dropped 3.10 pts (62.40% → 59.30%)", 1, 0},
		{"noise re-run", []string{"--baseline", baseline, "--run", noise, "--max-drop", "1"}, 0, "ok: exact", 0, 0},
		{"noise re-run, no allowance", []string{"--baseline", baseline, "--run", noise, "--max-drop", "0"}, 0, "ok: exact", 0, 0},
		{"regression within a generous allowance", []string{"--baseline", baseline, "--run", regressed, "--max-drop", "5"}, 0, "within the allowed drop of 5.00", 0, 0},
		{"same run", []string{"--baseline", baseline, "--run", baseline, "--max-drop", "0"}, 0, "ok: exact", 0, 0},
		{"arc regression", []string{"--baseline", arcBaseline, "--run", arcRegressed, "--max-drop", "1"}, 1, "FAIL: task-macro dropped", 1, 0},
		{"arc same run", []string{"--baseline", arcBaseline, "--run", arcBaseline, "--max-drop", "1"}, 0, "ok: task-macro", 0, 0},
		{"different sets", []string{"--baseline", baseline, "--run", arcBaseline, "--max-drop", "1"}, 2, "", 0, 1},
		{"missing file", []string{"--baseline", baseline, "--run", filepath.Join(dir, "nope.jsonl"), "--max-drop", "1"}, 2, "", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(junit)
			out, errOut, err := runCLI(t, append([]string{"check", "--junit", junit}, tc.args...)...)
			if got := exitOf(err); got != tc.code {
				t.Fatalf("exit %d, want %d (err %v)\n%s%s", got, tc.code, err, out, errOut)
			}
			prefix := map[int]string{0: "ok: ", 1: "FAIL: "}[tc.code]
			if lines := strings.Count(out, "\n"); tc.code != 2 && (lines != 1 || !strings.HasPrefix(out, prefix) || !strings.Contains(out, tc.want)) {
				t.Errorf("stdout %q, want one line starting %q containing %q", out, prefix, tc.want)
			}
			data, err := os.ReadFile(junit)
			if err != nil {
				t.Fatalf("no JUnit report: %v", err)
			}
			var doc struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
				Errors   int `xml:"errors,attr"`
			}
			if err := xml.Unmarshal(data, &doc); err != nil || doc.Tests != 1 || doc.Failures != tc.failures || doc.Errors != tc.errors {
				t.Errorf("JUnit %+v (%v), want %d failures, %d errors:\n%s", doc, err, tc.failures, tc.errors, data)
			}
		})
	}
	for _, args := range [][]string{
		{"--baseline", baseline, "--run", noise},                      // no --max-drop
		{"--baseline", baseline, "--max-drop", "1"},                   // no --run
		{"--baseline", baseline, "--run", noise, "--max-drop", "120"}, // not points
		{"--baseline", baseline, "--run", noise, "--max-drop", "1", "--alpha", "0.7"},
	} {
		if _, _, err := runCLI(t, append([]string{"check"}, args...)...); exitOf(err) != 2 {
			t.Errorf("check %v: exit %d, want 2", args, exitOf(err))
		}
	}
}

func TestReportCompareCLI(t *testing.T) {
	dir := t.TempDir()
	a := boardRunFile(t, dir, "a.jsonl", 200, func(i int) bool { return hash01(i, 3) < 0.5 })
	b := boardRunFile(t, dir, "b.jsonl", 200, func(i int) bool { return hash01(i, 3) < 0.5 || i%10 == 0 })
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"report_cli.text", []string{"report", a, b, "--resamples", "1000"}},
		{"report_cli.csv", []string{"report", "--format", "csv", a, b}},
		{"compare_cli.text", []string{"compare", a, b, "--flips"}},
		{"compare_cli.markdown", []string{"compare", "--format", "markdown", a, b}},
		{"report_paper_cli.markdown", []string{"report", "--paper", "--format", "markdown", a}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			out, errOut, err := runCLI(t, tc.args...)
			if err != nil {
				t.Fatalf("%v\n%s", err, errOut)
			}
			golden(t, tc.golden, []byte(strings.ReplaceAll(out, dir+string(filepath.Separator), "")))
		})
	}
	for _, args := range [][]string{
		{"report"}, {"report", "--format", "xml", a}, {"report", "--level", "95", a},
		{"compare", a}, {"compare", a, b, "--alpha", "2"}, {"compare", a + ",", b},
	} {
		if _, _, err := runCLI(t, args...); exitOf(err) != 2 {
			t.Errorf("%v: exit %d, want 2", args, exitOf(err))
		}
	}
	if _, _, err := runCLI(t, "report", filepath.Join(dir, "missing.jsonl")); exitOf(err) != 1 {
		t.Errorf("missing run file: exit %d, want 1", exitOf(err))
	}
}

// A real run: eval a tiny random model on ConceptARC, then write the HTML
// report with the gallery's grids loaded from the data root.
func TestReportHTMLFromEval(t *testing.T) {
	data := testenv.DataRoot(t)
	model := tinyModel(t, 900, 12)
	dir := t.TempDir()
	run := filepath.Join(dir, "run.jsonl")
	if _, errOut, err := runCLI(t, "eval", "--model", model, "--set", "concept-arc/minimal", "--data", data, "--limit", "2",
		"--views", "2", "--batch", "4", "--out", run); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	page := filepath.Join(dir, "report.html")
	if _, errOut, err := runCLI(t, "report", "--html", page, "--data", data, "--gallery", "3", run); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	s := string(html)
	for _, want := range []string{"SUBSET", "ARC gallery", ">input ", ">expected ", "attempt 2", "Run provenance"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Every task of the run is linked to its view, which has an anchor.
	rec, err := results.Read(run)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range rec.Items {
		anchor := "run0-task-" + it.TaskID
		if !strings.Contains(s, `href="#`+anchor+`"`) || !strings.Contains(s, `id="`+anchor+`"`) {
			t.Errorf("no link to, or view of, task %s (%s)", it.TaskID, anchor)
		}
	}
	// Without the data the gallery draws the attempts only, and says so.
	if _, errOut, err := runCLI(t, "report", "--html", page, "--data", filepath.Join(dir, "nodata"), run); err != nil || !strings.Contains(errOut, "warning: gallery") {
		t.Fatalf("%v\n%s", err, errOut)
	}
	html, _ = os.ReadFile(page)
	if strings.Contains(string(html), ">expected ") || !strings.Contains(string(html), "attempts only") {
		t.Error("gallery without data: expected grids drawn or no note")
	}
	// The text report of the same run.
	out, _, err := runCLI(t, "report", run)
	if err != nil || !strings.Contains(out, "task-macro") || !strings.Contains(out, "SUBSET run.jsonl: first 2 of 16 tasks") {
		t.Errorf("report: %v\n%s", err, out)
	}
}
