package vmath

import (
	"math"
	"math/big"
	"slices"
	"testing"
)

// invSqrt2Lo is 1/√2 − float64(1/√2), the part of 1/√2 that the rounded
// constant drops, from a 200-bit square root.
var invSqrt2Lo = func() float64 {
	h := new(big.Float).SetPrec(200).SetFloat64(0.5)
	h.Sqrt(h)
	lo, _ := h.Sub(h, new(big.Float).SetFloat64(1/math.Sqrt2)).Float64()
	return lo
}()

// logPhiRef is ln Φ(w) for the float64 w to well under an ulp of the
// result: ln ½erfc(x) at x₀ = float64(−w/√2) (log1p(−½erfc(−x₀)) where
// Φ > ½, math.Erfc where x₀ ≤ 10 and the asymptotic series
//
//	ln erfc(x) = −x² − ln(x√π) + ln Σ_n (−1)ⁿ (2n − 1)!!/(2x²)ⁿ
//
// beyond, −x² carried in two parts), plus the derivative times x − x₀
// (the rounding of w/√2, an error of up to 2x²·2^−53 in ln Φ that the
// function under test incurs too and that belongs in its error).
func logPhiRef(w float64) float64 {
	p := w * (1 / math.Sqrt2)
	x := -p
	dx := -(math.FMA(w, 1/math.Sqrt2, -p) + w*invSqrt2Lo)
	var f, d float64 // ln Φ and d ln erfc/dx at x
	switch {
	case x < 0:
		e := 0.5 * math.Erfc(-x)
		f = math.Log1p(-e)
		d = -2 / math.SqrtPi * math.Exp(-x*x) / (2 - 2*e)
	case x <= 10:
		e := math.Erfc(x)
		f = math.Log(0.5 * e)
		d = -2 / math.SqrtPi * math.Exp(-x*x) / e
	default:
		s, t := 1.0, 1.0
		for n := 1; n <= 30; n++ {
			t *= -float64(2*n-1) / (2 * x * x)
			s += t
		}
		hi := x * x
		lo := math.FMA(x, x, -hi)
		f = -hi + (-lo - math.Log(x) - math.Log(2*math.Sqrt(math.Pi)) + math.Log(s))
		d = -2 * x / (1 - 1/(2*x*x))
	}
	return f + d*dx
}

// TestLogPhi: LogPhiTo (LogPhiParts and LogTo) against logPhiRef on a
// dense grid of w in [−60, LogPhiMax] (≈ 1.5 million points, every form
// and both sides of each cut), error below 7e−16 of max(|ln Φ|, 1) (3 ulps
// of ln Φ in the far tail); the
// reference's two large-x forms agree at x = 10; arguments above
// LogPhiMax are taken as LogPhiMax.
func TestLogPhi(t *testing.T) {
	const h = 1.0 / 24571
	var w []float64
	for v := -60.0; v <= LogPhiMax; v += h {
		w = append(w, v)
	}
	for _, x := range []float64{0.84375, 1.25, 1 / 0.35, 28} { // the cuts in x = −w/√2, each side
		c := -x * math.Sqrt2
		w = append(w, c, math.Nextafter(c, 0), math.Nextafter(c, -1))
	}
	got := make([]float64, len(w))
	LogPhiTo(got, w)
	// Relative error where |ln Φ| ≥ 1 (w < 0.303), absolute where it is
	// smaller: there ln's condition number 1/|ln Φ| turns an ulp of Φ into
	// more than an ulp of ln Φ, whatever the method.
	worst, at := 0.0, 0.0
	for i, v := range w {
		ref := logPhiRef(v)
		if e := math.Abs(got[i]-ref) / max(math.Abs(ref), 1); e > worst || math.IsNaN(e) {
			worst, at = e, v
		}
	}
	t.Logf("max error of ln Φ over %d points in [−60, %g], relative (absolute where |ln Φ| < 1): %.3g at w = %.6g", len(w), LogPhiMax, worst, at)
	if !(worst < 7e-16) {
		t.Errorf("max error %.3g at w = %.17g, want < 7e-16", worst, at)
	}
	// The two large-x forms of the reference meet at x = 10.
	x := 10.0
	e := math.Log(0.5 * math.Erfc(x))
	s, tm := 1.0, 1.0
	for n := 1; n <= 30; n++ {
		tm *= -float64(2*n-1) / (2 * x * x)
		s += tm
	}
	if a := -x*x - math.Log(x) - math.Log(2*math.Sqrt(math.Pi)) + math.Log(s); math.Abs(a/e-1) > 1e-15 {
		t.Errorf("reference: series %v vs Erfc %v at x = 10", a, e)
	}
	big := []float64{LogPhiMax, 1.5, 40, math.Inf(1)}
	LogPhiTo(big, big)
	for i, v := range big {
		if v != big[0] {
			t.Errorf("ln Φ at the %d-th argument above LogPhiMax: %v, want %v", i, v, big[0])
		}
	}
	if want := math.Log(0.5 * math.Erfc(-LogPhiMax/math.Sqrt2)); math.Abs(big[0]-want) > 1e-15 {
		t.Errorf("ln Φ(LogPhiMax) = %v, want %v", big[0], want)
	}
}

// BenchmarkLogPhi: LogPhiTo against ln(½erfc(−w/√2)) by math.Erfc and
// math.Log, on standard normal arguments (the QE step's −Z_v).
func BenchmarkLogPhi(b *testing.B) {
	const n = 1024
	w := make([]float64, n)
	for i := range w {
		w[i] = NormInv((float64(i) + 0.5) / n)
	}
	// a fixed shuffle so that neighbours differ in range
	for i := range w {
		j := (i * 613) % n
		w[i], w[j] = w[j], w[i]
	}
	dst := make([]float64, n)
	b.Run("logphi", func(b *testing.B) {
		for b.Loop() {
			LogPhiTo(dst, w)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/value")
	})
	b.Run("erfc", func(b *testing.B) {
		for b.Loop() {
			for i, v := range w {
				dst[i] = 0.5 * math.Erfc(v*-(1/math.Sqrt2))
			}
			LogTo(dst, dst)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/value")
	})
}

// TestLogPhiVector compares LogPhiParts and LogPhiRatioParts (whose q
// must be num/l of LogPhiParts, one rounding) with the AVX-512 first pass
// (logphi_amd64.s) and with the scalar loop alone, on 8k + 5 and 8k
// arguments (standard normals scaled to reach the far tail, every cut
// with its neighbours, ±0, ±Inf, NaN, LogPhiMax and beyond): a, l and the
// tail's indices must be equal to the bit (the kernel does the scalar
// loop's operations in the same order, no fused multiply-add), or within
// 4 ulps where this build's scalar code fuses x·y + z (GOAMD64=v3).
func TestLogPhiVector(t *testing.T) {
	if !logPhiVector {
		t.Skip("no vector kernel in this build or no AVX-512 on this CPU: the vector path is not taken")
	}
	tol := 0.0
	if x := 1 + 0x1p-29; logPhiMulAdd(x, x, -1) != 0x1p-28 {
		tol = 4
	}
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), LogPhiMax, math.Nextafter(LogPhiMax, 2), 5, -1e300}
	for _, x := range []float64{0.84375, 1.25, 1 / 0.35, 28} {
		c := -x * math.Sqrt2
		special = append(special, c, math.Nextafter(c, 0), math.Nextafter(c, -1))
	}
	for _, n := range []int{8*301 + 5, 8 * 64} {
		w := make([]float64, n)
		s := uint64(12345)
		for i := range w {
			s = s*6364136223846793005 + 1442695040888963407
			w[i] = 4 * NormInv((float64(s>>11)+0.5)/(1<<53))
		}
		copy(w[3:], special)
		num := make([]float64, n)
		for i := range num {
			num[i] = 0.2 + 0.6*float64(i%97)/97
		}
		run := func(vec bool) (a, l, a2, q []float64, tail []int32) {
			logPhiVector = vec
			defer func() { logPhiVector = true }()
			a, l, tail = make([]float64, n), make([]float64, n), make([]int32, n)
			LogPhiParts(a, l, w, tail)
			a2, q = make([]float64, n), make([]float64, n)
			LogPhiRatioParts(a2, q, num, w, make([]int32, n))
			return
		}
		av, lv, a2v, qv, tv := run(true)
		as, ls, a2s, qs, ts := run(false)
		for i := range n {
			for _, f := range []struct {
				what string
				x, y float64
			}{{"a", av[i], as[i]}, {"l", lv[i], ls[i]}, {"ratio's a", a2v[i], a2s[i]}, {"ratio's q", qv[i], qs[i]},
				{"ratio's q against num/l", qs[i], num[i] / ls[i]}, {"ratio's a against a", a2s[i], as[i]}} {
				if math.IsNaN(f.x) && math.IsNaN(f.y) {
					continue
				}
				if d := logPhiUlps(f.x, f.y); !(d <= tol) {
					t.Errorf("n=%d w[%d] = %v: %s %v (vector) vs %v (scalar), %g ulps", n, i, w[i], f.what, f.x, f.y, d)
				}
			}
		}
		// The tail's list: the same indices (the first pass lists them,
		// the second reads the list; entries past it are scratch).
		cnt := 0
		for i := range n {
			if w[i]*(1/math.Sqrt2) <= logPhiCentral {
				cnt++
			}
		}
		if !slices.Equal(tv[:cnt], ts[:cnt]) {
			t.Errorf("n=%d: the tail's %d indices differ", n, cnt)
		}
		t.Logf("n=%d: %d arguments in the tail", n, cnt)
	}
}

// logPhiUlps is |a − b| in units of the last place of the larger magnitude.
func logPhiUlps(a, b float64) float64 {
	if a == b {
		return 0
	}
	m := max(math.Abs(a), math.Abs(b))
	return math.Abs(a-b) / (math.Nextafter(m, math.Inf(1)) - m)
}

// logPhiMulAdd is x·y + z as the compiler emits it for registers.
//
//go:noinline
func logPhiMulAdd(x, y, z float64) float64 { return x*y + z }

// TestLogVector compares LogTo with the AVX-512 kernel (log_amd64.s) and
// with the scalar loop alone, in place and not, on 8k + 3 values over
// 2⁻¹⁰²⁰…2¹⁰²³ and near 1, with the arguments the scalar loop sends to
// math.Log (0, −0, subnormal, ±Inf, NaN, negative) scattered in some
// blocks: equal to the bit, or, where this build's scalar code fuses
// x·y + z (GOAMD64=v3), within 4 ulps or 4e−16 absolute (LogTo's stated
// accuracy is absolute: near x = 1 a fused r = m·c − 1 moves a small
// logarithm by many of its own ulps).
func TestLogVector(t *testing.T) {
	if !logVector {
		t.Skip("no vector kernel in this build or no AVX-512 on this CPU: the vector path is not taken")
	}
	tol := 0.0
	if x := 1 + 0x1p-29; logPhiMulAdd(x, x, -1) != 0x1p-28 {
		tol = 4
	}
	const n = 8*500 + 3
	x := make([]float64, n)
	s := uint64(99)
	for i := range x {
		s = s*6364136223846793005 + 1442695040888963407
		u := (float64(s>>11) + 0.5) / (1 << 53)
		if i%3 == 0 {
			x[i] = 1 + (u-0.5)/64
		} else {
			x[i] = math.Ldexp(1+u, int(s>>54)%2043-1020)
		}
	}
	special := []float64{0, math.Copysign(0, -1), 5e-324, 1e-310, math.Inf(1), math.Inf(-1), math.NaN(), -1, -1e-300}
	for k, v := range special {
		x[17+k*331] = v
	}
	for _, inPlace := range []bool{false, true} {
		run := func(vec bool) []float64 {
			logVector = vec
			defer func() { logVector = true }()
			if inPlace {
				d := slices.Clone(x)
				LogTo(d, d)
				return d
			}
			d := make([]float64, n)
			LogTo(d, x)
			return d
		}
		v, sc := run(true), run(false)
		for i := range n {
			if math.IsNaN(v[i]) && math.IsNaN(sc[i]) {
				continue
			}
			if d := logPhiUlps(v[i], sc[i]); !(d <= tol || tol > 0 && math.Abs(v[i]-sc[i]) <= 4e-16) {
				t.Errorf("in place %v: ln %v = %v (vector) vs %v (scalar), %g ulps", inPlace, x[i], v[i], sc[i], d)
			}
		}
	}
}
