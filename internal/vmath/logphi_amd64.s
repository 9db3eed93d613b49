//go:build amd64 && !purego

#include "textflag.h"

// The AVX-512 kernel of LogPhiParts' first pass (logphi_amd64.go), eight
// arguments a ZMM register, lane for lane the scalar loop's operations in
// the same order (Horner's rule, no fused multiply-add, correctly rounded
// VDIVPD). Go's operand order: VDIVPD B, A, D is D = A / B; VMINPD B, A, D
// is A < B ? A : B and B when either is NaN, so VMINPD w, max, D is Go's
// min(w, max) (NaN when w is NaN); VCMPPD $p, B, A, K compares A p B.

// The int32 lane numbers 0…15 (8…15 unused: the mask has eight bits).
DATA logPhiLanes<>+0(SB)/4, $0
DATA logPhiLanes<>+4(SB)/4, $1
DATA logPhiLanes<>+8(SB)/4, $2
DATA logPhiLanes<>+12(SB)/4, $3
DATA logPhiLanes<>+16(SB)/4, $4
DATA logPhiLanes<>+20(SB)/4, $5
DATA logPhiLanes<>+24(SB)/4, $6
DATA logPhiLanes<>+28(SB)/4, $7
DATA logPhiLanes<>+32(SB)/4, $8
DATA logPhiLanes<>+36(SB)/4, $9
DATA logPhiLanes<>+40(SB)/4, $10
DATA logPhiLanes<>+44(SB)/4, $11
DATA logPhiLanes<>+48(SB)/4, $12
DATA logPhiLanes<>+52(SB)/4, $13
DATA logPhiLanes<>+56(SB)/4, $14
DATA logPhiLanes<>+60(SB)/4, $15
GLOBL logPhiLanes<>(SB), RODATA|NOPTR, $64

// func logPhiCentralAVX512(a, l, num, w *float64, tail *int32, n8 int) (cnt int)
TEXT ·logPhiCentralAVX512(SB), NOSPLIT, $0-56
	MOVQ a+0(FP), R9
	MOVQ l+8(FP), R10
	MOVQ num+16(FP), R11
	MOVQ w+24(FP), R8
	MOVQ tail+32(FP), DX
	MOVQ n8+40(FP), CX

	MOVQ         $0x3ff30a3d70a3d70a, AX // LogPhiMax = 1.19
	VPBROADCASTQ AX, Z16
	MOVQ         $0x3fe6a09e667f3bcd, AX // 1/√2
	VPBROADCASTQ AX, Z17
	MOVQ         $0x3fc06eba8214db68, AX // pp0
	VPBROADCASTQ AX, Z18
	MOVQ         $0xbfd4cd7d691cb913, AX // pp1
	VPBROADCASTQ AX, Z19
	MOVQ         $0xbf9d2a51dbd7194f, AX // pp2
	VPBROADCASTQ AX, Z20
	MOVQ         $0xbf77a291236668e4, AX // pp3
	VPBROADCASTQ AX, Z21
	MOVQ         $0xbef8ead6120016ac, AX // pp4
	VPBROADCASTQ AX, Z22
	MOVQ         $0x3fd97779cddadc09, AX // qq1
	VPBROADCASTQ AX, Z23
	MOVQ         $0x3fb0a54c5536ceba, AX // qq2
	VPBROADCASTQ AX, Z24
	MOVQ         $0x3f74d022c4d36b0f, AX // qq3
	VPBROADCASTQ AX, Z25
	MOVQ         $0x3f215dc9221c1a10, AX // qq4
	VPBROADCASTQ AX, Z26
	MOVQ         $0xbed09c4342a26120, AX // qq5
	VPBROADCASTQ AX, Z27
	MOVQ         $0x3ff0000000000000, AX // 1
	VPBROADCASTQ AX, Z28
	MOVQ         $0x3fe0000000000000, AX // ½
	VPBROADCASTQ AX, Z29
	MOVQ         $0xbfeb000000000000, AX // −0.84375 (logPhiCentral)
	VPBROADCASTQ AX, Z30
	VPXORQ       Z31, Z31, Z31 // 0
	VMOVDQU32    logPhiLanes<>(SB), Z14 // int32 lanes: i + l
	MOVL         $8, AX
	VPBROADCASTD AX, Z13

	XORQ SI, SI // i
	XORQ AX, AX // cnt

loop:
	VMOVUPD (R8)(SI*8), Z0
	VMINPD  Z0, Z16, Z0     // min(w, LogPhiMax)
	VMULPD  Z17, Z0, Z0     // u = ·(1/√2)
	VMULPD  Z0, Z0, Z1      // z = u²
	VMULPD  Z22, Z1, Z2     // z·pp4
	VADDPD  Z21, Z2, Z2     // pp3 + …
	VMULPD  Z2, Z1, Z2
	VADDPD  Z20, Z2, Z2     // pp2 + …
	VMULPD  Z2, Z1, Z2
	VADDPD  Z19, Z2, Z2     // pp1 + …
	VMULPD  Z2, Z1, Z2
	VADDPD  Z18, Z2, Z2     // r = pp0 + …
	VMULPD  Z27, Z1, Z3     // z·qq5
	VADDPD  Z26, Z3, Z3     // qq4 + …
	VMULPD  Z3, Z1, Z3
	VADDPD  Z25, Z3, Z3     // qq3 + …
	VMULPD  Z3, Z1, Z3
	VADDPD  Z24, Z3, Z3     // qq2 + …
	VMULPD  Z3, Z1, Z3
	VADDPD  Z23, Z3, Z3     // qq1 + …
	VMULPD  Z3, Z1, Z3
	VADDPD  Z28, Z3, Z3     // s = 1 + …
	VDIVPD  Z3, Z2, Z2      // r/s
	VMULPD  Z2, Z0, Z2      // u·(r/s)
	VADDPD  Z2, Z0, Z2      // u + u·(r/s)
	VADDPD  Z28, Z2, Z2     // 1 + (…)
	VMULPD  Z29, Z2, Z2     // l = ½(…)
	TESTQ   R11, R11
	JZ      store           // LogPhiParts: l itself
	VMOVUPD (R11)(SI*8), Z3
	VDIVPD  Z2, Z3, Z2      // LogPhiRatioParts: num/l
store:
	VMOVUPD Z2, (R10)(SI*8)
	VMOVUPD Z31, (R9)(SI*8) // a = 0

	// The tail's arguments: u ≤ −0.84375 (ordered, quiet: false on NaN as
	// Go's <=), packed in lane order and stored at tail[cnt:cnt+8].
	VCMPPD      $0x12, Z30, Z0, K1 // LE_OQ: u ≤ −0.84375
	VPCOMPRESSD Z14, K1, Z15
	VMOVDQU     Y15, (DX)(AX*4)
	KMOVW       K1, DI
	POPCNTL     DI, DI
	ADDQ        DI, AX
	VPADDD      Z13, Z14, Z14

	ADDQ $8, SI
	CMPQ SI, CX
	JLT  loop

	VZEROUPPER
	MOVQ AX, cnt+48(FP)
	RET
