package nn

import (
	"fmt"
	"math"
)

// IgnoreLabel marks label positions that carry no loss (the official
// IGNORE_LABEL_ID; data sets' ignore_label_id values are mapped to it).
const IgnoreLabel = -100

// LossKind selects the token loss of the official ACTLossHead.
type LossKind int

const (
	// StablemaxCE is stablemax_cross_entropy, the loss of every released
	// TRM config: log p_k = log(s(z_k)/Σ_j s(z_j)) with s(v) = 1/(1−v+1e-30)
	// for v < 0 and v + 1 otherwise, in float64.
	StablemaxCE LossKind = iota
	// SoftmaxCE is softmax_cross_entropy, the ordinary cross-entropy
	// (computed here in float64; the official code uses float32).
	SoftmaxCE
)

// ParseLossKind maps the official loss_type names to a LossKind.
func ParseLossKind(name string) (LossKind, error) {
	switch name {
	case "stablemax_cross_entropy", "":
		return StablemaxCE, nil
	case "softmax_cross_entropy":
		return SoftmaxCE, nil
	}
	return 0, fmt.Errorf("unknown loss type %q (want stablemax_cross_entropy or softmax_cross_entropy)", name)
}

func (k LossKind) String() string {
	if k == SoftmaxCE {
		return "softmax_cross_entropy"
	}
	return "stablemax_cross_entropy"
}

// stablemaxS is s(v) and its derivative s'(v).
func stablemaxS(v float64) (s, ds float64) {
	if v < 0 {
		d := 1 - v + 1e-30
		return 1 / d, 1 / (d * d)
	}
	return v + 1, 1
}

// TokenLoss returns −log p(label) for one position's logits (V), in float64.
// When grad (V) is non-nil it receives scale·∂/∂logits of that loss:
//
//	stablemax: ∂/∂z_j = s'(z_j)/Σs − [j = label]·s'(z_label)/s(z_label)
//	softmax:   ∂/∂z_j = p_j − [j = label]
func TokenLoss(kind LossKind, grad, logits []float32, label int, scale float64) float64 {
	V := len(logits)
	if kind == SoftmaxCE {
		m := math.Inf(-1)
		for _, z := range logits {
			m = math.Max(m, float64(z))
		}
		var sum float64
		for _, z := range logits {
			sum += math.Exp(float64(z) - m)
		}
		loss := math.Log(sum) - (float64(logits[label]) - m)
		if grad != nil {
			for j := 0; j < V; j++ {
				g := math.Exp(float64(logits[j])-m) / sum
				if j == label {
					g--
				}
				grad[j] = float32(scale * g)
			}
		}
		return loss
	}
	var sum float64
	for _, z := range logits {
		s, _ := stablemaxS(float64(z))
		sum += s
	}
	sy, dsy := stablemaxS(float64(logits[label]))
	loss := -math.Log(sy / sum)
	if grad != nil {
		for j := 0; j < V; j++ {
			_, ds := stablemaxS(float64(logits[j]))
			g := ds / sum
			if j == label {
				g -= dsy / sy
			}
			grad[j] = float32(scale * g)
		}
	}
	return loss
}

// SeqStats counts a sequence's supervised positions (label ≠ IgnoreLabel)
// and those whose argmax equals the label.
type SeqStats struct {
	Valid, Correct int
}

// Exact reports whether every supervised position is predicted (true for a
// sequence without supervised positions, as in the official code).
func (s SeqStats) Exact() bool { return s.Correct == s.Valid }

// LMLoss is the official lm_loss of a batch: logits (B, S, V), labels
// (B, S); per sequence the mean token loss over its supervised positions
// (divided by max(n, 1)), summed over the batch, in float64. When dlogits
// (B, S, V) is non-nil it receives scale·∂lm_loss/∂logits (zero at ignored
// positions). When stats (B) is non-nil it receives each sequence's counts
// (argmax as Argmax: first maximum on ties), from which the q_halt target
// (Exact) follows. Labels outside [0, V) other than IgnoreLabel are an
// error.
func LMLoss(kind LossKind, dlogits, logits []float32, labels []int32, B, S, V int, scale float64, stats []SeqStats) (float64, error) {
	var total float64
	for b := 0; b < B; b++ {
		st := SeqStats{}
		for s := 0; s < S; s++ {
			if l := labels[b*S+s]; l != IgnoreLabel {
				if l < 0 || int(l) >= V {
					return 0, fmt.Errorf("row %d, position %d: label %d outside 0..%d", b, s, l, V-1)
				}
				st.Valid++
			}
		}
		div := float64(max(st.Valid, 1))
		var seq float64
		for s := 0; s < S; s++ {
			i := b*S + s
			z := logits[i*V : (i+1)*V]
			var g []float32
			if dlogits != nil {
				g = dlogits[i*V : (i+1)*V]
			}
			l := labels[i]
			if l == IgnoreLabel {
				clear(g)
				continue
			}
			seq += TokenLoss(kind, g, z, int(l), scale/div)
			best := 0
			for j, v := range z {
				if v > z[best] {
					best = j
				}
			}
			if best == int(l) {
				st.Correct++
			}
		}
		total += seq / div
		if stats != nil {
			stats[b] = st
		}
	}
	return total, nil
}

// BCEWithLogits is binary cross-entropy on a logit x against a target
// t ∈ [0, 1], in the stable form max(x, 0) − x·t + log(1 + e^−|x|), and its
// derivative σ(x) − t.
func BCEWithLogits(x, t float64) (loss, grad float64) {
	return math.Max(x, 0) - x*t + math.Log1p(math.Exp(-math.Abs(x))), Sigmoid(x) - t
}
