package nn

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
)

func TestParseLossKind(t *testing.T) {
	for _, name := range []string{"stablemax_cross_entropy", "softmax_cross_entropy"} {
		k, err := ParseLossKind(name)
		if err != nil || k.String() != name {
			t.Errorf("ParseLossKind(%q) = %v, %v", name, k, err)
		}
	}
	if _, err := ParseLossKind("mse"); err == nil {
		t.Error("ParseLossKind(mse): no error")
	}
}

// TestTokenLossValues checks both losses against values written out by
// hand from the formulas.
func TestTokenLossValues(t *testing.T) {
	z := []float32{-1, 0, 2}
	// stablemax: s = [1/2, 1, 3], Σ = 4.5
	if got, want := TokenLoss(StablemaxCE, nil, z, 2, 1), -math.Log(3/4.5); math.Abs(got-want) > 1e-15 {
		t.Errorf("stablemax loss %v, want %v", got, want)
	}
	if got, want := TokenLoss(StablemaxCE, nil, z, 0, 1), -math.Log(0.5/4.5); math.Abs(got-want) > 1e-15 {
		t.Errorf("stablemax loss %v, want %v", got, want)
	}
	lse := math.Log(math.Exp(-1) + 1 + math.Exp(2))
	if got, want := TokenLoss(SoftmaxCE, nil, z, 1, 1), lse; math.Abs(got-want) > 1e-15 {
		t.Errorf("softmax loss %v, want %v", got, want)
	}
}

// TestLMLossGradient checks ∂lm_loss/∂logits against central differences
// (the loss is float64 already), with ignored positions and a sequence
// without any supervised position.
func TestLMLossGradient(t *testing.T) {
	const B, S, V = 3, 5, 7
	for _, kind := range []LossKind{StablemaxCE, SoftmaxCE} {
		t.Run(kind.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(9, uint64(kind)))
			logits := randSlice(r, B*S*V, 3)
			labels := make([]int32, B*S)
			for i := range labels {
				labels[i] = int32(r.IntN(V))
			}
			labels[1], labels[3] = IgnoreLabel, IgnoreLabel
			for s := 0; s < S; s++ {
				labels[2*S+s] = IgnoreLabel // row 2: nothing supervised
			}
			const scale = 0.25
			d := make([]float32, B*S*V)
			stats := make([]SeqStats, B)
			if _, err := LMLoss(kind, d, logits, labels, B, S, V, scale, stats); err != nil {
				t.Fatal(err)
			}
			loss := func() float64 {
				l, _ := LMLoss(kind, nil, logits, labels, B, S, V, scale, nil)
				return scale * l
			}
			checkGrads(t, loss, []fdTensor{{"logits", logits, d}}, B*S*V, r)
			if stats[0].Valid != S-2 || stats[1].Valid != S || stats[2] != (SeqStats{}) || !stats[2].Exact() {
				t.Errorf("stats %+v", stats)
			}
		})
	}
}

func TestLMLossBadLabel(t *testing.T) {
	_, err := LMLoss(StablemaxCE, nil, make([]float32, 4), []int32{0, 2}, 1, 2, 2, 1, nil)
	if err == nil || !strings.Contains(err.Error(), "label 2") {
		t.Errorf("err = %v", err)
	}
}

func TestBCEWithLogits(t *testing.T) {
	for _, x := range []float64{-30, -5, -0.3, 0, 0.7, 4, 40} {
		for _, tg := range []float64{0, 0.3, 1} {
			loss, grad := BCEWithLogits(x, tg)
			p := 1 / (1 + math.Exp(-x))
			if want := -(tg*math.Log(p) + (1-tg)*math.Log(1-p)); math.Abs(x) < 30 && math.Abs(loss-want) > 1e-12*math.Max(1, want) {
				t.Errorf("BCE(%v, %v) = %v, want %v", x, tg, loss, want)
			}
			const h = 1e-6
			lp, _ := BCEWithLogits(x+h, tg)
			lm, _ := BCEWithLogits(x-h, tg)
			if num := (lp - lm) / (2 * h); math.Abs(num-grad) > 1e-8 {
				t.Errorf("BCE'(%v, %v) = %v, numeric %v", x, tg, grad, num)
			}
		}
	}
}

// TestLossFixtures recomputes lm_loss and q_halt_loss of every evaluation
// step of every parity fixture that stores logits, from those logits, the
// labels and the q_halt values, and compares them with the official values.
func TestLossFixtures(t *testing.T) {
	paths := testenv.FixtureFiles(t, "*.json")
	n := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Loss      string    `json:"loss"`
			Labels    [][]int32 `json:"labels"`
			EvalSteps []struct {
				Step      int           `json:"step"`
				Logits    [][][]float64 `json:"logits"`
				QHalt     []float64     `json:"q_halt"`
				LMLoss    float64       `json:"lm_loss"`
				QHaltLoss float64       `json:"q_halt_loss"`
			} `json:"eval_steps"`
		}
		if json.Unmarshal(data, &f) != nil || f.Labels == nil {
			continue
		}
		kind, err := ParseLossKind(f.Loss)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range f.EvalSteps {
			if e.Logits == nil {
				continue
			}
			t.Run(fmt.Sprintf("%s/step%d", strings.TrimSuffix(filepath.Base(p), ".json"), e.Step), func(t *testing.T) {
				B, S, V := len(e.Logits), len(e.Logits[0]), len(e.Logits[0][0])
				logits, labels := make([]float32, 0, B*S*V), make([]int32, 0, B*S)
				for b := range e.Logits {
					for s := range e.Logits[b] {
						for _, v := range e.Logits[b][s] {
							logits = append(logits, float32(v))
						}
					}
					labels = append(labels, f.Labels[b]...)
				}
				stats := make([]SeqStats, B)
				lm, err := LMLoss(kind, nil, logits, labels, B, S, V, 1, stats)
				if err != nil {
					t.Fatal(err)
				}
				var qh float64
				for b, st := range stats {
					target := 0.0
					if st.Exact() {
						target = 1
					}
					l, _ := BCEWithLogits(e.QHalt[b], target)
					qh += l
				}
				dl, dq := math.Abs(lm-e.LMLoss), math.Abs(qh-e.QHaltLoss)
				// lm_loss is float64 from the same float32 logits: only the
				// summation order differs. q_halt_loss is float32 officially.
				if dl > 1e-9*math.Max(1, e.LMLoss) || dq > 1e-6*math.Max(1, e.QHaltLoss) {
					t.Errorf("lm_loss %.12g (official %.12g, diff %.3g), q_halt_loss %.9g (official %.9g, diff %.3g)", lm, e.LMLoss, dl, qh, e.QHaltLoss, dq)
				}
				t.Logf("OK lm_loss diff %.3g, q_halt_loss diff %.3g", dl, dq)
			})
			n++
		}
	}
	if n == 0 {
		testenv.Missing(t, testenv.Fixtures, "no parity fixture with logits in %s", strings.Join(testenv.FixtureDirs(t), ", "))
	}
}
