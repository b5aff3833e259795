package harness

import (
	"fmt"
	"strings"

	"arceval/results"
	"arceval/tasks"
)

// evaluationBenchmarks are the benchmarks whose known ARC sets
// (results.KnownSets) are evaluation sets: ARC-AGI-1 evaluation and both
// copies of ARC-AGI-2 evaluation, on which the paper reports its numbers.
// ConceptARC is a known set but not one of them: the official ARC builds
// train on all of it, test pairs included (README commands: it is never
// the test set).
var evaluationBenchmarks = map[string]bool{"arc-agi-1": true, "arc-agi-2": true}

// KnownEvaluationSet reports whether set is, by its content (IdentifySet),
// one of the known evaluation sets. A set that cannot be itemised for
// scoring (a task without test outputs) cannot be one.
func KnownEvaluationSet(set *tasks.Set) (results.KnownSet, bool) {
	if set.Kind != tasks.ARC {
		return results.KnownSet{}, false
	}
	id, err := IdentifySet(set)
	if err != nil || !evaluationBenchmarks[id.Known.Benchmark] {
		return results.KnownSet{}, false
	}
	return id.Known, true
}

// A LeakedSet is an ARC training set that is a known evaluation set but not
// the build's test subset: the official build routes the test pairs of every
// subset but the test set's to the train split (build_arc_dataset.py
// load_puzzles_arcagi, test_examples_map), so training on it trains on the
// test outputs the set is scored on.
type LeakedSet struct {
	Set   string           // the training set's name
	Known results.KnownSet // the evaluation set it is
}

// LeakedSets returns the training sets that are known evaluation sets other
// than the test subset (matched by name, as the build's subsets are), in
// the order given.
func LeakedSets(sets []*tasks.Set, test *tasks.Set) []LeakedSet {
	var out []LeakedSet
	for _, s := range sets {
		if test != nil && s.Name == test.Name {
			continue
		}
		if k, ok := KnownEvaluationSet(s); ok {
			out = append(out, LeakedSet{Set: s.Name, Known: k})
		}
	}
	return out
}

// EvalTestPairsError is NewTaskData's refusal to train on the test outputs
// of evaluation sets (TaskDataOptions.AllowEvalTestPairs lifts it).
type EvalTestPairsError struct {
	Sets []LeakedSet
}

func (e *EvalTestPairsError) Error() string {
	var parts []string
	for _, l := range e.Sets {
		parts = append(parts, fmt.Sprintf("%s is the %s", l.Set, l.Known.Desc))
	}
	return fmt.Sprintf("%s, and not the build's test subset: training on it would train on its test outputs, the answers it is scored on; make it the test subset (its demonstration pairs are trained on, its test inputs evaluated: the official protocol)",
		strings.Join(parts, "; "))
}
