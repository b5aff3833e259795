package harness

import (
	"errors"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/tasks"
)

// Training on a known evaluation set that is not the build's test subset
// would train on its test outputs: NewTaskData refuses it, naming the set
// and what it is, whatever path or format it was read from; as the test
// subset it is the official protocol, and ConceptARC (a known set the
// official builds train on whole) and training sets are not refused.
func TestNewTaskDataRefusesEvalTestPairs(t *testing.T) {
	root := testenv.DataRoot(t)
	load := func(name string) *tasks.Set {
		s, err := tasks.LoadSet(root, name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	training, evaluation, concept := load("trm-kaggle/training"), load("trm-kaggle/evaluation"), load("trm-kaggle/concept")
	rawEval, eval2, eval167 := load("arc-agi-1/evaluation"), load("trm-kaggle/evaluation2"), load("arc-agi-2/evaluation")
	for _, tc := range []struct {
		name   string
		sets   []*tasks.Set
		test   *tasks.Set
		leaked []string // known set ids refused, in order
	}{
		{"the ARC-AGI-1 subsets without a test subset", []*tasks.Set{training, evaluation, concept}, nil, []string{"arc-agi-1/evaluation"}},
		{"the raw folder copy", []*tasks.Set{rawEval}, nil, []string{"arc-agi-1/evaluation"}},
		{"both ARC-AGI-2 copies", []*tasks.Set{eval2, eval167}, nil, []string{"arc-agi-2/evaluation-172", "arc-agi-2/evaluation-167"}},
		{"another set than the test subset", []*tasks.Set{training, eval2}, concept, []string{"arc-agi-2/evaluation-172"}},
		{"the official recipe", []*tasks.Set{training, evaluation, concept}, evaluation, nil},
		{"training and ConceptARC", []*tasks.Set{training, concept}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewTaskData(tc.sets, TaskDataOptions{NumAug: 0, Seed: 42, Test: tc.test})
			var leak *EvalTestPairsError
			if len(tc.leaked) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.As(err, &leak) {
				t.Fatalf("trained on evaluation test pairs: err %v", err)
			}
			var got []string
			for _, l := range leak.Sets {
				got = append(got, l.Known.ID)
				if !strings.Contains(err.Error(), l.Set+" is the "+l.Known.Desc) {
					t.Errorf("the error does not name %s as %s: %v", l.Set, l.Known.ID, err)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.leaked, ",") {
				t.Errorf("refused %v, want %v", got, tc.leaked)
			}
			if !strings.Contains(err.Error(), "test outputs") {
				t.Errorf("the error does not say why: %v", err)
			}
			if _, err := NewTaskData(tc.sets, TaskDataOptions{NumAug: 0, Seed: 42, Test: tc.test, AllowEvalTestPairs: true}); err != nil {
				t.Errorf("with AllowEvalTestPairs: %v", err)
			}
		})
	}
}
