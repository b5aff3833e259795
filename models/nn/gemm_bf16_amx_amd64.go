//go:build amd64 && !purego

package nn

import (
	"fmt"

	"golang.org/x/sys/cpu"
)

// The AMX bf16 kernel: TDPBF16PS on 32×32 tiles of C (gemm_bf16_amx_amd64.s).
// It takes the same bf16 inputs, pairs and panels as the AVX512-BF16 kernel,
// but an AMX unit sums the two products of a pair and the accumulator its
// own way (measured: neither the VDPBF16PS chain nor one exact rounding), so
// its bits are not gemm_bf16.go's chain: kern.chain is false, and the tests
// hold it to the chain's error bound instead of its bits. Its results are
// still deterministic: each element is one sequence of TDPBF16PS steps in
// increasing K, whatever the threads, blocking of rows and columns or batch.
// Where K is cut into steps does change the bits (measured), so kc (a
// multiple of 16 pairs), the 16-pair steps and attention's tileK are part of
// the kernel's definition.

//go:noescape
func amxBF16Block(cfg *byte, steps int, a *uint16, lda int, b *uint16, bstep int, c *float32, ldc int, load bool, rowTiles, panels, pstride int)

//go:noescape
func amxBF16Peak(cfg *byte, src *uint16, n int)

// amxTileCfg[r] is the LDTILECFG block for steps of r pairs (1 ≤ r ≤ 16):
// palette 1; C tiles 0–3 of 16 rows × 64 bytes, A tiles 4–5 of 16 rows ×
// 4r bytes, B tiles 6–7 of r rows × 64 bytes.
var amxTileCfg = func() (cfg [17][64]byte) {
	for r := 1; r <= 16; r++ {
		c := &cfg[r]
		c[0] = 1
		for t := 0; t < 8; t++ {
			colsb, rows := 64, 16
			switch {
			case t == 4 || t == 5:
				colsb = 4 * r
			case t >= 6:
				rows = r
			}
			c[16+2*t] = byte(colsb)
			c[48+t] = byte(rows)
		}
	}
	return
}()

// amxPairs is the pairs of K one TDPBF16PS takes (a 64-byte A tile row).
const amxPairs = 16

// microAMX computes a 32×32 tile over np pairs (the bf16Micro contract).
func microAMX(np int, a []uint16, lda int, b []uint16, c []float32, ldc int, load bool) {
	blockAMX(np, a, lda, 1, b, 0, 1, c, ldc, load)
}

// blockAMX computes rowTiles × panels 32×32 tiles over np pairs (the
// bf16Block contract): whole steps of 16 pairs for every tile, then one step
// of the remaining pairs.
func blockAMX(np int, a []uint16, lda, rowTiles int, b []uint16, pstride, panels int, c []float32, ldc int, load bool) {
	if np <= 0 || rowTiles <= 0 || panels <= 0 {
		return // the assembly's counted loops need at least one of each
	}
	_ = a[(32*rowTiles-1)*lda+2*np-1]
	_ = b[(panels-1)*pstride+np*64-1]
	_ = c[(32*rowTiles-1)*ldc+32*panels-1]
	full, rem := np/amxPairs, np%amxPairs
	if full > 0 {
		amxBF16Block(&amxTileCfg[amxPairs][0], full, &a[0], 2*lda, &b[0], amxPairs*128, &c[0], 4*ldc, load, rowTiles, panels, 2*pstride)
	}
	if rem > 0 {
		p := full * amxPairs
		amxBF16Block(&amxTileCfg[rem][0], 1, &a[2*p], 2*lda, &b[p*64], 0, &c[0], 4*ldc, load || full > 0, rowTiles, panels, 2*pstride)
	}
}

// amxPeakSrc is the A and B tiles the peak loop multiplies (bf16 ones).
var amxPeakSrc = func() (s [512]uint16) {
	for i := range s {
		s[i] = 0x3F80
	}
	return
}()

var bf16KernelAMX = &bf16Kernel{
	name: "amx", mr: 32, nr: 32, kc: 256, mc: 64, nc: 512,
	micro:     microAMX,
	block:     blockAMX,
	widenBF16: widenBF16Asm,
	pairBF16:  pairBF16Asm,
	toBF16:    toBF16Asm,
	peak:      func(n int) { amxBF16Peak(&amxTileCfg[amxPairs][0], &amxPeakSrc[0], n) },
	peakFlops: 4 * 16 * 16 * 32 * 2,
}

// amxUsable says why the AMX kernel cannot run here (nil: it can): the CPU
// needs AMX-TILE and AMX-BF16, and the OS must grant the tile state.
func amxUsable() error {
	if !cpu.X86.HasAMXTile || !cpu.X86.HasAMXBF16 {
		return fmt.Errorf("the CPU lacks AMX-BF16")
	}
	return amxRequestTiles()
}

// asmBF16Kernels lists the assembly bf16 kernels this CPU can run, fastest
// first.
func asmBF16Kernels() []*bf16Kernel {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512BF16 {
		return nil
	}
	if amxUsable() == nil {
		return []*bf16Kernel{bf16KernelAMX, bf16KernelAVX512}
	}
	return []*bf16Kernel{bf16KernelAVX512}
}
