package trm

import (
	"testing"

	"arceval/internal/parity"
)

// TestConformance runs the conformance suite every model family passes
// (evaluation and training properties, the per-row reference step) on
// small TRMs of every variant.
func TestConformance(t *testing.T) { parity.Conformance(t, Family, variants()...) }

// TestParity checks TRM against every TRM parity fixture: evaluation,
// training halting, import and training steps with their gradients.
func TestParity(t *testing.T) { parity.FixtureParity(t, Family) }

// variants are small TRMs: attention with RoPE, the mlp_t token mixer,
// learned positions, HRM-style ACT continue (q_halt > q_continue and the
// bootstrapped target), no puzzle embedding.
func variants() []parity.Variant {
	var vs []parity.Variant
	for _, name := range []string{"rope", "mlp_t", "learned", "act_continue", "no_puzzle"} {
		c := tinyConfig(name)
		vs = append(vs, parity.Variant{Name: name, Config: &c})
	}
	return vs
}
