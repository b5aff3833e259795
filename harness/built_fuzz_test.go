package harness

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"arceval/internal/npy"
	"arceval/tasks"
)

// npyOf renders an array as numpy.save would.
func npyOf[T npy.Elem](t testing.TB, descr string, shape []int, data []T) []byte {
	var b bytes.Buffer
	if err := npy.Write(&b, descr, shape, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// builtFiles are the files of a built split folder, in the order of
// FuzzBuiltSplit's arguments; identifiers.json lives in the parent folder.
var builtFiles = []string{"dataset.json", "all__inputs.npy", "all__labels.npy", "all__puzzle_identifiers.npy",
	"all__puzzle_indices.npy", "all__group_indices.npy", "../identifiers.json"}

// builtSeeds returns two small splits, file by file: two Sudoku puzzles of
// the tasks testdata (one puzzle and group per row, as the official builder
// writes them), and an ARC group of the original and one augmented view of
// a testdata task, with identifiers.json.
func builtSeeds(f *testing.F) [][][]byte {
	var out [][][]byte
	set, err := tasks.LoadPath(filepath.Join("..", "tasks", "testdata", "sudoku_tiny.csv"))
	if err != nil {
		f.Fatal(err)
	}
	var in, lab []uint8
	n := min(2, len(set.Tasks))
	for _, tk := range set.Tasks[:n] {
		for _, v := range tk.Test[0].Input.Cells {
			in = append(in, v+1)
		}
		for _, v := range tk.Test[0].Output.Cells {
			lab = append(lab, v+1)
		}
	}
	idx := make([]int32, n+1)
	for i := range idx {
		idx[i] = int32(i)
	}
	out = append(out, [][]byte{
		[]byte(`{"pad_id": 0, "ignore_label_id": 0, "blank_identifier_id": 0, "vocab_size": 11, "seq_len": 81, "num_puzzle_identifiers": 1, "total_groups": 2, "mean_puzzle_examples": 1.0, "total_puzzles": 2, "sets": ["all"]}`),
		npyOf(f, "|u1", []int{n, 81}, in), npyOf(f, "|u1", []int{n, 81}, lab), npyOf(f, "<i4", []int{n}, make([]int32, n)),
		npyOf(f, "<i4", []int{n + 1}, idx), npyOf(f, "<i4", []int{n + 1}, idx), nil,
	})

	files, _ := filepath.Glob(filepath.Join("..", "tasks", "testdata", "arc_tiny", "*.json"))
	if len(files) == 0 {
		f.Fatal("no ARC testdata")
	}
	arc, err := tasks.LoadPath(files[0])
	if err != nil {
		f.Fatal(err)
	}
	tk := arc.Tasks[0]
	aug := tasks.ARCAug{Trans: 1, Colours: tasks.IdentityARCAug.Colours}
	rows := func(a tasks.ARCAug, g func(p tasks.Pair) tasks.Grid) []uint8 {
		var r []uint8
		for _, p := range tk.Test {
			c := make([]uint8, tasks.ARCSeqLen)
			tasks.EncodeARC(a.Apply(g(p)), 0, 0, c)
			r = append(r, c...)
		}
		return r
	}
	k := len(tk.Test)
	in = append(rows(tasks.IdentityARCAug, func(p tasks.Pair) tasks.Grid { return p.Input }), rows(aug, func(p tasks.Pair) tasks.Grid { return p.Input })...)
	lab = append(rows(tasks.IdentityARCAug, func(p tasks.Pair) tasks.Grid { return p.Output }), rows(aug, func(p tasks.Pair) tasks.Grid { return p.Output })...)
	out = append(out, [][]byte{
		[]byte(`{"pad_id": 0, "ignore_label_id": 0, "blank_identifier_id": 0, "vocab_size": 12, "seq_len": 900, "num_puzzle_identifiers": 3, "total_groups": 1, "mean_puzzle_examples": 1.0, "total_puzzles": 2, "sets": ["all"]}`),
		npyOf(f, "|u1", []int{2 * k, 900}, in), npyOf(f, "|u1", []int{2 * k, 900}, lab), npyOf(f, "<i4", []int{2}, []int32{1, 2}),
		npyOf(f, "<i4", []int{3}, []int32{0, int32(k), int32(2 * k)}), npyOf(f, "<i4", []int{2}, []int32{0, 2}),
		[]byte(`["<blank>", "` + tk.ID + `", "` + aug.Name(tk.ID) + `"]`),
	})
	return out
}

// FuzzBuiltSplit: a built split folder (dataset.json, the five arrays,
// identifiers.json) opens into a split whose shapes, tokens, offsets and
// identifiers are consistent, or fails with an error naming one of its
// files; whatever opens becomes tasks, evaluation items and views without
// a panic. Memory stays proportional to the files.
func FuzzBuiltSplit(f *testing.F) {
	for _, s := range builtSeeds(f) {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5], s[6])
		bad := append([]byte(nil), s[4]...)
		bad[len(bad)-1] ^= 0x40 // the last puzzle offset
		f.Add(s[0], s[1], s[2], s[3], bad, s[5], s[6])
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5], []byte(`["only one"]`))
	}
	f.Fuzz(func(t *testing.T, meta, inputs, labels, pids, pidx, gidx, idents []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "test")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		total := 0
		for i, data := range [][]byte{meta, inputs, labels, pids, pidx, gidx, idents} {
			if data == nil && i == 6 {
				continue // no identifiers.json
			}
			total += len(data)
			if err := os.WriteFile(filepath.Join(dir, builtFiles[i]), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		namesFile := func(err error) {
			t.Helper()
			for _, name := range builtFiles {
				if strings.Contains(err.Error(), filepath.Clean(filepath.Join(dir, name))) {
					return
				}
			}
			if !strings.Contains(err.Error(), dir) {
				t.Fatalf("error %q names no file of the split", err)
			}
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		split, err := tasks.OpenBuilt(dir)
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > 16*uint64(total)+1<<20 {
			t.Fatalf("opening %d bytes of files allocated %d", total, n)
		}
		if err != nil {
			namesFile(err)
			return
		}
		S, m := split.Meta.SeqLen, split.Meta
		if len(split.Inputs) != len(split.Labels) || len(split.Inputs)%S != 0 {
			t.Fatalf("%d input and %d label tokens for seq_len %d", len(split.Inputs), len(split.Labels), S)
		}
		for _, v := range append(append([]uint8(nil), split.Inputs...), split.Labels...) {
			if int(v) >= m.VocabSize {
				t.Fatalf("token %d outside vocabulary %d", v, m.VocabSize)
			}
		}
		csr := func(idx []int32, end int) {
			if len(idx) == 0 || idx[0] != 0 || int(idx[len(idx)-1]) != end {
				t.Fatalf("offsets %v do not span 0..%d", idx, end)
			}
			for i := 1; i < len(idx); i++ {
				if idx[i] < idx[i-1] {
					t.Fatalf("offsets %v decrease", idx)
				}
			}
		}
		csr(split.PuzzleIndices, split.Examples())
		csr(split.GroupIndices, split.Puzzles())
		for _, id := range split.PuzzleIdentifiers {
			if id < 0 || int(id) >= m.NumPuzzleIdentifiers {
				t.Fatalf("identifier %d outside %d", id, m.NumPuzzleIdentifiers)
			}
		}
		if split.Identifiers != nil && len(split.Identifiers) != m.NumPuzzleIdentifiers {
			t.Fatalf("%d names for %d identifiers", len(split.Identifiers), m.NumPuzzleIdentifiers)
		}

		kind := m.GuessKind()
		if _, err := tasks.LoadBuiltTasks(dir, kind); err != nil {
			namesFile(err)
		}
		items, err := FromBuilt(split, kind, ViewOptions{Views: 2})
		if err != nil {
			namesFile(err)
			return
		}
		for _, it := range items {
			views, err := it.Views()
			if err != nil {
				t.Fatal(err)
			}
			if len(views) == 0 || len(views) > 2 {
				t.Fatalf("item %s has %d views", it.Key(), len(views))
			}
			for _, v := range views {
				if len(v.Tokens) != S {
					t.Fatalf("view of %d tokens, seq_len %d", len(v.Tokens), S)
				}
			}
		}
		if len(items) > 0 {
			if _, err := Identify(items); err != nil {
				t.Fatal(err)
			}
		}
	})
}
