// Package mlbridge carries the estimator machinery of package greeks over to
// machine-learning gradients: per-sample (or per-micro-batch) gradient
// vectors of two unbiased estimators — pathwise (reparameterization) and
// score function (the Malliavin weight of a Gaussian, ERRATA §1) — and their
// variance-optimal mix, with the λ of greeks.Mixer computed for the whole
// vector (the trace of the covariance, the paper's Algorithm 1), per
// coordinate, or per parameter block; estimated on the same batch, by
// cross-fitted folds, or from a running mean of past batches; plus the
// score-function estimator with the optimal constant baseline, a joint
// control-variate mixer, and a guard that refuses to mix a biased pathwise
// estimator.
//
// There is no second implementation of λ*: every λ here is greeks.Mixer's
// applied to greeks.Pair moments summed over the coordinates it governs.
package mlbridge

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/hybridgreeks/hybridgreeks/greeks"
)

// Acc accumulates, per coordinate, the mergeable joint moments of paired
// gradient samples (P_i, S_i) ∈ R^d: counts, means, sums of squared
// deviations and the co-moment. Batches are centred on their own means
// (two passes) and merged by Chan et al.'s formulas, so the moments are
// accurate whatever the batch sizes and the magnitudes of the means.
type Acc struct {
	d            int
	n            int64
	mp, ms       []float64 // means
	m2p, m2s, cc []float64 // Σ(P − mean)², Σ(S − mean)², Σ(P − mean)(S − mean)
	scratch      []float64
}

// NewAcc returns an empty accumulator for d coordinates.
func NewAcc(d int) *Acc {
	if d < 1 {
		panic("mlbridge: NewAcc needs d ≥ 1")
	}
	a := &Acc{d: d}
	for _, p := range []*[]float64{&a.mp, &a.ms, &a.m2p, &a.m2s, &a.cc} {
		*p = make([]float64, d)
	}
	return a
}

// Dim returns d.
func (a *Acc) Dim() int { return a.d }

// N returns the number of samples accumulated.
func (a *Acc) N() int64 { return a.n }

// Reset empties a.
func (a *Acc) Reset() {
	a.n = 0
	for _, p := range [][]float64{a.mp, a.ms, a.m2p, a.m2s, a.cc} {
		clear(p)
	}
}

// AddBatch adds b samples given row-major: p[i*d+k] and s[i*d+k] are
// coordinate k of sample i of the two estimators. Large batches are split
// by coordinate ranges across GOMAXPROCS goroutines; coordinates are
// independent, so the result does not depend on the split.
func (a *Acc) AddBatch(p, s []float64, b int) {
	d := a.d
	if len(p) < b*d || len(s) < b*d {
		panic(fmt.Sprintf("mlbridge: AddBatch given %d and %d values for %d samples of %d", len(p), len(s), b, d))
	}
	if b == 0 {
		return
	}
	if cap(a.scratch) < 5*d {
		a.scratch = make([]float64, 5*d)
	}
	w := a.scratch[:5*d]
	mp, ms, m2p, m2s, cc := w[:d], w[d:2*d], w[2*d:3*d], w[3*d:4*d], w[4*d:]
	workers := 1
	if b*d >= 1<<20 {
		workers = min(runtime.GOMAXPROCS(0), d)
	}
	if workers == 1 {
		batchMoments(p, s, b, d, 0, d, mp, ms, m2p, m2s, cc)
		a.merge(int64(b), mp, ms, m2p, m2s, cc)
		return
	}
	var wg sync.WaitGroup
	for j := range workers {
		lo, hi := j*d/workers, (j+1)*d/workers
		wg.Go(func() {
			batchMoments(p, s, b, d, lo, hi, mp, ms, m2p, m2s, cc)
		})
	}
	wg.Wait()
	a.merge(int64(b), mp, ms, m2p, m2s, cc)
}

// batchMoments computes the two-pass moments of coordinates [lo, hi) of a
// batch into the given slices.
func batchMoments(p, s []float64, b, d, lo, hi int, mp, ms, m2p, m2s, cc []float64) {
	mp, ms, m2p, m2s, cc = mp[lo:hi], ms[lo:hi], m2p[lo:hi], m2s[lo:hi], cc[lo:hi]
	for _, x := range [][]float64{mp, ms, m2p, m2s, cc} {
		clear(x)
	}
	for i := range b {
		pi, si := p[i*d+lo:i*d+hi], s[i*d+lo:i*d+hi]
		for k := range mp {
			mp[k] += pi[k]
			ms[k] += si[k]
		}
	}
	inv := 1 / float64(b)
	for k := range mp {
		mp[k] *= inv
		ms[k] *= inv
	}
	for i := range b {
		pi, si := p[i*d+lo:i*d+hi], s[i*d+lo:i*d+hi]
		for k := range mp {
			dp, ds := pi[k]-mp[k], si[k]-ms[k]
			m2p[k] += dp * dp
			m2s[k] += ds * ds
			cc[k] += dp * ds
		}
	}
}

// Add adds one sample.
func (a *Acc) Add(p, s []float64) { a.AddBatch(p, s, 1) }

// Merge adds the samples of b (same dimension).
func (a *Acc) Merge(b *Acc) {
	if b.d != a.d {
		panic("mlbridge: Merge of accumulators of different dimensions")
	}
	a.merge(b.n, b.mp, b.ms, b.m2p, b.m2s, b.cc)
}

// merge is greeks.Pair.Merge (Chan, Golub and LeVeque) applied to every
// coordinate; it is written over the slices, with the count ratios hoisted
// out of the loop, because it runs once per batch over up to millions of
// coordinates.
func (a *Acc) merge(nb int64, mp, ms, m2p, m2s, cc []float64) {
	if nb == 0 {
		return
	}
	if a.n == 0 {
		a.n = nb
		copy(a.mp, mp)
		copy(a.ms, ms)
		copy(a.m2p, m2p)
		copy(a.m2s, m2s)
		copy(a.cc, cc)
		return
	}
	na, n := float64(a.n), float64(a.n+nb)
	fb := float64(nb) / n
	f := na * float64(nb) / n
	for k := range a.mp {
		dp, ds := mp[k]-a.mp[k], ms[k]-a.ms[k]
		a.mp[k] += dp * fb
		a.ms[k] += ds * fb
		a.m2p[k] += m2p[k] + dp*dp*f
		a.m2s[k] += m2s[k] + ds*ds*f
		a.cc[k] += cc[k] + dp*ds*f
	}
	a.n += nb
}

// Pair returns the moments of coordinate k as a greeks.Pair (P first).
func (a *Acc) Pair(k int) greeks.Pair {
	return greeks.Pair{N: a.n, MeanP: a.mp[k], MeanM: a.ms[k], M2P: a.m2p[k], M2M: a.m2s[k], C: a.cc[k]}
}

// Sum returns the moments summed over coordinates [lo, hi): the means and
// the traces of the covariance blocks, the input of a single λ for those
// coordinates.
func (a *Acc) Sum(lo, hi int) greeks.Pair {
	t := greeks.Pair{N: a.n}
	for k := lo; k < hi; k++ {
		t.MeanP += a.mp[k]
		t.MeanM += a.ms[k]
		t.M2P += a.m2p[k]
		t.M2M += a.m2s[k]
		t.C += a.cc[k]
	}
	return t
}

// Means copies the mean gradients of the two estimators into p and s.
func (a *Acc) Means(p, s []float64) {
	copy(p, a.mp)
	copy(s, a.ms)
}
