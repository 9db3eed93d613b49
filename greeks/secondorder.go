package greeks

import (
	"fmt"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Vanna and Volga of a European payoff f on one GBM asset under the exact
// scheme.
//
// With D = e^{−rT}, W = W_T ~ N(0, T) and S_T = S_0 exp(μT + σW),
// μ = r − q − σ²/2, x = ln S_T is normal with mean m = ln S_0 + μT and
// variance v = σ²T. Differentiating V = E[D f(S_T)] through the density of
// x (the likelihood ratio, which for a European payoff is the Malliavin
// weight), with z = x − m = σW, ∂m/∂S_0 = 1/S_0, ∂m/∂σ = −σT, ∂v/∂σ = 2σT,
// gives the scores
//
//	π = ∂ ln p/∂S_0 = W/(S_0 σT)                    (Delta's weight)
//	ν = ∂ ln p/∂σ   = W²/(σT) − W − 1/σ             (Vega's weight)
//
// and for second derivatives ∂²p/∂a∂b / p = (∂_a ln p)(∂_b ln p) + ∂_b∂_a ln p
// at fixed x:
//
//	∂_σ π at fixed x = 1/(S_0 σ) − 2W/(S_0 σ² T)
//	∂_σ ν at fixed x = 1/σ² − T + 3W/σ − 3W²/(σ² T)
//
// so that
//
//	Vanna = ∂²V/∂S_0∂σ = E[D f w_va],  w_va = π ν + ∂_σ π
//	                                        = (W³/(σT) − W² − 3W/σ + T)/(S_0 σ T)
//	Volga = ∂²V/∂σ²    = E[D f w_vo],  w_vo = ν² + 1/σ² − T + 3W/σ − 3W²/(σ²T)
//
// Both weights have mean 0 (E[W²] = T, E[W⁴] = 3T²: E[ν²] = (2 + σ²T)/σ²).
// The same weights follow from Gaussian integration by parts in W:
// w_va = (νW/T − ∂_W ν)/(σ S_0), since f'(S_T) S_T = ∂_W f/σ.
//
// The mixed pathwise–likelihood-ratio estimators differentiate along the
// path once and through the density once. With φ = f'(S_T) S_T, a function
// of S_T alone, Delta = E[D φ]/S_0, so Vanna = ∂_σ Delta = E[D φ ν]/S_0.
// Vega = E[D φ (W − σT)] with W − σT = L/σ − σT/2, L = ln(S_T/S_0) − (r−q)T,
// a function of S_T and σ; its σ-derivative at fixed S_T is −L/σ² − T/2 =
// −W/σ, so Volga = E[D φ ((W − σT) ν − W/σ)]. They need a Lipschitz f
// (localization handles a digital: the smoothed payoff by the mixed
// estimator, the remainder by the weight).
//
// fd: the mixed central difference on the same normals,
//
//	Vanna ≈ D (f(S+h, σ+δ) − f(S+h, σ−δ) − f(S−h, σ+δ) + f(S−h, σ−δ))/(4hδ),
//	Volga ≈ D (f(σ+δ) − 2f(σ) + f(σ−δ))/δ²,
//
// the spot bump scaling the σ ± δ paths (S_T is linear in S_0).

// secondOrderInvalid returns why Vanna or Volga is not offered for p on m
// under s, by any method, or "".
func secondOrderInvalid(p payoff.Payoff, m sde.Model, s sde.Scheme, g Greek) string {
	if _, ok := m.(sde.GBM); !ok || s != sde.Exact || !european(p) {
		return fmt.Sprintf("%s is implemented for European payoffs on one GBM asset under the exact scheme "+
			"(not %s on %s, scheme %s)", g, p.Name(), m.Name(), s)
	}
	return ""
}

// secondOrderPairs adds the paired Vanna and Volga samples (mixed
// pathwise–likelihood-ratio, or localized, against the Malliavin weight).
// f is the payoff, r the remainder f − f_ε when localizing (nil otherwise)
// and grad the payoff's gradient (the smoothed payoff's when localizing).
func (w *worker) secondOrderPairs(pl *plan, n int, acc *chunkAcc, fold int, f, r, grad []float64) {
	phi, a, wt := w.a[:n], w.fx[0][:n], w.fx[1][:n]
	contract(grad, w.base.Obs, phi, 1, 1, 0) // f'(S_T) S_T
	for _, g := range []Greek{Vanna, Volga} {
		if !pl.pair[g] {
			continue
		}
		secondOrderSamples(g, phi, w.base.W[:n], pl.par, a, wt)
		k := pl.slot(g, 0, 0)*pl.folds + fold
		acc.pair[k].add(pairSums(f, a, r, wt, pl.disc, pl.disc, pl.mall[g]))
	}
}

// secondOrderSamples sets a to the mixed Vanna or Volga sample over D and
// wt to the Malliavin weight, path by path:
//
//	Vanna  a = φ ν/S_0,                  wt = (W³/(σT) − W² − 3W/σ + T)/(S_0 σT)
//	Volga  a = φ ((W − σT) ν − W/σ),     wt = ν² + 1/σ² − T + 3W/σ − 3W²/(σ²T)
//
// ν = W²/(σT) − W − 1/σ, φ = f'(S_T) S_T (of the smoothed payoff when
// localizing); pairSums makes P = D a (+ D r wt) and M = D f wt.
func secondOrderSamples(g Greek, phi, w []float64, par sde.Params, a, wt []float64) {
	n := len(a)
	phi, w, wt = phi[:n], w[:n], wt[:n]
	T, sig := par.Expiry, par.Vol
	st, is := sig*T, 1/sig
	// ν = a2 W² + a1 W + a0.
	a2, a1, a0 := 1/st, -1.0, -is
	// a = φ (kv ν + kw ((W − σT)ν − W/σ)); wt = c3 W³ + c2 W² + c1 W + c0 + sq ν².
	var c3, c2, c1, c0, sq float64
	kv, kw := 0.0, 1.0
	if g == Vanna {
		kv, kw = 1/par.Spot, 0
		inv := 1 / (par.Spot * st)
		c3, c2, c1, c0 = inv/st, -inv, -3*is*inv, T*inv
	} else {
		sq = 1
		c2, c1, c0 = -3*is*is/T, 3*is, is*is-T
	}
	for i, x := range w {
		nu := (a2*x+a1)*x + a0
		wt[i] = ((c3*x+c2)*x+c1)*x + c0 + sq*nu*nu
		a[i] = phi[i] * (kv*nu + kw*((x-st)*nu-x*is))
	}
}

// secondOrderFD adds the fd Vanna and Volga of one GBM asset under the
// exact scheme: volFD has left the σ ± δ paths in w.vu, w.vd and their
// payoffs in w.fvu, w.fvd; f is the payoff on the base paths.
func (w *worker) secondOrderFD(pl *plan, n int, acc *chunkAcc, f []float64) {
	fu, fdn := w.fvu[:n], w.fvd[:n]
	D, h, dv := pl.disc, pl.hs[0], pl.dv
	if pl.fd[Volga] {
		acc.fd[pl.slot(Volga, 0, 0)].add(secondDiffSums(fu, f, fdn, D/(dv*dv)))
	}
	if !pl.fd[Vanna] {
		return
	}
	x := &w.up
	copyBlock(x, &w.vu)
	for k, c := range [4]struct {
		b *sde.Block
		s float64
	}{{&w.vu, pl.up[0]}, {&w.vd, pl.up[0]}, {&w.vu, pl.down[0]}, {&w.vd, pl.down[0]}} {
		scaleAsset(x, c.b, 0, c.s)
		pl.p.Eval(x.Obs, w.fx[k][:n], nil)
	}
	acc.fd[pl.slot(Vanna, 0, 0)].add(crossDiffSums(w.fx[0][:n], w.fx[1][:n], w.fx[2][:n], w.fx[3][:n], D/(4*h*dv)))
}
