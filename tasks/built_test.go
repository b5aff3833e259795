package tasks

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
)

// tinySudokuTokens encodes testdata/sudoku_tiny.csv as builder rows.
func tinySudokuTokens(t *testing.T) (tasks []*Task, inputs, labels [][]uint8) {
	t.Helper()
	tasks, err := LoadSudokuCSV(filepath.Join("testdata", "sudoku_tiny.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tasks {
		in, lab := make([]uint8, 81), make([]uint8, 81)
		EncodeBoard(tk.Test[0].Input, in)
		EncodeBoard(tk.Test[0].Output, lab)
		inputs, labels = append(inputs, in), append(labels, lab)
	}
	return tasks, inputs, labels
}

func TestBuiltSynthetic(t *testing.T) {
	want, inputs, labels := tinySudokuTokens(t)
	dir := filepath.Join(t.TempDir(), "test")
	writeBuiltSplit(t, dir, 81, SudokuVocab, inputs, labels)
	b, err := OpenBuilt(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Examples() != 2 || b.Puzzles() != 2 || b.Groups() != 2 || b.Meta.GuessKind() != Sudoku {
		t.Errorf("split: %d examples, %d puzzles, %d groups, kind %v", b.Examples(), b.Puzzles(), b.Groups(), b.Meta.GuessKind())
	}
	set, err := LoadPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if set.Kind != Sudoku || len(set.Tasks) != 2 {
		t.Fatalf("LoadPath: kind %v, %d tasks", set.Kind, len(set.Tasks))
	}
	for i, tk := range set.Tasks {
		if !tk.Test[0].Input.Equal(want[i].Test[0].Input) || !tk.Test[0].Output.Equal(want[i].Test[0].Output) {
			t.Errorf("task %d differs from the CSV", i)
		}
	}

	t.Run("int64-inputs", func(t *testing.T) {
		// The official Sudoku train build writes <i8 arrays.
		dir := filepath.Join(t.TempDir(), "train")
		writeBuiltSplit(t, dir, 81, SudokuVocab, inputs, labels)
		var wide []int64
		for _, r := range inputs {
			for _, v := range r {
				wide = append(wide, int64(v))
			}
		}
		writeFile(t, dir, "all__inputs.npy", npyBytes("<i8", []int{2, 81}, wide))
		set, err := LoadPath(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !set.Tasks[1].Test[0].Input.Equal(want[1].Test[0].Input) {
			t.Error("int64 inputs decode differently")
		}
		wide[81+5] = 300
		writeFile(t, dir, "all__inputs.npy", npyBytes("<i8", []int{2, 81}, wide))
		_, err = OpenBuilt(dir)
		if p := filepath.Join(dir, "all__inputs.npy"); err == nil || err.Error() != p+": row 1, column 5: token 300 outside vocabulary 0..10" {
			t.Errorf("error %v", err)
		}
	})

	t.Run("wrong-answer", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "test")
		bad := [][]uint8{labels[0], append([]uint8(nil), labels[1]...)}
		bad[1][0], bad[1][1] = bad[1][1], bad[1][0] // swap two answer cells
		writeBuiltSplit(t, dir, 81, SudokuVocab, inputs, bad)
		_, err := LoadPath(dir)
		wantErr(t, err, filepath.Join(dir, "all__inputs.npy")+": row 1: answer: digit")
	})

	t.Run("pad-token", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "test")
		bad := [][]uint8{inputs[0], append([]uint8(nil), inputs[1]...)}
		bad[1][40] = PadToken
		writeBuiltSplit(t, dir, 81, SudokuVocab, bad, labels)
		_, err := LoadPath(dir)
		if want := filepath.Join(dir, "all__inputs.npy") + ": row 1: tokens do not decode to a 9×9 board"; err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
}

// TestBuiltMazeLargeVocab: a maze split whose dataset.json declares a larger
// vocabulary than the maze charset used to crash MazeProblem; it must be an
// error naming the row.
func TestBuiltMazeLargeVocab(t *testing.T) {
	q, a := tinyMaze(t)
	in, lab := make([]uint8, 100), make([]uint8, 100)
	EncodeBoard(q, in)
	EncodeBoard(a, lab)
	lab[0] = 7 // value 6: no maze cell
	dir := filepath.Join(t.TempDir(), "test")
	writeBuiltSplit(t, dir, 100, 8, [][]uint8{in}, [][]uint8{lab})
	set, err := LoadPath(dir)
	if set != nil {
		t.Error("got a set with the error")
	}
	if want := filepath.Join(dir, "all__inputs.npy") + `: row 0: labels: row 1, column 1 of the answer holds 6, not a maze cell (0..4 = "# SGo")`; err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
}

// realBuiltCopy copies the Maze-Hard test split into a temp folder.
func realBuiltCopy(t *testing.T) string {
	t.Helper()
	root := testenv.DataRoot(t)
	src := filepath.Join(root, "maze-30x30-hard-1k", "hrm_processed", "test")
	dst := filepath.Join(t.TempDir(), "hrm_processed", "test")
	copyDir(t, src, dst)
	return dst
}

// patchNpy rewrites element i of a 1-D or 2-D .npy array of the given width
// (1 = uint8, 4 = int32) in place.
func patchNpy(t *testing.T, path string, width, i int, v int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	off := npyDataOffset(t, data) + i*width
	switch width {
	case 1:
		data[off] = uint8(v)
	case 4:
		binary.LittleEndian.PutUint32(data[off:], uint32(int32(v)))
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBuiltRealCorrupt(t *testing.T) {
	const meta = `{"seq_len": 900, "vocab_size": 6, "pad_id": 0, "ignore_label_id": 0, "blank_identifier_id": 0, "num_puzzle_identifiers": 1, "total_groups": 1000, "mean_puzzle_examples": 1.0, "total_puzzles": 1000, "sets": ["all"]}`
	npyFile := func(dir, name string) string { return filepath.Join(dir, "all__"+name+".npy") }
	var wallMsg string
	// These errors come from internal/npy or the OS: check the file name and
	// the start of the message only.
	partial := map[string]bool{"truncated-header": true, "missing-file": true}
	tests := []struct {
		name    string
		corrupt func(t *testing.T, dir string)
		want    func(dir string) string
	}{
		{"valid", func(*testing.T, string) {}, func(string) string { return "" }},
		{"truncated-npy", func(t *testing.T, dir string) {
			p := npyFile(dir, "inputs")
			data, _ := os.ReadFile(p)
			writeFile(t, dir, filepath.Base(p), data[:len(data)-100])
		}, func(dir string) string {
			return npyFile(dir, "inputs") + ": truncated: header says 900000 bytes of data, file has 899900"
		}},
		{"truncated-header", func(t *testing.T, dir string) {
			p := npyFile(dir, "labels")
			data, _ := os.ReadFile(p)
			writeFile(t, dir, filepath.Base(p), data[:40])
		}, func(dir string) string { return npyFile(dir, "labels") + ": " }},
		{"puzzle-indices-end", func(t *testing.T, dir string) {
			patchNpy(t, npyFile(dir, "puzzle_indices"), 4, 1000, 999)
		}, func(dir string) string {
			return npyFile(dir, "puzzle_indices") + ": last offset 999, want 1000"
		}},
		{"puzzle-indices-decrease", func(t *testing.T, dir string) {
			patchNpy(t, npyFile(dir, "puzzle_indices"), 4, 500, 10)
		}, func(dir string) string {
			return npyFile(dir, "puzzle_indices") + ": element 500: offset 10 is below the previous 499"
		}},
		{"puzzle-indices-start", func(t *testing.T, dir string) {
			patchNpy(t, npyFile(dir, "puzzle_indices"), 4, 0, 1)
		}, func(dir string) string {
			return npyFile(dir, "puzzle_indices") + ": offsets must start with 0"
		}},
		{"group-indices-end", func(t *testing.T, dir string) {
			patchNpy(t, npyFile(dir, "group_indices"), 4, 1000, 1001)
		}, func(dir string) string {
			return npyFile(dir, "group_indices") + ": last offset 1001, want 1000"
		}},
		{"token-over-vocab", func(t *testing.T, dir string) {
			patchNpy(t, npyFile(dir, "inputs"), 1, 999*900+899, 9)
		}, func(dir string) string {
			return npyFile(dir, "inputs") + ": row 999, column 899: token 9 outside vocabulary 0..5"
		}},
		{"label-token-over-vocab", func(t *testing.T, dir string) {
			patchNpy(t, npyFile(dir, "labels"), 1, 2*900+31, 6)
		}, func(dir string) string {
			return npyFile(dir, "labels") + ": row 2, column 31: token 6 outside vocabulary 0..5"
		}},
		{"identifier-over-count", func(t *testing.T, dir string) {
			patchNpy(t, npyFile(dir, "puzzle_identifiers"), 4, 999, 1)
		}, func(dir string) string {
			return npyFile(dir, "puzzle_identifiers") + ": element 999: identifier 1 outside 0..0"
		}},
		{"identifier-negative", func(t *testing.T, dir string) {
			patchNpy(t, npyFile(dir, "puzzle_identifiers"), 4, 3, -2)
		}, func(dir string) string {
			return npyFile(dir, "puzzle_identifiers") + ": element 3: identifier -2 outside 0..0"
		}},
		{"seq-len-zero", func(t *testing.T, dir string) {
			writeFile(t, dir, "dataset.json", []byte(strings.Replace(meta, `"seq_len": 900`, `"seq_len": 0`, 1)))
		}, func(dir string) string { return filepath.Join(dir, "dataset.json") + ": seq_len 0 out of range" }},
		{"seq-len-mismatch", func(t *testing.T, dir string) {
			writeFile(t, dir, "dataset.json", []byte(strings.Replace(meta, `"seq_len": 900`, `"seq_len": 81`, 1)))
		}, func(dir string) string {
			return npyFile(dir, "inputs") + ": shape [1000 900], want [N, 81] (seq_len of dataset.json)"
		}},
		{"seq-len-string", func(t *testing.T, dir string) {
			writeFile(t, dir, "dataset.json", []byte(strings.Replace(meta, `"seq_len": 900`, `"seq_len": "900"`, 1)))
		}, func(dir string) string {
			return filepath.Join(dir, "dataset.json") + ": invalid JSON at line 1, column 17: json: cannot unmarshal string into Go struct field BuiltMeta.seq_len of type int"
		}},
		{"vocab-too-small", func(t *testing.T, dir string) {
			writeFile(t, dir, "dataset.json", []byte(strings.Replace(meta, `"vocab_size": 6`, `"vocab_size": 1`, 1)))
		}, func(dir string) string {
			return filepath.Join(dir, "dataset.json") + ": vocab_size 1 out of range 2..256"
		}},
		{"no-identifiers", func(t *testing.T, dir string) {
			writeFile(t, dir, "dataset.json", []byte(strings.Replace(meta, `"num_puzzle_identifiers": 1`, `"num_puzzle_identifiers": 0`, 1)))
		}, func(dir string) string {
			return filepath.Join(dir, "dataset.json") + ": num_puzzle_identifiers 0 out of range 1..4194304"
		}},
		{"dataset-json-syntax", func(t *testing.T, dir string) {
			writeFile(t, dir, "dataset.json", []byte("{\n\"seq_len\": 900,,\n}"))
		}, func(dir string) string {
			return filepath.Join(dir, "dataset.json") + ": invalid JSON at line 2, column 16: invalid character ',' looking for beginning of object key string"
		}},
		{"labels-fewer-rows", func(t *testing.T, dir string) {
			writeFile(t, dir, "all__labels.npy", npyBytes("|u1", []int{999, 900}, make([]int64, 999*900)))
		}, func(dir string) string { return npyFile(dir, "labels") + ": 999 label rows, inputs have 1000" }},
		{"identifiers-2d", func(t *testing.T, dir string) {
			writeFile(t, dir, "all__puzzle_identifiers.npy", npyBytes("<i4", []int{1000, 1}, make([]int64, 1000)))
		}, func(dir string) string { return npyFile(dir, "puzzle_identifiers") + ": shape [1000 1], want 1-D" }},
		{"identifiers-count", func(t *testing.T, dir string) {
			writeFile(t, dir, "all__puzzle_identifiers.npy", npyBytes("<i4", []int{999}, make([]int64, 999)))
		}, func(dir string) string {
			return npyFile(dir, "puzzle_identifiers") + ": 999 identifiers for 1000 puzzles"
		}},
		{"identifiers-json", func(t *testing.T, dir string) {
			writeFile(t, filepath.Dir(dir), "identifiers.json", []byte(`["<blank>", "extra"]`))
		}, func(dir string) string {
			return filepath.Join(filepath.Dir(dir), "identifiers.json") + ": more than 1 puzzle names (dataset.json's num_puzzle_identifiers)"
		}},
		{"label-path-on-wall", func(t *testing.T, dir string) {
			// Mark the first wall of example 7 as path in its label.
			data, err := os.ReadFile(npyFile(dir, "inputs"))
			if err != nil {
				t.Fatal(err)
			}
			row := data[npyDataOffset(t, data)+7*900:][:900]
			wall := strings.IndexByte(string(row), 1)
			patchNpy(t, npyFile(dir, "labels"), 1, 7*900+wall, 5)
			wallMsg = fmt.Sprintf(": row 7: labels: row %d, column %d is 'o' in the answer but '#' in the question", wall/30+1, wall%30+1)
		}, func(dir string) string { return npyFile(dir, "inputs") + wallMsg }},
		{"missing-file", func(t *testing.T, dir string) {
			os.Remove(npyFile(dir, "group_indices"))
		}, func(dir string) string { return npyFile(dir, "group_indices") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := realBuiltCopy(t)
			tc.corrupt(t, dir)
			set, err := LoadPath(dir)
			want := tc.want(dir)
			if want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if set.Kind != Maze || len(set.Tasks) != 1000 {
					t.Errorf("kind %v, %d tasks", set.Kind, len(set.Tasks))
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %s", want)
			}
			if partial[tc.name] {
				wantErr(t, err, want)
			} else if err.Error() != want {
				t.Errorf("error\n  %s\nwant\n  %s", err, want)
			}
		})
	}
}

// TestBuiltARC loads a hand-made ARC split: rows are cropped as the official
// evaluator does and named after their puzzle identifier. A translated row
// (as the builder writes for training) crops to an empty 0×0 grid, because
// the official crop starts at the top-left corner.
func TestBuiltARC(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "train")
	in, out := gridOf("12", "34"), gridOf("43", "21")
	row := func(g Grid, pr, pc int) []uint8 {
		c := make([]uint8, ARCSeqLen)
		EncodeARC(g, pr, pc, c)
		return c
	}
	writeBuiltSplit(t, dir, ARCSeqLen, ARCVocab,
		[][]uint8{row(in, 0, 0), row(in, 2, 5)}, [][]uint8{row(out, 0, 0), row(out, 2, 5)})
	meta, err := os.ReadFile(filepath.Join(dir, "dataset.json"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "dataset.json", []byte(strings.Replace(string(meta), `"num_puzzle_identifiers": 1`, `"num_puzzle_identifiers": 3`, 1)))
	writeFile(t, dir, "all__puzzle_identifiers.npy", npyBytes("<i4", []int{2}, []int64{1, 2}))
	writeFile(t, root, "identifiers.json", []byte(`["<blank>", "abc", "abc|||t1|||0123456789"]`))

	set, err := LoadPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if set.Kind != ARC || len(set.Tasks) != 2 {
		t.Fatalf("kind %v, %d tasks", set.Kind, len(set.Tasks))
	}
	tests := []struct {
		name     string
		task     *Task
		id       string
		source   string
		in, want Grid
	}{
		{"canonical", set.Tasks[0], "abc#0", "abc", in, out},
		{"translated", set.Tasks[1], "abc|||t1|||0123456789#1", "abc|||t1|||0123456789", NewGrid(0, 0), NewGrid(0, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.task.ID != tc.id || tc.task.Source != tc.source {
				t.Errorf("id %q source %q, want %q %q", tc.task.ID, tc.task.Source, tc.id, tc.source)
			}
			p := tc.task.Test[0]
			if !p.Input.Equal(tc.in) || !p.Output.Equal(tc.want) {
				t.Errorf("pair %d×%d → %d×%d", p.Input.H, p.Input.W, p.Output.H, p.Output.W)
			}
		})
	}
	t.Run("arc-kind-wrong-seq-len", func(t *testing.T) {
		_, inputs, labels := tinySudokuTokens(t)
		dir := filepath.Join(t.TempDir(), "test")
		writeBuiltSplit(t, dir, 81, SudokuVocab, inputs, labels)
		_, err := LoadBuiltTasks(dir, ARC)
		if want := filepath.Join(dir, "dataset.json") + ": seq_len 81, ARC rows must be 900 tokens (a 30×30 canvas)"; err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
}
