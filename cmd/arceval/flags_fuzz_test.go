package main

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"arceval/harness"
	"arceval/models/act"
	"arceval/models/registry"
	"arceval/models/trm"
	"arceval/tasks"
)

// FuzzAblation: an --ablation list is accepted only when every entry is a
// named ablation or T<k>n<m> with counts ≥ 1, and applying it to a valid
// config changes only what the entries name.
func FuzzAblation(f *testing.F) {
	for _, s := range []string{"", "no-ema", "att,no-act", "T2n2", "T0n1", "T1n0", "T99999999999999999999n1", "T2n2,mlp,4-layers", ",,", "nope", "t2n2", "T2n2x", "no-recursion,no-deep-supervision,act-continue"} {
		f.Add(s)
	}
	recursion := regexp.MustCompile(`^T(\d+)n(\d+)$`)
	f.Fuzz(func(t *testing.T, list string) {
		model, recipe, err := parseAblations(list)
		if err != nil {
			if _, ok := err.(usageError); !ok || !strings.HasPrefix(err.Error(), "--ablation ") {
				t.Fatalf("error %q is not a usage error about --ablation", err)
			}
			return
		}
		c, _ := trm.Preset("sudoku-att")
		h, l := c.HCycles, c.LCycles
		for name := range strings.SplitSeq(list, ",") {
			if m := recursion.FindStringSubmatch(name); m != nil {
				h, _ = strconv.Atoi(m[1])
				l, _ = strconv.Atoi(m[2])
				if h < 1 || l < 1 {
					t.Fatalf("accepted %q", name)
				}
			} else if _, ok := ablations[name]; !ok && name != "" {
				t.Fatalf("accepted unknown ablation %q", name)
			}
		}
		model(&c)
		if c.HCycles < 1 || c.LCycles < 1 || c.HaltMaxSteps < 1 || c.LLayers < 1 {
			t.Fatalf("%q made config %+v", list, c)
		}
		rc := harness.DefaultTrainConfig(3)
		recipe(&rc)
	})
}

// fitData is a TrainData of a fixed shape (no examples): what
// initTrainable fits a model to.
type fitData struct{ seqLen, vocab, ids int }

func (d fitData) Kind() tasks.Kind                  { return tasks.Sudoku }
func (d fitData) Groups() int                       { return 1 }
func (d fitData) Members(int) int                   { return 1 }
func (d fitData) Puzzle(int, int) []harness.Example { return nil }
func (d fitData) SeqLen() int                       { return d.seqLen }
func (d fitData) Vocab() int                        { return d.vocab }
func (d fitData) NumPuzzleIDs() int                 { return d.ids }

// FuzzOverride: a --override string is merged over a preset of any family
// as train does (JSON over the config, then fitted to the data), giving a
// usage error or a config that validates, fits the data, and reads back
// the same through the family's config parser.
func FuzzOverride(f *testing.F) {
	for _, s := range []string{
		`{"hidden_size":16,"L_layers":1,"H_cycles":2,"L_cycles":2,"halt_max_steps":3,"puzzle_emb_ndim":0}`,
		`{"num_heads": 3}`, `{"seq_len": 100000000}`, `{"puzzle_emb_len": 1099511627776}`, `{"H_cycles": 0}`,
		`{"pos_encodings": "alibi"}`, `{"expansion": -1}`, `{"rms_norm_eps": 0}`, `[]`, `null`, `{`, `{"hidden_size": 1e400}`,
		`{"mlp_t": true, "pos_encodings": "none"}`, `{"hidden_size": "512"}`, `{"unknown_field": 1}`,
	} {
		f.Add("sudoku-att", s)
		f.Add("sudoku-extreme", s)
		f.Add("sudoku", s)
	}
	f.Add("arc1-att", `{"puzzle_emb_ndim": 0}`)
	f.Add("sudoku-mlp", `{"hidden_size": 64, "num_heads": 0}`)
	f.Add("sudoku-extreme", `{"H_layers": 1099511627776}`)
	data := fitData{seqLen: 81, vocab: 11, ids: 1}
	f.Fuzz(func(t *testing.T, preset, override string) {
		for _, fam := range registry.Families {
			if _, err := fam.Config(preset); err != nil {
				continue
			}
			c, err := harness.TrainModelConfig(harness.ModelSpec{Family: fam, Preset: preset, Override: override}, data)
			if err != nil {
				if _, ok := cliError(err).(usageError); !ok {
					t.Fatalf("%s: error %q is not a usage error", fam.Kind(), err)
				}
				continue
			}
			if err := c.Validate(); err != nil {
				t.Fatalf("%s: an invalid config: %v", fam.Kind(), err)
			}
			if s, v, _, ids := configSizes(c); s != data.seqLen || v != data.vocab || ids != data.ids {
				t.Fatalf("%s: config not fitted to the data: %+v", fam.Kind(), c)
			}
			raw, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			back, err := act.ParseConfig(fam, raw)
			if err != nil {
				t.Fatalf("%s: the config does not read back: %v\n%s", fam.Kind(), err, raw)
			}
			if again, _ := json.Marshal(back); string(again) != string(raw) {
				t.Fatalf("%s: round trip\n%s\ngave\n%s", fam.Kind(), raw, again)
			}
		}
	})
}
