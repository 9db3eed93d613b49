package greeks

import (
	"fmt"
	"math"

	"github.com/hybridgreeks/hybridgreeks/sde"
)

// WorstStdErr returns the standard error a tolerance run compares with
// Tolerance: over the Greeks computed, the hybrid's standard error where
// there is a hybrid, else the least of the Greek's methods; the price's
// when no Greek was computed.
func (r *Result) WorstStdErr() float64 {
	type key struct {
		g    Greek
		a, b int
	}
	best := map[key]float64{}
	hybrid := map[key]bool{}
	for _, f := range r.Figures {
		k := key{f.Greek, f.Asset, f.Asset2}
		switch {
		case f.Method == Hybrid:
			best[k], hybrid[k] = f.StdErr, true
		case hybrid[k]:
		default:
			if b, ok := best[k]; !ok || f.StdErr < b {
				best[k] = f.StdErr
			}
		}
	}
	if len(best) == 0 {
		return r.Price.StdErr
	}
	worst := 0.0
	for _, se := range best {
		if !(se <= worst) { // NaN is the worst
			worst = se
		}
	}
	return worst
}

// ToleranceMet reports whether a run with a Tolerance stopped because its
// standard errors reached it (true) rather than at MaxPaths (false). A run
// without a tolerance has met it.
func (r *Result) ToleranceMet() bool {
	return r.Tolerance == 0 || r.WorstStdErr() <= r.Tolerance
}

// NotFinite lists the figures of r whose estimate or standard error is
// NaN or infinite ("price", "gamma fd", …): an input so large or small
// that the simulation overflowed. Such a figure is a failure, never a
// result.
func (r *Result) NotFinite() []string {
	bad := func(e Estimate) bool {
		return math.IsNaN(e.Value) || math.IsInf(e.Value, 0) || math.IsNaN(e.StdErr) || math.IsInf(e.StdErr, 0)
	}
	var out []string
	if bad(r.Price) {
		out = append(out, "price")
	}
	for _, f := range r.Figures {
		if bad(f.Estimate) {
			out = append(out, f.Greek.String()+" "+f.Method.String())
		}
	}
	return out
}

// MaxTailError is the largest relative standard error of the sample mean
// of S_T, under the lognormal law the model implies, that HeavyTail lets
// pass.
const MaxTailError = 0.1

// HeavyTail returns a warning when the terminal law of m is too heavy for
// the run's path count, "" otherwise. Under GBM, S_T/E[S_T] = e^{sZ − s²/2}
// with s = σ√T, whose relative variance per path is e^{s²} − 1; the sample
// mean of N paths then has the relative standard error
//
//	ρ = √((e^{σ²T} − 1)/N).
//
// When ρ is large the mean is carried by rare paths the sample has not
// seen: the estimate is biased low with high probability and its sample
// standard error understates the error, for every estimator on those paths.
// HeavyTail warns when ρ > MaxTailError. For CEV it uses the local
// lognormal volatility at the spot, σS₀^{β−1}, which bounds CEV's tail for
// β ≤ 1. A model of several assets is judged by its most volatile asset.
func HeavyTail(m sde.Model, paths int64) string {
	p := m.Params()
	vol := p.Vol
	if c, ok := m.(sde.CEV); ok {
		vol = c.Vol * math.Pow(c.Spot, c.Beta-1)
	}
	if _, ok := m.(sde.Assets); ok {
		for _, a := range modelAssets(m) {
			vol = max(vol, a.Vol) // the most volatile asset of a multi-asset model
		}
	}
	s2 := vol * vol * p.Expiry
	rho := math.Sqrt(math.Expm1(s2) / float64(paths))
	if !(rho > MaxTailError) {
		return ""
	}
	return fmt.Sprintf("heavy tail: the lognormal variance σ²T = %.3g gives the mean of S_T a relative standard error "+
		"of %.3g with %d paths (√((e^{σ²T} − 1)/N); %.3g paths for %g); the figures and their standard errors are not reliable",
		s2, rho, paths, math.Expm1(s2)/(MaxTailError*MaxTailError), MaxTailError)
}

// Warnings returns what a report must say beside r's figures: the figures
// that are not finite, a tolerance not met, a heavy tail (HeavyTail) and,
// under Heston, a failed Feller condition.
func Warnings(m sde.Model, r *Result) []string {
	var w []string
	if bad := r.NotFinite(); len(bad) > 0 {
		w = append(w, fmt.Sprintf("not finite (the simulation overflowed; the inputs are outside what float64 can carry): %v", bad))
	}
	if !r.ToleranceMet() {
		w = append(w, fmt.Sprintf("tolerance %g not met: the worst standard error is %.4g after %d paths (the cap)",
			r.Tolerance, r.WorstStdErr(), r.Paths))
	}
	if h := HeavyTail(m, r.Paths); h != "" {
		w = append(w, h)
	}
	if h, ok := m.(sde.Heston); ok && !h.Feller() {
		tan := fmt.Sprintf("refused under euler, offered under qe (ξ² < 3κθ = %.4g: every qe step is quadratic)", 3*h.Kappa*h.Theta)
		if !h.QEQuadratic() {
			tan = fmt.Sprintf("refused (under qe too: ξ² ≥ 3κθ = %.4g)", 3*h.Kappa*h.Theta)
		}
		w = append(w, fmt.Sprintf("feller condition fails (2κθ = %.4g < ξ² = %.4g): the variance reaches 0; "+
			"qe handles it, full-truncation euler is biased more at few steps, the tangent-based (pathwise and malliavin) vega and theta are %s "+
			"(where refused, the malliavin vega is the first step's likelihood ratio, unbiased with a standard error growing like √steps, "+
			"and the hybrid vega that weight with a fitted baseline)",
			2*h.Kappa*h.Theta, h.Xi*h.Xi, tan))
	}
	return w
}
