package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/models/act"
	"arceval/models/trm"
)

// tinyTRM is a TRM small enough to run thousands of forward passes a
// second: seq_len 4, vocabulary 5, three puzzle identifiers.
func tinyTRM() trm.Config {
	c := trm.DefaultConfig()
	c.SeqLen, c.VocabSize, c.NumPuzzleIdentifiers, c.PuzzleEmbNdim, c.PuzzleEmbLen = 4, 5, 3, 8, 1
	c.HiddenSize, c.NumHeads, c.Expansion, c.LLayers, c.HCycles, c.LCycles = 8, 2, 2, 1, 1, 1
	c.HaltMaxSteps, c.PosEncodings, c.ForwardDtype = 2, "rope", "float32"
	return c
}

// FuzzForwardInputs runs `arceval forward` on a tiny model with an
// arbitrary --inputs file: it either writes one output row per input row
// for every step, or fails with an error naming the inputs file; tokens
// outside the vocabulary and unknown puzzle identifiers are errors, never
// a panic.
func FuzzForwardInputs(f *testing.F) {
	dir := f.TempDir()
	model := filepath.Join(dir, "tiny.safetensors")
	c := tinyTRM()
	if err := act.WriteInit(&c, 1, model, nil); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		`{"inputs": [[1, 2, 3, 4]], "puzzle_identifiers": [0]}`,
		`{"inputs": [[1, 2, 3, 4], [0, 0, 0, 0]], "puzzle_identifiers": [2, 1]}`,
		`{"inputs": [[1, 2, 3, 5]], "puzzle_identifiers": [0]}`,
		`{"inputs": [[1, 2, 3, -1]], "puzzle_identifiers": [0]}`,
		`{"inputs": [[1, 2, 3, 4]], "puzzle_identifiers": [3]}`,
		`{"inputs": [[1, 2, 3, 4]], "puzzle_identifiers": [-1]}`,
		`{"inputs": [[1, 2, 3]], "puzzle_identifiers": [0]}`,
		`{"inputs": [[1, 2, 3, 4]], "puzzle_identifiers": []}`,
		`{"inputs": [], "puzzle_identifiers": []}`,
		`{"inputs": [[1, 2, 3, 4.5]], "puzzle_identifiers": [0]}`,
		`{"inputs": null}`, `[]`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tmp := t.TempDir()
		in, out := filepath.Join(tmp, "in.json"), filepath.Join(tmp, "out.json")
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		err := run([]string{"forward", "--model", model, "--inputs", in, "--steps", "2", "--out", out}, io.Discard, io.Discard)
		if err != nil {
			if !strings.Contains(err.Error(), in) {
				t.Fatalf("error %q does not name the inputs file", err)
			}
			if _, serr := os.Stat(out); serr == nil {
				t.Fatal("output written despite the error")
			}
			return
		}
		var batch struct {
			Inputs [][]int32 `json:"inputs"`
		}
		if err := json.Unmarshal(data, &batch); err != nil {
			t.Fatalf("forward accepted inputs that do not decode: %v", err)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var res struct {
			EvalSteps []struct {
				Argmax [][]int32     `json:"argmax"`
				Logits [][][]float32 `json:"logits"`
			} `json:"eval_steps"`
		}
		if err := json.Unmarshal(raw, &res); err != nil {
			t.Fatal(err)
		}
		if len(res.EvalSteps) != 2 {
			t.Fatalf("%d steps, want 2", len(res.EvalSteps))
		}
		for _, st := range res.EvalSteps {
			if len(st.Argmax) != len(batch.Inputs) || len(st.Logits) != len(batch.Inputs) {
				t.Fatalf("%d argmax and %d logit rows for %d inputs", len(st.Argmax), len(st.Logits), len(batch.Inputs))
			}
			for _, row := range st.Argmax {
				for _, v := range row {
					if v < 0 || int(v) >= c.VocabSize {
						t.Fatalf("argmax %d outside the vocabulary", v)
					}
				}
			}
		}
	})
}
