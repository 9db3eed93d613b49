package greeks

import (
	"fmt"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Gamma, Vega, Rho and Theta on an Euler grid (one GBM or CEV asset), by
// the Euler chain's weights and tangents of package sde (gridweights.go
// there has the derivation):
//
//	Gamma  mixed P = D φ_Y g_P,                   Malliavin M = D f γ
//	Vega   pathwise P = D Σ_j ∂f/∂X_j ∂X_j/∂σ,    M = D f ν
//	Rho    pathwise P = D (Σ_j ∂f/∂X_j R_j − T f), M = D f (s_r − T)
//	Theta  pathwise P = D (r f − Σ_j ∂f/∂X_j U_j), M = D f (r − s_T)
//
// φ_Y = Σ_j ∂f/∂X_j Y_j. Localized estimators take the P half on the
// smoothed payoff and weight the remainder f − f_ε by the M half's weight;
// the hybrid mixes the two. Every figure estimates the discretized
// chain's Greek, the target of fd on the same grid. Milstein keeps fd (and
// pathwise Vega): its step is not Gaussian, so it has no such scores.

// gridWeights reports whether m under s takes the Euler chain's weights:
// one asset of a diffusion (not Heston) under Euler.
func gridWeights(m sde.Model, s sde.Scheme) bool {
	_, isHeston := heston(m)
	d, _ := sde.Dims(m)
	return s == sde.Euler && !isHeston && d == 1
}

// gridGammaSteps returns why method x cannot estimate the Gamma of p on a
// grid of the given steps, or "": the Malliavin Gamma weight splits the
// first fixing interval in two.
func gridGammaSteps(p payoff.Payoff, m sde.Model, s sde.Scheme, steps int, g Greek, x Method) string {
	if g != Gamma || !gridWeights(m, s) || steps/p.Dates() >= 2 {
		return ""
	}
	if x == Malliavin || x == Localized || x == Hybrid {
		return fmt.Sprintf("the Euler chain's Malliavin Gamma weight splits the first fixing interval in two halves: "+
			"it needs at least 2 steps a fixing (%d steps, %d fixings)", steps, p.Dates())
	}
	return ""
}

// gridGammaSamples returns φ_Y g_P on every path, for pairSums to pair
// P = D φ_Y g_P (+ D r γ) with M = D f γ.
func (w *worker) gridGammaSamples(pl *plan, n int, grad []float64) []float64 {
	b, a := &w.base, w.fx[0][:n]
	contract(grad, b.Y, a, pl.fixings, 1, 0)
	for i, g := range b.GammaMixed[:n] {
		a[i] *= g
	}
	return a
}

// rateTimePairsGrid adds the paired Rho and Theta samples on an Euler grid
// (see above); f, r and grad as for rateTimePairs.
func (w *worker) rateTimePairsGrid(pl *plan, n int, acc *chunkAcc, fold int, f, r, grad []float64) {
	b, m := &w.base, pl.fixings
	fp := f
	if r != nil {
		fp = w.fs[:n]
	}
	T, rate := pl.par.Expiry, pl.par.Rate
	a, wt := w.fx[0][:n], w.fx[1][:n]
	for _, g := range []Greek{Rho, Theta} {
		if !pl.pair[g] {
			continue
		}
		if g == Rho {
			contract(grad, b.DRate, a, m, 1, 0)
			for i, s := range b.RateWeight[:n] {
				a[i] -= T * fp[i]
				wt[i] = s - T
			}
		} else {
			contract(grad, b.DTime, a, m, 1, 0)
			for i, s := range b.TimeWeight[:n] {
				a[i] = rate*fp[i] - a[i]
				wt[i] = rate - s
			}
		}
		k := pl.slot(g, 0, 0)*pl.folds + fold
		acc.pair[k].add(pairSums(f, a, r, wt, pl.disc, pl.disc, pl.mall[g]))
	}
}
