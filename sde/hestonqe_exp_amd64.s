//go:build !purego

#include "textflag.h"

// The AVX-512 kernel of qeStep's exponential branch's first loop
// (hestonqe_exp_amd64.go), eight compacted paths a ZMM register, lane for
// lane the scalar loop's operations in the same order (no fused
// multiply-add, correctly rounded VDIVPD, VMAXPD with the computed value
// as the operand returned on a NaN, as Go's max). The paths' m, s² and Z_v
// by VGATHERDPD through the index list; the results stored compacted.
// Go's operand order: VSUBPD B, A, D is D = A − B, VDIVPD B, A, D is
// D = A / B, VMAXPD B, A, D returns B when either is NaN.

// func qeExpAVX512(a float64, idx *int32, mq, ps, zv, ea, ew, eb, er *float64, n8 int)
TEXT ·qeExpAVX512(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), AX
	VPBROADCASTQ AX, Z20 // A
	MOVQ idx+8(FP), DX
	MOVQ mq+16(FP), R8
	MOVQ ps+24(FP), R9
	MOVQ zv+32(FP), R10
	MOVQ ea+40(FP), R11
	MOVQ ew+48(FP), R12
	MOVQ eb+56(FP), R13
	MOVQ er+64(FP), R14
	MOVQ n8+72(FP), CX

	MOVQ         $0x3ff0000000000000, AX // 1
	VPBROADCASTQ AX, Z21
	MOVQ         $0x4000000000000000, AX // 2
	VPBROADCASTQ AX, Z22
	MOVQ         $0x3d719799812dea11, AX // 1e-12
	VPBROADCASTQ AX, Z23
	MOVQ         $0x8000000000000000, AX // the sign bit
	VPBROADCASTQ AX, Z24

	XORQ SI, SI // c

loop:
	VMOVDQU32  (DX)(SI*4), Y1 // j = idx[c…c+7]
	KXNORW     K1, K1, K1
	VGATHERDPD (R8)(Y1*8), K1, Z2 // m
	KXNORW     K2, K2, K2
	VGATHERDPD (R9)(Y1*8), K2, Z3 // s²
	KXNORW     K3, K3, K3
	VGATHERDPD (R10)(Y1*8), K3, Z4 // Z_v
	VMULPD     Z2, Z2, Z5          // m²
	VADDPD     Z5, Z3, Z6          // s² + m²
	VDIVPD     Z6, Z21, Z6         // d = 1/(s² + m²)
	VSUBPD     Z5, Z3, Z7          // s² − m²
	VMULPD     Z6, Z7, Z7          // p = (s² − m²)·d
	VMULPD     Z2, Z22, Z8         // 2m
	VMULPD     Z6, Z8, Z8          // β = 2m·d
	VSUBPD     Z7, Z21, Z9         // 1 − p
	VSUBPD     Z20, Z8, Z10        // β − A
	VMAXPD     Z10, Z23, Z10       // max(β − A, 1e-12)
	VMULPD     Z9, Z8, Z11         // β(1 − p)
	VDIVPD     Z10, Z11, Z11       // β(1 − p)/max(β − A, 1e-12)
	VADDPD     Z11, Z7, Z11        // p + …
	VDIVPD     Z11, Z21, Z11       // r = 1/M
	VMULPD     Z11, Z11, Z11       // r²
	VPXORQ     Z24, Z4, Z4         // w = −Z_v
	VMOVUPD    Z9, (R11)(SI*8)
	VMOVUPD    Z4, (R12)(SI*8)
	VMOVUPD    Z8, (R13)(SI*8)
	VMOVUPD    Z11, (R14)(SI*8)

	ADDQ $8, SI
	CMPQ SI, CX
	JLT  loop

	VZEROUPPER
	RET
