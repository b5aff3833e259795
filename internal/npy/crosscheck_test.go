package npy

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestNumpyCrossCheck writes random arrays with Write, has real numpy load
// and re-save each one, and requires identical bytes. It needs Python with
// numpy, so it only runs when NPY_CROSSCHECK_PYTHON names the interpreter
// (e.g. NPY_CROSSCHECK_PYTHON=/usr/bin/python3); CI relies on the pinned
// files under testdata instead.
func TestNumpyCrossCheck(t *testing.T) {
	python := os.Getenv("NPY_CROSSCHECK_PYTHON")
	if python == "" {
		t.Skip("set NPY_CROSSCHECK_PYTHON=/usr/bin/python3 to compare against real numpy")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	descrs := []string{"|u1", "|i1", "|b1", "<i2", ">u2", "<i4", ">i4", "<u4", "<i8", ">i8", "<u8", "<f4", ">f8", "=i4", "<u1"}
	const n = 1000
	for i := range n {
		descr := descrs[rng.IntN(len(descrs))]
		shape := make([]int, rng.IntN(5))
		if i%2 == 0 {
			shape = make([]int, rng.IntN(33)) // long headers cross the 64-byte padding boundaries
		}
		count, nonzero := 1, 1 // numpy also rejects overflow among non-zero dims
		for d := range shape {
			shape[d] = 1 + rng.IntN(3)
			if rng.IntN(5) == 0 {
				shape[d] = 10 // two digits vary the header length modulo 64
			}
			if rng.IntN(6) == 0 {
				shape[d] = 0
			}
			if rng.IntN(8) == 0 {
				shape[d] = rng.IntN(2000)
			}
			if nonzero*max(shape[d], 1) > 1<<16 {
				shape[d] = 1
			}
			count *= shape[d]
			nonzero *= max(shape[d], 1)
		}
		raw := make([]byte, count*int(descr[2]-'0'))
		for j := range raw {
			raw[j] = byte(rng.Uint32())
		}
		if descr[1] == 'b' {
			for j := range raw {
				raw[j] &= 1
			}
		}
		var buf bytes.Buffer
		w, err := NewWriter(&buf, descr, shape)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(raw); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%03d.npy", i)), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script := `
import glob, sys, numpy as np
for f in sorted(glob.glob(sys.argv[1] + "/*.npy")):
    np.save(f[:-4] + ".numpy", np.load(f))
`
	if out, err := exec.Command(python, "-c", script, dir).CombinedOutput(); err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	for i := range n {
		ours, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%03d.npy", i)))
		theirs, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%03d.numpy.npy", i)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours, theirs) {
			t.Errorf("file %03d differs from numpy's re-save:\n ours %q\nnumpy %q", i, ours[:min(len(ours), 200)], theirs[:min(len(theirs), 200)])
		}
	}
}
