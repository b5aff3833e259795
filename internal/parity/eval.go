package parity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"arceval/models"
	"arceval/models/act"
	"arceval/models/checkpoint"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// EvalProperties checks the evaluation step of a family's model of config
// c (random weights, RandomWeights) against the properties every model
// has:
//
//   - reference: Step gives the bits of the per-row reference
//     (act.Model.ReferenceStep) — outputs and the whole carry — over more
//     than a run's steps, with rows halting on Q at different steps (so
//     that the fast path gathers the running rows) and reloading;
//   - rows and threads: a row's outputs do not depend on the other rows of
//     its batch nor on GOMAXPROCS;
//   - steps past the depth: StepOptions.MaxSteps continues the carry after
//     halt_max_steps without changing the steps before;
//   - no allocations after the first step;
//   - validate before mutate: a bad batch (token, puzzle identifier,
//     sizes, a non-finite puzzle row) is refused naming the row and
//     position, and neither the carry nor the outputs change;
//   - lazy puzzle table: a step reads only the puzzle rows of the rows that
//     load, never the whole table;
//   - non-finite weights: a NaN in any tensor is refused at load, naming
//     the tensor and the element;
//   - native file: written with act.WriteInit and read with act.LoadFile,
//     the model reports the same Info and computes the same bits; a file of
//     another kind, a newer format or a broken header is refused by name.
func EvalProperties(t *testing.T, f models.Family, c models.Config) {
	w := balancedWeights(t, f, c)
	m, err := f.Load(c, w)
	if err != nil {
		t.Fatal(err)
	}
	info := m.Info()
	if info.Kind != c.Kind() {
		t.Errorf("Info().Kind = %q, the config's kind %q", info.Kind, c.Kind())
	}
	t.Run("reference", func(t *testing.T) { checkReference(t, m) })
	t.Run("rows and threads", func(t *testing.T) { checkRowsAndThreads(t, m) })
	t.Run("steps past the depth", func(t *testing.T) { checkPastDepth(t, m) })
	t.Run("no allocations", func(t *testing.T) {
		cm := core(t, m)
		const B = 3
		s, out, ar := cm.NewState(B), cm.NewStepOutput(B), &nn.Arena{}
		b := batchFor(info, B)
		CheckStepAllocs(t, func() error { return cm.Step(s, b, out, models.StepOptions{}, ar) }, func() { clear(s.Halted) })
	})
	t.Run("validate before mutate", func(t *testing.T) { checkBatchErrors(t, f, c, w, m) })
	t.Run("lazy puzzle table", func(t *testing.T) { checkLazyPuzzles(t, f, c, w) })
	t.Run("non-finite weights", func(t *testing.T) { checkNonFinite(t, f, c, w) })
	t.Run("native file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "init.safetensors")
		if err := act.WriteInit(c, 3, path, map[string]string{"test": "yes"}); err != nil {
			t.Fatal(err)
		}
		native, src, err := act.LoadFile(f, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		if md := src.Metadata(); md["test"] != "yes" || md[checkpoint.MetaKind] != c.Kind() {
			t.Errorf("metadata %v", md)
		}
		direct, err := f.Load(c, act.InitTensors(c.Specs(), 3))
		if err != nil {
			t.Fatal(err)
		}
		if native.Info() != direct.Info() {
			t.Errorf("native file's info %+v, the model's %+v", native.Info(), direct.Info())
		}
		b := batchFor(info, 2)
		if !slices.Equal(RunOutputs(t, native, b, 2), RunOutputs(t, direct, b, 2)) {
			t.Error("the native file computes something else than the tensors it was written from")
		}
		want, _ := json.Marshal(c)
		if got, err := core(t, native).ConfigJSON(); err != nil || !bytes.Equal(got, want) {
			t.Errorf("the native file's config %s, written %s", got, want)
		}
		// A native file of another kind is refused, naming both kinds.
		other := filepath.Join(t.TempDir(), "other.safetensors")
		if err := tensors.WriteNative(other, "not_"+c.Kind(), c, c.Specs(), act.InitTensors(c.Specs(), 3), nil); err != nil {
			t.Fatal(err)
		}
		want2 := fmt.Sprintf("a not_%s model, not %s", c.Kind(), f.Kind())
		if _, _, err := act.LoadFile(f, other, nil); err == nil || !strings.Contains(err.Error(), want2) {
			t.Errorf("a file of another kind: err = %v, want %q", err, want2)
		}
		// A file of a format this build does not know, or with a broken
		// header, is refused naming the file, not read as if it were ours.
		for _, tc := range []struct {
			name string
			edit func(map[string]string)
			want string
		}{
			{"newer format", func(md map[string]string) { md[checkpoint.MetaFormat] = "2" }, `arceval.format is "2", this build reads "1"`},
			{"no format", func(md map[string]string) { delete(md, checkpoint.MetaFormat) }, `no "arceval.format" entry`},
			{"bad config", func(md map[string]string) { md[checkpoint.MetaConfig] = "{" }, "arceval.config is missing or not valid JSON"},
		} {
			p := rewriteMeta(t, path, tc.edit)
			if _, _, err := act.LoadFile(f, p, nil); err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: err = %v, want %q naming the file", tc.name, err, tc.want)
			}
		}
	})
}

// rewriteMeta copies a safetensors file with its metadata changed by edit.
func rewriteMeta(t *testing.T, path string, edit func(map[string]string)) string {
	t.Helper()
	f, err := checkpoint.Open(path)
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
	md := maps.Clone(f.Metadata())
	edit(md)
	out := filepath.Join(t.TempDir(), "edited.safetensors")
	if err := checkpoint.WriteSafetensors(out, list, md); err != nil {
		t.Fatal(err)
	}
	return out
}

// balancedWeights are RandomWeights whose q_head bias makes about half of
// the rows of the test batch halt on Q at the first step, so that rows
// halting on Q finish at different steps.
func balancedWeights(t *testing.T, f models.Family, c models.Config) tensors.Map {
	w := RandomWeights(c, 7)
	m, err := f.Load(c, w)
	if err != nil {
		t.Fatal(err)
	}
	const B = 5
	q := RunOutputs(t, m, batchFor(m.Info(), B), 1)
	qh, qc := q[len(q)-2*B:len(q)-B], q[len(q)-B:]
	margin := make([]float64, B) // what the rule compares with 0
	for r := range margin {
		margin[r] = float64(qh[r])
		if core(t, m).EvalHalt() == act.HaltOnQOverContinue {
			margin[r] -= float64(qc[r])
		}
	}
	slices.Sort(margin)
	w = w.Clone()
	w["q_head.bias"].Data[0] -= float32((margin[B/2-1] + margin[B/2]) / 2)
	return w
}

// checkReference compares Step with the per-row reference step by step.
func checkReference(t *testing.T, m models.Model) {
	cm := core(t, m)
	ref := cm.Reference()
	if ref.Info() != m.Info() {
		t.Fatalf("reference info %+v, model %+v", ref.Info(), m.Info())
	}
	info := m.Info()
	const B = 5
	b1, b2 := batchFor(info, B), FixedBatch(info.SeqLen, info.Vocab, info.PuzzleIDs, B+1)
	b2 = models.Batch{Inputs: b2.Inputs[info.SeqLen:], PuzzleIDs: b2.PuzzleIDs[1:]} // other data per row
	for _, haltOnQ := range []bool{false, true} {
		t.Run(fmt.Sprintf("HaltOnQ=%v", haltOnQ), func(t *testing.T) {
			fast, slow := cm.NewState(B), cm.NewState(B)
			fo, so := cm.NewStepOutput(B), cm.NewStepOutput(B)
			ar := &nn.Arena{}
			opt := models.StepOptions{HaltOnQ: haltOnQ}
			partial := false
			for k := 0; k < 2*info.MaxSteps+1; k++ {
				b := b1
				if k%2 == 1 {
					b = b2
				}
				if err := cm.Step(fast, b, fo, opt, ar); err != nil {
					t.Fatal(err)
				}
				if err := cm.ReferenceStep(slow, b, so, opt, &nn.Arena{}); err != nil {
					t.Fatal(err)
				}
				partial = partial || len(fast.Active) > 0 && len(fast.Active) < B
				if i := firstDiff(fo.Logits, so.Logits); i >= 0 {
					t.Fatalf("step %d: logits[%d] = %v, reference %v", k+1, i, fo.Logits[i], so.Logits[i])
				}
				if !bitsEqual(fo.QHalt, so.QHalt) || !bitsEqual(fo.QContinue, so.QContinue) {
					t.Fatalf("step %d: q %v/%v, reference %v/%v", k+1, fo.QHalt, fo.QContinue, so.QHalt, so.QContinue)
				}
				if d := carryDiff(fast, slow); d != "" {
					t.Fatalf("step %d: carry %s differs from the reference's", k+1, d)
				}
			}
			// With halting on Q, rows finish at different steps (the Q head
			// is random), and the fast path gathers the running rows.
			if haltOnQ && info.MaxSteps > 2 && cm.EvalHalt() != act.HaltAtMax && !partial {
				t.Error("no step ran with only some rows: the gather path was not exercised")
			}
		})
	}
}

// carryDiff names the first field in which two carries differ ("" when
// none), comparing floats by their bits.
func carryDiff(a, b *models.Carry) string {
	switch {
	case a.B != b.B:
		return "B"
	case !bitsEqual(a.ZH, b.ZH):
		return "z_H"
	case !bitsEqual(a.ZL, b.ZL) || (a.ZL == nil) != (b.ZL == nil):
		return "z_L"
	case !slices.Equal(a.Steps, b.Steps):
		return fmt.Sprintf("steps (%v, %v)", a.Steps, b.Steps)
	case !slices.Equal(a.Halted, b.Halted):
		return fmt.Sprintf("halted (%v, %v)", a.Halted, b.Halted)
	case !slices.Equal(a.Done, b.Done):
		return fmt.Sprintf("done (%v, %v)", a.Done, b.Done)
	case !slices.Equal(a.Inputs, b.Inputs):
		return "inputs"
	case !slices.Equal(a.Labels, b.Labels):
		return "labels"
	case !slices.Equal(a.PuzzleIDs, b.PuzzleIDs):
		return "puzzle ids"
	case !bitsEqual(a.Puzzle, b.Puzzle):
		return "puzzle vectors"
	case !slices.Equal(a.Active, b.Active):
		return fmt.Sprintf("active rows (%v, %v)", a.Active, b.Active)
	}
	return ""
}

func bitsEqual(a, b []float32) bool {
	return len(a) == len(b) && firstDiff(a, b) < 0
}

// firstDiff is the first index where a and b differ in their bits, −1 when
// none (len(b) ≥ len(a)).
func firstDiff(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// checkRowsAndThreads: each row alone, and the batch at GOMAXPROCS 1 and 2,
// give the same bits.
func checkRowsAndThreads(t *testing.T, m models.Model) {
	info := m.Info()
	S, V := info.SeqLen, info.Vocab
	const B = 5
	b := batchFor(info, B)
	run := func(procs int, rows ...int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var sub models.Batch
		for _, r := range rows {
			sub.Inputs = append(sub.Inputs, b.Inputs[r*S:(r+1)*S]...)
			sub.PuzzleIDs = append(sub.PuzzleIDs, b.PuzzleIDs[r])
		}
		return RunOutputs(t, m, sub, info.MaxSteps)
	}
	all := []int{0, 1, 2, 3, 4}
	ref := run(1, all...)
	if got := run(2, all...); !bitsEqual(got, ref) {
		t.Error("GOMAXPROCS 2 differs from 1")
	}
	for r := 0; r < B; r++ {
		got := run(2, r)
		if !bitsEqual(got[:S*V], ref[r*S*V:(r+1)*S*V]) || !bitsEqual(got[S*V:S*V+1], ref[B*S*V+r:B*S*V+r+1]) ||
			!bitsEqual(got[S*V+1:], ref[B*S*V+B+r:B*S*V+B+r+1]) {
			t.Errorf("row %d alone differs from row %d in the batch", r, r)
		}
	}
}

// checkBatchErrors: bad batches are refused with the row and position and
// change nothing, on a fresh carry and on one whose rows all halted and are
// not finished (so that every row would load).
func checkBatchErrors(t *testing.T, f models.Family, c models.Config, w tensors.Map, m models.Model) {
	cm := core(t, m)
	info := m.Info()
	S, V := info.SeqLen, info.Vocab
	const B = 3
	ar := &nn.Arena{}
	fresh := cm.NewState(B)
	halted := cm.NewState(B)
	out := cm.NewStepOutput(B)
	for k := 0; k < info.MaxSteps; k++ {
		if err := cm.Step(halted, batchFor(info, B), out, models.StepOptions{}, ar); err != nil {
			t.Fatal(err)
		}
	}
	if slices.Contains(halted.Halted, false) {
		t.Fatalf("rows not halted after %d steps: %v", info.MaxSteps, halted.Halted)
	}
	clear(halted.Done) // rows that halted on Q load again too
	type edit func(b *models.Batch, out *models.StepOutput) *models.StepOutput
	cases := []struct {
		name string
		edit edit
		want string
	}{
		{"token", func(b *models.Batch, o *models.StepOutput) *models.StepOutput { b.Inputs[S+2] = int32(V); return o },
			fmt.Sprintf("row 1, position 2: token %d outside the vocabulary 0..%d", V, V-1)},
		{"negative token", func(b *models.Batch, o *models.StepOutput) *models.StepOutput { b.Inputs[2*S] = -1; return o },
			"row 2, position 0: token -1 outside the vocabulary"},
		{"short batch", func(b *models.Batch, o *models.StepOutput) *models.StepOutput { b.Inputs = b.Inputs[:S]; return o },
			fmt.Sprintf("batch has %d inputs and %d ids, want %d×%d and %d", S, B, B, S, B)},
		{"short output", func(b *models.Batch, o *models.StepOutput) *models.StepOutput { return cm.NewStepOutput(B - 1) }, "outputs hold"},
	}
	if info.PuzzleIDs > 0 {
		cases = append(cases, struct {
			name string
			edit edit
			want string
		}{"puzzle id", func(b *models.Batch, o *models.StepOutput) *models.StepOutput {
			b.PuzzleIDs[2] = int32(info.PuzzleIDs)
			return o
		},
			fmt.Sprintf("row 2: puzzle identifier %d outside the table's %d rows", info.PuzzleIDs, info.PuzzleIDs)})
	}
	for _, carry := range []struct {
		name string
		c    *models.Carry
	}{{"fresh carry", fresh}, {"halted carry", halted}} {
		for _, tc := range cases {
			t.Run(carry.name+"/"+tc.name, func(t *testing.T) {
				b := batchFor(info, B)
				o := cm.NewStepOutput(B)
				for i := range o.Logits {
					o.Logits[i] = float32(i)
				}
				o = tc.edit(&b, o)
				before, outBefore := carry.c.Clone(), slices.Clone(o.Logits)
				err := cm.Step(carry.c, b, o, models.StepOptions{}, ar)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want %q", err, tc.want)
				}
				if d := carryDiff(carry.c, before); d != "" {
					t.Errorf("the carry's %s changed", d)
				}
				if !bitsEqual(o.Logits, outBefore) {
					t.Error("the outputs changed")
				}
				// The reference refuses it too, with the same message.
				rerr := cm.ReferenceStep(carry.c.Clone(), b, o, models.StepOptions{}, ar)
				if rerr == nil || rerr.Error() != err.Error() {
					t.Errorf("reference: err = %v, Step's %v", rerr, err)
				}
			})
		}
	}
	// A bad token in a row that keeps its data is never read.
	if info.MaxSteps > 1 {
		t.Run("running row", func(t *testing.T) {
			s := cm.NewState(B)
			b := batchFor(info, B)
			if err := cm.Step(s, b, out, models.StepOptions{}, ar); err != nil {
				t.Fatal(err)
			}
			bad := models.Batch{Inputs: slices.Clone(b.Inputs), PuzzleIDs: b.PuzzleIDs}
			bad.Inputs[S] = -1
			if err := cm.Step(s, bad, out, models.StepOptions{}, ar); err != nil {
				t.Errorf("a row that does not load checked its new data: %v", err)
			}
		})
	}
	// A non-finite puzzle row is refused when a row loads it.
	if info.PuzzleIDs > 0 {
		t.Run("non-finite puzzle row", func(t *testing.T) {
			nw := w.Clone()
			nd := nw["puzzle_emb.weights"].Shape[1]
			id := info.PuzzleIDs - 1
			nw["puzzle_emb.weights"].Data[id*nd+1] = float32(math.NaN())
			nm, err := f.Load(c, nw)
			if err != nil {
				t.Fatal(err)
			}
			ncm := core(t, nm)
			s, o := ncm.NewState(B), ncm.NewStepOutput(B)
			b := batchFor(info, B)
			b.PuzzleIDs[1] = int32(id)
			before := s.Clone()
			err = ncm.Step(s, b, o, models.StepOptions{}, ar)
			want := fmt.Sprintf("row 1: tensor puzzle_emb.weights row %d: element 1 is NaN", id)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want %q", err, want)
			}
			if d := carryDiff(s, before); d != "" {
				t.Errorf("the carry's %s changed", d)
			}
		})
	}
}

// countingSource refuses whole-table reads of the puzzle embedding and
// counts the rows read, standing in for a 2 GB ARC checkpoint.
type countingSource struct {
	tensors.Map
	rows int
}

func (c *countingSource) Float32(name string) ([]float32, error) {
	if strings.HasSuffix(name, "puzzle_emb.weights") {
		return nil, fmt.Errorf("the whole puzzle table was read")
	}
	return c.Map.Float32(name)
}

func (c *countingSource) Rows(name string, start, count int) ([]float32, error) {
	c.rows += count
	return c.Map.Rows(name, start, count)
}

// checkLazyPuzzles: evaluating a batch reads one puzzle row per row load.
func checkLazyPuzzles(t *testing.T, f models.Family, c models.Config, w tensors.Map) {
	if _, ok := w["puzzle_emb.weights"]; !ok {
		t.Skip("no puzzle table")
	}
	src := &countingSource{Map: w}
	m, err := f.Load(c, src)
	if err != nil {
		t.Fatal(err)
	}
	info := m.Info()
	const B = 3
	RunOutputs(t, m, batchFor(info, B), info.MaxSteps)
	if src.rows != B {
		t.Errorf("%d puzzle rows read in one run of %d rows, want %d (one per row, when it loads its puzzle)", src.rows, B, B)
	}
}

// checkNonFinite: a NaN in any tensor of the layout (but the puzzle table,
// read row by row) is refused at load, naming it.
func checkNonFinite(t *testing.T, f models.Family, c models.Config, w tensors.Map) {
	for _, s := range c.Specs() {
		if s.Name == "puzzle_emb.weights" {
			continue
		}
		nw := w.Clone()
		i := min(1, s.Elements()-1)
		nw[s.Name].Data[i] = float32(math.Inf(-1))
		_, err := f.Load(c, nw)
		if want := fmt.Sprintf("tensor %s: element %d is -Inf", s.Name, i); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", s.Name, err, want)
		}
	}
	if _, err := f.Load(c, tensors.Map{}); err == nil {
		t.Error("an empty source was accepted")
	}
	extra := w.Clone()
	extra["extra.weight"] = tensors.Tensor{Shape: []int{1}, Data: []float32{0}}
	if _, err := f.Load(c, extra); err == nil || !strings.Contains(err.Error(), "unexpected tensor extra.weight") {
		t.Errorf("an unexpected tensor: err = %v", err)
	}
}
