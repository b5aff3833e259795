package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models/checkpoint"
)

// tinyConfig is the config of tinyModelIDs with 4 puzzle identifiers.
func tinyConfig(seqLen, vocab int) map[string]any {
	return map[string]any{"seq_len": seqLen, "vocab_size": vocab, "hidden_size": 16, "num_heads": 2, "expansion": 2,
		"L_layers": 1, "H_cycles": 1, "L_cycles": 1, "halt_max_steps": 3, "puzzle_emb_ndim": 16, "puzzle_emb_len": 1,
		"num_puzzle_identifiers": 4, "pos_encodings": "rope"}
}

// rewriteNative writes a copy of a native model file whose header holds
// cfg instead of its config (the tensors unchanged).
func rewriteNative(t *testing.T, model string, cfg map[string]any) string {
	t.Helper()
	f, err := checkpoint.Open(model)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var list []checkpoint.NamedTensor
	for _, k := range f.Keys() {
		tn, _ := f.Tensor(k)
		nt := checkpoint.FromTensor(tn)
		nt.Name = k
		list = append(list, nt)
	}
	raw, _ := json.Marshal(cfg)
	out := filepath.Join(t.TempDir(), "hostile.safetensors")
	if err := checkpoint.WriteNative(out, f.Metadata()[checkpoint.MetaKind], raw, list, nil); err != nil {
		t.Fatal(err)
	}
	return out
}

// A config with absurd sizes — in a native file's header, a --config file
// or --override — is refused by name before anything is allocated or
// looped over: seq_len 1e8 and puzzle_emb_len 2⁴⁰ allocated before any
// check, H_cycles 2⁴⁰ hung.
func TestHostileModelConfigs(t *testing.T) {
	const big = 1 << 40
	model := tinyModel(t, 81, 11)
	dir := t.TempDir()
	sudoku := filepath.Join(dir, "s.csv")
	if _, errOut, err := runCLI(t, "data", "gen", "sudoku", "--n", "2", "--seed", "1", "--out", sudoku); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	for _, tc := range []struct {
		field    string
		value    any
		want     string
		override bool // train fits seq_len, vocab and the table to the data: an override of them is moot
	}{
		{"seq_len", 100_000_000, "seq_len 100000000 outside 1..4096", false},
		{"vocab_size", big, "vocab_size 1099511627776 outside 1..4096", false},
		{"num_puzzle_identifiers", big, "num_puzzle_identifiers 1099511627776 outside 0..4194304", false},
		{"puzzle_emb_len", big, "puzzle_emb_len 1099511627776 outside 0..256", true},
		{"hidden_size", 1 << 20, "hidden_size 1048576 outside 1..8192", true},
		{"num_heads", 1 << 20, "must be a positive multiple of num_heads 1048576", true},
		{"H_cycles", big, "H_cycles 1099511627776 outside 1..256", true},
		{"L_cycles", big, "L_cycles 1099511627776 outside 1..256", true},
		{"L_layers", 1 << 20, "L_layers 1048576 outside 1..64", true},
		{"halt_max_steps", big, "halt_max_steps 1099511627776 outside 1..1024", true},
		{"expansion", 1e12, "expansion 1e+12 outside (0, 16]", true},
		{"puzzle_emb_ndim", big, "puzzle_emb_ndim 1099511627776 outside 0..2097152", true},
	} {
		t.Run(tc.field, func(t *testing.T) {
			cfg := tinyConfig(81, 11)
			cfg[tc.field] = tc.value
			native := rewriteNative(t, model, cfg)
			raw, _ := json.Marshal(cfg)
			cfgPath := filepath.Join(t.TempDir(), "cfg.json")
			if err := os.WriteFile(cfgPath, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			override, _ := json.Marshal(map[string]any{tc.field: tc.value})
			runs := []struct {
				name  string
				args  []string
				where string
			}{
				{"native header", []string{"forward", "--model", native, "--inputs", filepath.Join(dir, "none.json")}, native + ": "},
				{"--config", []string{"init", "--config", cfgPath, "--out", filepath.Join(t.TempDir(), "m.safetensors")}, ""},
			}
			if tc.override {
				runs = append(runs, struct {
					name  string
					args  []string
					where string
				}{"--override", []string{"train", "--preset", "sudoku-att", "--override", string(override), "--set", sudoku, "--out", filepath.Join(t.TempDir(), "run"), "--steps", "1"}, ""})
			}
			for _, r := range runs {
				var err error
				var errOut string
				testenv.MaxHeap(t, 300<<20, r.name, func() { _, errOut, err = runCLI(t, r.args...) })
				if err == nil || !strings.Contains(err.Error(), r.where) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: error %v, want %q%s\n%s", r.name, err, tc.want, map[bool]string{true: fmt.Sprintf(" naming %s", r.where)}[r.where != ""], errOut)
				}
			}
		})
	}
}
