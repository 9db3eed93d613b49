package greeks

import (
	"fmt"
	"math"

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

// Asian and barrier payoffs on one GBM asset under the exact scheme
// (fixings t_j = jΔ, Δ = T/m). The log-path y_j = ln S_{t_j} has
// independent Gaussian increments, the first with mean ln S_0 + μΔ, each
// with variance σ²Δ (μ = r − q − σ²/2, z_k = ΔW_k/√Δ); S_0 enters the first
// increment only and σ every one, so the scores are (pathdep_weights.go)
//
//	π_1 = ΔW_1/(S_0σΔ),   ν_Σ = Σ_k (z_k² − 1)/σ − W_T,
//
// and at fixed y, each increment's second derivatives being the European
// ones with T → Δ, W → ΔW_k,
//
//	∂_σ π_1 = 1/(S_0σ) − 2ΔW_1/(S_0σ²Δ),
//	∂_σ ν_Σ = Σ_k (1/σ² − Δ + 3ΔW_k/σ − 3z_k²/σ²) = m/σ² − T + 3W_T/σ − 3Σ_k z_k²/σ²,
//
// so that Vanna = E[D f (π_1ν_Σ + ∂_σπ_1)] and Volga = E[D f (ν_Σ² + ∂_σν_Σ)];
// with m = 1 these are the European weights. The mixed estimators carry
// the European ones over fixing by fixing: with φ = Σ_j S_{t_j} ∂f/∂S_{t_j}
// (fixed with y), Vanna = E[D φ ν_Σ]/S_0, and since ∂S_{t_j}/∂σ =
// S_{t_j}(W_{t_j} − σt_j) moves at fixed y by −S_{t_j}W_{t_j}/σ,
//
//	Volga = E[D Σ_j S_{t_j} ∂f/∂S_{t_j} ((W_{t_j} − σt_j) ν_Σ − W_{t_j}/σ)].
//
// Both scores sum m terms, so these weights' variances grow with the
// fixings (as the general Gamma and Vega weights' do), and so does the
// mixed estimators', which carry ν_Σ. The geometric Asian's payoff depends
// on Z̄ = (1/m) Σ_j W_{t_j} ~ N(0, v) alone (ln G has mean
// ln S_0 + (r − q)t̄ − σ²t̄/2 and variance σ²v; pathdep_weights.go), and
// conditioning on it gives weights that do not grow: with
// ν_G = Z̄²/(σv) − Z̄t̄/v − 1/σ and, at fixed ln G, ∂_σZ̄ = t̄ − Z̄/σ,
//
//	Vanna:  w = Z̄ν_G/(S_0σv) + t̄/(S_0σv) − 2Z̄/(S_0σ²v),      mixed φ ν_G/S_0
//	Volga:  w = ν_G² + 1/σ² + 3Z̄t̄/(σv) − 3Z̄²/(σ²v) − t̄²/v,   mixed φ ((Z̄ − σt̄)ν_G − Z̄/σ)
//
// (T → t̄ in the mean's terms, T → v in the variance's: with m = 1 the
// European weights). Localized (barriers): the mixed estimator on the
// smoothed payoff, the weight on the remainder. fd is the European one:
// the fixings are linear in S_0 and the σ ± δ paths reuse the normals.

// secondOrderInvalid returns why Vanna or Volga is not offered for p on m
// under s, by any method, or "".
func secondOrderInvalid(p payoff.Payoff, m sde.Model, s sde.Scheme, g Greek) string {
	if !gbm(m) || s != sde.Exact || !(european(p) || pathDep(p, m, s)) {
		return fmt.Sprintf("%s is implemented for European payoffs on GBM assets and Asian and barrier payoffs "+
			"on one GBM asset under the exact scheme (not %s on %s, scheme %s)", g, p.Name(), m.Name(), s)
	}
	return ""
}

// secondOrderPathDep adds the paired Vanna and Volga samples of an Asian
// or barrier payoff on one GBM asset (see above); arguments as for
// secondOrderPairs.
func (w *worker) secondOrderPathDep(pl *plan, n int, acc *chunkAcc, fold int, f, r, grad []float64) {
	b, m := &w.base, pl.fixings
	T, sig, s0 := pl.par.Expiry, pl.par.Vol, pl.par.Spot
	dt := T / float64(m)
	sq, is := math.Sqrt(dt), 1/sig
	a, wt, wr, psi := w.a[:n], w.fx[1][:n], w.fx[2][:n], w.fx[3][:n]
	geo := pl.wkind == weightGeoAsian
	for _, g := range []Greek{Vanna, Volga} {
		if !pl.pair[g] {
			continue
		}
		// One pass over the fixings: Σz² in wt, W_{t_j} in wr, the mixed
		// sums in a (φ, or for the general Volga Σ_j S∂f/∂S (W_{t_j} − σt_j))
		// and psi (Σ_j S∂f/∂S W_{t_j}/σ).
		clear(a)
		clear(wt)
		clear(wr)
		clear(psi)
		for j := range m {
			zj := w.z[j*n : j*n+n]
			t := float64(j+1) * dt
			for i, z := range zj {
				wr[i] += sq * z
				wt[i] += z * z
			}
			if grad == nil {
				continue
			}
			row, gr := b.Obs[j*n:j*n+n], grad[j*n:j*n+n]
			for i, x := range row {
				sg := x * gr[i]
				if g == Vanna || geo { // φ
					a[i] += sg
				} else {
					a[i] += sg * (wr[i] - sig*t)
					psi[i] += sg * wr[i] * is
				}
			}
		}
		fm := float64(m)
		if geo {
			// Z̄ = Σ_k c_k z_k, c_k = √Δ (m − k)/m (k 0-based), in psi.
			for j := range m {
				c := sq * float64(m-j) / fm
				for i, z := range w.z[j*n : j*n+n] {
					psi[i] += c * z
				}
			}
			tbar := T * (fm + 1) / (2 * fm)
			v := T * (fm + 1) * (2*fm + 1) / (6 * fm * fm)
			for i, zb := range psi {
				nu := zb*zb/(sig*v) - zb*tbar/v - is
				if g == Vanna {
					c := 1 / (s0 * sig * v)
					wt[i] = c * (zb*nu + tbar - 2*zb*is)
					a[i] *= nu / s0
				} else {
					wt[i] = nu*nu + is*is + 3*zb*tbar/(sig*v) - 3*zb*zb/(sig*sig*v) - tbar*tbar/v
					a[i] *= (zb-sig*tbar)*nu - zb*is
				}
			}
			k := pl.slot(g, 0, 0)*pl.folds + fold
			acc.pair[k].add(pairSums(f, a, r, wt, pl.disc, pl.disc, pl.mall[g]))
			continue
		}
		for i, s2 := range wt {
			wT := wr[i]
			nu := (s2-fm)*is - wT
			if g == Vanna {
				w1 := sq * w.z[i]
				wt[i] = w1/(s0*sig*dt)*nu + 1/(sig*s0) - 2*w1/(s0*sig*sig*dt)
				a[i] *= nu / s0
			} else {
				wt[i] = nu*nu + fm*is*is - T + 3*wT*is - 3*s2*is*is
				a[i] = a[i]*nu - psi[i]
			}
		}
		k := pl.slot(g, 0, 0)*pl.folds + fold
		acc.pair[k].add(pairSums(f, a, r, wt, pl.disc, pl.disc, pl.mall[g]))
	}
}

// secondOrderPairs adds the paired Vanna and Volga samples of every asset
// (mixed pathwise–likelihood-ratio, or localized, against the Malliavin
// weight). f is the payoff, r the remainder f − f_ε when localizing (nil
// otherwise) and grad the payoff's gradient (the smoothed payoff's when
// localizing).
func (w *worker) secondOrderPairs(pl *plan, n int, acc *chunkAcc, fold int, f, r, grad []float64) {
	if pl.fixings > 1 {
		w.secondOrderPathDep(pl, n, acc, fold, f, r, grad)
		return
	}
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
