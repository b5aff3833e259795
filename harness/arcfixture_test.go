package harness

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"arceval/tasks"
)

// randomARCGrid is an h×w grid of random colours, h and w in 1..6, with a
// few colours so that some augmentations coincide (the duplicate check
// matters).
func randomARCGrid(rng *rand.Rand) tasks.Grid {
	g := tasks.NewGrid(1+rng.IntN(6), 1+rng.IntN(6))
	colours := 1 + rng.IntN(4)
	for i := range g.Cells {
		g.Cells[i] = uint8(rng.IntN(colours))
	}
	return g
}

// writeKaggleSubset writes n random ARC tasks as <dir>/arc-agi_<subset>_challenges.json
// and _solutions.json (ids prefixed by the subset) and returns the challenges path.
func writeKaggleSubset(t *testing.T, dir, subset string, n int, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	type pair struct {
		Input  tasks.Grid  `json:"input"`
		Output *tasks.Grid `json:"output,omitempty"`
	}
	type task struct {
		Train []pair `json:"train"`
		Test  []pair `json:"test"`
	}
	challenges := map[string]task{}
	solutions := map[string][]tasks.Grid{}
	for i := range n {
		id := fmt.Sprintf("%s%03d", subset[:2], i)
		var tk task
		for range 2 + rng.IntN(3) {
			out := randomARCGrid(rng)
			tk.Train = append(tk.Train, pair{Input: randomARCGrid(rng), Output: &out})
		}
		for range 1 + rng.IntN(2) {
			tk.Test = append(tk.Test, pair{Input: randomARCGrid(rng)})
			solutions[id] = append(solutions[id], randomARCGrid(rng))
		}
		challenges[id] = tk
	}
	write := func(name string, v any) string {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "arc-agi_"+subset+"_"+name+".json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("solutions", solutions)
	return write("challenges", challenges)
}

// arcFixture writes three Kaggle subsets (training, evaluation, concept)
// into a temporary folder and returns its file prefix and the loaded sets.
func arcFixture(t *testing.T) (prefix string, training, evaluation, concept *tasks.Set) {
	t.Helper()
	dir := t.TempDir()
	load := func(subset string, n int, seed uint64) *tasks.Set {
		set, err := tasks.LoadSet("", writeKaggleSubset(t, dir, subset, n, seed))
		if err != nil {
			t.Fatal(err)
		}
		return set
	}
	training, evaluation, concept = load("training", 7, 1), load("evaluation", 5, 2), load("concept", 4, 3)
	return filepath.Join(dir, "arc-agi"), training, evaluation, concept
}
