package tasks

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newRand returns a deterministic generator for property tests.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// randGrid returns an h×w grid with cells uniform in 0..maxValue.
func randGrid(r *rand.Rand, h, w int, maxValue uint8) Grid {
	g := NewGrid(h, w)
	for i := range g.Cells {
		g.Cells[i] = uint8(r.IntN(int(maxValue) + 1))
	}
	return g
}

// randColourMap returns a permutation of 0..9 that fixes 0, as the official
// augmentation draws it.
func randColourMap(r *rand.Rand) ColourMap {
	m := IdentityColours
	r.Shuffle(9, func(i, j int) { m[i+1], m[j+1] = m[j+1], m[i+1] })
	return m
}

// gridOf builds a grid from rows of digits ("12", "34").
func gridOf(rows ...string) Grid {
	g := NewGrid(len(rows), len(rows[0]))
	for r, row := range rows {
		if len(row) != g.W {
			panic("gridOf: ragged rows")
		}
		for c := 0; c < g.W; c++ {
			g.Set(r, c, row[c]-'0')
		}
	}
	return g
}

// mazeString renders a maze grid as the CSV's row-major string.
func mazeString(g Grid) string {
	b := make([]byte, len(g.Cells))
	for i, v := range g.Cells {
		b[i] = MazeCharset[v]
	}
	return string(b)
}

// sudokuString renders a Sudoku board as the CSV's 81 characters ('.' = blank).
func sudokuString(g Grid) string {
	b := make([]byte, len(g.Cells))
	for i, v := range g.Cells {
		b[i] = '0' + v
		if v == 0 {
			b[i] = '.'
		}
	}
	return string(b)
}

// wantErr fails unless err is non-nil and its message contains every want.
func wantErr(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error\n  %s\ndoes not contain\n  %s", err, w)
		}
	}
}

// fileProblems returns the problems of a *FileError, failing otherwise.
func fileProblems(t *testing.T, err error) []Problem {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FileError", err, err)
	}
	return fe.Problems
}

// writeFile writes data to dir/name, creating folders.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// copyDir copies the regular files of src into dst (not recursive), writable.
func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.OpenFile(filepath.Join(dst, e.Name()), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			in.Close()
			t.Fatal(err)
		}
		_, err = io.Copy(out, in)
		in.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// npyBytes encodes a C-order array as a version 1.0 .npy file, written
// independently of internal/npy so the tests also check the reader.
// descr is '|u1', '<i4' or '<i8'; vals are stored with that width.
func npyBytes(descr string, shape []int, vals []int64) []byte {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, tuple)
	total := 10 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	b.WriteString(header)
	for _, v := range vals {
		switch descr {
		case "|u1":
			b.WriteByte(uint8(v))
		case "<i4":
			binary.Write(&b, binary.LittleEndian, int32(v))
		case "<i8":
			binary.Write(&b, binary.LittleEndian, v)
		default:
			panic("npyBytes: unsupported descr " + descr)
		}
	}
	return b.Bytes()
}

// npyDataOffset returns where the data of a version 1.0 .npy file starts.
func npyDataOffset(t testing.TB, data []byte) int {
	t.Helper()
	if len(data) < 10 || string(data[:6]) != "\x93NUMPY" || data[6] != 1 {
		t.Fatalf("not a version 1.0 .npy file")
	}
	return 10 + int(binary.LittleEndian.Uint16(data[8:10]))
}

// writeBuiltSplit writes a built-dataset split folder (dataset.json and the
// five arrays) for boards already encoded as tokens, one puzzle and one group
// per example, as the official Sudoku/Maze builders do.
func writeBuiltSplit(t testing.TB, dir string, seqLen, vocab int, inputs, labels [][]uint8) {
	t.Helper()
	n := len(inputs)
	flat := func(rows [][]uint8) []int64 {
		var out []int64
		for _, r := range rows {
			for _, v := range r {
				out = append(out, int64(v))
			}
		}
		return out
	}
	idx := make([]int64, n+1)
	for i := range idx {
		idx[i] = int64(i)
	}
	meta := fmt.Sprintf(`{"seq_len": %d, "vocab_size": %d, "pad_id": 0, "ignore_label_id": 0, "blank_identifier_id": 0, "num_puzzle_identifiers": 1, "total_groups": %d, "mean_puzzle_examples": 1.0, "total_puzzles": %d, "sets": ["all"]}`, seqLen, vocab, n, n)
	writeFile(t, dir, "dataset.json", []byte(meta))
	writeFile(t, dir, "all__inputs.npy", npyBytes("|u1", []int{n, seqLen}, flat(inputs)))
	writeFile(t, dir, "all__labels.npy", npyBytes("|u1", []int{n, seqLen}, flat(labels)))
	writeFile(t, dir, "all__puzzle_identifiers.npy", npyBytes("<i4", []int{n}, make([]int64, n)))
	writeFile(t, dir, "all__puzzle_indices.npy", npyBytes("<i4", []int{n + 1}, idx))
	writeFile(t, dir, "all__group_indices.npy", npyBytes("<i4", []int{n + 1}, idx))
}
