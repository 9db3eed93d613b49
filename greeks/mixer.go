package greeks

import "math"

// Mixer combines two unbiased estimators P and M of the same quantity,
// computed on the same paths, into the hybrid
//
//	H = λ P + (1 − λ) M,
//
// choosing λ to minimize Var H:
//
//	λ* = (V_M − C) / (V_P + V_M − 2C)
//
// with V_P, V_M the variances and C the covariance of the per-path samples
// (the paper's Theorem 4). Any real λ keeps H unbiased, so λ* is not clipped
// by default: H is a control variate with control P − M, and restricting λ
// to [0, 1] can only raise the variance (ERRATA §2.4). Clip gives the paper's
// [0, 1] variant.
//
// With λ estimated from the same samples it weights ("plug-in"), H has a bias
// of order 1/N (ERRATA §2.5); at the path counts of option pricing it is far
// below the standard error.
type Mixer struct {
	Clip bool // restrict λ to [0, 1], as the paper's Algorithm 1 does
}

// Lambda returns the variance-minimizing weight of P for the paired moments
// p. When P − M has no variance the two estimators coincide and Lambda
// returns 1.
func (x Mixer) Lambda(p Pair) float64 {
	den := p.M2P + p.M2M - 2*p.C // (n−1)·Var(P − M) ≥ 0
	if !(den > 1e-14*(p.M2P+p.M2M)) {
		return 1
	}
	l := (p.M2M - p.C) / den
	if x.Clip {
		l = math.Min(math.Max(l, 0), 1)
	}
	return l
}

// Mix returns the hybrid estimate for the paired moments p with λ = Lambda(p),
// and λ. Its standard error is that of the mixed per-path samples
// λP_i + (1−λ)M_i:
//
//	Var H = λ² V_P + (1−λ)² V_M + 2λ(1−λ) C.
func (x Mixer) Mix(p Pair) (Estimate, float64) {
	l := x.Lambda(p)
	return Combine(p, l), l
}

// Combine returns the estimate of λP + (1−λ)M for the paired moments p.
func Combine(p Pair, l float64) Estimate {
	return combine(p, l).Estimate()
}

// combine returns the moments of the mixed samples λP + (1−λ)M, mergeable
// with other folds'.
func combine(p Pair, l float64) Moments {
	m := 1 - l
	m2 := l*l*p.M2P + m*m*p.M2M + 2*l*m*p.C
	return Moments{N: p.N, Mean: l*p.MeanP + m*p.MeanM, M2: math.Max(m2, 0)}
}
