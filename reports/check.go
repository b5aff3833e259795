package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"

	"arceval/reports/stats"
)

// InputError marks a check whose inputs cannot be compared (different sets
// or selections, a lone shard): the gate can say neither pass nor fail.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// CheckResult is the verdict of the CI accuracy gate on the headline metric.
type CheckResult struct {
	Baseline, Run *Run
	Metric        string // task-macro or exact
	Set           string
	Unit          string // tasks or puzzles
	N             int
	Base, Cand    float64 // the two runs' headline accuracies
	MaxDrop       float64 // proportion
	Alpha         float64
	Verdict       stats.DropVerdict
	Test          string
	Reason        string // the one-line verdict
}

// Pass reports whether the gate passes.
func (r *CheckResult) Pass() bool { return !r.Verdict.Fail }

// Check decides whether run is worse than baseline by more than maxDrop (a
// proportion: 0.01 = one point) with significance at one-sided level Alpha
// (stats.DropCheck): for ARC on task-macro accuracy with the paired bootstrap
// over tasks, for Sudoku and Maze on exact accuracy with Tango's score test.
// Both runs must cover the same selection of the same set; denominators are
// the selection's, so a test input missing from either run counts as wrong
// there. Unusable input is an *InputError.
func Check(baseline, run *Run, maxDrop float64, o Options) (*CheckResult, error) {
	o = o.withDefaults()
	hb, hr := baseline.Header, run.Header
	bad := func(format string, args ...any) error { return &InputError{fmt.Sprintf(format, args...)} }
	for _, r := range []*Run{baseline, run} {
		if r.Header.Shard != "" {
			return nil, bad("%s is shard %s of a run: merge the shards first", r.Path, r.Header.Shard)
		}
	}
	// The data fingerprint identifies the set when both runs have one (a set
	// given by path may sit at another path in CI); else the set's name does.
	haveFP := hb.Fingerprint != "" && hr.Fingerprint != ""
	switch {
	case hb.TaskKind != hr.TaskKind || !haveFP && hb.Set != hr.Set:
		return nil, bad("baseline %s is on %s, run %s on %s: not comparable", baseline.Path, hb.Set, run.Path, hr.Set)
	case haveFP && hb.Fingerprint != hr.Fingerprint:
		return nil, bad("baseline and run were scored on different data (fingerprints %s and %s)", hb.Fingerprint, hr.Fingerprint)
	case hb.Tasks != hr.Tasks || hb.TestInputs != hr.TestInputs || hb.Subset != hr.Subset:
		return nil, bad("baseline and run select different test inputs (%d tasks/%d inputs %q vs %d/%d %q): not comparable",
			hb.Tasks, hb.TestInputs, hb.Subset, hr.Tasks, hr.TestInputs, hr.Subset)
	}
	gate := stats.DropCheck{MaxDrop: maxDrop, Alpha: o.Alpha}
	res := &CheckResult{Baseline: baseline, Run: run, Set: hb.Set, MaxDrop: maxDrop, Alpha: o.Alpha}
	var err error
	if hb.TaskKind == "arc" {
		a, b, e := pairTasks(baseline, run)
		if e != nil {
			return nil, bad("%v", e)
		}
		res.Metric, res.Unit, res.N, res.Test = "task-macro", "tasks", len(a), "paired bootstrap over tasks"
		res.Base, res.Cand = baseline.Summary.TaskMacro, run.Summary.TaskMacro
		res.Verdict, err = gate.Tasks(a, b, o.boot())
	} else {
		n, dis, con := pairItems(baseline, run)
		res.Metric, res.Unit, res.N, res.Test = "exact", "puzzles", n, "Tango score test"
		res.Base, res.Cand = baseline.Summary.Exact, run.Summary.Exact
		if n == 0 {
			return nil, bad("the runs select no test inputs")
		}
		res.Verdict, err = gate.Items(n, dis, con)
	}
	if err != nil {
		return nil, bad("%v", err)
	}
	res.Reason = res.reason()
	return res, nil
}

// pairTasks returns both runs' per-task results over the selection: the
// union of their tasks (a task missing from one run scores 0 there) plus
// unsolved one-input placeholders for tasks neither run recorded.
func pairTasks(a, b *Run) ([]stats.TaskResult, []stats.TaskResult, error) {
	tests := map[string]int{}
	solved := [2]map[string]int{{}, {}}
	var ids []string
	for side, r := range []*Run{a, b} {
		for _, it := range r.Items {
			if n, ok := tests[it.TaskID]; ok && n != it.Tests {
				return nil, nil, fmt.Errorf("task %s has %d test inputs in %s, %d in %s", it.TaskID, n, a.Path, it.Tests, r.Path)
			} else if !ok {
				tests[it.TaskID] = it.Tests
				ids = append(ids, it.TaskID)
			}
			solved[side][it.TaskID] += b2i(it.Solved())
		}
	}
	var ta, tb []stats.TaskResult
	slices.SortFunc(ids, compareIDs)
	for _, id := range ids {
		ta = append(ta, stats.TaskResult{Solved: solved[0][id], Total: tests[id]})
		tb = append(tb, stats.TaskResult{Solved: solved[1][id], Total: tests[id]})
	}
	for len(ta) < a.Header.Tasks {
		ta = append(ta, stats.TaskResult{Total: 1})
		tb = append(tb, stats.TaskResult{Total: 1})
	}
	return ta, tb, nil
}

// pairItems returns the selection size and the discordant counts: items the
// baseline solved and the run did not (a missing record is unsolved), and the
// reverse.
func pairItems(a, b *Run) (n, lost, gained int) {
	sa, sb := map[string]bool{}, map[string]bool{}
	for _, it := range a.Items {
		sa[it.Key()] = it.Solved()
	}
	for _, it := range b.Items {
		sb[it.Key()] = it.Solved()
	}
	for k, v := range sa {
		if v && !sb[k] {
			lost++
		}
	}
	for k, v := range sb {
		if v && !sa[k] {
			gained++
		}
	}
	return a.Header.TestInputs, lost, gained
}

func ptsAbs(v float64) string { return strconv.FormatFloat(100*v, 'f', 2, 64) }

func (r *CheckResult) reason() string {
	v := r.Verdict
	what := fmt.Sprintf("%s → %s", pct(r.Base), pct(r.Cand))
	n := fmt.Sprintf("n=%d %s", r.N, r.Unit)
	var s string
	switch {
	case v.Fail:
		s = fmt.Sprintf("FAIL: %s dropped %s pts (%s), more than the allowed %s (drop ≥ %s pts at %s confidence, p=%s, %s)",
			r.Metric, ptsAbs(v.Drop), what, ptsAbs(r.MaxDrop), ptsAbs(v.DropLo), levelPct(1-r.Alpha), pval(v.P), n)
	case v.Drop > r.MaxDrop:
		s = fmt.Sprintf("ok: %s dropped %s pts (%s), more than the allowed %s but not significantly (p=%s ≥ α=%s, %s)",
			r.Metric, ptsAbs(v.Drop), what, ptsAbs(r.MaxDrop), pval(v.P), strconv.FormatFloat(r.Alpha, 'f', -1, 64), n)
	default:
		s = fmt.Sprintf("ok: %s %s (%s pts), within the allowed drop of %s (%s)", r.Metric, what, pts(-v.Drop), ptsAbs(r.MaxDrop), n)
	}
	var miss []string
	for _, run := range []*Run{r.Baseline, r.Run} {
		if m := run.Summary.Missing; m > 0 {
			miss = append(miss, fmt.Sprintf("%d missing in %s", m, run.Name))
		}
	}
	if len(miss) > 0 {
		s += fmt.Sprintf("; test inputs %v counted wrong", miss)
	}
	if r.Run.Header.Subset != "" {
		s += "; SUBSET " + r.Run.Header.Subset
	}
	return s
}

// Write prints the verdict: the one-line reason (text, markdown) or an object
// (json).
func (r *CheckResult) Write(w io.Writer, f Format) error {
	if f == JSON {
		v := r.Verdict
		return writeJSON(w, struct {
			Pass     bool    `json:"pass"`
			Reason   string  `json:"reason"`
			Set      string  `json:"set"`
			Metric   string  `json:"metric"`
			Baseline string  `json:"baseline"`
			Run      string  `json:"run"`
			Base     float64 `json:"baseline_accuracy"`
			Cand     float64 `json:"run_accuracy"`
			Drop     float64 `json:"drop"`
			DropLo   float64 `json:"drop_lower_bound"`
			P        float64 `json:"p"`
			MaxDrop  float64 `json:"max_drop"`
			Alpha    float64 `json:"alpha"`
			Test     string  `json:"test"`
			N        int     `json:"n"`
			Unit     string  `json:"unit"`
		}{r.Pass(), r.Reason, r.Set, r.Metric, r.Baseline.Path, r.Run.Path, r.Base, r.Cand, v.Drop, v.DropLo, v.P, r.MaxDrop, r.Alpha, r.Test, r.N, r.Unit})
	}
	_, err := fmt.Fprintln(w, r.Reason)
	return err
}

// JUnit is a JUnit XML report of one gate: a suite with one test case that
// passes, fails (an accuracy regression) or errors (unusable input).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Class   string        `xml:"classname,attr"`
	Name    string        `xml:"name,attr"`
	Failure *junitProblem `xml:"failure,omitempty"`
	Error   *junitProblem `xml:"error,omitempty"`
	Out     string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the JUnit XML report of a check. res is nil when the
// check could not run; checkErr then says why (a JUnit <error>).
func WriteJUnit(w io.Writer, name string, res *CheckResult, checkErr error) error {
	c := junitCase{Class: "arceval.check", Name: name}
	if res != nil {
		c.Class += "." + res.Set
		c.Name = fmt.Sprintf("%s drop ≤ %s pts", res.Metric, ptsAbs(res.MaxDrop))
		c.Out = res.Reason
		if res.Verdict.Fail {
			c.Failure = &junitProblem{Message: res.Reason, Type: "AccuracyRegression",
				Text: fmt.Sprintf("baseline %s\nrun      %s\ntest     %s, n=%d %s", res.Baseline.Path, res.Run.Path, res.Test, res.N, res.Unit)}
		}
	} else if checkErr != nil {
		c.Error = &junitProblem{Message: checkErr.Error(), Type: "UnusableInput"}
	}
	s := junitSuite{Name: "arceval check", Tests: 1, Cases: []junitCase{c}}
	if c.Failure != nil {
		s.Failures = 1
	}
	if c.Error != nil {
		s.Errors = 1
	}
	out := junitSuites{Name: "arceval", Tests: 1, Failures: s.Failures, Errors: s.Errors, Suites: []junitSuite{s}}
	b, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, b)
	return err
}
