package tasks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// arcTask renders a per-task ARC JSON file from the JSON of its parts.
func arcTask(train, test string) string {
	return `{"train": ` + train + `, "test": ` + test + `}`
}

// rowsJSON renders rows of the given widths filled with colour 1.
func rowsJSON(widths ...int) string {
	rows := make([]string, len(widths))
	for i, w := range widths {
		rows[i] = "[" + strings.TrimSuffix(strings.Repeat("1,", w), ",") + "]"
	}
	return "[" + strings.Join(rows, ",") + "]"
}

func repeatWidth(w, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = w
	}
	return out
}

const (
	okPair  = `{"input": [[1, 2], [3, 4]], "output": [[4, 3], [2, 1]]}`
	okTrain = `[` + okPair + `]`
	okTest  = `[{"input": [[5]], "output": [[6]]}]`
)

func TestARCFileValid(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		testFirst bool
		train     int
		test      int
	}{
		{"train-first", arcTask(okTrain, okTest), false, 1, 1},
		{"test-first", `{"test": ` + okTest + `, "train": [` + okPair + `,` + okPair + `]}`, true, 2, 1},
		{"extra-name-key", `{"name": "Concept1", "train": ` + okTrain + `, "test": ` + okTest + `}`, false, 1, 1},
		{"30x30", arcTask(`[{"input": `+rowsJSON(repeatWidth(30, 30)...)+`, "output": [[0]]}]`, okTest), false, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			task, err := parseARCFile("arc/evaluation/0a1d4ef5.json", []byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if task.ID != "0a1d4ef5" || task.Kind != ARC || !task.HasSolutions || task.Rating != -1 {
				t.Errorf("task %+v", task)
			}
			if task.TestFirst != tc.testFirst || len(task.Train) != tc.train || len(task.Test) != tc.test {
				t.Errorf("TestFirst %v, %d train, %d test; want %v, %d, %d", task.TestFirst, len(task.Train), len(task.Test), tc.testFirst, tc.train, tc.test)
			}
			if err := ValidateARCTask("x", task); err != nil {
				t.Error(err)
			}
		})
	}
	task, err := parseARCFile("a.json", []byte(arcTask(okTrain, okTest)))
	if err != nil {
		t.Fatal(err)
	}
	if want := gridOf("12", "34"); !task.Train[0].Input.Equal(want) {
		t.Errorf("train[0].input\n%v\nwant\n%v", task.Train[0].Input, want)
	}
}

func TestARCFileCorrupt(t *testing.T) {
	const file = "arc-agi-1/evaluation/0a1d4ef5.json"
	ragged := `[{"input": ` + rowsJSON(8, 8, 8, 7) + `, "output": [[1]]}]`
	tests := []struct {
		name    string
		data    string
		want    string
		partial bool // want is a fragment of a several-problem message
	}{
		{"syntax-error", "{\n  \"train\": [,\n}",
			file + ": invalid JSON at line 2, column 13: invalid character ',' looking for beginning of value", false},
		{"syntax-error-line-1", `{"train":}`,
			file + ": invalid JSON at line 1, column 10: invalid character '}' looking for beginning of value", false},
		{"truncated", "{\"train\": [\n",
			file + ": invalid JSON at line 1, column 12: unexpected end of JSON input", false},
		{"trailing-data", arcTask(okTrain, okTest) + "\nx",
			file + ": invalid JSON at line 2, column 1: invalid character 'x' after top-level value", false},
		{"ragged-row", arcTask(ragged, okTest),
			file + ": train[0].input: row 3 has 7 cells, row 0 has 8", false},
		{"colour-10", arcTask(okTrain, `[{"input": [[5]], "output": [[1, 2], [10, 3]]}]`),
			file + ": test[0].output: row 1, column 0: value 10 is not an integer in 0..9", false},
		{"negative", arcTask(okTrain, `[{"input": [[5, -1]], "output": [[6]]}]`),
			file + ": test[0].input: row 0, column 1: value -1 is not an integer in 0..9", false},
		{"non-integer", arcTask(`[{"input": [[1.5]], "output": [[1]]}]`, okTest),
			file + ": train[0].input: row 0, column 0: value 1.5 is not an integer in 0..9", false},
		{"string-cell", arcTask(`[{"input": [["1"]], "output": [[1]]}]`, okTest),
			file + `: train[0].input: row 0, column 0: value "1" is not an integer in 0..9`, false},
		{"empty-grid", arcTask(`[{"input": [], "output": [[1]]}]`, okTest),
			file + ": train[0].input: grid has no rows", false},
		{"empty-row", arcTask(`[{"input": [[]], "output": [[1]]}]`, okTest),
			file + ": train[0].input: row 0 is empty", false},
		{"31-rows", arcTask(`[{"input": [[1]], "output": `+rowsJSON(repeatWidth(1, 31)...)+`}]`, okTest),
			file + ": train[0].output: grid has 31 rows, at most 30 allowed", false},
		{"31-columns", arcTask(okTrain, `[{"input": `+rowsJSON(31, 31)+`, "output": [[6]]}]`),
			file + ": test[0].input: row 0 has 31 cells, at most 30 allowed", false},
		{"31-columns-later-row", arcTask(okTrain, `[{"input": `+rowsJSON(30, 30, 31)+`, "output": [[6]]}]`),
			file + ": test[0].input: row 2 has 31 cells, row 0 has 30", false},
		{"row-not-list", arcTask(`[{"input": [[1], 2], "output": [[1]]}]`, okTest),
			file + ": train[0].input: row 1 is not a list of numbers", false},
		{"grid-not-list", arcTask(`[{"input": {"a": 1}, "output": [[1]]}]`, okTest),
			file + ": train[0].input: not a list of rows", false},
		{"grid-null", arcTask(`[{"input": null, "output": [[1]]}]`, okTest),
			file + ": train[0].input: not a list of rows", false},
		{"missing-input", arcTask(`[{"output": [[1]]}]`, okTest),
			file + ": train[0].input: missing", false},
		{"missing-test", `{"train": ` + okTrain + `}`,
			file + ": test: missing", true},
		{"no-train-pairs", arcTask(`[]`, okTest),
			file + ": train: task has no demonstration pairs", false},
		{"no-test-pairs", arcTask(okTrain, `[]`),
			file + ": test: task has no test pairs", false},
		{"test-without-output", arcTask(okTrain, `[{"input": [[5]], "output": [[6]]}, {"input": [[5]]}]`),
			file + ": test[1].output: missing", false},
		{"pair-not-object", arcTask(`[null]`, okTest),
			file + ": train[0]: not an object", true},
		{"pairs-not-list", arcTask(`{"input": [[1]]}`, okTest),
			file + `: train: not a list of {"input", "output"} objects`, true},
		{"not-an-object", `[1, 2]`,
			file + `: task is not a JSON object: expected a JSON object, found "["`, false},
		{"null", `null`,
			file + `: task is not a JSON object: expected a JSON object, found null`, false},
	}
	// test-without-output: make the missing output the second test pair so
	// the index in the message is checked too.
	for i := range tests {
		if tests[i].name == "test-without-output" {
			tests[i].data = arcTask(okTrain, `[{"input": [[5]], "output": [[6]]}, {"input": [[5]]}]`)
			tests[i].partial = false
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			task, err := parseARCFile(file, []byte(tc.data))
			if task != nil {
				t.Errorf("got a task with the error")
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if tc.partial {
				wantErr(t, err, tc.want)
			} else if err.Error() != tc.want {
				t.Errorf("error\n  %s\nwant\n  %s", err, tc.want)
			}
			for _, p := range fileProblems(t, err) {
				if p.File != file {
					t.Errorf("problem %q names file %q", p, p.File)
				}
			}
		})
	}
}

// TestARCFileManyProblems: every problem of a file is listed, each with its
// place.
func TestARCFileManyProblems(t *testing.T) {
	data := arcTask(
		`[{"input": `+rowsJSON(3, 2)+`, "output": [[1, 12]]}, {"input": [[1]], "output": [[-3]]}]`,
		`[{"input": [[0]]}]`)
	_, err := parseARCFile("t.json", []byte(data))
	want := []Problem{
		{"t.json", "", "train[0].input", "row 1 has 2 cells, row 0 has 3"},
		{"t.json", "", "train[0].output", "row 0, column 1: value 12 is not an integer in 0..9"},
		{"t.json", "", "train[1].output", "row 0, column 0: value -3 is not an integer in 0..9"},
		{"t.json", "", "test[0].output", "missing"},
	}
	if diff := cmp.Diff(want, fileProblems(t, err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s\n%v", diff, err)
	}
	wantErr(t, err, "t.json: 4 problems:\n  t.json: train[0].input: row 1 has 2 cells, row 0 has 3\n")
}

func TestFileErrorListsAtMost50(t *testing.T) {
	pl := &problemList{file: "f"}
	for i := 0; i < 60; i++ {
		pl.add(fmt.Sprintf("line %d", i+2), "answer", "bad")
	}
	err := pl.err()
	wantErr(t, err, "f: 60 problems:", "f: line 51: answer: bad", "… and 10 more")
	if strings.Contains(err.Error(), "line 52:") {
		t.Error("more than 50 problems listed")
	}
	if (&problemList{file: "f"}).err() != nil {
		t.Error("empty problem list gives an error")
	}
}

func TestLoadARCFileFromDisk(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "evaluation/0a1d4ef5.json", []byte(arcTask(`[{"input": `+rowsJSON(8, 8, 8, 7)+`, "output": [[1]]}]`, okTest)))
	_, err := LoadARCFile(p)
	if want := p + ": train[0].input: row 3 has 7 cells, row 0 has 8"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	_, err = LoadARCFile(filepath.Join(dir, "missing.json"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// TestLoadARCDirStopsAtFirstBadFile: files load in path order; the first
// invalid one ends the walk and its error lists all its problems.
func TestLoadARCDirStopsAtFirstBadFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "01good.json", []byte(arcTask(okTrain, okTest)))
	bad := writeFile(t, dir, "02bad.json", []byte(arcTask(
		`[{"input": `+rowsJSON(8, 8, 8, 7)+`, "output": [[10]]}]`,
		`[{"input": [[0.5]], "output": [[1]]}, {"input": [[1]]}]`)))
	writeFile(t, dir, "03bad.json", []byte(`{`))
	_, err := LoadARCDir(dir)
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a *FileError", err)
	}
	if fe.File != bad {
		t.Errorf("error names %s, want %s", fe.File, bad)
	}
	want := []string{
		"train[0].input: row 3 has 7 cells, row 0 has 8",
		"train[0].output: row 0, column 0: value 10 is not an integer in 0..9",
		"test[0].input: row 0, column 0: value 0.5 is not an integer in 0..9",
		"test[1].output: missing",
	}
	if len(fe.Problems) != len(want) {
		t.Fatalf("%d problems, want %d: %v", len(fe.Problems), len(want), err)
	}
	for i, w := range want {
		if got := fe.Problems[i].Field + ": " + fe.Problems[i].Msg; got != w {
			t.Errorf("problem %d: %q, want %q", i, got, w)
		}
		if fe.Problems[i].File != bad {
			t.Errorf("problem %d names %s", i, fe.Problems[i].File)
		}
	}
	if strings.Contains(err.Error(), "03bad") {
		t.Error("the walk went past the first bad file")
	}
}

func TestLoadARCDir(t *testing.T) {
	t.Run("testdata", func(t *testing.T) {
		list, err := LoadARCDir(filepath.Join("testdata", "arc_tiny"))
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != "a1b2c3d4" || list[1].ID != "Concept1" {
			t.Fatalf("tasks %v", list)
		}
		if len(list[1].Test) != 2 || list[1].TestFirst {
			t.Errorf("nested task: %d tests, TestFirst %v", len(list[1].Test), list[1].TestFirst)
		}
	})
	t.Run("duplicate-id", func(t *testing.T) {
		dir := t.TempDir()
		first := writeFile(t, dir, "a/x.json", []byte(arcTask(okTrain, okTest)))
		second := writeFile(t, dir, "b/x.json", []byte(arcTask(okTrain, okTest)))
		_, err := LoadARCDir(dir)
		if want := fmt.Sprintf("%s: task id %q also defined by %s", second, "x", first); err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
	t.Run("empty", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "README.txt", []byte("no tasks"))
		_, err := LoadARCDir(dir)
		if want := dir + ": no ARC task files (*.json)"; err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
}

func TestKaggleValid(t *testing.T) {
	dir := filepath.Join("testdata", "kaggle_tiny")
	ch := filepath.Join(dir, "arc-agi_tiny_challenges.json")
	sol := filepath.Join(dir, "arc-agi_tiny_solutions.json")
	t.Run("with-solutions", func(t *testing.T) {
		list, err := LoadKaggle(ch, sol)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != "0000aaaa" || list[1].ID != "0000bbbb" {
			t.Fatalf("tasks %v", list)
		}
		if !list[0].TestFirst || list[1].TestFirst {
			t.Errorf("TestFirst %v %v, want true false", list[0].TestFirst, list[1].TestFirst)
		}
		if !list[0].HasSolutions || !list[0].Test[0].Output.Equal(gridOf("21", "43")) {
			t.Errorf("solution of 0000aaaa: %v", list[0].Test[0].Output)
		}
		if !list[1].Test[1].Output.Equal(gridOf("000")) {
			t.Errorf("second solution of 0000bbbb: %v", list[1].Test[1].Output)
		}
	})
	t.Run("without-solutions", func(t *testing.T) {
		list, err := LoadKaggle(ch, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range list {
			if tk.HasSolutions {
				t.Errorf("%s: HasSolutions without a solutions file", tk.ID)
			}
			for i, p := range tk.Test {
				if !p.Output.Equal(gridOf("0")) {
					t.Errorf("%s test[%d]: output %v, want the dummy [[0]]", tk.ID, i, p.Output)
				}
			}
		}
	})
}

func TestKaggleCorrupt(t *testing.T) {
	const (
		ch  = "trm-kaggle-combined/arc-agi_evaluation2_challenges.json"
		sol = "trm-kaggle-combined/arc-agi_evaluation2_solutions.json"
	)
	okChallenges := `{"0000aaaa": {"test": [{"input": [[1, 2], [3, 4]]}], "train": [{"input": [[5, 6]], "output": [[6, 5]]}]},
 "0000bbbb": {"train": [{"input": [[0]], "output": [[9]]}], "test": [{"input": [[0, 0]]}, {"input": [[9, 9, 9]]}]}}`
	okSolutions := `{"0000aaaa": [[[2, 1], [4, 3]]], "0000bbbb": [[[9, 9]], [[0, 0, 0]]]}`
	oneLine := `{"0000aaaa": {"train": [{"input": [[1]], "output": [[2]]}], "test": [{"input": [[3]]}]}, "0000bbbb": {"train": [{"input": [[1,]]}]}}`
	tests := []struct {
		name       string
		challenges string
		solutions  string
		want       string
	}{
		{"solutions-count-mismatch", okChallenges, `{"0000aaaa": [[[2, 1], [4, 3]]], "0000bbbb": [[[9, 9]]]}`,
			sol + ": 0000bbbb: 1 solutions for 2 test inputs"},
		{"task-missing-in-solutions", okChallenges, `{"0000aaaa": [[[2, 1], [4, 3]]]}`,
			sol + ": 0000bbbb: no solutions for this task"},
		{"extra-task-in-solutions", okChallenges, strings.TrimSuffix(okSolutions, "}") + `, "0000cccc": [[[1]]]}`,
			sol + ": 0000cccc: task not in the challenges file"},
		{"bad-solution-grid", okChallenges, `{"0000aaaa": [[[2, 1], [4]]], "0000bbbb": [[[9, 9]], [[0, 0, 11]]]}`,
			sol + ": 2 problems:\n  " + sol + ": 0000aaaa: [0]: row 1 has 1 cells, row 0 has 2\n  " + sol + ": 0000bbbb: [1]: row 0, column 2: value 11 is not an integer in 0..9"},
		{"solutions-not-list", okChallenges, `{"0000aaaa": {"a": 1}, "0000bbbb": [[[9, 9]], [[0, 0, 0]]]}`,
			sol + ": 0000aaaa: not a list of output grids"},
		{"solutions-syntax", okChallenges, "{\"0000aaaa\": [[[2, 1], [4, 3]]],\n \"0000bbbb\": [[[9, 9]] [[0, 0, 0]]]}",
			sol + ": invalid JSON at line 2, column 24: invalid character '[' after array element"},
		{"challenges-syntax", "{\"0000aaaa\":\n\n {\"train\": [}}", okSolutions,
			ch + ": invalid JSON at line 3, column 13: invalid character '}' looking for beginning of value"},
		// Kaggle files are one long line: the column must count from the
		// start of the file, not from the start of the task's value.
		{"challenges-syntax-one-line", oneLine, okSolutions,
			fmt.Sprintf("%s: invalid JSON at line 1, column %d: invalid character ']' looking for beginning of value", ch, strings.Index(oneLine, ",]")+2)},
		{"challenges-not-object", `[]`, okSolutions,
			ch + `: invalid JSON: expected a JSON object, found "["`},
		{"task-not-object", `{"0000aaaa": 5}`, okSolutions,
			ch + ": 0000aaaa: task is not a JSON object: expected a JSON object, found a number"},
		{"duplicate-task", `{"0000aaaa": {"train": [], "test": []}, "0000aaaa": {}}`, okSolutions,
			ch + ": 0000aaaa: task id appears twice"},
		{"challenge-grid", strings.Replace(okChallenges, "[[5, 6]]", "[[5, 16]]", 1), okSolutions,
			ch + ": 0000aaaa: train[0].input: row 0, column 1: value 16 is not an integer in 0..9"},
		{"no-test-pairs", strings.Replace(okChallenges, `"test": [{"input": [[1, 2], [3, 4]]}]`, `"test": []`, 1), `{"0000aaaa": [], "0000bbbb": [[[9, 9]], [[0, 0, 0]]]}`,
			ch + ": 0000aaaa: test: task has no test pairs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseKaggle(ch, []byte(tc.challenges), sol, []byte(tc.solutions))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error\n  %v\nwant\n  %s", err, tc.want)
			}
		})
	}
}

func TestValidateARCTask(t *testing.T) {
	good := &Task{ID: "x", Kind: ARC, Train: []Pair{{gridOf("1"), gridOf("2")}}, Test: []Pair{{gridOf("3"), gridOf("4")}}}
	big := NewGrid(31, 2)
	tests := []struct {
		name string
		mod  func(t *Task)
		want string
	}{
		{"ok", func(*Task) {}, ""},
		{"colour", func(t *Task) { t.Test[0].Output = Grid{H: 1, W: 1, Cells: []uint8{10}} },
			"f: x: test[0].output: row 0, column 0: colour 10 outside 0..9"},
		{"too-big", func(t *Task) { t.Train[0].Input = big }, "f: x: train[0].input: grid is 31×2, sides must be 1..30"},
		{"empty", func(t *Task) { t.Train[0].Output = Grid{} }, "f: x: train[0].output: grid is 0×0, sides must be 1..30"},
		{"cells", func(t *Task) { t.Train[0].Output = Grid{H: 2, W: 2, Cells: []uint8{1}} }, "f: x: train[0].output: grid has 1 cells for 2×2"},
		{"no-train", func(t *Task) { t.Train = nil }, "f: x: train: task has no demonstration pairs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			task := &Task{ID: good.ID, Kind: ARC, Train: append([]Pair(nil), good.Train...), Test: append([]Pair(nil), good.Test...)}
			tc.mod(task)
			err := ValidateARCTask("f", task)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("error %q, want %q", got, tc.want)
			}
		})
	}
}
