package nn

import "fmt"

// The bf16 SwiGLU gate fused into the bf16 gate_up GEMM, as gemm_swiglu.go
// does in float32: h = x̂(x̂(silu(ĝ))·û) with [ĝ | û] = x̂(x·W_gate_upᵀ),
// without writing [g | u] (rows, 2·inter) to memory. The weight's columns
// are regrouped (PackedSwiGLU.regroup) so that a task's 2·swigluGroup
// columns are a group's gate then up columns; the task computes them into
// its goroutine's scratch (in cache), rounds them and writes the gated
// group of h. Each g and u element is the chain MatMulPackedBF16 computes,
// so h has the bits of
//
//	MatMulPackedBF16Round(gu, x, rows, PackTBF16(gateUp, 2·inter, hidden))
//	SwiGLUGateBF16(h, gu, rows, inter)
//
// (TestMatMulSwiGLUBF16), for any threads or batch size.
//
// Shapes: Sudoku x (8·97, 512) → h (8·97, 1536); mlp_t x (512, 97) →
// h (512, 512) per sequence; Maze/ARC x (B·916, 512) → h (B·916, 1536).

// PackedSwiGLUBF16 is a gate_up weight regrouped and packed in bf16.
type PackedSwiGLUBF16 struct {
	Hidden, Inter int
	groups        int
	w             *PackedBF16 // (hidden, 2·groups·swigluGroup)
}

// PackSwiGLUBF16 packs the official gate_up_proj weight (2·inter, hidden)
// for MatMulSwiGLUBF16 with the active bf16 kernel.
func PackSwiGLUBF16(gateUp []float32, inter, hidden int) *PackedSwiGLUBF16 {
	if len(gateUp) != 2*inter*hidden {
		panic(fmt.Sprintf("nn.PackSwiGLUBF16: len(gateUp) = %d, want 2×%d×%d", len(gateUp), inter, hidden))
	}
	groups := (inter + swigluGroup - 1) / swigluGroup
	rg := &PackedSwiGLU{Hidden: hidden, Inter: inter, groups: groups}
	return &PackedSwiGLUBF16{Hidden: hidden, Inter: inter, groups: groups,
		w: PackTBF16(rg.regroup(gateUp), 2*groups*swigluGroup, hidden)}
}

// Repack refreshes p from the gate_up weight (2·inter, hidden) it was
// packed from, after an optimiser has changed it.
func (p *PackedSwiGLUBF16) Repack(gateUp []float32) {
	if len(gateUp) != 2*p.Inter*p.Hidden {
		panic(fmt.Sprintf("nn.PackedSwiGLUBF16.Repack: len(gateUp) = %d, want 2×%d×%d", len(gateUp), p.Inter, p.Hidden))
	}
	rg := &PackedSwiGLU{Hidden: p.Hidden, Inter: p.Inter, groups: p.groups}
	p.w.Repack(rg.regroup(gateUp))
}

// MatMulSwiGLUBF16 computes h (rows, inter) from x (rows, hidden), both
// holding bf16 values in float32 storage.
func MatMulSwiGLUBF16(h, x []float32, rows int, p *PackedSwiGLUBF16) {
	matMulSwiGLUBF16(h, nil, x, rows, p)
}

// matMulSwiGLUBF16 is MatMulSwiGLUBF16, with gu (rows, 2·inter) non-nil
// also keeping the gate_up output [ĝ | û] there in bf16.
func matMulSwiGLUBF16(h []float32, gu []uint16, x []float32, rows int, p *PackedSwiGLUBF16) {
	if len(x) < rows*p.Hidden || len(h) < rows*p.Inter || gu != nil && len(gu) < rows*2*p.Inter {
		panic(fmt.Sprintf("nn.MatMulSwiGLUBF16: x %d / h %d / gu %d values for rows=%d, hidden=%d, inter=%d", len(x), len(h), len(gu), rows, p.Hidden, p.Inter))
	}
	if rows == 0 || p.Inter == 0 {
		return
	}
	if p.Hidden == 0 {
		clear(h[:rows*p.Inter]) // silu(0)·0
		if gu != nil {
			clear(gu[:rows*2*p.Inter])
		}
		return
	}
	w := p.w
	matMulBF16Run(nil, x, rows, w.N, w.K, w.data, w.kern.nr*w.kp, 0, false, w.kern, false, swigluBF16Out{h: h[:rows*p.Inter], gu: gu, inter: p.Inter}, residBF16Out{})
}

// swigluBF16Out is the SwiGLU epilogue of a bf16 job: h (rows, inter),
// and with gu non-nil the gate_up output [ĝ | û] (rows, 2·inter) too, in
// bf16 (training keeps it for the backward pass).
type swigluBF16Out struct {
	h     []float32
	gu    []uint16
	inter int
}

// epilogue rounds the C block of rows [i0, i1) × group g (in blk, row
// stride 2·swigluGroup: gate then up columns) and writes the gated columns
// of h (and the gate and up columns of gu, rounded by kn).
func (o swigluBF16Out) epilogue(kn *bf16Kernel, blk []float32, i0, i1, g int) {
	const G = swigluGroup
	I := o.inter
	cols := min(G, I-g*G)
	k := roundImpl
	for r := i0; r < i1; r++ {
		row := blk[(r-i0)*2*G : (r-i0+1)*2*G]
		if o.gu != nil {
			gr := o.gu[2*r*I : 2*(r+1)*I]
			kn.toBF16(gr[g*G:g*G+cols], row[:cols])
			kn.toBF16(gr[I+g*G:I+g*G+cols], row[G:G+cols])
		}
		k.gateRound(o.h[r*I+g*G:r*I+g*G+cols], row[:cols], row[G:G+cols])
	}
}

// swigluGrid is taskGrid for a SwiGLU job: a task is mc rows × one group
// (2·swigluGroup columns, never split), mc halved while there are fewer
// than 4 tasks per thread.
func swigluGrid(m, n int, kn *bf16Kernel, threads int) (tm, tn, mc, ncq int) {
	ncq = 2 * swigluGroup / kn.nr
	tn = n / (2 * swigluGroup)
	mc = kn.mc
	for threads > 1 && (m+mc-1)/mc*tn < 4*threads && mc >= 4*kn.mr && m > mc/2 {
		mc = (mc/2 + kn.mr - 1) / kn.mr * kn.mr
	}
	return (m + mc - 1) / mc, tn, mc, ncq
}
