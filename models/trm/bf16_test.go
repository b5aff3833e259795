package trm

import (
	"testing"

	"arceval/internal/parity"
)

// TestBF16OfficialAgreement runs every bf16 parity fixture
// (testdata/parity/bf16: the official code with forward_dtype bfloat16 on a
// trained TRM) in the bf16 mode and in float32, logs both engines'
// agreement with the official bf16 run, and holds the bf16 mode to
// thresholds the float32 engine does not reach.
func TestBF16OfficialAgreement(t *testing.T) {
	parity.CheckBF16Official(t, Family, parity.BF16Thresholds{
		Step1Cells: 0.99, PooledCells: 0.95, Exact: 0.97, QHalt12: 0.15,
	})
}
