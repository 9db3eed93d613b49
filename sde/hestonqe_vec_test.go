package sde

import (
	"math"
	"slices"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
)

// ulpDiff is |a − b| in units of the last place of the larger magnitude.
func ulpDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / (math.Nextafter(max(math.Abs(a), math.Abs(b)), math.Inf(1)) - max(math.Abs(a), math.Abs(b)))
}

// maxUlps is the largest ulpDiff between a and b element by element.
func maxUlps(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = max(d, ulpDiff(a[i], b[i]))
	}
	return d
}

// qeUlps is the tolerance of the vector-vs-scalar comparisons, in ulps:
// 0. The AVX-512 kernels (hestonqe_amd64.s in the default build,
// hestonqe_simd.go with GOEXPERIMENT=simd) do the scalar loops' operations
// in the same order, packed VSQRTPD and VDIVPD are correctly rounded like
// SQRTSD and DIVSD, and neither side fuses a multiply-add (the scalar code
// is compiled for GOAMD64=v1 by default), so the lanes must equal the
// scalar results to the bit. Only where this build's scalar code fuses
// x·y + z (GOAMD64=v3, found by fusedScalar) is a margin of 16 ulps allowed:
// a product's rounding skipped moves a result by an ulp or two, and on the
// exponential branch v_{k+1} = max(0, ln q − a)/β carries the logarithm's
// absolute difference (a fused r = m·c − 1 in vmath.LogTo's scalar loop)
// as a relative one where ln q − a is small (8 ulps observed on these
// paths); a wrong lane, constant or operation moves it by far more.
var qeUlps = func() float64 {
	if fusedScalar() {
		return 16
	}
	return 0
}()

// fusedScalar reports whether this build's compiler fuses x·y + z into one
// rounding, on operands where that differs from two: x·y = 1 + 2⁻²⁹ + 2⁻⁵⁸
// exactly, whose last term a separate product rounds away.
func fusedScalar() bool {
	x := 1 + 0x1p-29
	return mulAdd(x, x, -1) != 0x1p-28
}

// mulAdd is x·y + z as the compiler emits it for registers (not inlined,
// so that no constant folding or memory operand changes the emitted form).
//
//go:noinline
func mulAdd(x, y, z float64) float64 { return x*y + z }

// TestQEVectorKernels compares one qeStep with the AVX-512 kernels
// (qeQuadVec, qeSpotVec) and one with the scalar loops alone, on 8k + 5
// paths (the scalar tail too), with variances from 0 to 2, on the Feller
// set (quadratic branch only: ψ is largest at v = 0, where it is
// ξ²/(2κθ) < 1 < ψ_c when Feller holds) and the violated one (both
// branches), first step of a fixing interval and not: the step's v_{k+1},
// linear part of ln M, factor of M, and x, v, y, c, W, mantissa and
// exponent.
func TestQEVectorKernels(t *testing.T) {
	if !qeVector {
		t.Skip("no vector kernel in this build or no AVX-512 on this CPU: the vector path is not taken")
	}
	for _, n := range []int{8*37 + 5, 8 * 16} { // a scalar tail of 5 and none
		sets := map[string]Heston{
			"feller":   {Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 2, Theta: 0.04, Xi: 0.3, Rho: -0.7, Expiry: 1},
			"violated": {Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 1, Theta: 0.04, Xi: 1, Rho: -0.7, Expiry: 1},
		}
		for name, hm := range sets {
			qe := qeConst(hm, 1.0/16)
			r := rngstream.New(7, 1)
			zv, zp, v := make([]float64, n), make([]float64, n), make([]float64, n)
			r.Normals(zv)
			r.Normals(zp)
			for i := range v {
				v[i] = 2 * math.Pow(float64(i)/float64(n), 4) // many near 0 (exponential branch), up to 2
			}
			v[0] = 0
			for _, first := range []bool{true, false} {
				run := func(vec bool) (g *Grid, x, vv, y, c, w []float64) {
					ev := qeExpVector
					qeVector, qeExpVector = vec, vec && ev
					defer func() { qeVector, qeExpVector = true, ev }()
					g = new(Grid)
					h := &g.h
					for _, p := range []*[]float64{&h.v1, &h.lm, &h.mq, &h.ps, &h.dl, &h.pe, &h.ie, &h.pa, &h.pl, &h.eb, &h.er} {
						*p = make([]float64, n)
					}
					h.idx, h.pt = make([]int32, n), make([]int32, n)
					x, vv, y, c, w = make([]float64, n), slices.Clone(v), make([]float64, n), make([]float64, n), make([]float64, n)
					for i := range n {
						x[i], h.pe[i], h.ie[i], y[i], c[i] = 4.6, 1+float64(i)/float64(n), -float64(i%5), 0.1*zp[i], 1e-3
					}
					g.qeStep(qe, zp, zv, x, vv, y, c, w, first)
					return
				}
				gv, xv, vv, yv, cv, wv := run(true)
				gs, xs, vs, ys, cs, ws := run(false)
				exp := 0
				for _, l := range gs.h.lm {
					if l == 0 { // set on the exponential branch only
						exp++
					}
				}
				if name == "violated" && (exp == 0 || exp == n) {
					t.Fatalf("%s: %d of %d paths on the exponential branch: both branches must occur", name, exp, n)
				}
				worst := 0.0
				for _, f := range []struct {
					what string
					a, b []float64
				}{
					{"v_{k+1}", gv.h.v1, gs.h.v1}, {"linear ln M", gv.h.lm, gs.h.lm}, {"M factor", gv.h.dl, gs.h.dl},
					{"ln S", xv, xs}, {"v", vv, vs}, {"Y⊥", yv, ys}, {"C", cv, cs}, {"W", wv, ws},
					{"mantissa", gv.h.pe, gs.h.pe}, {"exponent", gv.h.ie, gs.h.ie},
				} {
					d := maxUlps(f.a, f.b)
					worst = max(worst, d)
					if d > qeUlps {
						t.Errorf("n=%d %s first=%v: %s differs by %g ulps", n, name, first, f.what, d)
					}
				}
				t.Logf("n=%d %s first=%v: %d of %d paths on the exponential branch; largest difference %g ulps", n, name, first, exp, n, worst)
			}
		}
	}
}

// TestQEVectorEvolve runs EvolveHeston under QE with the vector path and
// with the scalar one on the same normals, 8k + 3 paths, 24 steps and 3
// fixings, with the Malliavin weight, on the Feller set and on a violated
// one with ρ > 0 (where paths reach v = 0 by the exponential branch): every fixing, v_T, the weight and W
// within qeUlps per step (ln S accumulates a rounding per step, so the
// bound on S is steps × qeUlps ulps of ln S, relative).
func TestQEVectorEvolve(t *testing.T) {
	if !qeVector {
		t.Skip("no vector kernel in this build or no AVX-512 on this CPU: the vector path is not taken")
	}
	const n, steps, fixings = 8*64 + 3, 24, 3
	sets := map[string]Heston{
		"feller":   {Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 2, Theta: 0.04, Xi: 0.3, Rho: -0.7, Expiry: 1},
		"violated": {Spot: 100, Rate: 0.03, V0: 0.04, Kappa: 1, Theta: 0.04, Xi: 1, Rho: 0.5, Expiry: 2},
	}
	z := make([]float64, 2*n*steps)
	rngstream.New(11, 1).Normals(z)
	for name, hm := range sets {
		run := func(vec bool) (obs, vt, wt, w []float64) {
			ev := qeExpVector
			qeVector, qeExpVector = vec, vec && ev
			defer func() { qeVector, qeExpVector = true, ev }()
			var g Grid
			var b Block
			b.Resize(n, fixings)
			g.EvolveHeston(hm, QE, steps, z, &b, NeedWeight|NeedY)
			return slices.Clone(b.Obs), slices.Clone(g.HestonVariance()[:n]), slices.Clone(b.Weight[:n]), slices.Clone(b.W[:n])
		}
		o1, v1, p1, w1 := run(true)
		o0, v0, p0, w0 := run(false)
		zero := 0
		worst := 0.0
		for i := range o1 {
			d := math.Abs(o1[i]/o0[i]-1) / (steps * 0x1p-52 * 5) // 5 ≥ |ln S|
			worst = max(worst, d)
			if d > qeUlps {
				t.Fatalf("%s: S[%d] %v (vector) vs %v (scalar)", name, i, o1[i], o0[i])
			}
		}
		for i := range v1 {
			if v0[i] == 0 {
				zero++
			}
		}
		for _, f := range []struct {
			what string
			a, b []float64
			sum  bool // a sum of signed terms: ulps of its largest element
		}{{"v_T", v1, v0, false}, {"weight", p1, p0, true}, {"W", w1, w0, true}} {
			d := maxUlps(f.a, f.b)
			if f.sum && d > 0 {
				// A sum that cancels to near 0 has few correct ulps of its
				// own; a rounding moved by fusion is bounded in ulps of the
				// block's largest |sum| instead.
				diff, top := 0.0, 0.0
				for i := range f.a {
					diff, top = max(diff, math.Abs(f.a[i]-f.b[i])), max(top, math.Abs(f.a[i]))
				}
				d = diff / (math.Nextafter(top, math.Inf(1)) - top)
			}
			if d > steps*qeUlps {
				t.Errorf("%s: %s differs by %g ulps", name, f.what, d)
			}
		}
		if name == "violated" && zero == 0 {
			t.Errorf("%s: no path ends at v = 0: the exponential branch is not exercised", name)
		}
		t.Logf("%s: %d paths end at v = 0; S within %g of the bound", name, zero, worst)
	}
}
