package greeks

import (
	"fmt"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Heston's Greeks. Under sde.Heston the engine's Vega is ∂V/∂√v₀, the
// sensitivity to the initial volatility (Params().Vol = √v₀, and the fd
// step bumps √v₀). The estimators:
//
//	fd         central differences on the same normals, spot or √v₀ bumped.
//	           Under QE where ξ² ≥ 3κθ a bump of v₀ moves ψ and so may switch a step
//	           between the quadratic and the exponential branch: the bumped
//	           paths stay coupled (same normals, same U = Φ(Z_v)), so common
//	           random numbers still cancel most of the noise, but the
//	           difference is not smooth in the bump on those paths.
//	pathwise   Delta: S_t ∝ S_0 on the same normals (the variance does not
//	           depend on S_0), so the pathwise Delta Σ_j ∂f/∂S_j S_j/S_0 is
//	           exact for the scheme, for Lipschitz payoffs. Gamma: the mixed
//	           pathwise–likelihood-ratio estimator Σ_j ∂f/∂S_j S_j (π − 1/S_0)/S_0
//	           with the conditional weight π. Vega: the tangent of the
//	           variance chain in √v₀ (sde.Grid.EvolveHeston). Under
//	           full-truncation Euler only when the Feller condition holds;
//	           otherwise its 1/√v factor explodes and it is refused. Under
//	           QE where ξ² < 3κθ: ψ = s²/m² decreases in v, so
//	           ψ ≤ ψ(0) = ξ²/(2κθ) < ψ_c = 1.5 on every step, every step
//	           takes the quadratic branch v_{k+1} = a(b + Z_v)², smooth in
//	           v_k and Δt, and its tangent ∂v_{k+1} ∝ √v_{k+1} has no 1/√v
//	           (sde.Heston.QEQuadratic, sde's qeTangent): exact for the
//	           scheme without Feller. Where ξ² ≥ 3κθ steps from small v
//	           take the exponential branch, which jumps at ψ_c and kinks at
//	           U = p: refused.
//	malliavin  Delta and Gamma by the conditional weights of
//	           sde.Grid.EvolveHeston (integration by parts in the spot noise
//	           independent of the variance, given the variance path):
//	           π = Y⊥/(S_0 C), γ = ((Y⊥/C)² − 1/C − Y⊥/C)/S_0², both exact for
//	           the discrete scheme. Vega under Euler with Feller holding:
//	           given the variance path the increments of ln S over the
//	           fixing intervals are independent N(M_l, C_l), and √v₀ moves
//	           M_l and C_l through the variance tangent, so
//	           ν = Σ_l (Y_l/C_l)∂M_l + ½((Y_l/C_l)² − 1/C_l)∂C_l
//	           (sde.Grid.HestonVegaWeight); the payoff is not differentiated,
//	           so digitals and barriers get a Malliavin and localized Vega.
//	           Under QE the same with QE's step means and variances
//	           (c_k = K₃(v_k + v_{k+1})) along its tangent, where ξ² < 3κθ.
//	           Where the tangent does not exist or explodes (QE with
//	           ξ² ≥ 3κθ, Euler without Feller) the first step's likelihood
//	           ratio: √v₀ enters the scheme only through the first step's
//	           law of (v₁, ln S_1), so ν = 2√v₀ ∂_{v₀} ln p(v₁, x₁ | v₀),
//	           exact for the scheme whatever the parameters (QE's branch at
//	           v₀ is the same on every path; on the exponential one the
//	           atom at 0 is part of the law), its standard deviation
//	           growing like √(steps/T) (sde's hestonVegaLR). On the
//	           violated set at 32 steps it is within a factor 2.5 of fd's
//	           SE either way (call 0.45 vs fd 0.18, digital 0.029 vs
//	           0.020, asset-or-nothing put 1.20 vs 1.95 at 2¹⁸ paths);
//	           localized Vega needs the pathwise half, so stays refused
//	           there; the hybrid has no pathwise half to mix and is instead
//	           the weight with a baseline, D (f − b) ν with b = λ* fitted by
//	           crossfit like any λ (the LAMBDA column shows it): E[ν] = 0,
//	           so any b leaves it unbiased, and the best b removes the part
//	           of D f ν that is E[f]ν (variance ÷1.9 on the violated set's
//	           call, ÷4.2 on its digital, ÷1.3 on the asset-or-nothing put).
//	localized  pathwise on the smoothed payoff plus the weight on the
//	           remainder, Delta and Gamma, for digitals and barriers.
//	hybrid     λ*·(pathwise or localized) + (1 − λ*)·malliavin.
//
// Rho (∂V/∂r, discount and drift) and Theta (−∂V/∂T, per year). Both
// schemes put r only in ln S's drift, (r − q)Δt a step, and the variance
// path does not depend on r, so on the same normals S_{t_j}(r + h) =
// S_{t_j}(r) e^{h t_j} exactly:
//
//	fd         Rho: the fixings scaled by e^{±h t_j} under e^{−(r±h)T}.
//	           Theta (European): the paths re-simulated over T ± h with the
//	           same number of steps on the same normals (under QE the
//	           changed Δt may switch a step's branch, as for the fd Vega).
//	           Theta (path-dependent): the valuation date moves with the
//	           fixing schedule fixed, so the first fixing interval becomes
//	           t_1 ± h over its same N_1 steps (Δ₁ = (t_1 ± h)/N_1) and the
//	           later steps keep Δ = T/N, on the same normals
//	           (sde.Grid.EvolveHestonAged), discounted by e^{−r(T±h)}.
//	pathwise   Rho = E[D (Σ_j t_j S_{t_j} ∂f/∂S_{t_j} − T f)], exact for the
//	           scheme (Lipschitz payoffs, any fixings).
//	malliavin  Rho, European payoffs: given the variance path, ln S_T is
//	           Gaussian and r shifts its mean by T, T times the shift a unit
//	           of ln S_0 makes; so the weight is T times the conditional
//	           log-spot score of the Delta weight, minus T for the discount,
//	               Rho = E[D f (T S_0 π − T)],   S_0 π = Y⊥/C,
//	           exact for the discrete scheme, with no 1/√v (C ≥ c_0 > 0).
//	           With several fixings r moves fixing j by t_j, not uniformly:
//	           the weight would need a score in every fixing interval's Z⊥,
//	           whose conditional variance vanishes on paths where v stays at
//	           0 for the interval (QE's exponential branch, truncated
//	           Euler), so it is not offered.
//	localized, hybrid   Rho of European payoffs, as for Delta.
//
// Theta: fd everywhere; under Euler with Feller holding and under QE with
// ξ² < 3κθ also pathwise, Malliavin, localized and hybrid, by the chain's
// tangent in the first fixing interval's length t_1 at fixed normals and
// steps (the valuation date moves, the later fixings stay, as for the fd
// Theta: Δ₁ = t_1/N₁ moves inside the first N₁ steps, under QE with
// e^{−κΔ₁}, s², K₂, K₃, A and the martingale correction, and the later
// steps carry the state's tangent; for a European payoff t_1 = T;
// sde.Grid.EvolveHeston's NeedDExpiry, Block.DTime = ∂S_{t_j}/∂t_1) and the
// conditional weight it gives, summed over the fixing intervals like the
// Vega weight, ν_{t_1} = Σ_l (Y_l/C_l)∂M_l + ½((Y_l/C_l)² − 1/C_l)∂C_l
// (HestonExpiryWeight):
//
//	Theta = E[D (r f − Σ_j ∂f/∂S_{t_j} ∂S_{t_j}/∂t_1)] = E[D f (r − ν_{t_1})],
//
// for a European payoff Theta = E[D (r f − f'(S_T) S_T ∂_T ln S_T)] =
// E[D f (r − ν_T)], ν_T = (Y⊥/C)∂_T M + ½((Y⊥/C)² − 1/C)∂_T C. Under QE where ξ² ≥ 3κθ the step jumps where ψ crosses ψ_c, so there is
// no tangent: fd only. Under Euler with few steps per fixing interval the
// path-dependent Malliavin Theta (and Vega) has a heavy tail: the
// truncated variance sits at 0 for whole steps, C_l gets small while ∂M_l
// carries 1/√v (Feller set, Asian on 12 fixings, 24 steps: SE 1.1–7.6
// against QE's 0.48; 96 steps: 0.49); the hybrid leans on pathwise there.

// heston reports whether m is the Heston model.
func heston(m sde.Model) (sde.Heston, bool) {
	h, ok := m.(sde.Heston)
	return h, ok
}

// hestonScheme returns why scheme s cannot simulate model m, for the
// Heston-specific rules (QE is Heston's only; Heston runs under qe or
// euler), or "".
func hestonScheme(m sde.Model, s sde.Scheme) string {
	_, isHeston := heston(m)
	switch {
	case isHeston && s != sde.QE && s != sde.Euler:
		return fmt.Sprintf("%s (the heston model runs under qe or euler)", s)
	case !isHeston && s == sde.QE:
		return fmt.Sprintf("qe (the quadratic-exponential scheme is for the heston model; %s runs under exact, euler or milstein)", m.Name())
	}
	return ""
}

// hestonInvalid is Invalid for the Heston model.
func hestonInvalid(p payoff.Payoff, h sde.Heston, s sde.Scheme, g Greek, x Method) string {
	switch g {
	case Rho, Theta:
		if why := hestonRateTimeInvalid(p, h, s, g, x); why != "" {
			return why
		}
	case Vanna, Volga:
		return fmt.Sprintf("%s is implemented for the gbm models (not heston)", g)
	case CrossGamma:
		return "cross-gamma needs a model of two assets or more"
	}
	if g == Vega && x == Hybrid && hestonTangentInvalid(h, s, "") != "" {
		// No pathwise half: the hybrid is the likelihood-ratio weight with a
		// crossfit baseline, D (f − λ*) ν (engine.go, plan.lrVega).
		return ""
	}
	if g == Vega && (x == Pathwise || x == Localized) {
		// The Malliavin Vega has a weight whatever the parameters: the
		// conditional one along the tangent where it exists, the first
		// step's likelihood ratio where not (hestonLRVega).
		what := "pathwise Vega"
		if x == Localized {
			what = "the localized Vega (pathwise on the smoothed payoff)"
		}
		if why := hestonTangentInvalid(h, s, what); why != "" {
			return why
		}
	}
	_, smooth := p.(payoff.Smoother)
	switch x {
	case Pathwise:
		if !p.Lipschitz() {
			return fmt.Sprintf("pathwise differentiation needs a Lipschitz payoff; %s jumps, so its derivative misses the jump (use localized)", p.Name())
		}
	case Localized:
		if p.Lipschitz() {
			return fmt.Sprintf("localization is for discontinuous payoffs; %s is Lipschitz, use pathwise", p.Name())
		}
		if !smooth {
			return fmt.Sprintf("%s has no smoothed version to localize", p.Name())
		}
	case Hybrid:
		return hybridInvalid(p, func(y Method) string { return hestonInvalid(p, h, s, g, y) })
	}
	return ""
}

// hestonLRVega reports whether the Malliavin Vega of model m under scheme s
// is the first step's likelihood-ratio weight (sde's hestonVegaLR,
// EvolveHeston with NeedVegaWeight): under Heston where the variance
// chain's tangent does not exist (qe, ξ² ≥ 3κθ) or explodes (euler without
// Feller).
func hestonLRVega(m sde.Model, s sde.Scheme) bool {
	h, ok := heston(m)
	return ok && hestonTangentInvalid(h, s, "") != ""
}

// hestonTangentInvalid returns why the variance chain's tangent (in √v₀ or
// in T) under scheme s does not exist or explodes for h, what naming the
// estimator that needs it, or "": under QE every step must take the
// quadratic branch, ξ² < 3κθ (sde.Heston.QEQuadratic: ψ decreases in v, so
// ψ ≤ ψ(0) = ξ²/(2κθ) < ψ_c); under Euler the Feller condition must hold
// (the tangent's 1/√v).
func hestonTangentInvalid(h sde.Heston, s sde.Scheme, what string) string {
	k2 := 2 * h.Kappa * h.Theta
	switch {
	case s == sde.QE && !h.QEQuadratic():
		return fmt.Sprintf("%s under heston with qe differentiates the step along its quadratic branch, which every step takes "+
			"only when ξ² < 3κθ; here ξ² = %.4g ≥ 3κθ = %.4g, so ψ(0) = ξ²/(2κθ) = %.4g ≥ ψ_c = 1.5 and steps from small v "+
			"take the exponential branch, whose value jumps where ψ crosses ψ_c and kinks at U = p; use fd", what, h.Xi*h.Xi, 1.5*k2, h.Xi*h.Xi/k2)
	case s == sde.Euler && !h.Feller():
		alt := "fd"
		if h.QEQuadratic() {
			alt = fmt.Sprintf("fd or --scheme qe, whose tangent needs only ξ² < 3κθ = %.4g", 1.5*k2)
		}
		return fmt.Sprintf("%s under heston with euler differentiates √v, whose tangent has a 1/√v factor that explodes "+
			"when the variance reaches 0, which it does here (Feller 2κθ = %.4g < ξ² = %.4g); use %s", what, k2, h.Xi*h.Xi, alt)
	}
	return ""
}

// hestonRateTimeInvalid returns why method x cannot estimate Rho or Theta
// of p under Heston h and scheme s (see the package comment above), or "".
func hestonRateTimeInvalid(p payoff.Payoff, h sde.Heston, s sde.Scheme, g Greek, x Method) string {
	if g == Theta {
		switch {
		case x == FD:
			return ""
		case x == Hybrid:
			return ""
		default:
			return hestonTangentInvalid(h, s, fmt.Sprintf("the %s Theta", x))
		}
	}
	if (x == Malliavin || x == Localized) && !european(p) {
		return fmt.Sprintf("the Malliavin Rho weight under heston is implemented for European payoffs: with several fixings it needs "+
			"a score in every fixing interval, whose conditional variance vanishes where v stays at 0; use fd or pathwise (%s)", p.Name())
	}
	return ""
}

// hestonRateTimePairs adds the paired Rho and Theta samples under Heston
// (see the package comment above): with fp the payoff or, when localizing,
// its smoothed version (plus D r times the weight in P),
//
//	Rho    P = D (Σ_j t_j S_{t_j} ∂f/∂S_{t_j} − T fp),   M = D f (T S_0 π − T),
//	Theta  P = D (r fp − Σ_j ∂f/∂S_{t_j} ∂S_{t_j}/∂t_1),   M = D f (r − ν_{t_1}),
//
// π the block's conditional Delta weight, ∂S_{t_j}/∂t_1 (Block.DTime) and
// ν_{t_1} from sde.Grid.EvolveHeston's NeedDExpiry and HestonExpiryWeight:
// the tangent and weight in the first fixing interval's length t_1 (the
// valuation date moving, the later fixings fixed; T for a European payoff).
func (w *worker) hestonRateTimePairs(pl *plan, n int, acc *chunkAcc, fold int, f, r, grad []float64) {
	b, m := &w.base, pl.fixings
	fp := f
	if r != nil {
		fp = w.fs[:n]
	}
	T, s0, rate := pl.par.Expiry, pl.par.Spot, pl.par.Rate
	a, wt := w.fx[0][:n], w.fx[1][:n]
	if pl.pair[Rho] {
		clear(a)
		if grad != nil {
			for j := range m {
				t := float64(j+1) * T / float64(m)
				for i, x := range b.Obs[j*n : j*n+n] {
					a[i] += t * x * grad[j*n+i]
				}
			}
		}
		for i := range a {
			a[i] -= T * fp[i]
		}
		if pl.mall[Rho] {
			for i, pi := range b.Weight[:n] {
				wt[i] = T * (s0*pi - 1)
			}
		}
		k := pl.slot(Rho, 0, 0)*pl.folds + fold
		acc.pair[k].add(pairSums(f, a, r, wt, pl.disc, pl.disc, pl.mall[Rho]))
	}
	if pl.pair[Theta] {
		for i := range a {
			a[i] = rate * fp[i]
		}
		if grad != nil {
			for j := range m {
				for i, d := range b.DTime[j*n : j*n+n] {
					a[i] -= grad[j*n+i] * d
				}
			}
		}
		if pl.mall[Theta] {
			for i, v := range w.grid.HestonExpiryWeight()[:n] {
				wt[i] = rate - v
			}
		}
		k := pl.slot(Theta, 0, 0)*pl.folds + fold
		acc.pair[k].add(pairSums(f, a, r, wt, pl.disc, pl.disc, pl.mall[Theta]))
	}
}

// hestonGammaSums pairs the mixed pathwise–likelihood-ratio Gamma
// P = D φ (π − 1/S_0)/S_0, φ = Σ_j ∂f/∂S_j S_j (+ D r γ when localizing),
// with the Malliavin Gamma M = D f γ, where π = Y⊥/(S_0 C) is the
// conditional Delta weight and C the conditional variance of the block
// (sde.Grid.EvolveHeston), so that Y⊥/C = S_0 π and
//
//	γ = ((S_0π)² − 1/C − S_0π)/S_0².
func hestonGammaSums(f, phi, r, pi, cv []float64, D, spot float64, mall bool) sums {
	n := len(f)
	phi, pi, cv = phi[:n], pi[:n], cv[:n]
	inv := 1 / spot
	cg := inv * inv
	if !mall {
		cg = 0
	}
	var sp, spp, sm, smm, spm float64
	for i, fv := range f {
		y := spot * pi[i]
		g := cg * (y*y - 1/cv[i] - y)
		p := D * phi[i] * (pi[i] - inv) * inv
		if r != nil {
			p += D * r[i] * g
		}
		q := D * fv * g
		sp += p
		spp += p * p
		sm += q
		smm += q * q
		spm += p * q
	}
	return sums{float64(n), sp, spp, sm, smm, spm}
}
