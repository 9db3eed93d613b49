package analytic

import (
	"fmt"
	"math"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// CEV returns price, Delta (∂V/∂S0), Gamma (∂²V/∂S0²) and Vega (∂V/∂Vol) of
// a European call or put under the CEV model with absorption at 0,
//
//	dS = (r − q) S dt + σ S^β dW,   σ = Vol, β = Beta,
//
// by the formula of Schroder (1989) as Hull states it ("The CEV model").
// For β = 1 it returns BlackScholes on the same inputs. For 0 < β < 1, with
// χ²(z; k, λ) the distribution function at z of the noncentral chi-square
// law with k degrees of freedom and noncentrality λ, Q = 1 − χ² its survival
// function and f its density,
//
//	v  = σ² (e^{2(r−q)(β−1)T} − 1) / (2(r−q)(β−1))     (σ² T when r = q),
//	a  = (K e^{−(r−q)T})^{2(1−β)} / ((1−β)² v),
//	c  = S^{2(1−β)} / ((1−β)² v),
//	b  = 1/(1−β),
//
//	call:  V = S e^{−qT} Q(a; b+2, c) − K e^{−rT} χ²(c; b, a),
//	put:   V = K e^{−rT} Q(c; b, a) − S e^{−qT} χ²(a; b+2, c),
//
//	call:  Δ =  e^{−qT} Q(a; b, c),
//	put:   Δ = −e^{−qT} χ²(a; b, c),
//	both:  Γ = 2(1−β) e^{−qT} c f(a; b+2, c) / S,
//	       Vega = 2b S e^{−qT} f(a; b+2, c) / σ.
//
// The prices follow from X = S^{2(1−β)}/((1−β)²σ²), which, after the time
// change that removes the drift, is a squared Bessel process of dimension
// 2 − b absorbed at 0; its transition density is (x/y)^{b/2} times that of
// dimension 2 + b, whose value at time t is t times a noncentral chi-square.
// This gives Q(a; b+2, c) as the probability of exercise under the share
// measure, and χ²(c; b, a) = ∫_a^∞ f(c; b+2, λ) dλ, by
// ∂χ²(z; k, λ)/∂λ = −f(z; k+2, λ), as the risk-neutral one.
//
// The Greeks are analytic. With ∂c/∂S = 2(1−β) c/S, ∂a/∂σ = −2a/σ,
// ∂c/∂σ = −2c/σ, the λ-derivative above, ∂χ²/∂z = f, and the identities
//
//	S e^{−qT} f(a; b+2, c) = K e^{−rT} f(c; b+2, a),
//	S e^{−qT} f(a; b+4, c) − K e^{−rT} f(c; b, a) = −(b/c) S e^{−qT} f(a; b+2, c),
//	χ²(z; k, λ) − 2 f(z; k+2, λ) = χ²(z; k+2, λ),
//
// the first two from the Bessel-function form of f (with
// (a/c)^{b/2} = K e^{−(r−q)T}/S and I_{ν−1} − I_{ν+1} = (2ν/z) I_ν), the
// third from the central chi-square recurrence, the terms in ∂a cancel and
// the derivative of the price collapses to the forms above. Put and call
// differ by S e^{−qT} − K e^{−rT}, which holds with absorption since the
// discounted S is a martingale for β < 1.
//
// The noncentral chi-square functions are Poisson mixtures of gonum's
// central ones, with the Poisson mass left out below 1e-15 on each side (see
// ncx2), an absolute bound on the truncation. For the parameters of the
// tests the price is accurate to a few 1e-15 of S e^{−qT} + K e^{−rT},
// Delta to a few 1e-15 absolute, Gamma and Vega to about 1e-13 relative.
// The number of terms grows as √c and √a, which grow as 1/((1−β) σ_loc √T)
// with σ_loc = σ S^{β−1} the local volatility at the spot: about 6·10³
// terms a sum for β = 0.99, σ_loc = 20%, T = 1. CEV returns an error when
// c/2 or a/2 exceeds 1e10 (1 − β below about 4e-5 for that σ_loc and T),
// where the sums would take seconds.
//
// CEV returns the error of m.Validate for an invalid model, a
// *payoff.ParamError for a strike that is not positive and finite, and
// ErrNoClosedForm (wrapped) for a payoff other than payoff.Call and Put.
//
// References: M. Schroder, Computing the constant elasticity of variance
// option pricing formula, J. Finance 44 (1989) 211–219; J. C. Hull, Options,
// Futures, and Other Derivatives, "The CEV model"; M. Larguinho, J. C. Dias
// and C. A. Braumann, On the computation of option prices and Greeks under
// the CEV model, Quantitative Finance 13 (2013) 907–917.
func CEV(m sde.CEV, p payoff.Payoff) (Values, error) {
	if err := m.Validate(); err != nil {
		return Values{}, fmt.Errorf("analytic: %w", err)
	}
	var isCall bool
	var strike float64
	switch p := p.(type) {
	case payoff.Call:
		isCall, strike = true, p.Strike
	case payoff.Put:
		strike = p.Strike
	default:
		return Values{}, fmt.Errorf("%w: %T under cev", ErrNoClosedForm, p)
	}
	if !(strike > 0) || math.IsInf(strike, 1) {
		return Values{}, fmt.Errorf("analytic: %w", &payoff.ParamError{Name: "strike", Value: strike})
	}
	if m.Beta == 1 {
		return BlackScholes(sde.GBM{Spot: m.Spot, Rate: m.Rate, Div: m.Div, Vol: m.Vol, Expiry: m.Expiry}, p)
	}

	s0, vol, t, beta := m.Spot, m.Vol, m.Expiry, m.Beta
	mu := m.Rate - m.Div
	e := 1 - beta // 1 − β
	// v = σ² τ, τ = (1 − e^{−2(r−q)(1−β)T}) / (2(r−q)(1−β)) = T expm1(y)/y
	// with y = −2(r−q)(1−β)T; τ = T when y = 0.
	tau := t
	if y := -2 * mu * e * t; y != 0 {
		tau = t * math.Expm1(y) / y
	}
	// ln((1−β)² v), and a, c in logarithms, so that no power overflows on
	// the way.
	lnScale := 2*math.Log(e*vol) + math.Log(tau)
	c := math.Exp(2*e*math.Log(s0) - lnScale)
	ak := math.Exp(2*e*(math.Log(strike)-mu*t) - lnScale)
	b := 1 / e
	qa := math.Exp(-m.Div * t)       // e^{−qT}
	rb := math.Exp(-m.Rate * t)      // e^{−rT}
	atS := ncx2{k: b + 2, lambda: c} // law of the exercise variable under the share measure
	atK := ncx2{k: b, lambda: ak}
	dens := atS.prob(ak) // f(a; b+2, c)

	var v Values
	v.Gamma = 2 * e * qa * c * dens / s0
	v.Vega = 2 * b * s0 * qa * dens / vol
	if isCall {
		v.Price = s0*qa*atS.survival(ak) - strike*rb*atK.cdf(c)
		v.Delta = qa * ncx2{k: b, lambda: c}.survival(ak)
	} else {
		v.Price = strike*rb*atK.survival(c) - s0*qa*atS.cdf(ak)
		v.Delta = -qa * ncx2{k: b, lambda: c}.cdf(ak)
	}
	if math.IsNaN(v.Price) || math.IsNaN(v.Delta) || math.IsNaN(v.Gamma) || math.IsNaN(v.Vega) {
		return Values{}, fmt.Errorf("analytic: cev %s on %+v: noncentral chi-square with noncentrality %.3g, %.3g out of range", p.Name(), m, c, ak)
	}
	return v, nil
}
