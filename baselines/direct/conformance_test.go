package direct

import (
	"testing"

	"arceval/internal/parity"
)

// TestConformance runs the conformance suite every model family passes on
// small transformer baselines of every variant.
func TestConformance(t *testing.T) { parity.Conformance(t, Family, variants(Kind)...) }

// TestMLPConformance runs it on small MLP baselines.
func TestMLPConformance(t *testing.T) { parity.Conformance(t, MLPFamily, variants(MLPKind)...) }

// TestParity checks the transformer baseline against every
// transformer-baseline parity fixture: evaluation, training halting, import
// and training steps with their gradients.
func TestParity(t *testing.T) { parity.FixtureParity(t, Family) }

// variants are small models of a kind: for the transformer baseline RoPE
// attention, learned positions, mlp_t blocks with deep supervision, no
// puzzle embedding, a two-slot prefix, ACT off, act_inference, direct
// pred; for the MLP baseline the MLP and the MLP with a learned-position
// free two-slot prefix.
func variants(kind string) []parity.Variant {
	names := []string{"rope", "learned", "mlp_deep_supervision", "no_puzzle", "two_slot_prefix", "no_act", "act_inference", "direct_pred"}
	if kind == MLPKind {
		names = []string{"mlp", "mlp_two_slot_prefix"}
	}
	var vs []parity.Variant
	for _, name := range names {
		c := trainConfig(name)
		vs = append(vs, parity.Variant{Name: name, Config: &c})
	}
	return vs
}
