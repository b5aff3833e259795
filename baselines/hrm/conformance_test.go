package hrm

import (
	"testing"

	"arceval/internal/parity"
)

// TestConformance runs the conformance suite every model family passes on
// small HRMs of every variant.
func TestConformance(t *testing.T) { parity.Conformance(t, Family, variants()...) }

// TestParity checks HRM against every HRM parity fixture: evaluation,
// training halting and the Q-learning target, import and training steps
// with the gradients of the 1-step gradient.
func TestParity(t *testing.T) { parity.FixtureParity(t, Family) }

// variants are small HRMs: RoPE attention, learned positions, the mlp_t
// token mixer (the TRM repository's hrm.py), no puzzle embedding, a
// two-slot puzzle prefix, one supervision step.
func variants() []parity.Variant {
	var vs []parity.Variant
	for _, name := range []string{"rope", "learned", "mlp_t", "no_puzzle", "two_slot_prefix", "one_step"} {
		c := trainConfig(name)
		vs = append(vs, parity.Variant{Name: name, Config: &c})
	}
	return vs
}
