//go:build amd64 && !purego

#include "textflag.h"

// The SwiGLU backward gate (gateBackwardGo in swiglu_backward.go) for
// AVX-512F, 16 lanes: exactly its float32 operations (no FMA), so the same
// bits. Per lane, with e = e^−g on entry in dg:
//
//	den = 1 + e;  h = g/den·u;  sig = 1/den
//	dg = dh·u·sig·(1 + g·(1 − sig));  du = dh·g·sig
//
// Registers: Z0 e/den, Z1 g, Z2 u, Z3 dh, Z4 h, Z5 dg, Z6 du, Z7 sig, Z8
// temporary, Z31 = 1. Tails use masked loads and stores (K1).

DATA gbOne<>+0(SB)/4, $0x3f800000
GLOBL gbOne<>(SB), RODATA|NOPTR, $4

#define GATEBWD512 \
	VADDPS Z31, Z0, Z0; \
	VDIVPS Z0, Z1, Z4;  \
	VMULPS Z2, Z4, Z4;  \
	VDIVPS Z0, Z31, Z7; \
	VMULPS Z2, Z3, Z5;  \
	VMULPS Z7, Z5, Z5;  \
	VSUBPS Z7, Z31, Z8; \
	VMULPS Z8, Z1, Z8;  \
	VADDPS Z31, Z8, Z8; \
	VMULPS Z8, Z5, Z5;  \
	VMULPS Z1, Z3, Z6;  \
	VMULPS Z7, Z6, Z6

// func gateBackwardAVX512(h, dg, du, gate, u, dy *float32, n int)
TEXT ·gateBackwardAVX512(SB), NOSPLIT, $0-56
	MOVQ         h+0(FP), DI
	MOVQ         dg+8(FP), R8
	MOVQ         du+16(FP), R9
	MOVQ         gate+24(FP), SI
	MOVQ         u+32(FP), DX
	MOVQ         dy+40(FP), R10
	MOVQ         n+48(FP), CX
	VBROADCASTSS gbOne<>(SB), Z31

gatebwd_16:
	CMPQ    CX, $16
	JL      gatebwd_tail
	VMOVUPS (R8), Z0
	VMOVUPS (SI), Z1
	VMOVUPS (DX), Z2
	VMOVUPS (R10), Z3
	GATEBWD512
	VMOVUPS Z4, (DI)
	VMOVUPS Z5, (R8)
	VMOVUPS Z6, (R9)
	ADDQ    $64, DI
	ADDQ    $64, R8
	ADDQ    $64, R9
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, R10
	SUBQ    $16, CX
	JMP     gatebwd_16

gatebwd_tail:
	TESTQ     CX, CX
	JZ        gatebwd_done
	MOVL      $1, AX
	SHLL      CX, AX
	DECL      AX
	KMOVW     AX, K1
	VMOVUPS.Z (R8), K1, Z0
	VMOVUPS.Z (SI), K1, Z1
	VMOVUPS.Z (DX), K1, Z2
	VMOVUPS.Z (R10), K1, Z3
	GATEBWD512
	VMOVUPS   Z4, K1, (DI)
	VMOVUPS   Z5, K1, (R8)
	VMOVUPS   Z6, K1, (R9)

gatebwd_done:
	VZEROUPPER
	RET
