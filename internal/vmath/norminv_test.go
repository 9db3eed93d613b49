package vmath

import (
	"math"
	"testing"
)

// phi returns Φ(x) = erfc(−x/√2)/2, accurate to a few ulps in both tails.
func phi(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// TestNormInv checks Φ(NormInv(p)) = p: the quantile's error is
// δx = (Φ(x̂) − p)/φ(x̂), which must stay below 2e−15·max(1, |x|) from
// p = 1e−300 to 1 − 2⁻⁵³, on a grid across every branch (|q| ≤ 0.425,
// r ≤ 5, r > 5) and at the Sobol' cell centres 2⁻³³ and 1 − 2⁻³³.
func TestNormInv(t *testing.T) {
	var ps []float64
	for e := -300.0; e < -0.31; e += 0.37 {
		ps = append(ps, math.Pow(10, e), 1-math.Pow(10, e))
	}
	for p := 0.0005; p < 1; p += 0.001 {
		ps = append(ps, p)
	}
	ps = append(ps, 0x1p-33, 1-0x1p-33, 0.075, 0.925, 0.5)
	worst := 0.0
	for _, p := range ps {
		if p >= 1 {
			continue
		}
		x := NormInv(p)
		dens := math.Exp(-x*x/2) / math.Sqrt(2*math.Pi)
		var dx float64
		if p < 0.5 {
			dx = (phi(x) - p) / dens
		} else { // compare upper tails: 1 − p is exact for p ≥ ½
			dx = ((1 - p) - phi(-x)) / dens
		}
		rel := math.Abs(dx) / math.Max(1, math.Abs(x))
		worst = math.Max(worst, rel)
		if rel > 2e-15 {
			t.Errorf("NormInv(%v) = %v: Φ gives an error %v in x", p, x, dx)
		}
	}
	t.Logf("worst error in x relative to max(1, |x|): %.2g over %d points", worst, len(ps))
	if NormInv(0.5) != 0 || !math.IsInf(NormInv(0), -1) || !math.IsInf(NormInv(1), 1) ||
		!math.IsNaN(NormInv(-0.1)) || !math.IsNaN(NormInv(1.5)) || !math.IsNaN(NormInv(math.NaN())) {
		t.Error("NormInv at 0, ½, 1 or outside [0, 1] is wrong")
	}
	for _, p := range []float64{0x1p-33, 0x1p-10, 0.3125} { // 1 − p exact
		if math.Abs(NormInv(p)+NormInv(1-p)) > 1e-15*math.Abs(NormInv(p)) {
			t.Errorf("NormInv is not odd about ½ at %v", p)
		}
	}
}

// TestNormInvErfinv cross-checks with math.Erfinv in the centre, where
// 2p − 1 loses few digits (math.Erfinv's own error is of the same order): Φ⁻¹(p) = √2·erfinv(2p − 1).
func TestNormInvErfinv(t *testing.T) {
	for p := 0.01; p < 0.99; p += 0.0137 {
		want := math.Sqrt2 * math.Erfinv(2*p-1)
		if got := NormInv(p); math.Abs(got-want) > 2e-15*math.Max(1, math.Abs(want)) {
			t.Errorf("NormInv(%v) = %v, √2 erfinv(2p − 1) = %v", p, got, want)
		}
	}
}

func BenchmarkNormInv(b *testing.B) {
	s := 0.0
	p := 0.0
	for range b.N {
		p += 0x1p-20
		if p >= 1 {
			p = 0x1p-30
		}
		s += NormInv(p)
	}
	sink = s
}
