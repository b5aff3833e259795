package reports

import (
	"fmt"

	"arceval/results"
)

// The paper's evaluation protocol (trm-spec §7, §9.4–9.5), the yardstick of
// `report --paper`: a run stands beside a paper number only when it
// measured the same way.
const (
	// paperSteps is the supervision steps of every paper model but Direct
	// pred, all run at test time (no early halting: trm-spec §7.1).
	paperSteps = 16
	// paperBuildViews is the views per ARC test input of the official
	// 1000-augmentation build: the original and 1000 augmentations
	// (build_arc_dataset.py --num-aug 1000; trm-spec §2.4).
	paperBuildViews = 1001
	// trmARC2Set is the ARC-AGI-2 copy TRM's rows (7.8, 2.4) were measured
	// on: the Kaggle files of TRM's repository (evaluation2).
	trmARC2Set = "arc-agi-2/evaluation-172"
	// hrmARC2Set is the copy of the HRM rows (HRM 5.0, Direct pred 0.0,
	// quoted from the HRM paper): HRM's build reads the ARC-AGI-2
	// repository at the commit its submodule pins (dataset/raw-data/ARC-AGI-2
	// @ f3283f7), the current 167-input copy.
	hrmARC2Set = "arc-agi-2/evaluation-167"
)

// arc2Set is the ARC-AGI-2 copy a paper row was measured on.
func arc2Set(method string) string {
	if method == "hrm" || method == "direct" || method == "transformer-act" {
		return hrmARC2Set
	}
	return trmARC2Set
}

// trmRow reports whether a method's paper numbers were measured by TRM's
// authors on TRM's own ARC builds (the TRM rows), whose puzzle identifiers
// are known (results.KnownBuilds).
func trmRow(method string) bool { return method == "trm-att" || method == "trm-mlp" }

// paperBenchmarks are the benchmarks of the paper's Tables 4 and 5.
var paperBenchmarks = map[string]bool{"arc-agi-1": true, "arc-agi-2": true, "sudoku-extreme": true, "maze-hard": true}

// Rules of "ours" in the paper tables.
const (
	ruleTaskMacro    = "task-macro pass@2"     // TRM's ARC/pass@2 (evaluators/arc.py)
	ruleAllOrNothing = "all-or-nothing pass@2" // HRM's notebook (HRM:arc_eval.ipynb): a task counts only when all its inputs are solved
	ruleExact        = "exact accuracy"
	ruleFullTest     = "exact accuracy, full-test estimate"
)

// placement is where `report --paper` puts one run: its benchmark and paper
// row, the value compared under the row's scoring rule, and the elements of
// its protocol that differ from the paper's (none: placed beside the
// paper's number).
type placement struct {
	Benchmark   string
	Method      string
	Rule        string
	Ours        Estimate
	Note        string
	Differences []string
}

// place applies the paper's protocol to a run:
//
//   - the set, identified from its content: ARC-AGI-1 evaluation; ARC-AGI-2
//     only its 172-input copy (the current 167-input copy differs on five
//     tasks); the Sudoku-Extreme test set, or its stratified sample with a
//     full-test estimate; the Maze-Hard test set;
//   - the whole set: no subset (the stratified Sudoku sample counts as
//     whole when all of it ran), no lone shard, no missing records;
//   - ARC: all views of the official 1000-augmentation build (1001 per test
//     input) with the build's puzzle identifiers, in a table the size of
//     the model's (else the ids are not the ones it was trained with);
//   - steps: "Direct pred" is a one-step model (halt_max_steps 1); every
//     other row runs the 16 supervision steps it was trained with, without
//     early halting;
//   - HRM on ARC is compared with the all-or-nothing rule per task, which
//     HRM's notebook used for 40.3 / 5.0.
//
// Precision (float32 by default, bfloat16 with --precision bf16 as in the
// paper) is stated in the notes, not counted as a difference.
func place(s *RunSummary) placement {
	r := s.Run
	h, p := r.Header, r.Header.Protocol
	pl := placement{Method: r.Method(), Rule: ruleExact, Ours: s.Headline.Estimate}
	if h.TaskKind == "arc" {
		pl.Rule = ruleTaskMacro
		if pl.Method == "hrm" {
			pl.Rule = ruleAllOrNothing
			pl.Ours = s.metric("all-or-nothing")
		}
	}
	diff := func(format string, a ...any) { pl.Differences = append(pl.Differences, fmt.Sprintf(format, a...)) }
	if p == nil {
		diff("protocol not recorded (a run file written before arceval recorded protocols: set %s)", h.Set)
		return pl
	}
	pl.Benchmark = p.Benchmark
	switch {
	case p.SetID == "":
		diff("not a known evaluation set (%d tasks, %d test inputs, digest %s)", p.SetTasks, p.SetTestInputs, p.SetHash)
		return pl
	case !paperBenchmarks[p.Benchmark]:
		known, _ := results.LookupKnownSet(p.SetID)
		diff("%s is not a paper benchmark", known.Desc)
		return pl
	case p.Benchmark == "arc-agi-2" && p.SetID != arc2Set(pl.Method):
		want, _ := results.LookupKnownSet(arc2Set(pl.Method))
		diff("ARC-AGI-2 evaluation copy with %d test inputs; the paper's %s row was measured on %s", p.SetTestInputs, pl.Method, want.Desc)
	}
	// The whole set: the selection's counts are the set's (Subset says why
	// not, when it does not).
	switch {
	case h.Subset != "":
		diff("subset: %s", h.Subset)
	case h.Tasks != p.SetTasks || h.TestInputs != p.SetTestInputs:
		diff("%d of the set's %d test inputs evaluated", h.TestInputs, p.SetTestInputs)
	}
	if r.StratifiedSudoku() {
		if s.FullTest == nil {
			diff("stratified sample without a full-test estimate (%s)", trimGap(s.FullTestGap))
		} else {
			pl.Rule, pl.Ours = ruleFullTest, s.FullTest.Estimate
			pl.Note = "full-test estimate from the stratified sample"
		}
	}
	if p.SetMatch == results.MatchSize {
		pl.Note = joinNote(pl.Note, "set recognised by its size only (no digest of the official file is known)")
	}
	if h.Shard != "" {
		diff("shard %s only (merge the shards first)", h.Shard)
	}
	if m := r.Summary.Missing; m > 0 {
		diff("%d of %d test inputs without a record (an incomplete run)", m, r.Summary.TestInputs)
	}
	if h.TaskKind == "arc" {
		arcDifferences(p, diff)
		if p.ViewSource == results.ViewsBuild && p.PuzzleIDs == results.IDsBuild {
			pl.Note = joinNote(pl.Note, buildDifferences(pl.Method, p, diff))
		}
	}
	stepDifferences(pl.Method, p, diff)
	return pl
}

// arcDifferences lists how an ARC run's views and puzzle identifiers differ
// from the official build's.
func arcDifferences(p *results.Protocol, diff func(string, ...any)) {
	switch {
	case p.ViewSource != results.ViewsBuild && p.Views == 1:
		diff("1 view (the original only), not the official build's %d", paperBuildViews)
	case p.ViewSource != results.ViewsBuild:
		diff("%d views drawn by arceval from the raw set, not the official build's %d", p.Views, paperBuildViews)
	case p.BuildViews != paperBuildViews:
		diff("a build with %d views per test input (num_aug %d); the paper's has %d (num_aug 1000)", p.BuildViews, p.BuildViews-1, paperBuildViews)
	case p.Views < p.BuildViews:
		diff("%d views of the build's %d", p.Views, p.BuildViews)
	}
	switch p.PuzzleIDs {
	case results.IDsBuild:
		if p.BuildIdentifiers > 0 && p.PuzzleTable > 0 && p.BuildIdentifiers != p.PuzzleTable {
			diff("the build has %d puzzle identifiers, the model's table %d rows: not the build the model was trained on", p.BuildIdentifiers, p.PuzzleTable)
		}
	case results.IDsNone:
	case results.IDsIdentifiers:
		diff("puzzle ids looked up in an identifiers file (views it does not name run blank), not the build's")
	default:
		diff("%s puzzle ids", p.PuzzleIDs)
	}
}

// buildDifferences checks that an ARC build's puzzle identifiers are those
// of the build the paper row's model was trained on. TRM's rows: one of
// TRM's released builds (results.KnownBuilds), recognised by the digest of
// its identifiers — another seed or num_aug names other augmentations with
// the same rows. The HRM rows used HRM's own build, whose identifiers are
// not known here: it returns a note saying they were not checked.
func buildDifferences(method string, p *results.Protocol, diff func(string, ...any)) string {
	if !trmRow(method) {
		return "the build's identifiers are not checked (the HRM paper's numbers come from HRM's own build, whose identifiers are not known here)"
	}
	switch b, ok := results.LookupBuild(p.BuildIdentifiers, p.BuildIDsHash); {
	case p.BuildIDsHash == "":
		diff("the build's identifiers were not recorded (a run file from before arceval recorded them)")
	case !ok:
		diff("not TRM's released build: its %d identifiers (digest %s) are not the seed-42, 1000-augmentation build's, so the puzzle ids name other augmentations", p.BuildIdentifiers, p.BuildIDsHash)
	case b.Benchmark != p.Benchmark:
		diff("the build %s is %s's, not %s's", b.ID, b.Benchmark, p.Benchmark)
	}
	return ""
}

// stepDifferences lists how a run's supervision steps differ from the
// paper row's: one step for Direct pred, 16 for the others, never halted
// early.
func stepDifferences(method string, p *results.Protocol, diff func(string, ...any)) {
	switch {
	case method == "direct":
		// A one-step model (Method checks halt_max_steps 1).
		if p.Steps != 1 {
			diff("%d steps; the paper's Direct pred runs one", p.Steps)
		}
	case method == "transformer-act" && p.Steps == p.TrainDepth:
		diff("%d-step ACT transformer; the paper's Direct pred is a one-step model (halt_max_steps 1)", p.TrainDepth)
	case method == "transformer-act":
		diff("ACT transformer trained for %d steps, run for %d; the paper's Direct pred is a one-step model (halt_max_steps 1)", p.TrainDepth, p.Steps)
	case p.TrainDepth != paperSteps:
		diff("a model trained for %d supervision steps (halt_max_steps); the paper's models use %d", p.TrainDepth, paperSteps)
	case p.Steps != paperSteps:
		diff("%d of the model's %d supervision steps", p.Steps, paperSteps)
	}
	if p.EarlyHalt {
		diff("early halting on q_halt (the paper runs every step)")
	}
}

func trimGap(gap string) string {
	const prefix = "no full-test estimate: "
	if len(gap) > len(prefix) && gap[:len(prefix)] == prefix {
		return gap[len(prefix):]
	}
	return gap
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// metric returns the run's metric of that name (headline or secondary).
func (s *RunSummary) metric(name string) Estimate {
	if s.Headline.Name == name {
		return s.Headline.Estimate
	}
	for _, m := range s.Secondary {
		if m.Name == name {
			return m.Estimate
		}
	}
	return pointOnly(0)
}
