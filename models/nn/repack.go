package nn

import (
	"fmt"
	"sync"
)

// Repacking after an optimiser step, once per training step for every
// Linear: the packed weight and, for a SwiGLU's gate_up, its regrouped
// packing (PackedSwiGLU). Packed.Repack refreshes them one after the other on
// one core, and PackedSwiGLU.Repack first builds the regrouped weight in a
// new buffer (6 MiB for a 512 → 2·1536 gate_up). Here the panels are split
// over the GEMM threads and the regrouped packing reads the official rows in
// place: the same packed values, with no allocation.

// repackParallel is Repack (the same packed values) on the GEMM threads.
func (p *Packed) repackParallel(w []float32) {
	if len(w) != p.N*p.K {
		panic(fmt.Sprintf("nn.Packed.Repack: len(w) = %d, want %d×%d", len(w), p.N, p.K))
	}
	k := p.K
	packRowsParallel(p.data, p.N, k, p.kern, func(j int) []float32 { return w[j*k : (j+1)*k] })
	for _, d := range p.derived {
		if s, ok := d.(*PackedSwiGLU); ok {
			s.repackParallel(w)
			continue
		}
		d.Repack(w)
	}
}

// repackParallel is PackedSwiGLU.Repack (the same packed values) on the
// GEMM threads, reading gateUp (2·inter, hidden) in place: row j of the
// regrouped weight (regroup) is gate row g·G + r or up row inter + g·G + r
// for group g = j / 2G, r = j mod 2G (up when r ≥ G, less G), zero past inter.
func (s *PackedSwiGLU) repackParallel(gateUp []float32) {
	const G = swigluGroup
	D, I := s.Hidden, s.Inter
	if len(gateUp) != 2*I*D {
		panic(fmt.Sprintf("nn.PackedSwiGLU.Repack: len(gateUp) = %d, want 2×%d×%d", len(gateUp), I, D))
	}
	packRowsParallel(s.w.data, 2*s.groups*G, D, s.w.kern, func(j int) []float32 {
		g, r := j/(2*G), j%(2*G)
		src := g*G + r
		if r >= G {
			src = I + g*G + r - G
		}
		if g*G+r%G >= I {
			return nil
		}
		return gateUp[src*D : (src+1)*D]
	})
}

// packRowsParallel packs B = Wᵀ (k, n) into kn's panels as packPanelsT does,
// W's row j (k values) given by row(j), nil for a zero row; the panels are
// split over the GEMM threads.
func packRowsParallel(dst []float32, n, k int, kn *gemmKernel, row func(j int) []float32) {
	np := panelsOf(n, kn.nr)
	parts := min(Threads(), np)
	if float64(n)*float64(k) < 1<<16 {
		parts = 1
	}
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			packRowsRange(dst, n, k, kn, row, np*p/parts, np*(p+1)/parts)
		}()
	}
	packRowsRange(dst, n, k, kn, row, 0, np/parts)
	wg.Wait()
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
