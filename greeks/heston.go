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
//	           Under QE a bump of v₀ moves ψ and so may switch a step
//	           between the quadratic and the exponential branch: the bumped
//	           paths stay coupled (same normals, same U = Φ(Z_v)), so common
//	           random numbers still cancel most of the noise, but the
//	           difference is not smooth in the bump on those paths.
//	pathwise   Delta: S_t ∝ S_0 on the same normals (the variance does not
//	           depend on S_0), so the pathwise Delta Σ_j ∂f/∂S_j S_j/S_0 is
//	           exact for the scheme, for Lipschitz payoffs. Gamma: the mixed
//	           pathwise–likelihood-ratio estimator Σ_j ∂f/∂S_j S_j (π − 1/S_0)/S_0
//	           with the conditional weight π. Vega: the tangent of full-
//	           truncation Euler (sde.Grid.EvolveHeston), only when the Feller
//	           condition holds; otherwise its 1/√v factor explodes and it is
//	           refused.
//	malliavin  Delta and Gamma by the conditional weights of
//	           sde.Grid.EvolveHeston (integration by parts in the spot noise
//	           independent of the variance, given the variance path):
//	           π = Y⊥/(S_0 C), γ = ((Y⊥/C)² − 1/C − Y⊥/C)/S_0², both exact for
//	           the discrete scheme. No Vega weight (v₀ moves the law of the
//	           whole non-Gaussian variance path).
//	localized  pathwise on the smoothed payoff plus the weight on the
//	           remainder, Delta and Gamma, for digitals and barriers.
//	hybrid     λ*·(pathwise or localized) + (1 − λ*)·malliavin.

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
		return rateTimeInvalid(p, h, s, g, x)
	case Vanna, Volga:
		return fmt.Sprintf("%s is implemented for the gbm models (not heston)", g)
	case CrossGamma:
		return "cross-gamma needs a model of two assets or more"
	}
	if g == Vega {
		switch x {
		case Malliavin, Localized, Hybrid:
			return "no Malliavin Vega weight under heston (v₀ moves the law of the whole variance path, which is not Gaussian); use fd or pathwise"
		case Pathwise:
			if s != sde.Euler {
				return "pathwise Vega under heston needs the tangent of the variance, implemented for full-truncation euler only; use fd or --scheme euler"
			}
			if !h.Feller() {
				return fmt.Sprintf("pathwise Vega under heston differentiates √v, whose tangent has a 1/√v factor that explodes "+
					"when the variance reaches 0, which it does here (Feller 2κθ = %.4g < ξ² = %.4g); use fd", 2*h.Kappa*h.Theta, h.Xi*h.Xi)
			}
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
