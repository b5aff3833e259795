package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"arceval/harness"
	"arceval/internal/testenv"
	"arceval/results"
)

// TestEndToEndOfficialARC runs every end-to-end case (testenv.E2ECases:
// testdata/e2e, then $ARCEVAL_E2E or ../shared/fixtures/e2e) through the
// whole ARC pipeline — `data build arc` with the case's own command, then
// `eval` over every view of the built test split for the model's
// halt_max_steps steps, as the official evaluator runs — and compares with
// what the official evaluators/arc.py wrote: per test input the distinct
// non-empty attempts in order, and pass@K.
func TestEndToEndOfficialARC(t *testing.T) {
	for _, dir := range testenv.E2ECases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) { runE2ECase(t, dir) })
	}
}

// e2eCase is what a case's README says about how it was made.
type e2eCase struct {
	build []string // arguments of `arceval data build arc`, --out excluded
	model string   // the model file evaluated
}

// buildLine and officialLine find the two commands in a case's README.
var (
	buildLine    = regexp.MustCompile(`arceval\s+data\s+build\s+arc\b`)
	officialLine = regexp.MustCompile(`official_arc_eval\.py\b`)
)

// readE2ECase reads a case's README: the build command (continuation lines
// joined; "<this folder>" is the case folder; --out dropped) and the model
// file the official evaluator was given (else the folder's only
// .safetensors file).
func readE2ECase(dir string) (e2eCase, error) {
	readme := filepath.Join(dir, "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		return e2eCase{}, err
	}
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	var c e2eCase
	for _, line := range strings.Split(text, "\n") {
		switch {
		case c.build == nil && buildLine.MatchString(line):
			line = line[buildLine.FindStringIndex(line)[1]:]
			line = strings.ReplaceAll(line, "<this folder>", dir)
			c.build = []string{}
			fields := strings.Fields(line)
			for i := 0; i < len(fields); i++ {
				switch f := fields[i]; {
				case f == "--out":
					i++
				case strings.HasPrefix(f, "--out="):
				default:
					c.build = append(c.build, f)
				}
			}
		case c.model == "" && officialLine.MatchString(line):
			for _, f := range strings.Fields(line) {
				if strings.HasSuffix(f, ".safetensors") {
					c.model = filepath.Join(dir, filepath.Base(f))
				}
			}
		}
	}
	if c.build == nil {
		return c, fmt.Errorf("%s: no `arceval data build arc` command", readme)
	}
	if c.model == "" {
		models, _ := filepath.Glob(filepath.Join(dir, "*.safetensors"))
		if len(models) != 1 {
			return c, fmt.Errorf("%s: no model named in the official_arc_eval.py command, and %d .safetensors files in %s", readme, len(models), dir)
		}
		c.model = models[0]
	}
	return c, nil
}

func runE2ECase(t *testing.T, dir string) {
	c, err := readE2ECase(dir)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	build := filepath.Join(work, "build")
	if _, stderr, err := runCLI(t, append([]string{"data", "build", "arc"}, append(c.build, "--out", build)...)...); err != nil {
		t.Fatalf("data build arc %v: %v\n%s", c.build, err, stderr)
	}
	run, sub := filepath.Join(work, "run.jsonl"), filepath.Join(work, "submission.json")
	if _, stderr, err := runCLI(t, "eval", "--model", c.model, "--set", filepath.Join(build, "test"),
		"--views", "0", "--out", run, "--submission", sub); err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}

	r, err := results.Read(run)
	if err != nil {
		t.Fatal(err)
	}
	var official harness.Submission
	readJSON(t, filepath.Join(dir, "submission.json"), &official)
	var ours harness.Submission
	readJSON(t, sub, &ours)
	inputs := 0
	for _, entries := range official {
		inputs += len(entries)
	}
	if inputs == 0 || len(r.Items) != inputs {
		t.Errorf("the run has %d test inputs, the official submission %d", len(r.Items), inputs)
	}
	for _, diff := range compareAttempts(r.Items, ours, official) {
		t.Error(diff)
	}

	stdout, _, err := runCLI(t, "score", run, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var score struct {
		PassAtK map[string]float64 `json:"pass_at_k"`
	}
	if err := json.Unmarshal([]byte(stdout), &score); err != nil {
		t.Fatal(err)
	}
	var officialPass map[string]float64
	readJSON(t, filepath.Join(dir, "pass_at_k.json"), &officialPass)
	for _, diff := range comparePassAtK(score.PassAtK, officialPass) {
		t.Error(diff)
	}
	t.Logf("%d tasks, %d test inputs, %d pass@K compared with the official evaluator's", len(official), inputs, len(officialPass))
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// distinctNonEmpty is the comparable content of a test input's attempts:
// the non-empty grids, in order, each once. The official evaluator writes a
// winning 0×0 prediction as [] and pads a single candidate with itself; we
// write the [[0]] placeholder for an empty one.
func distinctNonEmpty(grids ...[][]int) [][][]int {
	var out [][][]int
	for _, g := range grids {
		if len(g) > 0 && !slices.ContainsFunc(out, func(h [][]int) bool { return reflect.DeepEqual(g, h) }) {
			out = append(out, g)
		}
	}
	return out
}

// showGrids prints grids compactly: their sizes and first rows.
func showGrids(grids [][][]int) string {
	var parts []string
	for _, g := range grids {
		w := 0
		if len(g) > 0 {
			w = len(g[0])
		}
		parts = append(parts, fmt.Sprintf("%dx%d %v…", len(g), w, g[0][:min(w, 10)]))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// compareAttempts checks every test input of the official submission
// against our run's attempts (distinct non-empty, in order), and our
// submission against our run (the placeholder only where the run's attempt
// is empty). It returns one line per difference.
func compareAttempts(items []results.Item, ours, official harness.Submission) []string {
	var diffs []string
	byKey := map[string]results.Item{}
	for _, it := range items {
		byKey[it.Key()] = it
	}
	if len(ours) != len(official) {
		diffs = append(diffs, fmt.Sprintf("submission has %d tasks, the official %d", len(ours), len(official)))
	}
	for _, id := range slices.Sorted(maps.Keys(official)) {
		want := official[id]
		if len(ours[id]) != len(want) {
			diffs = append(diffs, fmt.Sprintf("task %s: %d test inputs in our submission, %d in the official", id, len(ours[id]), len(want)))
			continue
		}
		for i, w := range want {
			it, ok := byKey[results.Item{TaskID: id, TestIndex: i}.Key()]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("task %s test %d: not in the run file", id, i))
				continue
			}
			var run [][][]int
			for _, a := range it.Attempts {
				run = append(run, a.Grid)
			}
			got, exp := distinctNonEmpty(run...), distinctNonEmpty(w.Attempt1, w.Attempt2)
			if !reflect.DeepEqual(got, exp) {
				diffs = append(diffs, fmt.Sprintf("task %s test %d: attempts %s, official %s", id, i, showGrids(got), showGrids(exp)))
			}
			if s := submissionAttempts(ours[id][i], got); !reflect.DeepEqual(s, got) {
				diffs = append(diffs, fmt.Sprintf("task %s test %d: our submission %s differs from our run %s", id, i, showGrids(s), showGrids(got)))
			}
		}
	}
	return diffs
}

// submissionAttempts is our submission entry's distinct attempts, the
// [[0]] placeholder for an empty attempt dropped (unless the run itself
// proposed [[0]]).
func submissionAttempts(s harness.SubmissionEntry, run [][][]int) [][][]int {
	placeholder := [][]int{{0}}
	proposed := slices.ContainsFunc(run, func(g [][]int) bool { return reflect.DeepEqual(g, placeholder) })
	var grids [][][]int
	for _, g := range [][][]int{s.Attempt1, s.Attempt2} {
		if proposed || !reflect.DeepEqual(g, placeholder) {
			grids = append(grids, g)
		}
	}
	return distinctNonEmpty(grids...)
}

// comparePassAtK checks every pass@K the official evaluator wrote
// ("ARC/pass@K") against ours.
func comparePassAtK(ours, official map[string]float64) []string {
	var diffs []string
	if len(official) == 0 {
		diffs = append(diffs, "the official pass@K file is empty")
	}
	for _, name := range slices.Sorted(maps.Keys(official)) {
		k, ok := strings.CutPrefix(name, "ARC/pass@")
		if _, err := strconv.Atoi(k); !ok || err != nil {
			diffs = append(diffs, fmt.Sprintf("official pass@K key %q: expected ARC/pass@K", name))
			continue
		}
		got, ok := ours[k]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("pass@%s: not in our score (have %v)", k, ours))
		} else if math.Abs(got-official[name]) > 1e-9 {
			diffs = append(diffs, fmt.Sprintf("pass@%s: ours %.6f, official %.6f", k, got, official[name]))
		}
	}
	return diffs
}

// The comparison itself: the official padding and [] are not differences;
// another order, another grid, a missing test input or another pass@K are.
func TestE2EComparisonFindsDifferences(t *testing.T) {
	a, b := [][]int{{1, 2}}, [][]int{{3}}
	item := func(grids ...[][]int) results.Item {
		it := results.Item{TaskID: "t", TestIndex: 0}
		for _, g := range grids {
			it.Attempts = append(it.Attempts, results.Attempt{Grid: g})
		}
		return it
	}
	sub := func(x, y [][]int) harness.Submission {
		return harness.Submission{"t": {{Attempt1: x, Attempt2: y}}}
	}
	placeholder := [][]int{{0}}
	cases := []struct {
		name      string
		item      results.Item
		ours, off harness.Submission
		diffs     int
	}{
		{"same", item(a, b), sub(a, b), sub(a, b), 0},
		{"official pads one candidate", item(a), sub(a, a), sub(a, a), 0},
		{"official empty winner", item(nil, a), sub(placeholder, a), sub([][]int{}, a), 0},
		{"order", item(a, b), sub(a, b), sub(b, a), 1},
		{"other grid", item(a, a), sub(a, a), sub(a, b), 1},
		{"submission differs from run", item(a, b), sub(b, a), sub(a, b), 1},
		{"not in run", results.Item{TaskID: "u"}, sub(a, b), sub(a, b), 1},
		{"test inputs", item(a, b), sub(a, b), harness.Submission{"t": {{Attempt1: a, Attempt2: b}, {Attempt1: a, Attempt2: b}}}, 1},
	}
	for _, c := range cases {
		if got := compareAttempts([]results.Item{c.item}, c.ours, c.off); len(got) != c.diffs {
			t.Errorf("%s: %d differences %q, want %d", c.name, len(got), got, c.diffs)
		}
	}
	official := map[string]float64{"ARC/pass@1": 0.25, "ARC/pass@2": 0.5}
	if d := comparePassAtK(map[string]float64{"1": 0.25, "2": 0.5, "5": 0.5}, official); len(d) != 0 {
		t.Errorf("equal pass@K: %q", d)
	}
	if d := comparePassAtK(map[string]float64{"1": 0.25, "2": 0.25}, official); len(d) != 1 {
		t.Errorf("pass@2 differs: %q", d)
	}
	if d := comparePassAtK(map[string]float64{"1": 0.25}, official); len(d) != 1 {
		t.Errorf("pass@2 missing: %q", d)
	}
}
