package results

import (
	"math"
	"strconv"
)

// FormatSeconds renders a wall time for tables and summaries: with decimals
// digits after the point, or in scientific notation when it is so large
// (or invalid) that fixed notation would print hundreds of digits.
func FormatSeconds(s float64, decimals int) string {
	if s < 0 || s >= 1e9 || math.IsNaN(s) || math.IsInf(s, 0) {
		return strconv.FormatFloat(s, 'g', 4, 64) + " s"
	}
	return strconv.FormatFloat(s, 'f', decimals, 64) + " s"
}
