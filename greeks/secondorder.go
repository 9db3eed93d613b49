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

// d correlated GBM assets (European payoffs): each asset a has its own
// Vanna ∂²V/∂S_a∂σ_a and Volga ∂²V/∂σ_a². With u_b = W_b (the correlated
// W_T), Ŵ = ρ⁻¹W_T, the scores of the density of ln S(T) at fixed x are
// π_a = Ŵ_a/(S_aσ_aT) and ν_a = Ŵ_aW_a/(σ_aT) − Ŵ_a − 1/σ_a, and with
// g_a = ∂u_a/∂σ_a = T − W_a/σ_a,
//
//	∂_σa π_a = (ρ⁻¹_aa g_a − Ŵ_a/σ_a)/(S_aσ_aT)
//	∂_σa ν_a = −(ρ⁻¹_aa g_a² + Ŵ_a(2W_a/σ_a² − T/σ_a))/T + 1/σ_a²
//
// so w_va = π_aν_a + ∂_σa π_a and w_vo = ν_a² + ∂_σa ν_a; with d = 1
// (Ŵ = W, ρ⁻¹ = 1) these are the weights above. The mixed estimators are
// those above with φ_a = S_a ∂f/∂S_a and ν_a: Vanna_a = E[D φ_a ν_a]/S_a,
// Volga_a = E[D φ_a ((W_a − σ_aT)ν_a − W_a/σ_a)] (W_a − σ_aT moves with
// σ_a at fixed x by g_a − T = −W_a/σ_a). fd bumps one asset's σ on the same
// draws (Correlated.Revol) and scales its fixings for the spot bump.

// secondOrderInvalid returns why Vanna or Volga is not offered for p on m
// under s, by any method, or "".
func secondOrderInvalid(p payoff.Payoff, m sde.Model, s sde.Scheme, g Greek) string {
	if !gbm(m) || s != sde.Exact || !european(p) {
		return fmt.Sprintf("%s is implemented for European payoffs on GBM assets under the exact scheme "+
			"(not %s on %s, scheme %s)", g, p.Name(), m.Name(), s)
	}
	return ""
}

// secondOrderPairs adds the paired Vanna and Volga samples of every asset
// (mixed pathwise–likelihood-ratio, or localized, against the Malliavin
// weight). f is the payoff, r the remainder f − f_ε when localizing (nil
// otherwise) and grad the payoff's gradient (the smoothed payoff's when
// localizing).
func (w *worker) secondOrderPairs(pl *plan, n int, acc *chunkAcc, fold int, f, r, grad []float64) {
	b, d := &w.base, pl.d
	phi, a, wt := w.a[:n], w.fx[0][:n], w.fx[1][:n]
	wd := b.W
	if d > 1 {
		wd = b.Dual
	}
	for as, par := range pl.assets {
		contract(grad, b.Obs, phi, 1, d, as) // S_a ∂f/∂S_a
		for _, g := range []Greek{Vanna, Volga} {
			if !pl.pair[g] {
				continue
			}
			secondOrderSamples(g, phi, b.W[as*n:as*n+n], wd[as*n:as*n+n], par, pl.rinv[as*d+as], a, wt)
			k := pl.slot(g, as, as)*pl.folds + fold
			acc.pair[k].add(pairSums(f, a, r, wt, pl.disc, pl.disc, pl.mall[g]))
		}
	}
}

// secondOrderSamples sets a to the mixed Vanna or Volga sample of one asset
// over D and wt to its Malliavin weight, path by path, from the asset's
// W = W_T, its dual Ŵ (W for one asset) and ρ⁻¹_aa (1):
//
//	Vanna  a = φ ν/S_0,                  wt = π ν + (ρ⁻¹_aa g − Ŵ/σ)/(S_0 σT)
//	Volga  a = φ ((W − σT) ν − W/σ),     wt = ν² − (ρ⁻¹_aa g² + Ŵ(2W/σ² − T/σ))/T + 1/σ²
//
// π = Ŵ/(S_0σT), ν = ŴW/(σT) − Ŵ − 1/σ, g = T − W/σ, φ = S_0-asset's
// S ∂f/∂S (of the smoothed payoff when localizing); pairSums makes
// P = D a (+ D r wt) and M = D f wt.
func secondOrderSamples(g Greek, phi, w, wd []float64, par sde.Params, rinv float64, a, wt []float64) {
	n := len(a)
	phi, w, wd, wt = phi[:n], w[:n], wd[:n], wt[:n]
	T, sig, s0 := par.Expiry, par.Vol, par.Spot
	st, is := sig*T, 1/sig
	cs := 1 / (s0 * st)
	for i, x := range w {
		y := wd[i]
		nu := y*x/st - y - is
		gg := T - x*is
		if g == Vanna {
			wt[i] = y*cs*nu + (rinv*gg-y*is)*cs
			a[i] = phi[i] * nu / s0
		} else {
			wt[i] = nu*nu - (rinv*gg*gg+y*(2*x*is*is-T*is))/T + is*is
			a[i] = phi[i] * ((x-st)*nu - x*is)
		}
	}
}

// secondOrderFD adds the fd Vanna and Volga of every asset under the
// exact scheme. With one asset volFD has left the σ ± δ paths in w.vu,
// w.vd and their payoffs in w.fvu, w.fvd; with several it resamples each
// asset at σ_a ± δ here (Correlated.Revol). f is the payoff on the base
// paths.
func (w *worker) secondOrderFD(pl *plan, n int, acc *chunkAcc, f []float64) {
	fu, fdn := w.fvu[:n], w.fvd[:n]
	D, dv := pl.disc, pl.dv
	z := w.z[:n*pl.fixings*pl.drivers]
	for as, p := range pl.assets {
		if pl.multi {
			pl.corr.Revol(as, p.Vol+dv, z, &w.base, &w.vu)
			pl.corr.Revol(as, p.Vol-dv, z, &w.base, &w.vd)
			pl.p.Eval(w.vu.Obs, fu, nil)
			pl.p.Eval(w.vd.Obs, fdn, nil)
		}
		if pl.fd[Volga] {
			acc.fd[pl.slot(Volga, as, as)].add(secondDiffSums(fu, f, fdn, D/(dv*dv)))
		}
		if !pl.fd[Vanna] {
			continue
		}
		x := &w.up
		copyBlock(x, &w.vu)
		for k, c := range [4]struct {
			b *sde.Block
			s float64
		}{{&w.vu, pl.up[as]}, {&w.vd, pl.up[as]}, {&w.vu, pl.down[as]}, {&w.vd, pl.down[as]}} {
			if pl.multi {
				copy(x.Obs, c.b.Obs) // the other assets at σ ± δ' paths, this one's scaled below
			}
			scaleAsset(x, c.b, as, c.s)
			pl.p.Eval(x.Obs, w.fx[k][:n], nil)
		}
		acc.fd[pl.slot(Vanna, as, as)].add(crossDiffSums(w.fx[0][:n], w.fx[1][:n], w.fx[2][:n], w.fx[3][:n], D/(4*pl.hs[as]*dv)))
	}
}
