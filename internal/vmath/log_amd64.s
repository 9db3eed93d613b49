//go:build amd64 && !purego

#include "textflag.h"

// The AVX-512 kernel of LogTo (log_amd64.go), eight values a ZMM register,
// lane for lane LogTo's scalar loop in the same order (Horner's rule, no
// fused multiply-add); the table entries by VGATHERQPD, the exponent by
// VCVTQQ2PD (exact). Go's operand order: VSUBPD B, A, D is D = A − B;
// VPCMPUQ $p, B, A, K compares A p B.

// func logAVX512(dst, x *float64, n8 int) (done int)
TEXT ·logAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), R10
	MOVQ x+8(FP), R8
	MOVQ n8+16(FP), CX
	LEAQ ·logInv(SB), R11
	LEAQ ·logTable(SB), R12

	MOVQ         $0x3fc2492492492492, AX // 1/7
	VPBROADCASTQ AX, Z16
	MOVQ         $0xbfc5555555555555, AX // −1/6
	VPBROADCASTQ AX, Z17
	MOVQ         $0x3fc999999999999a, AX // 1/5
	VPBROADCASTQ AX, Z18
	MOVQ         $0xbfd0000000000000, AX // −1/4
	VPBROADCASTQ AX, Z19
	MOVQ         $0x3fd5555555555555, AX // 1/3
	VPBROADCASTQ AX, Z20
	MOVQ         $0xbfe0000000000000, AX // −1/2
	VPBROADCASTQ AX, Z21
	MOVQ         $0x3ff0000000000000, AX // 1, and 1023<<52
	VPBROADCASTQ AX, Z22
	MOVQ         $0x3fe62e42fee00000, AX // ln2hi
	VPBROADCASTQ AX, Z23
	MOVQ         $0x3dea39ef35793c76, AX // ln2lo
	VPBROADCASTQ AX, Z24
	MOVQ         $1, AX // int64 1
	VPBROADCASTQ AX, Z25
	MOVQ         $2046, AX // int64 2046
	VPBROADCASTQ AX, Z26
	MOVQ         $0x000fffffffffffff, AX // the significand's bits
	VPBROADCASTQ AX, Z27
	MOVQ         $63, AX // int64 63
	VPBROADCASTQ AX, Z29
	MOVQ         $1023, AX // int64 1023
	VPBROADCASTQ AX, Z30

	XORQ SI, SI // i

loop:
	VMOVDQU64 (R8)(SI*8), Z0 // b, the bits of x
	VPSRLQ    $52, Z0, Z1    // b>>52
	VPSUBQ    Z25, Z1, Z2    // (b>>52) − 1
	VPCMPUQ   $5, Z26, Z2, K1 // NLT, unsigned: (b>>52) − 1 ≥ 2046: zero, subnormal, Inf, NaN or negative
	KORTESTW  K1, K1
	JNZ       done           // the scalar loop takes this block
	VPANDQ    Z27, Z0, Z3
	VPORQ     Z22, Z3, Z3    // m in [1, 2)
	VPSRLQ    $46, Z0, Z4
	VPANDQ    Z29, Z4, Z4    // j, the top 6 bits of the fraction
	KXNORW    K2, K2, K2
	VGATHERQPD (R11)(Z4*8), K2, Z5 // c_j
	KXNORW    K3, K3, K3
	VGATHERQPD (R12)(Z4*8), K3, Z6 // −ln c_j
	VMULPD    Z5, Z3, Z7     // m·c_j
	VSUBPD    Z22, Z7, Z7    // r = m·c_j − 1
	VMULPD    Z16, Z7, Z8    // r·(1/7)
	VADDPD    Z17, Z8, Z8    // −1/6 + …
	VMULPD    Z8, Z7, Z8
	VADDPD    Z18, Z8, Z8    // 1/5 + …
	VMULPD    Z8, Z7, Z8
	VADDPD    Z19, Z8, Z8    // −1/4 + …
	VMULPD    Z8, Z7, Z8
	VADDPD    Z20, Z8, Z8    // 1/3 + …
	VMULPD    Z8, Z7, Z8
	VADDPD    Z21, Z8, Z8    // −1/2 + …
	VMULPD    Z8, Z7, Z8
	VADDPD    Z22, Z8, Z8    // 1 + …
	VMULPD    Z8, Z7, Z8     // p = r·(…)
	VPSUBQ    Z30, Z1, Z9    // e = (b>>52) − 1023
	VCVTQQ2PD Z9, Z9         // float64(e)
	VMULPD    Z23, Z9, Z10   // e·ln2hi
	VADDPD    Z6, Z10, Z10   // e·ln2hi + (−ln c_j)
	VMULPD    Z24, Z9, Z11   // e·ln2lo
	VADDPD    Z11, Z8, Z11   // p + e·ln2lo
	VADDPD    Z11, Z10, Z10
	VMOVUPD   Z10, (R10)(SI*8)

	ADDQ $8, SI
	CMPQ SI, CX
	JLT  loop

done:
	VZEROUPPER
	MOVQ SI, done+24(FP)
	RET
