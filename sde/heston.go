package sde

import "math"

// Heston holds the parameters of Heston's stochastic-volatility model under
// the pricing measure,
//
//	dS = (Rate − Div) S dt + √v S dW₁,        S(0) = Spot,
//	dv = Kappa (Theta − v) dt + Xi √v dW₂,    v(0) = V0,
//	d⟨W₁, W₂⟩ = Rho dt.
//
// The variance v is a hidden factor: the observed asset is S. Vega under
// Heston is ∂V/∂√V0, the sensitivity to the initial volatility, so that it
// has the units of the Black–Scholes Vega ∂V/∂σ and equals it when Xi → 0
// and V0 = Theta. The Feller condition 2·Kappa·Theta ≥ Xi², under which v
// stays away from 0, is not required (calibrated parameters often violate
// it); Feller reports whether it holds.
//
// Reference: S. L. Heston, A closed-form solution for options with
// stochastic volatility with applications to bond and currency options,
// Rev. Financial Studies 6 (1993) 327–343.
type Heston struct {
	Spot   float64 // initial value S_0 > 0
	Rate   float64 // risk-free rate, continuously compounded
	Div    float64 // dividend yield, continuously compounded
	V0     float64 // initial variance v_0 > 0 (0.04 = 20% volatility)
	Kappa  float64 // mean-reversion speed κ > 0, per year
	Theta  float64 // long-run variance θ > 0
	Xi     float64 // volatility of variance ξ > 0
	Rho    float64 // correlation ρ of the spot and variance noises, −1 < ρ < 1
	Expiry float64 // horizon T > 0 in years
}

// Validate reports the first parameter outside its domain: Spot, V0, Kappa,
// Theta, Xi and Expiry must be positive and finite, Rate and Div finite,
// and Rho in the open interval (−1, 1). The names in the *ParamError are
// those of the command line: spot, v0, kappa, theta, xi, heston-rho, expiry,
// rate, div.
func (m Heston) Validate() error {
	for _, p := range []struct {
		name     string
		v        float64
		positive bool
	}{
		{"spot", m.Spot, true}, {"v0", m.V0, true}, {"kappa", m.Kappa, true},
		{"theta", m.Theta, true}, {"xi", m.Xi, true}, {"expiry", m.Expiry, true},
		{"rate", m.Rate, false}, {"div", m.Div, false},
	} {
		if math.IsNaN(p.v) || math.IsInf(p.v, 0) || (p.positive && p.v <= 0) {
			return &ParamError{p.name, p.v}
		}
	}
	if !(m.Rho > -1 && m.Rho < 1) {
		return &ParamError{"heston-rho", m.Rho}
	}
	return nil
}

// Feller reports whether 2κθ ≥ ξ², the condition under which the variance
// process never reaches 0.
func (m Heston) Feller() bool { return 2*m.Kappa*m.Theta >= m.Xi*m.Xi }
