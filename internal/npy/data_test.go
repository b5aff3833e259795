package npy

import (
	"arceval/internal/testenv"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// dataDir locates the shared benchmark data or skips the test.
func dataDir(t *testing.T) string {
	t.Helper()
	return testenv.DataRoot(t)
}

// TestRealDatasets reads the HRM/TRM-processed dataset folders, checks the
// shapes and index invariants the builders guarantee, compares RowReader
// with Open, and checks that rewriting each array reproduces the file byte
// for byte (the files were written by numpy.save).
func TestRealDatasets(t *testing.T) {
	root := dataDir(t)
	sets := []struct {
		dir    string
		seqLen int
	}{
		{"maze-30x30-hard-1k/hrm_processed/train", 900},
		{"maze-30x30-hard-1k/hrm_processed/test", 900},
		{"sudoku/sudoku-extreme-train-sample-1k/hrm_processed/train", 81},
	}
	for _, s := range sets {
		t.Run(s.dir, func(t *testing.T) {
			dir := filepath.Join(root, s.dir)
			if _, err := os.Stat(dir); err != nil {
				testenv.Missing(t, testenv.Data, "the official build %s is not in the data root: %v", s.dir, err)
			}
			inputs := mustOpen(t, filepath.Join(dir, "all__inputs.npy"))
			labels := mustOpen(t, filepath.Join(dir, "all__labels.npy"))
			ids := mustOpen(t, filepath.Join(dir, "all__puzzle_identifiers.npy"))
			pidx := mustOpen(t, filepath.Join(dir, "all__puzzle_indices.npy"))
			gidx := mustOpen(t, filepath.Join(dir, "all__group_indices.npy"))

			n := inputs.Header.Shape[0]
			for _, a := range []*Array{inputs, labels} {
				if len(a.Header.Shape) != 2 || a.Header.Shape[0] != n || a.Header.Shape[1] != s.seqLen || a.DType.String() != "|u1" {
					t.Fatalf("%s: %s", a.Name, a)
				}
			}
			for _, a := range []*Array{ids, pidx, gidx} {
				if len(a.Header.Shape) != 1 || a.DType.String() != "<i4" {
					t.Fatalf("%s: %s", a.Name, a)
				}
			}
			p, err := pidx.Int32s()
			if err != nil {
				t.Fatal(err)
			}
			g, err := gidx.Int32s()
			if err != nil {
				t.Fatal(err)
			}
			if p[0] != 0 || int(p[len(p)-1]) != n || g[0] != 0 || int(g[len(g)-1]) != len(p)-1 || ids.Len() != len(p)-1 {
				t.Fatalf("index invariants: n=%d puzzle_indices[0,-1]=%d,%d group_indices[0,-1]=%d,%d ids=%d",
					n, p[0], p[len(p)-1], g[0], g[len(g)-1], ids.Len())
			}

			rr, err := OpenRows(inputs.Name)
			if err != nil {
				t.Fatal(err)
			}
			defer rr.Close()
			i := 0
			for rr.Next() {
				if !bytes.Equal(rr.Row(), inputs.Data[i*s.seqLen:(i+1)*s.seqLen]) {
					t.Fatalf("row %d differs", i)
				}
				i++
			}
			if rr.Err() != nil || i != n {
				t.Fatalf("rows %d, err %v", i, rr.Err())
			}

			for _, a := range []*Array{inputs, labels, ids, pidx, gidx} {
				orig, err := os.ReadFile(a.Name)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if a.DType.Kind == 'u' {
					v, _ := a.Uint8s()
					err = Write(&buf, a.Header.Descr, a.Header.Shape, v)
				} else {
					v, _ := a.Int32s()
					err = Write(&buf, a.Header.Descr, a.Header.Shape, v)
				}
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(buf.Bytes(), orig) {
					t.Errorf("%s: rewrite is not byte-identical", a.Name)
				}
			}
		})
	}
}

func mustOpen(t *testing.T, path string) *Array {
	t.Helper()
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
