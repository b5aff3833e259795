package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"arceval/internal/testenv"
)

// forward with 200,000 input rows runs them in bounded batches: the heap
// holds one batch's carry and workspace (about 13 KB a row for this tiny
// model) and the rows' identifiers, never all rows at once (one batch of
// 200,000 rows needed over 2.5 GB). The output has every row, batch by
// batch.
func TestForwardManyRows(t *testing.T) {
	const rows, seqLen, vocab, batch = 200_000, 4, 11, 500
	model := tinyModelIDs(t, seqLen, vocab, 4)
	dir := t.TempDir()
	inputs := filepath.Join(dir, "inputs.json")
	f, err := os.Create(inputs)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	row := "[" + strings.TrimSuffix(strings.Repeat("3,", seqLen), ",") + "]"
	w.WriteString(`{"inputs": [`)
	for i := range rows {
		if i > 0 {
			w.WriteString(",")
		}
		w.WriteString(row)
	}
	w.WriteString(`], "puzzle_identifiers": [`)
	for i := range rows {
		if i > 0 {
			w.WriteString(",")
		}
		w.WriteString(strconv.Itoa(i % 4))
	}
	w.WriteString("]}")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(dir, "out.json")
	var errOut string
	testenv.MaxHeap(t, 64<<20, inputs, func() {
		_, errOut, err = runCLI(t, "forward", "--model", model, "--inputs", inputs, "--steps", "1", "--no-logits", "--batch", strconv.Itoa(batch), "--out", out)
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		EvalSteps []struct {
			Step     int       `json:"step"`
			FirstRow int       `json:"first_row"`
			Argmax   [][]int32 `json:"argmax"`
		} `json:"eval_steps"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.EvalSteps) != rows/batch {
		t.Fatalf("%d entries, want %d batches of one step", len(res.EvalSteps), rows/batch)
	}
	for i, e := range res.EvalSteps {
		if e.Step != 1 || e.FirstRow != i*batch || len(e.Argmax) != batch || len(e.Argmax[0]) != seqLen {
			t.Fatalf("entry %d: step %d, first row %d, %d rows", i, e.Step, e.FirstRow, len(e.Argmax))
		}
	}
}

// Bad input rows are refused by file and element before the model runs.
func TestForwardBadInputs(t *testing.T) {
	model := tinyModelIDs(t, 4, 11, 4)
	for _, tc := range []struct{ name, data, want string }{
		{"short row", `{"inputs": [[1, 2, 3, 4], [1, 2]], "puzzle_identifiers": [0, 1]}`, "inputs[1] has 2 tokens, the model's seq_len is 4"},
		{"long row", `{"inputs": [[1, 2, 3, 4, 5]], "puzzle_identifiers": [0]}`, "inputs[0]: more than 4 tokens"},
		{"token", `{"inputs": [[1, 2, 11, 4]], "puzzle_identifiers": [0]}`, "inputs[0][2]: 11 is not a token in 0..10"},
		{"id", `{"inputs": [[1, 2, 3, 4]], "puzzle_identifiers": [4]}`, "puzzle_identifiers[0]: 4 is not an identifier in 0..3"},
		{"counts", `{"inputs": [[1, 2, 3, 4]], "puzzle_identifiers": [0, 1]}`, "1 input rows and 2 puzzle_identifiers"},
		{"syntax", "{\"inputs\": [[1, 2, 3, 4]],\n \"puzzle_identifiers\": [0,]}", "invalid JSON at line 2, column 27"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.json")
			os.WriteFile(path, []byte(tc.data), 0o644)
			_, _, err := runCLI(t, "forward", "--model", model, "--inputs", path)
			if err == nil || !strings.Contains(err.Error(), path+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q naming the file", err, tc.want)
			}
		})
	}
}
