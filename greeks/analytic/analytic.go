// Package analytic holds closed-form prices and Greeks of the payoffs in
// package payoff that have one: the European payoffs and the discretely
// monitored geometric Asian options on the geometric Brownian motion of
// package sde with a continuous dividend yield (Black–Scholes–Merton), and
// European calls and puts on the CEV diffusion (Schroder 1989) and, by
// Fourier inversion, under Heston's stochastic-volatility model. They are the
// reference values against which the Monte Carlo estimators of package
// greeks are checked.
//
// With S = Spot, K = Strike, r = Rate, q = Div, σ = Vol, T = Expiry, N the
// standard normal distribution function and φ its density,
//
//	d1 = (ln(S/K) + (r − q + σ²/2) T) / (σ√T),
//	d2 = d1 − σ√T.
//
// References: J. C. Hull, Options, Futures, and Other Derivatives, ch.
// "The Black–Scholes–Merton model", "Asian options" and "The CEV model";
// E. G. Haug, The Complete Guide to Option Pricing Formulas, 2nd ed.,
// §§1.1, 4.19; A. Kemna and A. Vorst, A pricing method for options based on
// average asset values, J. Banking & Finance 14 (1990) 113–129;
// M. Schroder, Computing the constant elasticity of variance option pricing
// formula, J. Finance 44 (1989) 211–219.
package analytic

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Values holds a closed-form price and its sensitivities.
type Values struct {
	Price float64 // present value V
	Delta float64 // ∂V/∂S0
	Gamma float64 // ∂²V/∂S0²
	Vega  float64 // ∂V/∂σ with σ absolute (not per 1%)
}

// ErrNoClosedForm is returned for a payoff with no closed form here.
var ErrNoClosedForm = errors.New("analytic: no closed form for this payoff")

// BlackScholes returns the price, Delta (∂V/∂S0), Gamma (∂²V/∂S0²) and Vega
// (∂V/∂σ, σ absolute) of the payoff p on the model m: a European payoff or a
// discretely monitored geometric Asian option.
//
// Write a = e^{−qT} and b = e^{−rT}. The vanilla call and put (Hull) are
//
//	call:  V = S a N(d1) − K b N(d2),    Δ =  a N(d1),
//	put:   V = K b N(−d2) − S a N(−d1),  Δ = −a N(−d1),
//	both:  Γ = a φ(d1) / (S σ√T),        Vega = S a φ(d1) √T.
//
// The cash-or-nothing digitals paying C = Cash are
//
//	call:  V = C b N(d2),   Δ =  C b φ(d2) / (S σ√T),
//	                        Γ = −C b φ(d2) d1 / (S² σ² T),
//	                        Vega = −C b φ(d2) d1 / σ,
//	put:   V = C b N(−d2),  and Δ, Γ, Vega of the call with the sign changed.
//
// The asset-or-nothing payoffs are
//
//	call:  V = S a N(d1),   Δ = a N(d1) + a φ(d1) / (σ√T),
//	                        Γ = −a φ(d1) d2 / (S σ² T),
//	                        Vega = −S a φ(d1) d2 / σ,
//	put:   V = S a N(−d1),  Δ = a N(−d1) − a φ(d1) / (σ√T),
//	                        and Γ, Vega of the call with the sign changed.
//
// They follow from ∂d1/∂S = ∂d2/∂S = 1/(S σ√T), ∂d1/∂σ = −d2/σ,
// ∂d2/∂σ = −d1/σ, φ'(d) = −d φ(d) and S a φ(d1) = K b φ(d2).
//
// The geometric Asian call and put pay max(±(G − K), 0) on the geometric
// mean G = (Π_j S_{t_j})^{1/m} of the m = Fixings equally spaced fixings
// t_j = jT/m (Kemna and Vorst 1990). ln G is normal, with mean
// ln S + (r − q − σ²/2) t̄ and variance σ_G², where
//
//	t̄   = (1/m) Σ_j t_j                = T (m+1) / (2m),
//	σ_G² = (σ²/m²) Σ_{i,j} min(t_i, t_j) = σ² T (m+1)(2m+1) / (6m²),
//
// so they are Black's formula on the forward F = E[G] with the volatility
// σ_G, discounted from T. With
//
//	F  = S exp((r − q − σ²/2) t̄ + σ_G²/2),   A = b F / S,
//	d1 = (ln(F/K) + σ_G²/2) / σ_G,            d2 = d1 − σ_G,
//
// they are
//
//	call:  V = S A N(d1) − K b N(d2),    Δ =  A N(d1),
//	put:   V = K b N(−d2) − S A N(−d1),  Δ = −A N(−d1),
//	both:  Γ = A φ(d1) / (S σ_G),
//	       Vega = S A φ(d1) σ_G/σ + S Δ ∂ln F/∂σ,
//	       ∂ln F/∂σ = −σ t̄ + σ_G²/σ = −σ T (m² − 1) / (6m²).
//
// A does not depend on S, which gives Δ and Γ as for the vanilla options
// with a → A and σ√T → σ_G. F depends on σ, through the drift and through
// σ_G; Vega is Black's vega S A φ(d1) ∂σ_G/∂σ plus ∂V/∂F · ∂F/∂σ, where
// ∂V/∂F · F = S Δ because F is proportional to S. With m = 1 all of these
// are the vanilla formulas, and they are computed so that they give the same
// floating-point numbers.
//
// BlackScholes returns the error of m.Validate for an invalid model, a
// *payoff.ParamError for a strike that is not positive and finite, a cash
// amount that is not finite or fewer than one fixing, and ErrNoClosedForm
// (wrapped) for a payoff type other than payoff.Call, Put, DigitalCall,
// DigitalPut, AssetCall, AssetPut, GeometricAsianCall and
// GeometricAsianPut. Far from the strike the densities φ(d1), φ(d2)
// underflow to zero and the terms they multiply are then exactly zero, so
// deep in- and out-of-the-money contracts, very short expiries and very high
// volatilities give finite values. It returns an error when σ√T underflows
// to zero, where the Greeks of an at-the-forward contract are unbounded, and
// when a value is not a number because a discount factor or the forward
// overflows.
func BlackScholes(m sde.GBM, p payoff.Payoff) (Values, error) {
	if err := m.Validate(); err != nil {
		return Values{}, fmt.Errorf("analytic: %w", err)
	}
	var kind contract
	var strike, cash float64
	fixings := 0 // number of fixings of a geometric Asian, 0 for a European payoff
	switch p := p.(type) {
	case payoff.Call:
		kind, strike = call, p.Strike
	case payoff.Put:
		kind, strike = put, p.Strike
	case payoff.DigitalCall:
		kind, strike, cash = digitalCall, p.Strike, p.Cash
	case payoff.DigitalPut:
		kind, strike, cash = digitalPut, p.Strike, p.Cash
	case payoff.AssetCall:
		kind, strike = assetCall, p.Strike
	case payoff.AssetPut:
		kind, strike = assetPut, p.Strike
	case payoff.GeometricAsianCall:
		kind, strike, fixings = call, p.Strike, p.Fixings
	case payoff.GeometricAsianPut:
		kind, strike, fixings = put, p.Strike, p.Fixings
	default:
		return Values{}, fmt.Errorf("%w: %T", ErrNoClosedForm, p)
	}
	if !(strike > 0) || math.IsInf(strike, 1) {
		return Values{}, fmt.Errorf("analytic: %w", &payoff.ParamError{Name: "strike", Value: strike})
	}
	if math.IsNaN(cash) || math.IsInf(cash, 0) {
		return Values{}, fmt.Errorf("analytic: %w", &payoff.ParamError{Name: "cash", Value: cash})
	}
	switch p.(type) {
	case payoff.GeometricAsianCall, payoff.GeometricAsianPut:
		if fixings < 1 {
			return Values{}, fmt.Errorf("analytic: %w", &payoff.ParamError{Name: "fixings", Value: float64(fixings)})
		}
	}

	s0, vol, t := m.Spot, m.Vol, m.Expiry
	// The European payoff is the geometric Asian with one fixing: t̄ = T,
	// σ_G = σ√T, A = a. Each expression below reduces to the vanilla one
	// exactly, not only up to rounding, when m = 1.
	tbar, h := t, 1.0 // t̄ and σ_G²/(σ² T)
	kappa := 0.0      // κ = (m − 1)/(2(2m + 1)): ln(F/S) = (r − q) t̄ − κ σ_G²
	dlnF := 0.0       // ∂ln F/∂σ
	if fixings > 0 {
		inv := 1 / float64(fixings)
		tbar = t * (1 + inv) / 2
		h = (1 + inv) * (2 + inv) / 6
		kappa = (1 - inv) / (2 * (2 + inv))
		dlnF = -vol * t * (1 - inv*inv) / 6
	}
	sqrtT := math.Sqrt(t * h) // σ_G/σ
	sd := vol * sqrtT         // σ√T, or σ_G
	if sd == 0 {
		return Values{}, fmt.Errorf("analytic: %w", &sde.ParamError{Name: "vol·√expiry", Value: sd})
	}
	// x = ln(S/K) + (r − q) t̄, so that ln(F/K) = x − κ σ_G² and
	// d1,2 = x/σ_G + σ_G (1/2 − κ), x/σ_G − σ_G (1/2 + κ), written so
	// that σ_G = +Inf gives d1 = +Inf, d2 = −Inf rather than Inf − Inf.
	x := logRatio(s0, strike) + (m.Rate-m.Div)*tbar
	d1 := x/sd + sd*(0.5-kappa)
	d2 := x/sd - sd*(0.5+kappa)
	// a = e^{−qT}, or A = e^{−r T} F/S = exp(−q t̄ − r (T − t̄) − κ σ_G²).
	lnA := -m.Div*tbar - m.Rate*(t-tbar)
	if kappa != 0 {
		lnA -= kappa * sd * sd
	}
	a := math.Exp(lnA)
	b := math.Exp(-m.Rate * t) // e^{−rT}
	n := distuv.UnitNormal
	phi1, phi2 := n.Prob(d1), n.Prob(d2)

	var v Values
	switch kind {
	case call, put:
		v.Gamma = dens(phi1, a/s0/sd)
		v.Vega = dens(phi1, s0*a*sqrtT)
		if kind == call {
			v.Price = s0*a*n.CDF(d1) - strike*b*n.CDF(d2)
			v.Delta = a * n.CDF(d1)
		} else {
			v.Price = strike*b*n.CDF(-d2) - s0*a*n.CDF(-d1)
			v.Delta = -a * n.CDF(-d1)
		}
		if dlnF != 0 && v.Delta != 0 {
			v.Vega += s0 * v.Delta * dlnF
		}
	case digitalCall, digitalPut:
		cb := cash * b
		v.Delta = dens(phi2, cb/s0/sd)
		v.Gamma = dens(phi2, -cb*(d1/sd)/sd/s0/s0)
		v.Vega = dens(phi2, -cb*d1/vol)
		if kind == digitalCall {
			v.Price = cb * n.CDF(d2)
		} else {
			v.Price = cb * n.CDF(-d2)
			v.Delta, v.Gamma, v.Vega = -v.Delta, -v.Gamma, -v.Vega
		}
	case assetCall, assetPut:
		jump := dens(phi1, a/sd) // a φ(d1)/(σ√T)
		v.Gamma = dens(phi1, -a*(d2/sd)/sd/s0)
		v.Vega = dens(phi1, -s0*a*d2/vol)
		if kind == assetCall {
			v.Price = s0 * a * n.CDF(d1)
			v.Delta = a*n.CDF(d1) + jump
		} else {
			v.Price = s0 * a * n.CDF(-d1)
			v.Delta = a*n.CDF(-d1) - jump
			v.Gamma, v.Vega = -v.Gamma, -v.Vega
		}
	}
	if math.IsNaN(v.Price) || math.IsNaN(v.Delta) || math.IsNaN(v.Gamma) || math.IsNaN(v.Vega) {
		return Values{}, fmt.Errorf("analytic: %s on %+v: value out of floating-point range", p.Name(), m)
	}
	return v, nil
}

type contract int

const (
	call contract = iota
	put
	digitalCall
	digitalPut
	assetCall
	assetPut
)

// dens returns w·f, taken as exactly 0 when the density w has underflowed to
// 0, so that an infinite or huge factor f cannot make it NaN.
func dens(w, f float64) float64 {
	if w == 0 {
		return 0
	}
	return w * f
}

// logRatio returns ln(s/k), without overflow or underflow in s/k.
func logRatio(s, k float64) float64 {
	r := s / k
	if r == 0 || math.IsInf(r, 0) || r < 0x1p-1022 {
		return math.Log(s) - math.Log(k)
	}
	return math.Log(r)
}

// Reference returns the closed form of payoff p on model m where there is
// one: BlackScholes under GBM (European payoffs and the geometric Asian),
// CEV for calls and puts under CEV. Otherwise it returns an error wrapping
// ErrNoClosedForm.
func Reference(m sde.Model, p payoff.Payoff) (Values, error) {
	switch m := m.(type) {
	case sde.GBM:
		return BlackScholes(m, p)
	case sde.CEV:
		return CEV(m, p)
	case sde.Heston:
		return Heston(m, p)
	}
	return Values{}, fmt.Errorf("%w: model %s", ErrNoClosedForm, m.Name())
}
