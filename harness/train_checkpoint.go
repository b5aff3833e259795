package harness

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"arceval/models"
	"arceval/models/checkpoint"
	"arceval/models/optim"
)

// MetaTrain is the metadata key of a training checkpoint's state.
const MetaTrain = "arceval.train"

// trainMeta is the JSON part of a training checkpoint.
type trainMeta struct {
	Config       TrainConfig      `json:"config"`
	Step         int              `json:"step"`
	Epoch        int              `json:"epoch"`
	Offset       int              `json:"offset"` // groups of the epoch's order taken
	RNG          []byte           `json:"rng"`    // the exploration PCG's state
	AdamCounters map[string]int64 `json:"adam_counters"`
	EMACounters  map[string]int64 `json:"ema_counters,omitempty"`
	Carries      int              `json:"carries"`
	Data         string           `json:"data,omitempty"` // what the run trains on, for messages
}

// Tensor name prefixes inside a training checkpoint.
const (
	prefixModel = "model/"
	prefixAdam  = "adam/"
	prefixEMA   = "ema/"
	prefixCarry = "carry/"
)

// Save writes the whole training state to one safetensors file atomically:
// the model's live tensors, optimiser and EMA state, the ACT carries, the
// sampler position and the exploration stream. data names the training data
// (kept for messages).
func (t *Trainer) Save(path, data string) error {
	m := t.Model
	cfgJSON, err := m.ConfigJSON()
	if err != nil {
		return err
	}
	rngState, err := t.pcg.MarshalBinary()
	if err != nil {
		return err
	}
	meta := trainMeta{Config: t.Cfg, Step: t.Step, Epoch: t.samp.Epoch, Offset: t.samp.Offset, RNG: rngState,
		Carries: len(t.carries), Data: data}
	var list []checkpoint.NamedTensor
	weights := m.Weights()
	for _, name := range sortedKeys(weights) {
		w := weights[name]
		list = append(list, checkpoint.Float32Tensor(prefixModel+name, w.Shape, w.Data))
	}
	addState := func(prefix string, s optim.State) {
		for _, name := range s.Names() {
			v := s.Tensors[name]
			list = append(list, checkpoint.Float32Tensor(prefix+name, []int{len(v)}, v))
		}
	}
	as := t.adam.State()
	meta.AdamCounters = as.Counters
	addState(prefixAdam, as)
	if t.ema != nil {
		es := t.ema.State()
		meta.EMACounters = es.Counters
		addState(prefixEMA, es)
	}
	for k, c := range t.carries {
		p := fmt.Sprintf("%s%d/", prefixCarry, k)
		// In a fixed order, so that the same state writes the same bytes.
		for _, st := range []struct {
			name string
			z    []float32
		}{{"z_H", c.ZH}, {"z_L", c.ZL}} {
			if len(st.z) > 0 { // a model without a second state (the direct baseline) has none
				list = append(list, checkpoint.Float32Tensor(p+st.name, []int{len(st.z)}, st.z))
			}
		}
		list = append(list,
			intTensor(p+"steps", c.Steps), boolTensor(p+"halted", c.Halted),
			intTensor(p+"inputs", c.Inputs), intTensor(p+"labels", c.Labels), intTensor(p+"puzzle_ids", c.PuzzleIDs))
	}
	mj, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	info := m.Info()
	return checkpoint.WriteSafetensors(path, list, map[string]string{
		checkpoint.MetaKind: info.Kind, checkpoint.MetaConfig: string(cfgJSON), MetaTrain: string(mj)})
}

// Checkpoint is a training checkpoint opened for resuming: the model's kind,
// config and tensors (to rebuild it with the kind's loader) and the state.
type Checkpoint struct {
	Path    string
	Kind    string
	Config  json.RawMessage
	Weights map[string]models.Tensor
	meta    trainMeta
	file    *checkpoint.File
}

// Data is the description of the training data stored at Save.
func (c *Checkpoint) Data() string { return c.meta.Data }

// TrainConfig is the recipe of the checkpointed run.
func (c *Checkpoint) TrainConfig() TrainConfig { return c.meta.Config }

// Step is the number of optimiser steps done.
func (c *Checkpoint) Step() int { return c.meta.Step }

// OpenCheckpoint reads a training checkpoint written by Save.
func OpenCheckpoint(path string) (*Checkpoint, error) {
	f, err := checkpoint.OpenSafetensors(path)
	if err != nil {
		return nil, err
	}
	md := f.Metadata()
	c := &Checkpoint{Path: path, Kind: md[checkpoint.MetaKind], Config: json.RawMessage(md[checkpoint.MetaConfig]), file: f, Weights: map[string]models.Tensor{}}
	if md[MetaTrain] == "" {
		f.Close()
		return nil, fmt.Errorf("%s: not a training checkpoint (no %s metadata)", path, MetaTrain)
	}
	if err := json.Unmarshal([]byte(md[MetaTrain]), &c.meta); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %s: %v", path, MetaTrain, err)
	}
	for _, name := range f.Keys() {
		if rest, ok := strings.CutPrefix(name, prefixModel); ok {
			t, _ := f.Tensor(name)
			v, err := t.Float32()
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			c.Weights[rest] = models.Tensor{Shape: t.Shape, Data: v}
		}
	}
	return c, nil
}

// Close releases the file.
func (c *Checkpoint) Close() error { return c.file.Close() }

// ResumeTrainer continues a checkpointed run on model (rebuilt from
// c.Weights by the caller) with the same data. Everything read back is
// validated (checkpoint_check.go) before it is used: a corrupt or tampered
// checkpoint is an error naming the file and the field, never a panic, a
// huge allocation or a run that continues from NaN.
func ResumeTrainer(c *Checkpoint, m models.Trainable, data TrainData) (*Trainer, error) {
	if c.meta.Config.EpochsPerIter == 0 {
		return nil, fmt.Errorf("%s: written before the official sampler (cut puzzles, dropped last batch of an iteration); it cannot be resumed bit-identically, start a new run", c.Path)
	}
	if err := c.meta.Config.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %s: config: %w", c.Path, MetaTrain, err)
	}
	if err := c.checkPosition(data.Groups()); err != nil {
		return nil, err
	}
	if err := c.checkLayout(data.SeqLen()); err != nil {
		return nil, err
	}
	t, err := NewTrainer(c.meta.Config, m, data)
	if err != nil {
		return nil, err
	}
	read := func(name string, n int) ([]float32, error) {
		tn, ok := c.file.Tensor(name)
		if !ok {
			return nil, fmt.Errorf("%s: no tensor %s", c.Path, name)
		}
		if tn.NumElements() != n {
			return nil, fmt.Errorf("%s: tensor %s has %d values, want %d", c.Path, name, tn.NumElements(), n)
		}
		v, err := tn.Float32()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Path, err)
		}
		return v, nil
	}
	loadState := func(prefix string, counters map[string]int64, check func(name string, v []float32) error) (optim.State, error) {
		s := optim.State{Tensors: map[string][]float32{}, Counters: counters}
		for _, name := range c.file.Keys() {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				tn, _ := c.file.Tensor(name)
				v, err := read(name, tn.NumElements())
				if err == nil {
					err = check(name, v)
				}
				if err != nil {
					return s, err
				}
				s.Tensors[rest] = v
			}
		}
		return s, nil
	}
	as, err := loadState(prefixAdam, c.meta.AdamCounters, c.checkMoment)
	if err == nil {
		err = t.adam.LoadState(as, m.Params())
	}
	if err == nil && t.ema != nil {
		var es optim.State
		if es, err = loadState(prefixEMA, c.meta.EMACounters, c.checkFinite); err == nil {
			err = t.ema.LoadState(es)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Path, err)
	}
	bounds := carryBounds(m.Info(), data)
	for k, carry := range t.carries {
		p := fmt.Sprintf("%s%d/", prefixCarry, k)
		for _, f := range []struct {
			name string
			dst  any
		}{{"z_H", carry.ZH}, {"z_L", carry.ZL}, {"steps", carry.Steps}, {"halted", carry.Halted},
			{"inputs", carry.Inputs}, {"labels", carry.Labels}, {"puzzle_ids", carry.PuzzleIDs}} {
			n := sliceLen(f.dst)
			if n == 0 {
				continue
			}
			v, err := read(p+f.name, n)
			if err == nil {
				err = c.checkCarry(p+f.name, f.name, v, bounds)
			}
			if err != nil {
				return nil, err
			}
			fill(f.dst, v)
		}
	}
	if err := t.pcg.UnmarshalBinary(c.meta.RNG); err != nil {
		return nil, fmt.Errorf("%s: %s: rng: exploration stream: %v", c.Path, MetaTrain, err)
	}
	t.rng = rand.New(t.pcg)
	t.Step, t.samp.Epoch, t.samp.Offset = c.meta.Step, c.meta.Epoch, c.meta.Offset
	return t, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Integer carry fields are stored as float32, exact below 2^24 (token ids,
// labels, step counts and puzzle identifiers all are).
func intTensor[T int | int32](name string, v []T) checkpoint.NamedTensor {
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return checkpoint.Float32Tensor(name, []int{len(v)}, f)
}

func boolTensor(name string, v []bool) checkpoint.NamedTensor {
	f := make([]float32, len(v))
	for i, x := range v {
		if x {
			f[i] = 1
		}
	}
	return checkpoint.Float32Tensor(name, []int{len(v)}, f)
}

func sliceLen(dst any) int {
	switch d := dst.(type) {
	case []float32:
		return len(d)
	case []int:
		return len(d)
	case []int32:
		return len(d)
	case []bool:
		return len(d)
	}
	panic("unreachable")
}

func fill(dst any, v []float32) {
	switch d := dst.(type) {
	case []float32:
		copy(d, v)
	case []int:
		for i := range d {
			d[i] = int(v[i])
		}
	case []int32:
		for i := range d {
			d[i] = int32(v[i])
		}
	case []bool:
		for i := range d {
			d[i] = v[i] != 0
		}
	}
}
