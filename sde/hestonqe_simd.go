//go:build goexperiment.simd && amd64

package sde

import (
	"math/bits"
	"simd/archsimd"
)

// qeVector is whether qeQuadVec and qeSpotVec take the AVX-512 path: the CPU
// has AVX-512 (F, CD, BW, DQ, VL). A variable so that the tests can
// compare the two paths on one machine.
var qeVector = archsimd.X86.AVX512()

// qeQuadVec computes qeStep's quadratic branch on the first lo = n − n mod 8
// paths of the block, eight at a time in AVX-512 registers (structure of
// arrays: lane l holds path i + l), and returns lo and the number of those
// paths past ψ_c, listed in idx; qeStep's scalar loop does the n mod 8
// paths of the tail. The operations are the scalar loop's in the same order, with no fused multiply-add (the scalar
// build on amd64 emits none), and packed square root and division are
// correctly rounded like the scalar ones, so each lane's results are the
// scalar path's to the bit. The paths past ψ_c (the exponential branch)
// come from the comparison's mask, appended to idx in lane order.
func qeQuadVec(qe *qeConsts, zv, v, v1, lm, dl, mq, ps []float64, idx []int32) (lo, cnt int) {
	n := len(zv)
	if !qeVector || n < 8 {
		return 0, 0
	}
	v, v1, lm, dl, mq, ps, idx = v[:n], v1[:n], lm[:n], dl[:n], mq[:n], ps[:n], idx[:n]
	e, th1 := archsimd.BroadcastFloat64x8(qe.e), archsimd.BroadcastFloat64x8(qe.th1)
	s1, s0 := archsimd.BroadcastFloat64x8(qe.s1), archsimd.BroadcastFloat64x8(qe.s0)
	iqlo, psic := archsimd.BroadcastFloat64x8(qe.iqlo), archsimd.BroadcastFloat64x8(qe.psic)
	av, a2 := archsimd.BroadcastFloat64x8(qe.a), archsimd.BroadcastFloat64x8(2*qe.a)
	one, two, tiny := archsimd.BroadcastFloat64x8(1), archsimd.BroadcastFloat64x8(2), archsimd.BroadcastFloat64x8(1e-12)
	n8 := n &^ 7
	for i := 0; i < n8; i += 8 {
		vk := archsimd.LoadFloat64x8Slice(v[i : i+8])
		mm := vk.Mul(e).Add(th1)
		s2 := vk.Mul(s1).Add(s0)
		mm2 := mm.Mul(mm)
		iq := two.Mul(mm2).Div(s2).Max(iqlo)
		b2 := iq.Sub(one).Add(iq.Mul(iq.Sub(one)).Sqrt())
		bb := b2.Sqrt()
		den := one.Add(b2)
		den2 := den.Sub(a2.Mul(mm)).Max(tiny.Mul(den))
		q := one.Div(den.Mul(den2))
		a := mm.Mul(den2).Mul(q)
		zb := bb.Add(archsimd.LoadFloat64x8Slice(zv[i : i+8]))
		a.Mul(zb).Mul(zb).StoreSlice(v1[i : i+8])
		av.Mul(b2).Mul(mm).Mul(den).Mul(q).StoreSlice(lm[i : i+8])
		den2.Mul(den2).Mul(q).StoreSlice(dl[i : i+8])
		mm.StoreSlice(mq[i : i+8])
		s2.StoreSlice(ps[i : i+8])
		for m := s2.Greater(psic.Mul(mm2)).ToBits(); m != 0; m &= m - 1 {
			idx[cnt] = int32(i + bits.TrailingZeros8(m))
			cnt++
		}
	}
	archsimd.ClearAVXUpperBits() // VZEROUPPER before the scalar (SSE) code that follows
	return n8, cnt
}

// qeSpotVec is qeStep's spot step on the first lo = n − n mod 8 paths,
// eight at a time, and returns lo; as in qeQuadVec, the same operations in the same order.
// splitExp's bit operations act on the lanes' bits as unsigned integers,
// the exponent converted by VCVTQQ2PD (exact, |exp| < 2¹¹).
func qeSpotVec(qe *qeConsts, first bool, zp, v, v1, lm, dl, pe, ie, x, y, c, w []float64) (lo int) {
	n := len(zp)
	if !qeVector || n < 8 {
		return 0
	}
	v, v1, lm, dl, pe, ie, x, y, c, w = v[:n], v1[:n], lm[:n], dl[:n], pe[:n], ie[:n], x[:n], y[:n], c[:n], w[:n]
	k3, hk3, k2 := archsimd.BroadcastFloat64x8(qe.k3), archsimd.BroadcastFloat64x8(qe.hk3), archsimd.BroadcastFloat64x8(qe.k2)
	drift, sq := archsimd.BroadcastFloat64x8(qe.drift), archsimd.BroadcastFloat64x8(qe.sq)
	mbits, one := archsimd.BroadcastUint64x8(1<<52-1), archsimd.BroadcastUint64x8(1023<<52)
	bias := archsimd.BroadcastInt64x8(1023)
	n8 := n &^ 7
	for i := 0; i < n8; i += 8 {
		zi := archsimd.LoadFloat64x8Slice(zp[i : i+8])
		vk := archsimd.LoadFloat64x8Slice(v[i : i+8])
		vn := archsimd.LoadFloat64x8Slice(v1[i : i+8])
		ck := k3.Mul(vk.Add(vn))
		sc := ck.Sqrt()
		sz := sc.Mul(zi)
		if first {
			archsimd.LoadFloat64x8Slice(y[i : i+8]).Add(sz).StoreSlice(y[i : i+8])
			archsimd.LoadFloat64x8Slice(c[i : i+8]).Add(ck).StoreSlice(c[i : i+8])
		}
		xs := archsimd.LoadFloat64x8Slice(x[i : i+8])
		step := drift.Sub(archsimd.LoadFloat64x8Slice(lm[i : i+8])).Sub(hk3.Mul(vk)).Add(k2.Mul(vn)).Add(sz)
		xs.Add(step).StoreSlice(x[i : i+8])
		vn.StoreSlice(v[i : i+8])
		archsimd.LoadFloat64x8Slice(w[i : i+8]).Add(sq.Mul(zi)).StoreSlice(w[i : i+8])
		p := archsimd.LoadFloat64x8Slice(pe[i : i+8]).Mul(archsimd.LoadFloat64x8Slice(dl[i : i+8])).AsUint64x8()
		p.And(mbits).Or(one).AsFloat64x8().StoreSlice(pe[i : i+8])
		ex := p.ShiftAllRight(52).AsInt64x8().Sub(bias).ConvertToFloat64()
		archsimd.LoadFloat64x8Slice(ie[i : i+8]).Add(ex).StoreSlice(ie[i : i+8])
	}
	archsimd.ClearAVXUpperBits()
	return n8
}
