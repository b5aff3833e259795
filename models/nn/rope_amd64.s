//go:build amd64 && !purego

#include "textflag.h"

// func ropeAVX512(dst, src *float32, n, ldd, lds int, cos, sin *float32, half int)
//
// For each of n vectors (src row stride lds, dst row stride ldd, in floats)
// and each 16 lanes i of its first half: x₁ = x[i], x₂ = x[i+half];
// v[i] = x₁·cos[i] − x₂·sin[i]; v[i+half] = x₂·cos[i+half] + x₁·sin[i+half]:
// separate multiplies and one add or subtract (no FMA), as ropeGo. Both
// halves are read before either is written, so dst may be src.
TEXT ·ropeAVX512(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), R8
	MOVQ ldd+24(FP), R9
	MOVQ lds+32(FP), R10
	MOVQ cos+40(FP), R11
	MOVQ sin+48(FP), R12
	MOVQ half+56(FP), R13
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R13

rope_vec:
	TESTQ R8, R8
	JZ    rope_done
	XORQ  AX, AX

rope_lanes:
	LEAQ    (AX)(R13*1), BX
	VMOVUPS (SI)(AX*1), Z0     // x₁
	VMOVUPS (SI)(BX*1), Z1     // x₂
	VMULPS  (R11)(AX*1), Z0, Z2 // x₁·cos
	VMULPS  (R12)(AX*1), Z1, Z3 // x₂·sin
	VSUBPS  Z3, Z2, Z2
	VMULPS  (R11)(BX*1), Z1, Z4 // x₂·cos'
	VMULPS  (R12)(BX*1), Z0, Z5 // x₁·sin'
	VADDPS  Z5, Z4, Z4
	VMOVUPS Z2, (DI)(AX*1)
	VMOVUPS Z4, (DI)(BX*1)
	ADDQ    $64, AX
	CMPQ    AX, R13
	JL      rope_lanes
	ADDQ    R9, DI
	ADDQ    R10, SI
	DECQ    R8
	JMP     rope_vec

rope_done:
	VZEROUPPER
	RET
