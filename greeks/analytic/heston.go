package analytic

import (
	"fmt"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// Heston returns the price, Delta (∂V/∂S0), Gamma (∂²V/∂S0²) and Vega
// (∂V/∂√v₀, the sensitivity to the initial volatility, not to v₀) of a
// European call, put, cash-or-nothing (digital) or asset-or-nothing call
// or put under Heston's model m, by Fourier inversion of the
// characteristic function (Heston 1993) in the form of Albrecher, Mayer,
// Schoutens and Tistaert (2007), "the little Heston trap", which with the
// principal branches of √ and ln is continuous in u and so has no
// branch-cut jumps at long maturities.
//
// With F = S e^{(r−q)T} the forward, k = ln(K/F), D = e^{−rT}, and for
// complex z the moment function ψ(z) = E[exp(z ln(S_T/F))] = exp(A(z) + B(z) v₀),
//
//	β = κ − ρξz,   d = √(β² − ξ²(z² − z)),   g = (β − d)/(β + d),   e = e^{−dT},
//	B(z) = (β − d)/ξ² · (1 − e)/(1 − g e),
//	A(z) = κθ/ξ² · ((β − d)T − 2 ln((1 − g e)/(1 − g))),
//
// the call is D(F P₁ − K P₂) with the exercise probabilities under the
// share and the risk-neutral measures
//
//	P₁ = 1/2 + (1/π) ∫₀^∞ Re[e^{−iuk} ψ(iu+1)/(iu)] du,
//	P₂ = 1/2 + (1/π) ∫₀^∞ Re[e^{−iuk} ψ(iu)/(iu)] du,
//
// integrated together as one integral of Fψ(iu+1) − Kψ(iu). The Greeks are
// differentiated analytically under the integral sign:
//
//	Δ    = e^{−qT} P₁                                    (V is homogeneous of degree 1 in S, K),
//	Γ    = e^{−qT}/(πS) ∫₀^∞ Re[e^{−iuk} ψ(iu+1)] du     (∂k/∂S = −1/S),
//	Vega = 2√v₀ D/π ∫₀^∞ Re[e^{−iuk} (F B(iu+1)ψ(iu+1) − K B(iu)ψ(iu))/(iu)] du,
//
// the last since ∂ψ/∂v₀ = Bψ. The digitals pay cash·1{S_T ≷ K}, priced
// cash·D·P₂ (call) and cash·D(1 − P₂) (put), with Greeks from the density of
// ln(S_T/F) under the integral (hestonDigital); the asset-or-nothing call
// S_T·1{S_T > K} is S e^{−qT} P₁ = call + K·(digital paying 1), and its put
// S e^{−qT} − the asset call. The put follows from put-call parity,
// V_put = V_call − S e^{−qT} + K e^{−rT}, Δ_put = Δ_call − e^{−qT}, with the
// same Gamma and Vega.
//
// The integrals are composite Gauss–Legendre rules (gonum's quad.Legendre,
// 24 nodes a panel) on panels of width 2/max(√(v̄T), |k|, 0.05), v̄ the larger
// of v₀ and θ, that resolve both the width of the characteristic function
// and the oscillation e^{−iuk}; panels are added until the integrands'
// envelope at the panel's end falls below 1e-17 of F + K. Against the
// published reference prices of the tests (Lewis 2000 as QuantLib caches
// them; Fang and Oosterlee 2008) the price agrees to about 1e-12, and the
// Greeks agree with central differences of the price to the accuracy of
// those differences.
//
// Heston returns the error of m.Validate for an invalid model, a
// *payoff.ParamError for a strike that is not positive and finite, and
// ErrNoClosedForm (wrapped) for a payoff other than payoff.Call, Put,
// DigitalCall, DigitalPut, AssetCall and AssetPut.
//
// References: S. L. Heston, Rev. Financial Studies 6 (1993) 327–343;
// H. Albrecher, P. Mayer, W. Schoutens and J. Tistaert, The little Heston
// trap, Wilmott Magazine (January 2007) 83–92; R. Lord and C. Kahl,
// Complex logarithms in Heston-like models, Math. Finance 20 (2010) 671–694.
func Heston(m sde.Heston, p payoff.Payoff) (Values, error) {
	v, _, err := hestonEval(m, p)
	return v, err
}

// HestonRateTime returns the Rho (∂V/∂r, the discount and the forward
// together, q fixed) and Theta (−∂V/∂T, per year, S, K, r, q and the
// Heston parameters fixed) of the European payoffs of Heston under Heston's model
// m, differentiating the semi-analytic price of Heston analytically. With
// V = D C(F, T), D = e^{−rT}, F = S e^{(r−q)T}, C the undiscounted price of
// the forward, homogeneous of degree 1 in (F, K), and F ∂C/∂F·D = S Δ:
//
//	Rho   = T (S Δ − V),
//	Theta = r V − (r − q) S Δ − D ∂C/∂T|_F,
//	D ∂C/∂T|_F = D/π ∫₀^∞ Re[e^{−iuk} (F ψ(iu+1) L(iu+1) − K ψ(iu) L(iu))/(iu)] du,
//
// where L(z) = ∂ln ψ(z)/∂T = κθ B(z) + v₀ ∂B/∂T, and ∂B/∂T follows from
// the Riccati equation B solves in T (Heston 1993),
//
//	∂B/∂T = ½(z² − z) − β B + ½ξ² B²,   β = κ − ρξz,
//
// (∂A/∂T = κθB the same way). ∂C/∂T|_F is the same for the call and the
// put (their undiscounted prices differ by F − K), so both formulas hold
// for either. In the limit ξ → 0 they are the Black–Scholes Rho and Theta
// with σ² the mean variance over [0, T] (tested). Errors as Heston's.
func HestonRateTime(m sde.Heston, p payoff.Payoff) (RateTime, error) {
	v, dc, err := hestonEval(m, p)
	if err != nil {
		return RateTime{}, err
	}
	s, t := m.Spot, m.Expiry
	return RateTime{
		Rho:   t * (s*v.Delta - v.Price),
		Theta: m.Rate*v.Price - (m.Rate-m.Div)*s*v.Delta - dc,
	}, nil
}

// hestonEval returns Heston's values and D ∂C/∂T|_F of HestonRateTime,
// C the undiscounted price as a function of the forward F and T; the
// Rho and Theta formulas of HestonRateTime hold for any European payoff
// (V = D C(F, T) and SΔ = D F ∂C/∂F are all they use).
func hestonEval(m sde.Heston, p payoff.Payoff) (Values, float64, error) {
	if err := m.Validate(); err != nil {
		return Values{}, 0, fmt.Errorf("analytic: %w", err)
	}
	var strike, cash float64
	isCall, kind := false, "call"
	switch p := p.(type) {
	case payoff.Call:
		strike, isCall = p.Strike, true
	case payoff.Put:
		strike = p.Strike
	case payoff.DigitalCall:
		strike, cash, isCall, kind = p.Strike, p.Cash, true, "digital"
	case payoff.DigitalPut:
		strike, cash, kind = p.Strike, p.Cash, "digital"
	case payoff.AssetCall:
		strike, isCall, kind = p.Strike, true, "asset"
	case payoff.AssetPut:
		strike, kind = p.Strike, "asset"
	default:
		return Values{}, 0, fmt.Errorf("%w: %T under heston", ErrNoClosedForm, p)
	}
	if !(strike > 0) || math.IsInf(strike, 1) {
		return Values{}, 0, fmt.Errorf("analytic: %w", &payoff.ParamError{Name: "strike", Value: strike})
	}
	if kind == "digital" && (math.IsNaN(cash) || math.IsInf(cash, 0)) {
		return Values{}, 0, fmt.Errorf("analytic: %w", &payoff.ParamError{Name: "cash", Value: cash})
	}

	t := m.Expiry
	a := math.Exp(-m.Div * t)     // e^{−qT}
	disc := math.Exp(-m.Rate * t) // e^{−rT}
	fwd := m.Spot * math.Exp((m.Rate-m.Div)*t)
	k := logRatio(strike, fwd)
	cf := hestonCF{m: m}

	in, err := cf.integrals(fwd, strike, k)
	if err != nil {
		return Values{}, 0, fmt.Errorf("analytic: heston on %+v: %w", m, err)
	}
	// The call, and the cash-or-nothing call paying 1 (hestonDigital).
	var call Values
	call.Price = disc * (0.5*(fwd-strike) + in.price/math.Pi)
	call.Delta = a * (0.5 + in.p1/math.Pi)
	call.Gamma = a * in.gam / (math.Pi * m.Spot)
	call.Vega = 2 * math.Sqrt(m.V0) * disc * in.vega / math.Pi
	dc := disc * in.dt / math.Pi
	dig, dd := hestonDigital(m, in, disc)
	var v Values
	switch kind {
	case "call":
		v = call
		if !isCall {
			v.Price -= m.Spot*a - strike*disc
			v.Delta -= a
		}
	case "digital":
		// Digital put = cash·D − digital call: the same Greeks negated but
		// for the price (D ∂C/∂T of the constant D is 0, so dd negates too).
		v, dc = scaleValues(dig, cash), cash*dd
		if !isCall {
			v, dc = scaleValues(v, -1), -dc
			v.Price += cash * disc
		}
	case "asset":
		// Asset call = call + K·(digital call paying 1): S e^{−qT} P₁ =
		// D(F P₁ − K P₂) + K D P₂. Asset put = S e^{−qT} − asset call.
		v = Values{call.Price + strike*dig.Price, call.Delta + strike*dig.Delta,
			call.Gamma + strike*dig.Gamma, call.Vega + strike*dig.Vega}
		dc += strike * dd
		if !isCall {
			v = scaleValues(v, -1)
			v.Price += m.Spot * a
			v.Delta += a
			// Undiscounted, F(1 − P₁) = F − F P₁, and F does not move
			// with T at fixed F: dc negates.
			dc = -dc
		}
	}
	if math.IsNaN(v.Price) || math.IsNaN(v.Delta) || math.IsNaN(v.Gamma) || math.IsNaN(v.Vega) || math.IsNaN(dc) {
		return Values{}, 0, fmt.Errorf("analytic: %s on %+v: value out of floating-point range", p.Name(), m)
	}
	return v, dc, nil
}

// hestonDigital returns the price, Delta, Gamma and Vega of the
// cash-or-nothing call paying 1, V = D P₂, and its dd = D ∂P₂/∂T|_F, the
// term HestonRateTime's Theta = rV − (r − q)SΔ − dd needs. With
// f(k) = −∂P₂/∂k the density of ln(S_T/F) at k = ln(K/F), which moves with
// S as ∂k/∂S = −1/S and with T (F fixed) not at all:
//
//	P₂   = 1/2 + (1/π) ∫₀^∞ Re[e^{−iuk} ψ(iu)/(iu)] du,
//	f(k) = (1/π) ∫₀^∞ Re[e^{−iuk} ψ(iu)] du,     f'(k) = (1/π) ∫₀^∞ Re[−iu e^{−iuk} ψ(iu)] du,
//	Δ = D f/S,   Γ = −D (f' + f)/S²,
//	Vega = 2√v₀ D/π ∫₀^∞ Re[e^{−iuk} B(iu)ψ(iu)/(iu)] du,
//	dd = D/π ∫₀^∞ Re[e^{−iuk} L(iu)ψ(iu)/(iu)] du,
//
// and Rho = T(SΔ − V) as for the call (V is homogeneous of degree 0 in
// (F, K) times D, and r moves F and D only).
func hestonDigital(m sde.Heston, in hestonIntegrals, disc float64) (Values, float64) {
	s := m.Spot
	f, df := in.dens/math.Pi, in.ddens/math.Pi
	return Values{
		Price: disc * (0.5 + in.p2/math.Pi),
		Delta: disc * f / s,
		Gamma: -disc * (df + f) / (s * s),
		Vega:  2 * math.Sqrt(m.V0) * disc * in.vega2 / math.Pi,
	}, disc * in.dt2 / math.Pi
}

// scaleValues returns v with every figure multiplied by c.
func scaleValues(v Values, c float64) Values {
	return Values{v.Price * c, v.Delta * c, v.Gamma * c, v.Vega * c}
}

// hestonCF evaluates the little-trap form of ψ(z) and B(z) (see Heston).
type hestonCF struct{ m sde.Heston }

// eval returns ψ(z), B(z) and L(z) = ∂ln ψ(z)/∂T (see HestonRateTime).
func (h hestonCF) eval(z complex128) (psi, b, l complex128) {
	m := h.m
	xi2 := m.Xi * m.Xi
	beta := complex(m.Kappa, 0) - complex(m.Rho*m.Xi, 0)*z
	d := cmplx.Sqrt(beta*beta - complex(xi2, 0)*(z*z-z))
	g := (beta - d) / (beta + d)
	e := cmplx.Exp(-d * complex(m.Expiry, 0))
	b = (beta - d) / complex(xi2, 0) * (1 - e) / (1 - g*e)
	aa := complex(m.Kappa*m.Theta/xi2, 0) * ((beta-d)*complex(m.Expiry, 0) - 2*cmplx.Log((1-g*e)/(1-g)))
	db := 0.5*(z*z-z) - beta*b + complex(0.5*xi2, 0)*b*b
	l = complex(m.Kappa*m.Theta, 0)*b + complex(m.V0, 0)*db
	return cmplx.Exp(aa + b*complex(m.V0, 0)), b, l
}

const (
	hestonNodes     = 24      // Gauss–Legendre nodes a panel
	hestonMaxPanels = 100_000 // a bound that well-scaled parameters never reach
	hestonTol       = 1e-17   // envelope at which the integration stops, relative to F + K
)

// hestonIntegrals are the integrals of Heston, HestonRateTime and the
// digital (hestonDigital), without the factor 1/π: of
// Re[e^{−iuk}(Fψ(iu+1) − Kψ(iu))/(iu)] (price), Re[e^{−iuk}ψ(iu+1)/(iu)] (p1),
// Re[e^{−iuk}ψ(iu+1)] (gam), Re[e^{−iuk}(F Bψ(iu+1) − K Bψ(iu))/(iu)] (vega),
// the same with L for B (dt), and of Re[e^{−iuk}ψ(iu)/(iu)] (p2),
// Re[e^{−iuk}ψ(iu)] (dens), Re[−iu e^{−iuk}ψ(iu)] (ddens),
// Re[e^{−iuk}Bψ(iu)/(iu)] (vega2) and Re[e^{−iuk}Lψ(iu)/(iu)] (dt2).
type hestonIntegrals struct {
	price, p1, gam, vega, dt    float64
	p2, dens, ddens, vega2, dt2 float64
}

// integrals returns the hestonIntegrals.
func (h hestonCF) integrals(fwd, strike, k float64) (in hestonIntegrals, err error) {
	m := h.m
	sd := math.Sqrt(math.Max(m.V0, m.Theta) * m.Expiry)
	width := 2 / math.Max(math.Max(sd, math.Abs(k)), 0.05)
	var x, w [hestonNodes]float64
	quad.Legendre{}.FixedLocations(x[:], w[:], 0, width)
	scale := fwd + strike
	for panel := 0; panel < hestonMaxPanels; panel++ {
		lo := float64(panel) * width
		for j := range x {
			u := lo + x[j]
			iu := complex(0, u)
			osc := cmplx.Exp(complex(0, -u*k))
			psi1, b1, l1 := h.eval(iu + 1)
			psi0, b0, l0 := h.eval(iu)
			s1 := osc * psi1
			s0 := osc * psi0
			in.price += w[j] * real((complex(fwd, 0)*s1-complex(strike, 0)*s0)/iu)
			in.p1 += w[j] * real(s1/iu)
			in.gam += w[j] * real(s1)
			in.vega += w[j] * real((complex(fwd, 0)*b1*s1-complex(strike, 0)*b0*s0)/iu)
			in.dt += w[j] * real((complex(fwd, 0)*l1*s1-complex(strike, 0)*l0*s0)/iu)
			in.p2 += w[j] * real(s0/iu)
			in.dens += w[j] * real(s0)
			in.ddens += w[j] * real(-iu*s0)
			in.vega2 += w[j] * real(b0*s0/iu)
			in.dt2 += w[j] * real(l0*s0/iu)
		}
		// The envelope of the integrands at the panel's right end.
		u := lo + width
		iu := complex(0, u)
		psi1, b1, l1 := h.eval(iu + 1)
		psi0, b0, l0 := h.eval(iu)
		env := (fwd*cmplx.Abs(psi1) + strike*cmplx.Abs(psi0)) * (1 + u + cmplx.Abs(b1) + cmplx.Abs(b0) + cmplx.Abs(l1) + cmplx.Abs(l0))
		if env < hestonTol*scale {
			return in, nil
		}
	}
	return hestonIntegrals{}, fmt.Errorf("characteristic function did not decay within %d panels", hestonMaxPanels)
}
