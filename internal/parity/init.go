package parity

import (
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	mstats "github.com/montanaflynn/stats"

	"arceval/models"
	"arceval/models/act"
	"arceval/models/tensors"
)

// truncStdRatio is the standard deviation of a standard normal truncated to
// [−2, 2] (TRM models/common.py L25): a truncated normal of std σ is cut at
// ±2·σ/truncStdRatio.
const truncStdRatio = 0.8796256610342398

// CheckOfficialInit fails t unless src (a family's InitTensors) is
// initialised as the official constructors do (TRM trm.py L124-160,
// transformers_baseline.py L125-181, HRM hrm_act_v1.py L107-144), for a model
// of hidden size hidden and forward dtype forwardDtype:
//
//   - puzzle_emb.weights all zero;
//   - q_head.weight all zero, q_head.bias all −5;
//   - H_init/L_init of length hidden, std about 1: with a bfloat16 forward
//     dtype (or none: the official default) every value a bfloat16 within
//     the bfloat16 of 2/0.8796 (a truncated normal of std 1); otherwise
//     within 2/0.8796 and not rounded to bfloat16 (the buffers are created
//     in the forward dtype, trm.py L152-154);
//   - embed_tokens/embed_pos within ±2·σ/0.8796 for σ = 1/√hidden;
//   - every other 2-D weight (out, in) within ±2·σ/0.8796 for σ = 1/√in,
//     and, when it has 4096 values or more, a standard deviation within 6 %
//     of σ and a largest magnitude above 90 % of the bound (a plain normal
//     crosses the bound; PyTorch's trunc_normal_ stays under 88 % of it).
//
// It also requires the tensors every family has, and rejects any other name
// so that a new kind of tensor gets a rule here.
func CheckOfficialInit(t *testing.T, src map[string]models.Tensor, hidden int, forwardDtype string) {
	t.Helper()
	for _, name := range []string{"q_head.weight", "q_head.bias", "H_init", "embed_tokens.embedding_weight", "lm_head.weight"} {
		if _, ok := src[name]; !ok {
			t.Errorf("no tensor %s", name)
		}
	}
	names := make([]string, 0, len(src))
	for n := range src {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		w := src[name]
		switch {
		case name == "puzzle_emb.weights" || name == "q_head.weight":
			checkAll(t, name, w.Data, 0)
		case name == "q_head.bias":
			checkAll(t, name, w.Data, -5)
		case name == "H_init" || name == "L_init":
			if len(w.Shape) != 1 || w.Shape[0] != hidden {
				t.Errorf("%s has shape %v, want [%d]", name, w.Shape, hidden)
			}
			// The bfloat16 nearest 2/0.8796 = 2.27369 is 2.28125: values
			// rounded to bfloat16 may reach it.
			bf16 := forwardDtype == "" || forwardDtype == "bfloat16"
			bound := 2 / truncStdRatio
			if bf16 {
				bound = 2.28125
			}
			rounded := 0
			for i, v := range w.Data {
				if math.Float32bits(v)&0xffff == 0 {
					rounded++
				} else if bf16 {
					t.Errorf("%s[%d] = %g (%#08x) is not a bfloat16 value (forward dtype %q)", name, i, v, math.Float32bits(v), forwardDtype)
					break
				}
				if math.Abs(float64(v)) > bound {
					t.Errorf("%s[%d] = %g outside ±%g", name, i, v, bound)
					break
				}
			}
			// A float32 value is a bfloat16 one with probability 2^-16.
			if !bf16 && rounded == len(w.Data) {
				t.Errorf("%s: every value is a bfloat16 one, with forward dtype %q (want float32 values)", name, forwardDtype)
			}
			if sd := stdDev(w.Data); len(w.Data) >= 256 && math.Abs(sd-1) > 0.15 {
				t.Errorf("%s: standard deviation %.3f, want about 1", name, sd)
			}
		case name == "embed_tokens.embedding_weight" || name == "embed_pos.embedding_weight":
			if len(w.Shape) != 2 || w.Shape[1] != hidden {
				t.Errorf("%s has shape %v, want [rows %d]", name, w.Shape, hidden)
				continue
			}
			checkTruncNormal(t, name, w.Data, 1/math.Sqrt(float64(hidden)))
		case strings.HasSuffix(name, ".weight") && len(w.Shape) == 2:
			checkTruncNormal(t, name, w.Data, 1/math.Sqrt(float64(w.Shape[1])))
		default:
			t.Errorf("unexpected tensor %s %v: no rule for its official initialisation", name, w.Shape)
		}
	}
}

func checkAll(t *testing.T, name string, x []float32, want float32) {
	t.Helper()
	for i, v := range x {
		if v != want {
			t.Errorf("%s[%d] = %g, want %g (all of it)", name, i, v, want)
			return
		}
	}
}

// checkTruncNormal checks x against a truncated normal of std sigma.
func checkTruncNormal(t *testing.T, name string, x []float32, sigma float64) {
	t.Helper()
	bound := float32(2 * sigma / truncStdRatio)
	var maxAbs float32
	for i, v := range x {
		if !(v >= -bound && v <= bound) {
			t.Errorf("%s[%d] = %g outside the truncation bound ±%g (σ = %g)", name, i, v, bound, sigma)
			return
		}
		maxAbs = max(maxAbs, float32(math.Abs(float64(v))))
	}
	if len(x) < 4096 {
		return
	}
	if sd := stdDev(x); math.Abs(sd-sigma) > 0.06*sigma {
		t.Errorf("%s: standard deviation %g, want σ = %g", name, sd, sigma)
	}
	if maxAbs < 0.9*bound {
		t.Errorf("%s: largest |value| %g, want near the bound %g", name, maxAbs, bound)
	}
}

// stdDev returns the population standard deviation of x (montanaflynn/stats;
// NaN for no values).
func stdDev(x []float32) float64 {
	xs := make([]float64, len(x))
	for i, v := range x {
		xs[i] = float64(v)
	}
	sd, _ := mstats.StandardDeviationPopulation(xs)
	return sd
}

// InitProperties checks a config's fresh weights (act.InitTensors of its
// layout): every tensor of the layout, of its shape, initialised as the
// official constructor does (CheckOfficialInit, with the initial states in
// their forward dtype); the same seed gives the same tensors and another
// seed other random ones.
func InitProperties(t *testing.T, c models.Config) {
	specs := c.Specs()
	a := act.InitTensors(specs, 1)
	for _, s := range specs {
		v, ok := a[s.Name]
		if !ok || !slices.Equal(v.Shape, s.Shape) || len(v.Data) != s.Elements() {
			t.Errorf("%s: initialised as %v with %d values, the layout says %v", s.Name, v.Shape, len(v.Data), s.Shape)
		}
	}
	if len(a) != len(specs) {
		t.Errorf("%d tensors initialised, the layout has %d", len(a), len(specs))
	}
	CheckOfficialInit(t, a, hidden(specs), stateDtype(specs))
	b, other := act.InitTensors(specs, 1), act.InitTensors(specs, 2)
	for name, v := range a {
		if !slices.Equal(v.Data, b[name].Data) {
			t.Errorf("%s: the same seed gave other values", name)
		}
		random := !slices.Contains([]string{"puzzle_emb.weights", "q_head.weight", "q_head.bias"}, name)
		if same := slices.Equal(v.Data, other[name].Data); same == random {
			t.Errorf("%s: seed 2 equal to seed 1 is %v, want %v", name, same, !random)
		}
	}
}

// stateDtype is the dtype a layout creates its initial states in (H_init's).
func stateDtype(specs []tensors.Spec) string {
	for _, s := range specs {
		if s.Name == "H_init" {
			return s.Dtype
		}
	}
	return ""
}
