package greeks

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// z975 is the 97.5% quantile of the standard normal distribution.
const z975 = 1.959963984540054

// Estimate is a Monte Carlo figure with its uncertainty, as QuantLib's
// NPV() and errorEstimate() are.
type Estimate struct {
	Value  float64 // the sample mean of the per-path samples
	StdErr float64 // the standard error: sample standard deviation / √N
	N      int64   // the number of per-path samples
	// DF is the degrees of freedom of StdErr when it comes from the spread
	// of a few independent estimates (R − 1 for R randomizations of a Sobol
	// run); 0 means it comes from the N per-path samples, where the normal
	// quantile serves.
	DF int64
}

// CI95 returns the 95% confidence interval Value ± q·StdErr, q = 1.96 the
// normal quantile, or with DF > 0 Student's t quantile t₀.₉₇₅(DF) (2.13 for
// 15 degrees of freedom).
func (e Estimate) CI95() (lo, hi float64) {
	q := z975
	if e.DF > 0 {
		q = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(e.DF)}.Quantile(0.975)
	}
	return e.Value - q*e.StdErr, e.Value + q*e.StdErr
}

// Moments are the mergeable first two moments of a sample: its size, mean
// and sum of squared deviations from the mean.
type Moments struct {
	N    int64
	Mean float64
	M2   float64 // Σ (x − Mean)²
}

// Variance returns the unbiased sample variance M2/(N−1).
func (m Moments) Variance() float64 {
	if m.N < 2 {
		return math.NaN()
	}
	return m.M2 / float64(m.N-1)
}

// Estimate returns the mean with its standard error.
func (m Moments) Estimate() Estimate {
	return Estimate{Value: m.Mean, StdErr: math.Sqrt(m.Variance() / float64(m.N)), N: m.N}
}

// Merge adds the sample b to m (Chan, Golub and LeVeque 1979):
//
//	δ = mean_b − mean_m,  mean = mean_m + δ n_b/n,
//	M2 = M2_m + M2_b + δ² n_m n_b / n.
//
// Merging the same parts in the same order gives bit-identical results.
func (m *Moments) Merge(b Moments) {
	if b.N == 0 {
		return
	}
	if m.N == 0 {
		*m = b
		return
	}
	n := m.N + b.N
	na, nb, nn := float64(m.N), float64(b.N), float64(n)
	d := b.Mean - m.Mean
	m.Mean += d * nb / nn
	m.M2 += b.M2 + d*d*na*nb/nn
	m.N = n
}

// Pair holds the mergeable joint moments of paired samples (P_i, M_i) of two
// estimators computed on the same paths: the inputs of the mixer.
type Pair struct {
	N            int64
	MeanP, MeanM float64
	M2P, M2M     float64 // Σ (P − mean)², Σ (M − mean)²
	C            float64 // Σ (P − meanP)(M − meanM)
}

// P returns the moments of the first estimator alone.
func (p Pair) P() Moments { return Moments{p.N, p.MeanP, p.M2P} }

// M returns the moments of the second estimator alone.
func (p Pair) M() Moments { return Moments{p.N, p.MeanM, p.M2M} }

// Merge adds the paired sample b to p, as Moments.Merge does, with the
// co-moment updated by C = C_p + C_b + δ_P δ_M n_p n_b / n.
func (p *Pair) Merge(b Pair) {
	if b.N == 0 {
		return
	}
	if p.N == 0 {
		*p = b
		return
	}
	n := p.N + b.N
	na, nb, nn := float64(p.N), float64(b.N), float64(n)
	dp, dm := b.MeanP-p.MeanP, b.MeanM-p.MeanM
	f := na * nb / nn
	p.MeanP += dp * nb / nn
	p.MeanM += dm * nb / nn
	p.M2P += b.M2P + dp*dp*f
	p.M2M += b.M2M + dm*dm*f
	p.C += b.C + dp*dm*f
	p.N = n
}

// sums are the raw power sums of a small paired sample, accumulated in the
// per-path loop and turned into centred moments once per chunk. With at most
// ChunkSize terms their cancellation error is negligible (relative error
// about ChunkSize·ε·(1 + mean²/variance)).
type sums struct {
	n                float64
	sp, spp, sm, smm float64
	spm              float64
}

func (s *sums) add(o sums) {
	s.n += o.n
	s.sp += o.sp
	s.spp += o.spp
	s.sm += o.sm
	s.smm += o.smm
	s.spm += o.spm
}

func (s sums) pair() Pair {
	if s.n == 0 {
		return Pair{}
	}
	mp, mm := s.sp/s.n, s.sm/s.n
	return Pair{
		N:     int64(s.n),
		MeanP: mp, MeanM: mm,
		M2P: math.Max(s.spp-s.sp*mp, 0),
		M2M: math.Max(s.smm-s.sm*mm, 0),
		C:   s.spm - s.sp*mm,
	}
}

// DiffZ returns the z-statistic of the paired difference P − M: its mean
// over its standard error. Two unbiased estimators of the same quantity have
// E[P − M] = 0, so a large |DiffZ| says one of them is biased (a pathwise
// estimator on a discontinuous payoff or loss). It is 0 when P − M has no
// variance and no mean, and ±Inf when it has a mean but no variance.
func (p Pair) DiffZ() float64 {
	d := p.MeanP - p.MeanM
	v := (p.M2P + p.M2M - 2*p.C) / float64(p.N-1)
	if !(v > 0) {
		if d == 0 {
			return 0
		}
		return math.Inf(int(math.Copysign(1, d)))
	}
	return d / math.Sqrt(v/float64(p.N))
}
