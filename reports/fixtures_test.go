package reports

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/results"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}

// mix is a deterministic hash of its arguments in [0, 1) (splitmix64), so the
// fixtures do not depend on any random number generator's version.
func mix(xs ...uint64) float64 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, x := range xs {
		h ^= x + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
		z := h
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		h = z ^ (z >> 31)
	}
	return float64(h>>11) / (1 << 53)
}

func sha(c byte) string { return strings.Repeat(string(c), 64) }

func header(kind, set string, tasks, inputs int, subset string, views, steps int, model string, mlp bool) results.Header {
	cfg, _ := json.Marshal(map[string]any{"H_cycles": 3, "L_cycles": map[bool]int{true: 6, false: 4}[mlp], "L_layers": 2, "mlp_t": mlp})
	return results.Header{Format: results.FormatVersion, Version: "v0.0.0-test", Revision: "0123abcd", GoVersion: "go1.26", Kernel: "avx512",
		ModelKind: "trm", ModelSHA256: model, ModelConfig: cfg, Set: set, Fingerprint: "f1f2f3f4f5f6f7f8", Seed: 1,
		Machine: "test", TaskKind: kind, Tasks: tasks, TestInputs: inputs, Subset: subset, Views: views, Steps: steps,
		Protocol: fixtureProtocol(kind, set, views, steps)}
}

// fixtureProtocol is the protocol of a fixture run on a known set: ARC views
// drawn by arceval with blank puzzle ids (a raw set), every step of a model
// trained for that many.
func fixtureProtocol(kind, set string, views, steps int) *results.Protocol {
	k, ok := results.LookupKnownSet(set)
	if !ok {
		panic("fixture set " + set + " is not a known set")
	}
	p := &results.Protocol{Benchmark: k.Benchmark, SetID: k.ID, SetMatch: results.MatchContent, SetHash: k.Hash, SetTasks: k.Tasks, SetTestInputs: k.TestInputs,
		Views: 1, ViewSource: results.ViewsPuzzle, PuzzleIDs: results.IDsNone, PuzzleTable: 1, Steps: steps, TrainDepth: steps,
		Precision: results.PrecisionFloat32, Scoring: results.ScoreExact}
	if kind == "arc" {
		p.Views, p.ViewSource, p.PuzzleIDs, p.PuzzleTable, p.Scoring = views, results.ViewsDrawn, results.IDsBlank, 876406, results.ScoreTaskMacro
	}
	return p
}

// arcTests is the number of test inputs of fixture ARC task i.
func arcTests(i int) int { return 1 + b2i(i%4 == 0) + b2i(i%7 == 0) }

// arcGrids returns the input and expected output of fixture test input
// (task i, test j): a small patterned grid and its colour-shifted copy.
func arcGrids(i, j int) (in, out [][]int) {
	h, w := 3+(i+j)%4, 3+(i*3+j)%5
	for r := range h {
		var a, b []int
		for c := range w {
			v := (r*c + i + j) % 10
			if (r+c)%3 == 0 {
				v = 0
			}
			a = append(a, v)
			b = append(b, (v+i%3+1)%10)
		}
		in, out = append(in, a), append(out, b)
	}
	return in, out
}

// arcRun is a fixture ARC run of 20 tasks: skill sets how often the model
// solves an input; views its number of views.
func arcRun(name string, model string, skill float64, views int, salt uint64) *Run {
	const tasks, steps = 20, 8
	var items []results.Item
	inputs := 0
	for i := range tasks {
		n := arcTests(i)
		inputs += n
		for j := range n {
			_, want := arcGrids(i, j)
			wrong := make([][]int, len(want))
			for r := range want {
				wrong[r] = append([]int(nil), want[r]...)
				wrong[r][0] = (wrong[r][0] + 1) % 10
			}
			u := mix(uint64(i), uint64(j), salt)
			rank := 0
			switch {
			case u < skill*0.8:
				rank = 1
			case u < skill:
				rank = 2
			case u < skill+0.1:
				rank = 4
			case u < skill+0.2:
				rank = 50
			}
			it := results.Item{TaskID: fmt.Sprintf("t%02d", i), TestIndex: j, Tests: n, Steps: steps, Seconds: 0.25 + float64(i)/100, CPUSeconds: 0.5 + float64(i)/50,
				Rank: rank, Candidates: 3 + i%5, Rating: -1, Votes: []int{views - 2, 2, 1}}
			a1, a2 := wrong, wrong
			if rank == 1 {
				a1 = want
			} else if rank == 2 {
				a2 = want
			}
			it.Attempts = []results.Attempt{{Grid: a1, Correct: rank == 1}, {Grid: a2, Correct: rank == 2}}
			for k := range steps {
				it.StepExact = append(it.StepExact, rank > 0 && rank <= 2 && k >= int(8*mix(uint64(i), uint64(j), 7)))
			}
			it.QHalt = results.Prob(0.05 + 0.9*mix(uint64(i), uint64(j), salt, 3))
			if rank == 1 {
				it.QHalt = min(0.99, it.QHalt+0.3)
			}
			items = append(items, it)
		}
	}
	h := header("arc", "arc-agi-1/evaluation", tasks, inputs, "first 20 of 400 tasks", views, steps, model, false)
	r, err := NewRun(name, h, items)
	if err != nil {
		panic(err)
	}
	return r
}

// boardRun is a fixture Sudoku (stratified sample, 20 puzzles per rating
// bucket) or Maze run; skill shifts the solve rate, flips lists puzzle
// indices whose outcome is inverted, drop removes records.
func boardRun(name, kind string, model string, skill float64, salt uint64, flips map[int]bool, drop int) *Run {
	var items []results.Item
	n := 120
	set, subset, cells, steps := "sudoku-extreme/test-sample-1200", "20 per rating bucket", 81, 16
	if kind == "maze" {
		n, set, subset, cells = 50, "maze-hard/test", "first 50 of 1000 tasks", 900
	}
	ratings := []int{0, 3, 12, 30, 70, 140}
	for i := range n {
		rating := ratings[i/20%6]
		if kind == "maze" {
			rating = 110 + int(40*mix(uint64(i), 11)*mix(uint64(i), 12))
		}
		p := skill - float64(i/20%6)*0.12
		if kind == "maze" {
			p = skill - float64(rating-110)/80
		}
		ok := mix(uint64(i), salt) < p
		if flips[i] {
			ok = !ok
		}
		correct := cells
		if !ok {
			correct = cells - 1 - int(float64(cells/3)*mix(uint64(i), salt, 5))
		}
		side := 9
		if kind == "maze" {
			side = 30
		}
		grid := make([][]int, side)
		for r := range grid {
			grid[r] = make([]int, side)
		}
		it := results.Item{TaskID: fmt.Sprint(i), Tests: 1, Attempts: []results.Attempt{{Grid: grid, Correct: ok}},
			Steps: steps, Seconds: 0.01, CPUSeconds: 0.02, Cells: &results.Cells{Correct: correct, Total: cells}, Rating: rating,
			QHalt: results.Prob(min(0.99, 0.2+0.7*mix(uint64(i), salt, 9)+0.2*float64(b2i(ok))))}
		if ok {
			it.Rank = 1
		}
		for k := range steps {
			it.StepExact = append(it.StepExact, ok && k >= int(12*mix(uint64(i), 13)))
		}
		items = append(items, it)
	}
	h := header(kind, set, n, n, subset, 1, steps, model, kind == "sudoku")
	r, err := NewRun(name, h, items[:n-drop])
	if err != nil {
		panic(err)
	}
	return r
}

// fixtureRuns are the runs of the report goldens: two ARC runs of one model
// (10 and 100 views), another ARC model, a Sudoku and a Maze run.
func fixtureRuns() []*Run {
	return []*Run{
		withStepQ(arcRun("arc-att-10v.jsonl", sha('a'), 0.35, 10, 1)),
		arcRun("arc-att-100v.jsonl", sha('a'), 0.45, 100, 1),
		withStepQ(boardRun("sudoku-mlp.jsonl", "sudoku", sha('c'), 0.95, 3, nil, 0)),
		boardRun("maze-att.jsonl", "maze", sha('d'), 0.9, 4, nil, 2),
	}
}

// withStepQ gives every item of r a per-step sigmoid(q_halt) that grows with
// the step and jumps once the answer is right, as a trained halting head's
// does (the other runs stay like run files written before it was recorded).
func withStepQ(r *Run) *Run {
	items := cloneItems(r.Items)
	for i := range items {
		it := &items[i]
		n := len(it.StepExact)
		it.StepQHalt = make([]results.Prob, n)
		for k := range n {
			q := 0.02 + 0.6*mix(uint64(i), uint64(k), 21)*float64(k+1)/float64(n)
			if it.StepExact[k] {
				q += 0.35
			}
			it.StepQHalt[k] = results.Prob(min(0.999, q))
		}
	}
	out, err := NewRun(r.Path, r.Header, items)
	if err != nil {
		panic(err)
	}
	return out
}

func fixtureOptions() Options { return Options{Resamples: 2000, Seed: 1} }

func fixtureReport(t *testing.T) *Report {
	t.Helper()
	rep, err := NewReport(fixtureRuns(), fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// fixtureHTMLOptions gives the gallery the fixture ARC grids.
func fixtureHTMLOptions(rep *Report) HTMLOptions {
	grids := map[string]PairGrids{}
	for i := range 20 {
		for j := range arcTests(i) {
			in, out := arcGrids(i, j)
			grids[fmt.Sprintf("t%02d#%d", i, j)] = PairGrids{Input: in, Expected: out}
		}
	}
	ref := mustPaper(rep)
	return HTMLOptions{Gallery: 6, Grids: map[string]map[string]PairGrids{"arc-agi-1/evaluation": grids}, Paper: ref, TaskViews: true}
}

type (
	resultsItem   = results.Item
	resultsHeader = results.Header
)

func cloneItems(items []results.Item) []results.Item {
	out := make([]results.Item, len(items))
	for i, it := range items {
		it.Attempts = append([]results.Attempt(nil), it.Attempts...)
		out[i] = it
	}
	return out
}

// withHeader returns a copy of r with its header changed by edit.
func withHeader(r *Run, edit func(h *results.Header)) *Run {
	h := r.Header
	edit(&h)
	items := r.Items
	if len(items) > h.TestInputs {
		items = items[:h.TestInputs]
	}
	out, err := NewRun(r.Path, h, items)
	if err != nil {
		panic(err)
	}
	return out
}
