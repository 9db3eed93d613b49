package analytic

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ncx2 is the noncentral chi-square distribution with k > 0 degrees of
// freedom and noncentrality λ ≥ 0, the law of Σ_i (Z_i + μ_i)² with
// Σ_i μ_i² = λ for integer k. gonum's distuv has none. It is the Poisson
// mixture of central chi-square distributions
//
//	P(X ≤ z) = Σ_{j≥0} w_j P(χ²_{k+2j} ≤ z),   w_j = e^{−λ/2} (λ/2)^j / j!,
//
// and the same mixture of their densities and survival functions (Johnson,
// Kotz and Balakrishnan, Continuous Univariate Distributions, vol. 2,
// ch. 29).
//
// The series is summed outward from the mode j0 = ⌊λ/2⌋ of the Poisson
// weights, up and down, until the Poisson mass not yet summed on that side
// is below ncx2Tail of the mass summed. The mass above j ≥ j0 is at most
// w_j ρ/(1 − ρ) with ρ = (λ/2)/(j+1), and the mass below j ≤ λ/2 at most
// w_j r/(1 − r) with r = j/(λ/2), since the ratios of successive weights
// shrink geometrically away from the mode. The weights come from the
// recurrence w_{j±1}/w_j and the sums are divided by the sum of the weights
// used, so that no error in w_{j0} enters. Since the central probabilities
// lie in [0, 1], the truncation error of a probability is below 2·ncx2Tail
// in absolute terms (not relative to a small tail: far in a tail the terms
// left out can be most of the value); that of the density below
// 2·ncx2Tail times the largest central density left out (at most 1/2 for
// k ≥ 2). The number of terms grows as √(λ/2); past a Poisson mean of
// ncx2MaxMean the functions return NaN.
type ncx2 struct {
	k, lambda float64
}

const (
	ncx2Tail    = 1e-15 // relative Poisson mass left out on each side
	ncx2MaxMean = 1e10  // largest λ/2 summed, about 1.6e6 terms
)

// mixture returns Σ_j w_j f(j) / Σ_j w_j over the Poisson(λ/2) weights, summed
// outward from the mode as described at ncx2, or NaN when λ/2 exceeds
// ncx2MaxMean or is not a number.
func (d ncx2) mixture(f func(j int) float64) float64 {
	mu := d.lambda / 2
	if !(mu >= 0 && mu <= ncx2MaxMean) {
		return math.NaN()
	}
	j0 := int(mu) // the mode, ⌊λ/2⌋
	sum, wsum := f(j0), 1.0
	// Upward: the mass above j is at most w ρ/(1 − ρ), ρ = μ/(j+1) < 1.
	for j, w := j0, 1.0; ; {
		rho := mu / float64(j+1)
		if w*rho <= ncx2Tail*wsum*(1-rho) {
			break
		}
		j++
		w *= rho
		sum += w * f(j)
		wsum += w
	}
	// Downward: the mass below j is at most w r/(1 − r), r = j/μ, when r < 1.
	for j, w := j0, 1.0; j > 0; {
		r := float64(j) / mu
		if r < 1 && w*r <= ncx2Tail*wsum*(1-r) {
			break
		}
		j--
		w *= r
		sum += w * f(j)
		wsum += w
	}
	return sum / wsum
}

// cdf returns P(X ≤ z).
func (d ncx2) cdf(z float64) float64 {
	switch {
	case math.IsNaN(z):
		return z
	case z <= 0:
		return 0
	case math.IsInf(z, 1):
		return 1
	}
	return d.mixture(func(j int) float64 {
		return distuv.ChiSquared{K: d.k + 2*float64(j)}.CDF(z)
	})
}

// survival returns P(X > z), summed as its own mixture of the central
// survival functions, so that it keeps its relative accuracy where it is
// small rather than being 1 − cdf.
func (d ncx2) survival(z float64) float64 {
	switch {
	case math.IsNaN(z):
		return z
	case z <= 0:
		return 1
	case math.IsInf(z, 1):
		return 0
	}
	return d.mixture(func(j int) float64 {
		return distuv.ChiSquared{K: d.k + 2*float64(j)}.Survival(z)
	})
}

// prob returns the density at z > 0. The central densities are
//
//	f_{k+2j}(z) = g(k/2 + j − 1, z/2) / 2,   g(a, x) = x^a e^{−x} / Γ(a+1),
//
// with g from poissonTerm rather than distuv.ChiSquared.Prob, whose
// exp(… − lnΓ(k/2)) loses about ε·(k/2) ln(k/2) of relative accuracy for
// large k.
func (d ncx2) prob(z float64) float64 {
	switch {
	case math.IsNaN(z):
		return z
	case z < 0 || math.IsInf(z, 1):
		return 0
	case z == 0:
		// Only the j = 0 term can be non-zero at 0.
		switch {
		case d.k < 2:
			return math.Inf(1)
		case d.k == 2:
			return math.Exp(-d.lambda/2) / 2
		}
		return 0
	}
	return d.mixture(func(j int) float64 {
		return poissonTerm(d.k/2+float64(j)-1, z/2) / 2
	})
}

// poissonTerm returns g(a, x) = x^a e^{−x} / Γ(a+1) for a > −1 and x > 0: the
// Poisson probability of a with mean x when a is an integer, and twice the
// chi-square density with 2a + 2 degrees of freedom at 2x. For a ≥ 10 it is
// computed as (Loader 2000, Fast and accurate computation of binomial
// probabilities)
//
//	g(a, x) = exp(−stirlerr(a) − bd0(a, x)) / √(2πa),
//	stirlerr(a) = ln Γ(a+1) − (a + 1/2) ln a + a − ln √(2π),
//	bd0(a, x)   = a ln(a/x) + x − a ≥ 0,
//
// whose terms are small where g is not negligible, so that its relative
// error stays a few ε instead of growing as ε·a ln a with the direct
// exp(a ln x − x − ln Γ(a+1)), which is used for a < 10.
func poissonTerm(a, x float64) float64 {
	if a < 10 {
		lg, _ := math.Lgamma(a + 1)
		return math.Exp(a*math.Log(x) - x - lg)
	}
	return math.Exp(-stirlerr(a)-bd0(a, x)) / math.Sqrt(2*math.Pi*a)
}

// stirlerr returns ln Γ(a+1) − (a + 1/2) ln a + a − ln √(2π) for a ≥ 10 by
// its asymptotic series Σ_k B_{2k} / (2k (2k−1) a^{2k−1}), whose first
// omitted term is below 3e-17 at a = 10.
func stirlerr(a float64) float64 {
	y := 1 / (a * a)
	return (1.0/12 - y*(1.0/360-y*(1.0/1260-y*(1.0/1680-y*(1.0/1188-y*(691.0/360360-y/156)))))) / a
}

// bd0 returns a ln(a/x) + x − a for a, x > 0. Near a = x, with
// t = (a − x)/(a + x) and ln(a/x) = 2 atanh t, it is summed as
//
//	(a − x) t + 2a Σ_{j≥1} t^{2j+1} / (2j + 1),
//
// every term of which is positive, rather than as a difference of large
// numbers.
func bd0(a, x float64) float64 {
	if math.Abs(a-x) >= 0.1*(a+x) {
		return a*math.Log(a/x) + x - a
	}
	t := (a - x) / (a + x)
	sum := (a - x) * t
	t2 := t * t
	term := 2 * a * t
	for j := 1; ; j++ {
		term *= t2
		next := sum + term/float64(2*j+1)
		if next == sum {
			return sum
		}
		sum = next
	}
}
