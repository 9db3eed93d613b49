package greeks

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
)

// pairOf computes the paired moments of p and m directly, by two passes.
func pairOf(p, m []float64) Pair {
	n := float64(len(p))
	var mp, mm float64
	for i := range p {
		mp += p[i]
		mm += m[i]
	}
	mp /= n
	mm /= n
	var r Pair
	r.N, r.MeanP, r.MeanM = int64(len(p)), mp, mm
	for i := range p {
		r.M2P += (p[i] - mp) * (p[i] - mp)
		r.M2M += (m[i] - mm) * (m[i] - mm)
		r.C += (p[i] - mp) * (m[i] - mm)
	}
	return r
}

func samples(n int) (p, m []float64) {
	p, m = make([]float64, n), make([]float64, n)
	rngstream.New(5, 5).Normals(p)
	rngstream.New(5, 6).Normals(m)
	for i := range p {
		m[i] = 3 + 0.6*p[i] + 2*m[i] // correlated, shifted
		p[i] = 1 + p[i]
	}
	return p, m
}

func close(a, b, rel float64) bool { return math.Abs(a-b) <= rel*(math.Abs(a)+math.Abs(b)+1e-300) }

// TestPairMerge checks that merging parts in order equals the moments of the
// whole, for unequal parts.
func TestPairMerge(t *testing.T) {
	p, m := samples(10_000)
	want := pairOf(p, m)
	var got Pair
	for _, cut := range [][2]int{{0, 1}, {1, 1000}, {1000, 1003}, {1003, 10_000}} {
		got.Merge(pairOf(p[cut[0]:cut[1]], m[cut[0]:cut[1]]))
	}
	if got.N != want.N || !close(got.MeanP, want.MeanP, 1e-12) || !close(got.MeanM, want.MeanM, 1e-12) ||
		!close(got.M2P, want.M2P, 1e-12) || !close(got.M2M, want.M2M, 1e-12) || !close(got.C, want.C, 1e-12) {
		t.Errorf("merged %+v, want %+v", got, want)
	}
	var s sums
	for i := range p {
		s.add(sums{1, p[i], p[i] * p[i], m[i], m[i] * m[i], p[i] * m[i]})
	}
	if g := s.pair(); !close(g.C, want.C, 1e-9) || !close(g.M2P, want.M2P, 1e-9) {
		t.Errorf("power sums give %+v, want %+v", g, want)
	}
}

// TestMixer checks λ* and the hybrid's standard error against a direct
// computation on the mixed samples, and that λ* minimizes the variance.
func TestMixer(t *testing.T) {
	p, m := samples(10_000)
	pr := pairOf(p, m)
	vp, vm, c := pr.M2P, pr.M2M, pr.C
	wantL := (vm - c) / (vp + vm - 2*c)
	est, l := Mixer{}.Mix(pr)
	if !close(l, wantL, 1e-12) {
		t.Fatalf("λ = %v, want %v", l, wantL)
	}
	h := make([]float64, len(p))
	for i := range p {
		h[i] = l*p[i] + (1-l)*m[i]
	}
	direct := pairOf(h, h).P().Estimate()
	if !close(est.Value, direct.Value, 1e-12) || !close(est.StdErr, direct.StdErr, 1e-9) {
		t.Errorf("Mix = %+v, direct %+v", est, direct)
	}
	for _, d := range []float64{-0.1, -0.01, 0.01, 0.1} {
		if e := Combine(pr, l+d); e.StdErr < est.StdErr {
			t.Errorf("λ*+%v gives stderr %v below λ*'s %v", d, e.StdErr, est.StdErr)
		}
	}
	// Clipping: a λ* above 1 is clipped to 1.
	q := Pair{N: 10, M2P: 1, M2M: 4, C: 1.5} // λ* = 2.5/2 = 1.25
	if got := (Mixer{}).Lambda(q); !close(got, 1.25, 1e-15) {
		t.Errorf("Lambda = %v, want 1.25", got)
	}
	if got := (Mixer{Clip: true}).Lambda(q); got != 1 {
		t.Errorf("clipped Lambda = %v, want 1", got)
	}
	// Identical estimators: P − M has no variance, λ = 1.
	if got := (Mixer{}).Lambda(Pair{N: 10, M2P: 2, M2M: 2, C: 2}); got != 1 {
		t.Errorf("Lambda of identical estimators = %v, want 1", got)
	}
}

func TestEstimateCI(t *testing.T) {
	lo, hi := Estimate{Value: 1, StdErr: 0.5}.CI95()
	if !close(lo, 1-0.5*1.959963984540054, 1e-15) || !close(hi, 1+0.5*1.959963984540054, 1e-15) {
		t.Errorf("CI95 = [%v, %v]", lo, hi)
	}
}
