package mlbridge

import (
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/greeks"
	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
)

// correlated returns b samples of d coordinates of two correlated
// estimators with different variances per coordinate, row-major.
func correlated(b, d int, seed uint64) (p, s []float64) {
	p, s = make([]float64, b*d), make([]float64, b*d)
	z := make([]float64, 2*b*d)
	rngstream.New(seed, 0).Normals(z)
	for i := range b {
		for k := range d {
			x, y := z[2*(i*d+k)], z[2*(i*d+k)+1]
			scale := 1 + float64(k)
			p[i*d+k] = 3 + scale*x
			s[i*d+k] = 3 + scale*(0.6*x+2*y) + float64(k)*x*x - float64(k)
		}
	}
	return p, s
}

func closeRel(a, b, tol float64) bool { return math.Abs(a-b) <= tol*(math.Abs(a)+math.Abs(b)+1e-300) }

// TestChunks checks that the moments, and so every λ, are the same
// whether the samples arrive in one batch or in many of different sizes.
func TestChunks(t *testing.T) {
	const b, d = 1000, 5
	p, s := correlated(b, d, 1)
	one := NewAcc(d)
	one.AddBatch(p, s, b)
	many := NewAcc(d)
	part := NewAcc(d)
	for lo, size := 0, 1; lo < b; lo, size = lo+size, size*2+1 {
		hi := min(b, lo+size)
		part.Reset()
		part.AddBatch(p[lo*d:hi*d], s[lo*d:hi*d], hi-lo)
		many.Merge(part)
	}
	for k := range d {
		x, y := one.Pair(k), many.Pair(k)
		if x.N != y.N || !closeRel(x.MeanP, y.MeanP, 1e-13) || !closeRel(x.M2P, y.M2P, 1e-12) ||
			!closeRel(x.M2M, y.M2M, 1e-12) || !closeRel(x.C, y.C, 1e-12) {
			t.Errorf("coordinate %d: one batch %+v, many %+v", k, x, y)
		}
	}
	for _, g := range []Granularity{Trace, Coordinate, Block} {
		v := VecMixer{Granularity: g, Blocks: []int{0, 2, 5}}
		l1, l2 := make([]float64, d), make([]float64, d)
		v.Lambdas(one, l1)
		v.Lambdas(many, l2)
		for k := range l1 {
			if !closeRel(l1[k], l2[k], 1e-11) {
				t.Errorf("%s λ[%d]: one batch %v, many %v", g, k, l1[k], l2[k])
			}
		}
	}
}

// mixedVariance is the total sample variance of λ∘P + (1−λ)∘S over the
// coordinates in [lo, hi), computed directly from the samples.
func mixedVariance(p, s []float64, b, d, lo, hi int, l func(k int) float64) float64 {
	total := 0.0
	for k := lo; k < hi; k++ {
		var sum, sq float64
		for i := range b {
			h := l(k)*p[i*d+k] + (1-l(k))*s[i*d+k]
			sum += h
			sq += h * h
		}
		total += (sq - sum*sum/float64(b)) / float64(b-1)
	}
	return total
}

// TestLambdaBruteForce checks each granularity's λ against a brute-force
// minimizer of the sample variance of the mixed samples on a fine grid.
func TestLambdaBruteForce(t *testing.T) {
	const b, d = 2000, 4
	p, s := correlated(b, d, 2)
	a := NewAcc(d)
	a.AddBatch(p, s, b)
	for _, g := range []Granularity{Trace, Coordinate, Block} {
		v := VecMixer{Granularity: g, Blocks: []int{0, 1, 4}}
		lam := make([]float64, d)
		v.Lambdas(a, lam)
		for _, grp := range v.groups(d) {
			best, bestL := math.Inf(1), 0.0
			for x := -1.0; x <= 2.0; x += 1e-4 {
				if vv := mixedVariance(p, s, b, d, grp[0], grp[1], func(int) float64 { return x }); vv < best {
					best, bestL = vv, x
				}
			}
			if math.Abs(lam[grp[0]]-bestL) > 2e-4 {
				t.Errorf("%s group %v: λ = %v, brute force %v", g, grp, lam[grp[0]], bestL)
			}
		}
	}
}

// TestGranularityOrder: a λ per coordinate never leaves more variance than
// a λ per block, nor a λ per block more than one λ for all.
func TestGranularityOrder(t *testing.T) {
	const b, d = 3000, 6
	p, s := correlated(b, d, 3)
	a := NewAcc(d)
	a.AddBatch(p, s, b)
	total := map[Granularity]float64{}
	for _, g := range []Granularity{Trace, Block, Coordinate} {
		v := VecMixer{Granularity: g, Blocks: []int{0, 3, 6}}
		lam := make([]float64, d)
		v.Lambdas(a, lam)
		total[g] = mixedVariance(p, s, b, d, 0, d, func(k int) float64 { return lam[k] })
	}
	if !(total[Coordinate] <= total[Block]*(1+1e-12) && total[Block] <= total[Trace]*(1+1e-12)) {
		t.Errorf("mixed variance: coordinate %v, block %v, trace %v", total[Coordinate], total[Block], total[Trace])
	}
}

// TestRunningUsesPastOnly checks that the running mode's λ for a batch is
// computed from earlier batches only: changing the current batch does not
// change the λ applied to it.
func TestRunningUsesPastOnly(t *testing.T) {
	const b, d = 50, 3
	mk := func() *Hybrid { return &Hybrid{Mode: Running, VecMixer: VecMixer{Granularity: Coordinate}} }
	h1, h2 := mk(), mk()
	dst := make([]float64, d)
	for i := range 5 {
		p, s := correlated(b, d, uint64(10+i))
		h1.Batch(p, s, b, dst)
		h2.Batch(p, s, b, dst)
	}
	p, s := correlated(b, d, 99)
	l1 := append([]float64(nil), h1.Batch(p, s, b, dst).Lambda...)
	q, r := correlated(b, d, 100)
	l2 := h2.Batch(q, r, b, dst).Lambda
	for k := range l1 {
		if l1[k] != l2[k] {
			t.Errorf("λ[%d] depends on the current batch: %v vs %v", k, l1[k], l2[k])
		}
	}
	pb, sb := make([]float64, d), make([]float64, d)
	h3 := mk()
	if st := h3.Means(pb, sb, dst); st.Lambda[0] != 1 {
		t.Errorf("running λ before any history = %v, want 1", st.Lambda[0])
	}
}

// TestMixerReuse checks that the vector mixer's λ is greeks.Mixer's on the
// summed moments, clipping included.
func TestMixerReuse(t *testing.T) {
	const b, d = 500, 3
	p, s := correlated(b, d, 4)
	a := NewAcc(d)
	a.AddBatch(p, s, b)
	for _, clip := range []bool{false, true} {
		v := VecMixer{Mixer: greeks.Mixer{Clip: clip}}
		lam := make([]float64, d)
		v.Lambdas(a, lam)
		if want := (greeks.Mixer{Clip: clip}).Lambda(a.Sum(0, d)); lam[0] != want {
			t.Errorf("clip=%v: λ = %v, greeks.Mixer gives %v", clip, lam[0], want)
		}
	}
}

// BenchmarkVecMixer: 1,000 samples × 1,000,000 coordinates, a λ per
// coordinate. The samples arrive in batches of 10 (80 MB a batch per
// estimator), as per-sample gradients of a network would.
func BenchmarkVecMixer(b *testing.B) {
	const d, batch, samples = 1_000_000, 10, 1000
	p, s := make([]float64, batch*d), make([]float64, batch*d)
	z := rngstream.New(1, 0)
	z.Normals(p)
	z.Normals(s)
	a := NewAcc(d)
	v := VecMixer{Granularity: Coordinate}
	lam, mean := make([]float64, d), make([]float64, d)
	b.ResetTimer()
	for range b.N {
		a.Reset()
		for range samples / batch {
			a.AddBatch(p, s, batch)
		}
		v.Lambdas(a, lam)
		for k := range mean {
			mean[k] = lam[k]*a.mp[k] + (1-lam[k])*a.ms[k]
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N)/(samples*d), "ns/sample-coordinate")
}

// TestWindow checks that the Window mode's λ is the mixer's λ over exactly
// the last Window samples of earlier batches, never the current one's, and
// that its state resumes exactly.
func TestWindow(t *testing.T) {
	const b, d, w = 5, 3, 12
	h := &Hybrid{Mode: Window, Window: w, VecMixer: VecMixer{Granularity: Coordinate}}
	dst := make([]float64, d)
	p0, s0 := correlated(b, d, 1)
	if st := h.Batch(p0, s0, b, dst); st.Lambda[0] != 1 {
		t.Errorf("window λ before any history = %v, want 1", st.Lambda[0])
	}
	var allP, allS []float64
	allP, allS = append(allP, p0...), append(allS, s0...)
	var saved HybridState
	var lastH []float64
	for i := 1; i < 6; i++ {
		p, s := correlated(b, d, uint64(1+i))
		// The reference: the mixer over the last w samples seen so far.
		n := len(allP) / d
		lo := max(0, n-w)
		ref := NewAcc(d)
		ref.AddBatch(allP[lo*d:], allS[lo*d:], n-lo)
		want := make([]float64, d)
		h.VecMixer.Lambdas(ref, want)
		if i == 3 {
			saved = h.State()
		}
		st := h.Batch(p, s, b, dst)
		lastH = append(lastH[:0], st.Lambda...)
		for k := range want {
			if !closeRel(st.Lambda[k], want[k], 1e-12) {
				t.Errorf("batch %d: λ[%d] = %v, want %v (last %d samples)", i, k, st.Lambda[k], want[k], n-lo)
			}
		}
		allP, allS = append(allP, p...), append(allS, s...)
	}
	// Resume from the state saved before batch 3 and replay batches 3..5.
	r := &Hybrid{Mode: Window, Window: w, VecMixer: VecMixer{Granularity: Coordinate}}
	if err := r.SetState(saved, d); err != nil {
		t.Fatal(err)
	}
	var last []float64
	for i := 3; i < 6; i++ {
		p, s := correlated(b, d, uint64(1+i))
		last = append(last[:0], r.Batch(p, s, b, dst).Lambda...)
	}
	final := h.State()
	got := r.State()
	for k := range final.WindowP {
		if final.WindowP[k] != got.WindowP[k] || final.WindowS[k] != got.WindowS[k] {
			t.Fatalf("resumed window differs at %d", k)
		}
	}
	if final.WindowN != got.WindowN || final.WindowAt != got.WindowAt {
		t.Errorf("resumed window position %d/%d, want %d/%d", got.WindowN, got.WindowAt, final.WindowN, final.WindowAt)
	}
	for k := range last {
		if last[k] != lastH[k] {
			t.Errorf("resumed λ[%d] = %v, want %v", k, last[k], lastH[k])
		}
	}
}
