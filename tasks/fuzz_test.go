package tasks

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Fuzz targets for the parsers of untrusted files. Run one with e.g.
//
//	go test ./tasks -run='^$' -fuzz='^FuzzARCFile$' -fuzztime=60s
//
// Crashers found so far are kept under testdata/fuzz/<Target>/ and run as
// seeds by plain `go test`.

func readTestdata(f *testing.F, name string) []byte {
	f.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	return data
}

// checkFileError: parse failures are *FileError values whose problems all
// name the file (or plain errors that start with the file name).
func checkFileError(t *testing.T, err error, files ...string) {
	t.Helper()
	var fe *FileError
	if errors.As(err, &fe) {
		if len(fe.Problems) == 0 {
			t.Fatalf("FileError without problems")
		}
		for _, p := range fe.Problems {
			if p.File != fe.File {
				t.Fatalf("problem %q names %q, the error names %q", p, p.File, fe.File)
			}
		}
	}
	for _, f := range files {
		if strings.HasPrefix(err.Error(), f+":") {
			return
		}
	}
	t.Fatalf("error %q does not start with any of %q", err, files)
}

// arcJSON renders a task back to per-task ARC JSON.
func arcJSON(t *testing.T, tk *Task) []byte {
	t.Helper()
	data, err := json.Marshal(map[string][]Pair{"train": tk.Train, "test": tk.Test})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func FuzzARCFile(f *testing.F) {
	f.Add(readTestdata(f, "arc_tiny/a1b2c3d4.json"))
	f.Add(readTestdata(f, "arc_tiny/nested/Concept1.json"))
	for _, s := range []string{
		arcTask(okTrain, okTest),
		`{"test": ` + okTest + `, "train": ` + okTrain + `}`,
		arcTask(`[{"input": `+rowsJSON(8, 8, 8, 7)+`, "output": [[1]]}]`, okTest),
		arcTask(okTrain, `[{"input": [[5, -1]], "output": [[10]]}]`),
		arcTask(`[{"input": [[1.5]], "output": [[1]]}]`, `[{"input": [[5]]}]`),
		arcTask(`[{"input": [], "output": [[]]}]`, `[]`),
		arcTask(`[{"input": `+rowsJSON(repeatWidth(1, 31)...)+`, "output": `+rowsJSON(31)+`}]`, okTest),
		`{"train": ` + okTrain + `}`,
		"{\n  \"train\": [,\n}",
		`[1, 2]`, `null`, `{}`, `{"train": null, "test": [null]}`,
		`{"train": [{"input": [[1e400]], "output": [["1"]]}], "test": [{"input": [[1], 2]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "fuzz/task.json"
		tk, err := parseARCFile(path, data)
		if err != nil {
			if tk != nil {
				t.Fatal("task returned with an error")
			}
			checkFileError(t, err, path)
			return
		}
		if tk.ID != "task" || tk.Kind != ARC {
			t.Fatalf("task %q kind %v", tk.ID, tk.Kind)
		}
		if err := ValidateARCTask(path, tk); err != nil {
			t.Fatalf("loaded task is invalid: %v", err)
		}
		// The grids survive a round trip through ARC JSON.
		back, err := parseARCFile(path, arcJSON(t, tk))
		if err != nil {
			t.Fatalf("re-parsing the task: %v", err)
		}
		for i := range tk.Train {
			if !back.Train[i].Input.Equal(tk.Train[i].Input) || !back.Train[i].Output.Equal(tk.Train[i].Output) {
				t.Fatalf("train[%d] changed in a JSON round trip", i)
			}
		}
		for i := range tk.Test {
			if !back.Test[i].Input.Equal(tk.Test[i].Input) || !back.Test[i].Output.Equal(tk.Test[i].Output) {
				t.Fatalf("test[%d] changed in a JSON round trip", i)
			}
		}
	})
}

func FuzzKaggle(f *testing.F) {
	ch := readTestdata(f, "kaggle_tiny/arc-agi_tiny_challenges.json")
	sol := readTestdata(f, "kaggle_tiny/arc-agi_tiny_solutions.json")
	f.Add(ch, sol)
	f.Add(ch, []byte{})
	f.Add(ch, []byte(`{"0000aaaa": [[[2, 1], [4, 3]]], "0000bbbb": [[[9, 9]]]}`))
	f.Add(ch, []byte(`{"0000aaaa": [[[2, 1], [4, 3]]]}`))
	f.Add(ch, []byte(`{"0000aaaa": [[[2, 1], [4, 3]]], "0000bbbb": [[[9, 9]], [[0]]], "x": [[[1]]]}`))
	f.Add(ch, []byte(`{"0000aaaa": {"a": 1}}`))
	f.Add([]byte(`{"a": {"train": [], "test": []}, "a": {}}`), sol)
	f.Add([]byte(`{"a": 5}`), []byte(`[]`))
	f.Add([]byte("{\"0000aaaa\":\n\n {\"train\": [}}"), []byte(`{`))
	f.Fuzz(func(t *testing.T, challenges, solutions []byte) {
		const chPath, solPath = "fuzz/x_challenges.json", "fuzz/x_solutions.json"
		sp := solPath
		if len(solutions) == 0 {
			sp = ""
		}
		list, err := parseKaggle(chPath, challenges, sp, solutions)
		if err != nil {
			checkFileError(t, err, chPath, solPath)
			return
		}
		ids := map[string]bool{}
		for _, tk := range list {
			if ids[tk.ID] {
				t.Fatalf("task %q loaded twice", tk.ID)
			}
			ids[tk.ID] = true
			if err := ValidateARCTask(chPath, tk); err != nil {
				t.Fatalf("loaded task is invalid: %v", err)
			}
			if tk.HasSolutions != (sp != "") {
				t.Fatalf("task %q: HasSolutions %v with solutions path %q", tk.ID, tk.HasSolutions, sp)
			}
		}
	})
}

func FuzzSudokuCSV(f *testing.F) {
	good := readTestdata(f, "sudoku_tiny.csv")
	f.Add(good)
	q, a := sudokuRow()
	for _, s := range []string{
		csvHeader + "s," + q[:80] + "," + a + ",1\n",
		csvHeader + "s," + replaceAt(q, 0, '5') + "," + a + ",1\n",
		csvHeader + "s," + q + "," + replaceAt(a, 0, a[1]) + ",x\n",
		csvHeader + "s," + q + "\n",
		csvHeader + `s"x,` + q + "," + a + ",1\n",
		csvHeader + `"s,` + q + "," + a + ",1\n",
		"src,q,a,r\n", "", csvHeader,
		"\ufeffsource,question,answer,rating\r\ns," + q + "," + a + ",\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "fuzz/s.csv"
		list, err := readSudokuCSV(path, bytes.NewReader(data))
		if err != nil {
			checkFileError(t, err, path)
			return
		}
		if len(list) == 0 {
			t.Fatal("no puzzles and no error")
		}
		for _, tk := range list {
			if len(tk.Test) != 1 || tk.Kind != Sudoku {
				t.Fatalf("puzzle %s: %d test pairs, kind %v", tk.ID, len(tk.Test), tk.Kind)
			}
			p := tk.Test[0]
			if p.Input.H != 9 || p.Input.W != 9 || len(p.Input.Cells) != 81 {
				t.Fatalf("puzzle %s: question %d×%d", tk.ID, p.Input.H, p.Input.W)
			}
			if msg := SudokuSolutionProblem(p.Output); msg != "" {
				t.Fatalf("puzzle %s: loaded answer invalid: %s", tk.ID, msg)
			}
			for i, v := range p.Input.Cells {
				if v != 0 && v != p.Output.Cells[i] {
					t.Fatalf("puzzle %s: given %d disagrees with the answer", tk.ID, v)
				}
			}
		}
	})
}

func FuzzMazeCSV(f *testing.F) {
	good := readTestdata(f, "maze_tiny.csv")
	f.Add(good)
	s := string(good)
	for _, mut := range []string{
		strings.Replace(s, "S", "G", 1),
		strings.Replace(s, "G", " ", 2),
		strings.Replace(s, "o", " ", 1),
		strings.Replace(s, "#o", "oo", 1),
		strings.Replace(s, ",14\n", ",-1\n", 1),
		csvHeader + "m,######S G,######SoG,1\n",
		csvHeader + "m,#S G,#SoG,1\n",
		csvHeader + "m,S G ,SoG ,1\nm,######S G,######SoG,1\n",
		csvHeader + "m,SG,SG,\n",
	} {
		f.Add([]byte(mut))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "fuzz/m.csv"
		list, err := readMazeCSV(path, bytes.NewReader(data))
		if err != nil {
			checkFileError(t, err, path)
			return
		}
		side := -1
		for _, tk := range list {
			q, a := tk.Test[0].Input, tk.Test[0].Output
			if side < 0 {
				side = q.W
			}
			if q.H != side || q.W != side || a.H != side || a.W != side {
				t.Fatalf("maze %s: %d×%d / %d×%d, first side %d", tk.ID, q.H, q.W, a.H, a.W, side)
			}
			if msg := MazeProblem(q, a); msg != "" {
				t.Fatalf("maze %s: loaded answer invalid: %s", tk.ID, msg)
			}
		}
	})
}

// refCropSize is the official crop restated: the column limit after row r is
// the minimum over rows 0..r of the row's leading run of colour tokens; the
// first (rows, limit) of largest area wins.
func refCropSize(tokens []uint8) (int, int) {
	best, bestR, bestC := 0, 0, 0
	limit := MaxARCSide
	for r := 0; r < MaxARCSide; r++ {
		run := 0
		for run < MaxARCSide && tokens[r*MaxARCSide+run] >= 2 && tokens[r*MaxARCSide+run] <= 11 {
			run++
		}
		limit = min(limit, run)
		if a := (r + 1) * limit; a > best {
			best, bestR, bestC = a, r+1, limit
		}
	}
	return bestR, bestC
}

func FuzzCropARC(f *testing.F) {
	canvas := make([]uint8, ARCSeqLen)
	EncodeARC(gridOf("123", "456"), 0, 0, canvas)
	f.Add(append([]byte(nil), canvas...))
	EncodeARC(gridOf("9"), 3, 4, canvas)
	f.Add(append([]byte(nil), canvas...))
	full := bytes.Repeat([]byte{11}, ARCSeqLen)
	f.Add(full)
	f.Add([]byte{})
	f.Add([]byte{2, 3, 4, 1, 255, 12, 0, 7})
	f.Fuzz(func(t *testing.T, data []byte) {
		tokens := make([]uint8, ARCSeqLen)
		copy(tokens, data)
		g := CropARC(tokens)
		if g.H < 0 || g.W < 0 || g.H > MaxARCSide || g.W > MaxARCSide || len(g.Cells) != g.H*g.W || (g.H == 0) != (g.W == 0) {
			t.Fatalf("crop is %d×%d with %d cells", g.H, g.W, len(g.Cells))
		}
		if r, c := refCropSize(tokens); r != g.H || c != g.W {
			t.Fatalf("crop is %d×%d, the restated official crop %d×%d", g.H, g.W, r, c)
		}
		for r := 0; r < g.H; r++ {
			for c := 0; c < g.W; c++ {
				v := g.At(r, c)
				if v > 9 || tokens[r*MaxARCSide+c] != v+ARCColourToken {
					t.Fatalf("cell (%d,%d) = %d from token %d", r, c, v, tokens[r*MaxARCSide+c])
				}
			}
		}
		if g.H > 0 {
			again := make([]uint8, ARCSeqLen)
			EncodeARC(g, 0, 0, again)
			if back := CropARC(again); !back.Equal(g) {
				t.Fatal("crop of the re-encoded crop differs")
			}
		}
	})
}

func FuzzParseARCName(f *testing.F) {
	for _, s := range []string{
		"007bbfb7", "007bbfb7|||t0|||0123456789", "0a1d4ef5|||t7|||0391287465",
		"AboveBelow1|||t3|||0987654321", "x|||t8|||0123456789", "x|||t1|||012345678",
		"x|||t1|||0123456788", "x|||t+1|||0123456789", "x|||t1", "|||t0|||0123456789",
		"a|", "a||||t1|||0123456789", "x|||t1|||0123456789|||y", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		id, aug, err := ParseARCName(name)
		if err != nil {
			if !strings.Contains(err.Error(), "puzzle name ") {
				t.Fatalf("error %q does not quote the name", err)
			}
			return
		}
		if aug.Trans < 0 || aug.Trans >= NumDihedral || !aug.Colours.Valid() {
			t.Fatalf("ParseARCName(%q) gave %+v", name, aug)
		}
		if !strings.Contains(name, ARCNameSeparator) {
			if id != name || !aug.IsIdentity() {
				t.Fatalf("plain name %q parsed as %q, %+v", name, id, aug)
			}
		}
		// An id ending in '|' cannot be followed by the separator without
		// changing where the first "|||" falls (Python's split agrees), so
		// such ids have no augmented name.
		if strings.HasSuffix(id, "|") {
			return
		}
		id2, aug2, err := ParseARCName(aug.Name(id))
		if err != nil || id2 != id || aug2 != aug {
			t.Fatalf("ParseARCName(Name) = %q, %+v, %v; want %q, %+v", id2, aug2, err, id, aug)
		}
	})
}
