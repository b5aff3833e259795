package harness

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"arceval/models/checkpoint"
	"arceval/tasks"
)

// stored is a training checkpoint taken apart for tampering: its tensors
// and its metadata, with the training state decoded.
type stored struct {
	tensors map[string][]float32
	shapes  map[string][]int
	meta    map[string]string
	train   map[string]any
}

// first returns the first tensor name with prefix and suffix.
func (s *stored) first(prefix, suffix string) string {
	for _, n := range sortedKeys(s.tensors) {
		if strings.HasPrefix(n, prefix) && strings.HasSuffix(n, suffix) {
			return n
		}
	}
	panic("no tensor " + prefix + "…" + suffix)
}

// set overwrites one element of a tensor.
func (s *stored) set(name string, i int, v float32) { s.tensors[name][i] = v }

func readStored(t *testing.T, path string) *stored {
	t.Helper()
	f, err := checkpoint.OpenSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := &stored{tensors: map[string][]float32{}, shapes: map[string][]int{}, meta: f.Metadata()}
	for _, n := range f.Keys() {
		tn, _ := f.Tensor(n)
		if s.tensors[n], err = tn.Float32(); err != nil {
			t.Fatal(err)
		}
		s.shapes[n] = tn.Shape
	}
	if err := json.Unmarshal([]byte(s.meta[MetaTrain]), &s.train); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *stored) write(t *testing.T, path string) {
	t.Helper()
	mj, err := json.Marshal(s.train)
	if err != nil {
		t.Fatal(err)
	}
	s.meta[MetaTrain] = string(mj)
	var list []checkpoint.NamedTensor
	for _, n := range sortedKeys(s.tensors) {
		shape := s.shapes[n]
		if len(shape) == 1 {
			shape = []int{len(s.tensors[n])} // a 1-D tensor may be resized
		}
		list = append(list, checkpoint.Float32Tensor(n, shape, s.tensors[n]))
	}
	if err := checkpoint.WriteSafetensors(path, list, s.meta); err != nil {
		t.Fatal(err)
	}
}

// Every field a training checkpoint holds is validated on resume: a
// negative, absurd, non-finite or mis-shaped value is an error naming the
// file and the field, never a panic, a huge allocation or a run that goes
// on from NaN. Each case tampers one field of a valid checkpoint.
func TestResumeValidatesEveryField(t *testing.T) {
	data, err := NewTaskData([]*tasks.Set{sudokuSet(t, 6, 1)}, TaskDataOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(tinyRecipe(3), tinyTrainable(t, 2), data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.TrainStep(); err != nil {
		t.Fatal(err)
	}
	valid := filepath.Join(t.TempDir(), CheckpointFile)
	if err := tr.Save(valid, "sudoku"); err != nil {
		t.Fatal(err)
	}
	cfg := func(s *stored) map[string]any { return s.train["config"].(map[string]any) }
	counters := func(s *stored, key string) map[string]any { return s.train[key].(map[string]any) }
	anyKey := func(m map[string]any) string { return sortedKeys(m)[0] }
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	cases := []struct {
		name   string
		tamper func(s *stored)
		want   string // what the error names after the path
	}{
		{"untouched", func(s *stored) {}, ""},
		{"step negative", func(s *stored) { s.train["step"] = -5 }, MetaTrain + ": step -5"},
		{"step past the run", func(s *stored) { s.train["step"] = 4 }, MetaTrain + ": step 4"},
		{"epoch negative", func(s *stored) { s.train["epoch"] = -1 }, MetaTrain + ": epoch -1"},
		{"epoch absurd", func(s *stored) { s.train["epoch"] = 1 << 40 }, MetaTrain + ": epoch 1099511627776"},
		{"offset negative", func(s *stored) { s.train["offset"] = -7 }, MetaTrain + ": offset -7"},
		{"offset past the groups", func(s *stored) { s.train["offset"] = 7 }, MetaTrain + ": offset 7"},
		{"carries", func(s *stored) { s.train["carries"] = 3 }, MetaTrain + ": carries 3"},
		{"carries negative", func(s *stored) { s.train["carries"] = -1 }, MetaTrain + ": carries -1"},
		{"rng", func(s *stored) { s.train["rng"] = "AAAA" }, MetaTrain + ": rng"},
		{"adam counter negative", func(s *stored) { m := counters(s, "adam_counters"); m[anyKey(m)] = -1 }, MetaTrain + `: adam_counters["`},
		{"adam counter past the step", func(s *stored) { m := counters(s, "adam_counters"); m[anyKey(m)] = 99 }, MetaTrain + `: adam_counters["`},
		{"ema counter", func(s *stored) { counters(s, "ema_counters")["updates"] = 1 << 50 }, MetaTrain + `: ema_counters["updates"]`},
		{"global batch absurd", func(s *stored) { cfg(s)["global_batch"] = 1 << 40 }, MetaTrain + ": carries 2, want 274877906944"},
		{"micro batch absurd", func(s *stored) { cfg(s)["global_batch"], cfg(s)["micro_batch"] = 1<<41, 1<<40 }, "tensor carry/0/inputs has 324 values"},
		{"batch not a multiple", func(s *stored) { cfg(s)["micro_batch"] = 3 }, MetaTrain + ": config: train: global batch 8"},
		{"steps", func(s *stored) { cfg(s)["steps"] = 0 }, MetaTrain + ": config: train: steps 0"},
		{"lr", func(s *stored) { cfg(s)["lr"] = -1 }, MetaTrain + ": config: train: lr -1"},
		{"beta1", func(s *stored) { cfg(s)["beta1"] = 1 }, MetaTrain + ": config: train: beta1 1"},
		{"beta2", func(s *stored) { cfg(s)["beta2"] = -0.5 }, MetaTrain + ": config: train: beta1 0.9 and beta2 -0.5"},
		{"weight decay", func(s *stored) { cfg(s)["weight_decay"] = -1 }, MetaTrain + ": config: train: weight_decay -1"},
		{"puzzle lr", func(s *stored) { cfg(s)["puzzle_emb_lr"] = -1 }, "puzzle_emb_lr -1"},
		{"ema rate", func(s *stored) { cfg(s)["ema_rate"] = 1 }, MetaTrain + ": config: train: ema_rate 1"},
		{"epochs per iter", func(s *stored) { cfg(s)["epochs_per_iter"] = -3 }, MetaTrain + ": config: train: epochs per iteration -3"},
		{"optimizer", func(s *stored) { cfg(s)["optimizer"] = "sgd" }, MetaTrain + `: config: train: optimizer "sgd"`},
		{"z_H NaN", func(s *stored) { s.set("carry/0/z_H", 5, nan) }, "tensor carry/0/z_H: element 5 is NaN"},
		{"z_L Inf", func(s *stored) { s.set("carry/1/z_L", 0, inf) }, "tensor carry/1/z_L: element 0 is +Inf"},
		{"z_H shape", func(s *stored) { s.tensors["carry/0/z_H"] = s.tensors["carry/0/z_H"][:7] }, "tensor carry/0/z_H has 7 values"},
		{"steps past the maximum", func(s *stored) { s.set("carry/0/steps", 1, 4) }, "tensor carry/0/steps: element 1 is 4, want a whole number in 0..3"},
		{"steps negative", func(s *stored) { s.set("carry/0/steps", 0, -1) }, "tensor carry/0/steps: element 0 is -1"},
		{"halted", func(s *stored) { s.set("carry/1/halted", 2, 0.5) }, "tensor carry/1/halted: element 2 is 0.5, want a whole number in 0..1"},
		{"token outside the vocabulary", func(s *stored) { s.set("carry/0/inputs", 3, 11) }, "tensor carry/0/inputs: element 3 is 11, want a whole number in 0..10"},
		{"token NaN", func(s *stored) { s.set("carry/0/inputs", 3, nan) }, "tensor carry/0/inputs: element 3 is NaN"},
		{"token fractional", func(s *stored) { s.set("carry/0/inputs", 3, 1.5) }, "tensor carry/0/inputs: element 3 is 1.5"},
		{"inputs shape", func(s *stored) { s.tensors["carry/1/inputs"] = append(s.tensors["carry/1/inputs"], 0) }, "tensor carry/1/inputs has 325 values, want 324"},
		{"label", func(s *stored) { s.set("carry/0/labels", 0, -2) }, "tensor carry/0/labels: element 0 is -2, want a whole number in 0..10 or -100"},
		{"puzzle id", func(s *stored) { s.set("carry/0/puzzle_ids", 0, 1) }, "tensor carry/0/puzzle_ids: element 0 is 1, want a whole number in 0..0"},
		{"missing carry tensor", func(s *stored) { delete(s.tensors, "carry/1/labels") }, "no tensor carry/1/labels"},
		{"missing carry", func(s *stored) { delete(s.tensors, "carry/1/inputs") }, "no tensor carry/1/inputs"},
		{"extra carry", func(s *stored) { s.tensors["carry/2/z_H"] = []float32{0}; s.shapes["carry/2/z_H"] = []int{1} }, "tensor carry/2/z_H is no part of a training state"},
		{"unknown tensor", func(s *stored) { s.tensors["junk"] = []float32{0}; s.shapes["junk"] = []int{1} }, "tensor junk is no part of a training state"},
		{"adam m NaN", func(s *stored) { s.set(s.first(prefixAdam, ".exp_avg"), 2, nan) }, ".exp_avg: element 2 is NaN"},
		{"adam v negative", func(s *stored) { s.set(s.first(prefixAdam, ".exp_avg_sq"), 1, -1) }, ".exp_avg_sq: element 1 is -1, a second moment must be ≥ 0"},
		{"adam v Inf", func(s *stored) { s.set(s.first(prefixAdam, ".exp_avg_sq"), 0, inf) }, ".exp_avg_sq: element 0 is +Inf"},
		{"adam shape", func(s *stored) { n := s.first(prefixAdam, ".exp_avg"); s.tensors[n] = s.tensors[n][:1] }, "has 1 values, want"},
		{"ema NaN", func(s *stored) { s.set(s.first(prefixEMA, ""), 0, nan) }, "element 0 is NaN"},
		{"ema shape", func(s *stored) { n := s.first(prefixEMA, ""); s.tensors[n] = s.tensors[n][:2] }, "has 2 values, want"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := readStored(t, valid)
			tc.tamper(s)
			path := filepath.Join(t.TempDir(), CheckpointFile)
			s.write(t, path)
			ck, err := OpenCheckpoint(path)
			if err != nil {
				t.Fatal(err)
			}
			defer ck.Close()
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v", r)
				}
			}()
			res, err := ResumeTrainer(ck, tinyTrainable(t, 2), data)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("a valid checkpoint: %v", err)
				}
				if _, err := res.TrainStep(); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("resumed; want an error naming %q", tc.want)
			}
			if !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v\nwant %s: …%s…", err, path, tc.want)
			}
		})
	}
}
