package nn

import "sync/atomic"

// Packing from rows given one at a time, with the panels split over the GEMM
// threads: Packed.Repack runs once per training step for every Linear, and
// a fused SwiGLU's regrouped packing reads the official gate_up rows in
// place through it (no regrouped copy).

// packRowsParallel packs B = Wᵀ (k, n) into kn's panels as packPanelsT does,
// W's row j (k values) given by row(j), nil for a zero row; the panels are
// split between the caller and idle pool helpers.
func packRowsParallel(dst []float32, n, k int, kn *gemmKernel, row func(j int) []float32) {
	np := panelsOf(n, kn.nr)
	parts := min(Threads(), np)
	if float64(n)*float64(k) < 1<<16 {
		parts = 1
	}
	if parts <= 1 {
		packRowsRange(dst, n, k, kn, row, 0, np)
		return
	}
	shareJob(&packJob{dst: dst, n: n, k: k, kn: kn, row: row, parts: parts, joiner: newJoiner()}, parts-1)
}

// packJob is one packRowsParallel: parts contiguous panel ranges.
type packJob struct {
	dst         []float32
	n, k, parts int
	kn          *gemmKernel
	row         func(j int) []float32
	next        atomic.Int64
	joiner
}

func (j *packJob) run() {
	np := panelsOf(j.n, j.kn.nr)
	for {
		p := int(j.next.Add(1) - 1)
		if p >= j.parts {
			return
		}
		packRowsRange(j.dst, j.n, j.k, j.kn, j.row, np*p/j.parts, np*(p+1)/j.parts)
	}
}

// packRowsRange packs panels [q0, q1): B[p][j] = row(j)[p] goes to
// dst[q·nr·k + p·width + j−q·nr]; columns that are nil rows or past n are
// zero.
func packRowsRange(dst []float32, n, k int, kn *gemmKernel, row func(j int) []float32, q0, q1 int) {
	for q := q0; q < q1; q++ {
		j0 := q * kn.nr
		width, _ := kn.panelKernel(q, n)
		panel := dst[j0*k : (j0+width)*k]
		cols := min(width, n-j0)
		jj := 0
		for ; jj+4 <= cols; jj += 4 {
			r0, r1, r2, r3 := row(j0+jj), row(j0+jj+1), row(j0+jj+2), row(j0+jj+3)
			if r0 == nil || r1 == nil || r2 == nil || r3 == nil {
				break
			}
			for p, v := range r0[:k] {
				d := panel[p*width+jj : p*width+jj+4 : p*width+jj+4]
				d[0], d[1], d[2], d[3] = v, r1[p], r2[p], r3[p]
			}
		}
		for ; jj < width; jj++ {
			var r []float32
			if jj < cols {
				r = row(j0 + jj)
			}
			if r == nil {
				for p := 0; p < k; p++ {
					panel[p*width+jj] = 0
				}
				continue
			}
			for p, v := range r[:k] {
				panel[p*width+jj] = v
			}
		}
	}
}
