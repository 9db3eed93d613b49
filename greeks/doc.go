// Package greeks computes the price and the Delta, Gamma and Vega of an
// option by Monte Carlo with every estimator side by side, all on the same
// simulated paths, every figure with its standard error. The contract is any
// payoff.Payoff — European (calls, puts, digitals, asset-or-nothing),
// arithmetic and geometric Asian, discretely monitored barriers, and baskets,
// spreads, best-of and worst-of options on several assets — and the model
// any sde.Model: geometric Brownian motion sampled exactly at the fixings,
// d correlated GBM assets (sde.Correlated), CEV (and GBM) on an Euler or
// Milstein grid, or Heston's stochastic volatility (sde.Heston) under
// Andersen's QE scheme or full-truncation Euler (heston.go: Vega is
// ∂V/∂√v₀ there; Delta and Gamma carry the conditional Malliavin weights,
// exact for the scheme). Paths are pseudo-random or, with Config.RNG =
// Sobol, randomized Sobol' points (rqmc.go). Run does it in one
// call; Split cuts the same run into chunk ranges that a pipeline can
// simulate anywhere and merge to the same numbers.
//
// # Greeks and methods
//
// The Greeks (type Greek; AllGreeks lists those of one asset in report order), with the
// names ParseGreek and the command line use:
//
//	Delta        "delta"        ∂V/∂S_0
//	Gamma        "gamma"        ∂²V/∂S_0²
//	Vega         "vega"         ∂V/∂σ, σ absolute (0.2 = 20%): per unit of volatility, not per 1%
//	CrossGamma   "cross-gamma"  ∂²V/∂S_i∂S_j for two assets i < j (several assets only)
//	Rho          "rho"          ∂V/∂r per unit of rate (0.01 = 1%), discount and drift together
//	Theta        "theta"        −∂V/∂T per year, the other inputs fixed
//	Vanna        "vanna"        ∂²V/∂S_0∂σ, σ absolute
//	Volga        "volga"        ∂²V/∂σ², σ absolute
//
// Rho and Theta are estimated by every method valid for the payoff under
// the exact scheme (European, Asian and barrier payoffs on one GBM asset,
// European payoffs on correlated GBM assets: one Rho, one Theta), by every
// method on an Euler grid (GBM, CEV; gridweights.go) and by fd under
// Milstein, see ratetime_more.go.
// Vanna and Volga are estimated for European payoffs on GBM assets (each
// asset's own, with several) and Asian and barrier payoffs on one GBM
// asset, under the exact scheme (see secondorder.go). Elsewhere they are skipped with the reason, or refused
// (*MethodError) when methods are named.
//
// The methods (type Method; AllMethods lists them in report order), with the
// names ParseMethod uses:
//
//	FD          "fd"          central bump-and-revalue with common random numbers
//	Pathwise    "pathwise"    pathwise differentiation (Lipschitz payoffs only)
//	Malliavin   "malliavin"   Malliavin (likelihood-ratio) weights; valid for every payoff
//	Localized   "localized"   pathwise on a smoothed payoff plus Malliavin on the remainder (payoffs that jump)
//	Hybrid      "hybrid"      λ*·(pathwise or localized) + (1 − λ*)·malliavin, the variance-optimal mix
//
// The hybrid's λ is estimated as Config.Lambda says (type LambdaMode):
// Crossfit "crossfit" (the default; unbiased), Plugin "plugin" (same paths,
// O(1/N) bias), Pilot "pilot" (an independent run). A method that is not
// valid for a payoff is skipped with the reason (Result.Skipped), or is an
// error (*MethodError) when Config.Methods names it.
//
// # Estimators
//
// With D = e^{−rT}, W_T the Brownian motion at the horizon and S_T the
// terminal spot, the per-path samples under the exact GBM scheme are
// (ERRATA §1; Fournié et al. 1999; Glasserman 2003, ch. 7):
//
//	price       D f(S_T)
//	Delta  pw   D f'(S_T) S_T/S_0
//	       mw   D f(S_T) W_T/(S_0 σ T)
//	Gamma  pw   D f'(S_T) S_T/S_0² (W_T/(σT) − 1)         (pathwise–likelihood-ratio)
//	       mw   D f(S_T) (W_T² − σT W_T − T)/(S_0² σ² T²)
//	Vega   pw   D f'(S_T) S_T (W_T − σT)
//	       mw   D f(S_T) (W_T²/(σT) − W_T − 1/σ)
//	Rho    pw   D T (f'(S_T) S_T − f)
//	       mw   D f(S_T) (W_T/σ − T)
//	Theta  pw   −D (−r f + f'(S_T) S_T (μ + σ W_T/(2T)))      μ = r − q − σ²/2
//	       mw   −D f(S_T) (−r + μ W_T/(σT) + (W_T² − T)/(2T²))
//	Vanna  pw   D f'(S_T) S_T ν/S_0          ν = W_T²/(σT) − W_T − 1/σ (pathwise–likelihood-ratio)
//	       mw   D f(S_T) (W_T³/(σT) − W_T² − 3W_T/σ + T)/(S_0 σT)
//	Volga  pw   D f'(S_T) S_T ((W_T − σT) ν − W_T/σ)                  (pathwise–likelihood-ratio)
//	       mw   D f(S_T) (ν² + 1/σ² − T + 3W_T/σ − 3W_T²/(σ²T))
//	fd          D (f(S_T(S_0+h)) − f(S_T(S_0−h)))/(2h), and likewise
//	            (f⁺ − 2f + f⁻)/h² for Gamma and a central σ bump for Vega;
//	            central bumps in r and in T on the same normals for Rho and
//	            Theta (see Bumps); the four-point mixed difference in S_0
//	            and σ for Vanna, (f(σ+δ) − 2f + f(σ−δ))/δ² for Volga
//
// Pathwise samples need a Lipschitz payoff; for a digital f' = 0 almost
// surely and the pathwise "Delta" is 0, biased, so it is refused.
//
// Path-dependent payoffs give their gradient in the fixings; the Malliavin
// Delta weights of the Asian options do not grow with the number of fixings.
// Malliavin Gamma and Vega weights exist for European payoffs under exact
// GBM and, on one GBM asset under the exact scheme, for Asian and barrier
// payoffs (pathdep_weights.go: the first-interval Gamma weight and the sum
// of the increments' Vega scores, conditioned on the average for the
// geometric Asian), so that barriers have localized and hybrid Gamma and
// Vega. Under Heston (heston.go) the conditional Gamma weight, the
// conditional Vega weight along the variance chain's tangent (Euler with
// Feller holding, QE with ξ² < 3κθ) and, where that tangent does not
// exist, the first step's likelihood-ratio Vega weight. On an Euler grid
// (GBM, CEV) the Euler chain's own weights (sde/gridweights.go,
// gridweights.go: the mixed and the split-interval Malliavin Gamma, the
// steps' Vega, Rho and Theta scores) give Malliavin, localized and hybrid
// Gamma and Vega of any payoff of the fixings; under Milstein those Greeks
// come from fd and, where valid, pathwise.
//
// With d correlated GBM assets (sde.Correlated) every Greek is taken in
// each asset a, and the cross Gammas ∂²V/∂S_i∂S_j in each pair i < j, on the
// same paths: pathwise through ∂f/∂S_a, Malliavin with the weights of
// sde.Correlated's doc, built from the dual vector Ŵ = ρ⁻¹W_T
// (W_T → Ŵ_a in the Delta, Gamma and Vega weights above, T → ρ⁻¹_aa T in
// Gamma's, and (Ŵ_iŴ_j − ρ⁻¹_ij T)/(S_i S_j σ_i σ_j T²) for a cross Gamma),
// fd by bumping one asset at a time (four points for a cross Gamma). One
// asset is the d = 1 case of the same code.
//
// On an Euler or Milstein grid the pathwise samples use the first variation
// Y_k = ∂S_k/∂S_0 and the tangent ∂S_k/∂σ of the discrete chain, and the
// Malliavin Delta uses the integration-by-parts weight of the chain itself
// (WeightKind Chain, the default) or the time-averaged weight
// π = (1/t_1) Σ Y_k ΔW_k/σ(S_k) of the continuous diffusion (Continuous).
package greeks
