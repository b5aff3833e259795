package tasks

import (
	"bytes"
	"crypto/sha256"
	"sort"
)

// canonicalKey returns a key shared by exactly the grid tuples that are equal
// up to one dihedral transform and one colour permutation fixing 0 (black),
// applied to all grids of the tuple together: the smallest, over the 8
// transforms, of the grids' bytes with non-zero colours relabelled in order of
// first appearance.
func canonicalKey(grids ...Grid) [32]byte {
	var best []byte
	for t := 0; t < NumDihedral; t++ {
		var relabel [10]uint8
		next := uint8(1)
		buf := make([]byte, 0, 64)
		for _, g := range grids {
			d := Dihedral(g, t)
			buf = append(buf, byte(d.H), byte(d.W))
			for _, v := range d.Cells {
				if v != 0 && relabel[v] == 0 {
					relabel[v] = next
					next++
				}
				buf = append(buf, relabel[v])
			}
		}
		if best == nil || bytes.Compare(buf, best) < 0 {
			best = buf
		}
	}
	return sha256.Sum256(best)
}

// exactKey identifies a tuple of grids exactly.
func exactKey(grids ...Grid) [32]byte {
	h := sha256.New()
	for _, g := range grids {
		h.Write([]byte{byte(g.H), byte(g.W)})
		h.Write(g.Cells)
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// LeakMatch is one evaluation test item found in a training set.
type LeakMatch struct {
	EvalTask  string `json:"eval_task"`
	TestIndex int    `json:"test_index"`
	What      string `json:"what"`  // "pair", "output" or "input"
	Exact     bool   `json:"exact"` // false: equal only up to a transform / colour permutation
	TrainSet  string `json:"train_set"`
	TrainTask string `json:"train_task"`
}

// LeakReport summarises an audit of one evaluation set against training sets.
type LeakReport struct {
	Eval           string      `json:"eval"`
	Train          []string    `json:"train"`
	Tasks          int         `json:"tasks"`
	TestPairs      int         `json:"test_pairs"`
	SharedTaskIDs  []string    `json:"shared_task_ids"`
	PairsExact     int         `json:"test_pairs_exact"`
	PairsEquiv     int         `json:"test_pairs_equivalent"` // incl. exact
	OutputsExact   int         `json:"test_outputs_exact"`
	OutputsEquiv   int         `json:"test_outputs_equivalent"`
	InputsExact    int         `json:"test_inputs_exact"`
	InputsEquiv    int         `json:"test_inputs_equivalent"`
	TasksWithLeaks int         `json:"tasks_with_a_leaked_pair"`
	Matches        []LeakMatch `json:"matches"`
}

type leakRef struct{ set, task string }

// AuditLeakage checks every test input, test output and test (input, output)
// pair of eval against all grids and pairs of the training sets (their
// demonstrations and test pairs), exactly and under the 8 dihedral transforms
// with colour permutations (black fixed), and lists shared task ids. Test
// pairs of eval found in training are leaks; shared inputs or outputs alone
// are reported for inspection (small or blank grids recur by chance).
func AuditLeakage(eval *Set, train []*Set) LeakReport {
	rep := LeakReport{Eval: eval.Name, Tasks: len(eval.Tasks), TestPairs: eval.TestInputs(), Matches: []LeakMatch{}, SharedTaskIDs: []string{}}
	exactGrid := map[[32]byte]leakRef{}
	equivGrid := map[[32]byte]leakRef{}
	exactPair := map[[32]byte]leakRef{}
	equivPair := map[[32]byte]leakRef{}
	ids := map[string]leakRef{}
	remember := func(m map[[32]byte]leakRef, k [32]byte, r leakRef) {
		if _, ok := m[k]; !ok {
			m[k] = r
		}
	}
	for _, s := range train {
		rep.Train = append(rep.Train, s.Name)
		for _, t := range s.Tasks {
			ref := leakRef{s.Name, t.ID}
			if _, ok := ids[t.ID]; !ok {
				ids[t.ID] = ref
			}
			for p := range t.Pairs() {
				for _, g := range []Grid{p.Input, p.Output} {
					remember(exactGrid, exactKey(g), ref)
					remember(equivGrid, canonicalKey(g), ref)
				}
				remember(exactPair, exactKey(p.Input, p.Output), ref)
				remember(equivPair, canonicalKey(p.Input, p.Output), ref)
			}
		}
	}
	for _, t := range eval.Tasks {
		if _, ok := ids[t.ID]; ok {
			rep.SharedTaskIDs = append(rep.SharedTaskIDs, t.ID)
		}
		leaked := false
		for i, p := range t.Test {
			check := func(what string, exact, equiv map[[32]byte]leakRef, ek, ck [32]byte, nExact, nEquiv *int) bool {
				if r, ok := exact[ek]; ok {
					*nExact++
					*nEquiv++
					rep.Matches = append(rep.Matches, LeakMatch{t.ID, i, what, true, r.set, r.task})
					return true
				}
				if r, ok := equiv[ck]; ok {
					*nEquiv++
					rep.Matches = append(rep.Matches, LeakMatch{t.ID, i, what, false, r.set, r.task})
					return true
				}
				return false
			}
			if check("pair", exactPair, equivPair, exactKey(p.Input, p.Output), canonicalKey(p.Input, p.Output), &rep.PairsExact, &rep.PairsEquiv) {
				leaked = true
			}
			check("output", exactGrid, equivGrid, exactKey(p.Output), canonicalKey(p.Output), &rep.OutputsExact, &rep.OutputsEquiv)
			check("input", exactGrid, equivGrid, exactKey(p.Input), canonicalKey(p.Input), &rep.InputsExact, &rep.InputsEquiv)
		}
		if leaked {
			rep.TasksWithLeaks++
		}
	}
	sort.Strings(rep.SharedTaskIDs)
	return rep
}
