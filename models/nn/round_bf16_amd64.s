//go:build amd64 && !purego

#include "textflag.h"

// bf16 rounding kernels (round_bf16.go) for AVX-512F: the integer rounding of
// ToBF16 kept in float32 storage, u' = (u + 0x7FFF + (u>>16 & 1)) & 0xFFFF0000,
// a NaN giving (u | 0x00400000) & 0xFFFF0000. n is a multiple of 16.

#define ROUND_CONSTS \
	MOVL $0x7FFF, AX \
	VPBROADCASTD AX, Z29 \
	MOVL $1, AX \
	VPBROADCASTD AX, Z30 \
	MOVL $0x00400000, AX \
	VPBROADCASTD AX, Z31 \
	MOVL $0xFFFF0000, AX \
	VPBROADCASTD AX, Z28

// ROUND(x, t) rounds the 16 floats of x into t (x unchanged).
#define ROUND(x, t) \
	VPSRLD  $16, x, t \
	VPANDD  Z30, t, t \
	VPADDD  Z29, t, t \
	VPADDD  x, t, t \
	VCMPPS  $3, x, x, K1 \
	VPORD   Z31, x, K1, t \
	VPANDD  Z28, t, t

// func roundBF16AVX512(x *float32, n int)
TEXT ·roundBF16AVX512(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	ROUND_CONSTS
	SHRQ $4, CX
	JZ   doneround

loopround:
	VMOVUPS (SI), Z0
	ROUND(Z0, Z1)
	VMOVUPS Z1, (SI)
	ADDQ    $64, SI
	DECQ    CX
	JNZ     loopround

doneround:
	VZEROUPPER
	RET

// func mulRoundBF16AVX512(dst, a, b *float32, n int)
// dst = round(round(a)·b).
TEXT ·mulRoundBF16AVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	ROUND_CONSTS
	SHRQ $4, CX
	JZ   donemul

loopmul:
	VMOVUPS (SI), Z0
	ROUND(Z0, Z1)
	VMULPS  (DX), Z1, Z2
	ROUND(Z2, Z3)
	VMOVUPS Z3, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	DECQ    CX
	JNZ     loopmul

donemul:
	VZEROUPPER
	RET
