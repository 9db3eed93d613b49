package analytic

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hybridgreeks/hybridgreeks/payoff"
	"github.com/hybridgreeks/hybridgreeks/sde"
)

// geoAsian holds Black's formula for a geometric Asian option written in
// the log-forward f = E[ln G] + w/2 and the total variance w = Var[ln G]
// of the geometric average G, with its partial derivatives at a fixed
// discount b = e^{−rT}:
//
//	call  V = b(F N(d1) − K N(d2)),  put  V = b(K N(−d2) − F N(−d1)),
//	F = e^f,  s = √w,  d1 = (f − ln K)/s + s/2,  d2 = d1 − s,
//	V_f  = b F N(d1)  (put: −b F N(−d1)),
//	V_ff = V_f + b F φ(d1)/s,
//	V_w  = b F φ(d1)/(2s),
//	V_fw = −b F φ(d1) d2/(2w),
//	V_ww = b F φ(d1)(d1 d2 − 1)/(4 w s),
//
// (∂d1/∂f = 1/s, ∂d1/∂w = −d2/(2w); V_w, V_fw, V_ww are the same for the
// call and the put, whose difference b(F − K) does not depend on w).
type geoAsian struct {
	v, vf, vw, vff, vfw, vww float64
	tbar, tau                float64 // t̄ = mean of the fixing dates, τ = w/σ²
}

// newGeoAsian evaluates geoAsian for m fixings at t_j = jT/m on the GBM
// model: with t̄ = T(1 + 1/m)/2 and τ = (1/m²)Σ_ij min(t_i, t_j) =
// T(1 + 1/m)(2 + 1/m)/6,
//
//	f = ln S + (r − q) t̄ − σ²(t̄ − τ)/2,   w = σ² τ.
func newGeoAsian(md sde.GBM, strike float64, fixings int, put bool) geoAsian {
	inv := 1 / float64(fixings)
	t := md.Expiry
	g := geoAsian{tbar: t * (1 + inv) / 2, tau: t * (1 + inv) * (2 + inv) / 6}
	vol := md.Vol
	f := math.Log(md.Spot) + (md.Rate-md.Div)*g.tbar - vol*vol*(g.tbar-g.tau)/2
	w := vol * vol * g.tau
	s := math.Sqrt(w)
	d1 := (f-math.Log(strike))/s + s/2
	d2 := d1 - s
	b := math.Exp(-md.Rate * t)
	bf := b * math.Exp(f)
	n := distuv.UnitNormal
	phi := n.Prob(d1)
	if put {
		g.v = b*strike*n.CDF(-d2) - bf*n.CDF(-d1)
		g.vf = -bf * n.CDF(-d1)
	} else {
		g.v = bf*n.CDF(d1) - b*strike*n.CDF(d2)
		g.vf = bf * n.CDF(d1)
	}
	g.vff = g.vf + dens(phi, bf/s)
	g.vw = dens(phi, bf/(2*s))
	g.vfw = -dens(phi, bf*d2/(2*w))
	g.vww = dens(phi, bf*(d1*d2-1)/(4*w*s))
	return g
}

// geoAsianOf returns the strike, fixings and side of a geometric Asian
// payoff, ok false for any other payoff.
func geoAsianOf(p payoff.Payoff) (strike float64, fixings int, put, ok bool) {
	switch p := p.(type) {
	case payoff.GeometricAsianCall:
		return p.Strike, p.Fixings, false, true
	case payoff.GeometricAsianPut:
		return p.Strike, p.Fixings, true, true
	}
	return 0, 0, false, false
}

// geoAsianRateTime returns the Rho and Theta of the geometric Asian p on m.
// r moves f by t̄ and the discount by −T: Rho = t̄ V_f − T V. Theta is
// −∂V/∂T in the engine's sense for a contract with fixings: the valuation
// date moves, so every fixing date t_j and the expiry move by the same h
// (t̄ and τ by h, f by (r − q)h, w by σ²h, the discount by −rh):
//
//	Theta = r V − (r − q) V_f − σ² V_w.
//
// With one fixing these are the European call's and put's.
func geoAsianRateTime(m sde.GBM, p payoff.Payoff) (RateTime, error) {
	strike, fixings, put, _ := geoAsianOf(p)
	if _, err := BlackScholes(m, p); err != nil { // validates m and p
		return RateTime{}, err
	}
	g := newGeoAsian(m, strike, fixings, put)
	out := RateTime{
		Rho:   g.tbar*g.vf - m.Expiry*g.v,
		Theta: m.Rate*g.v - (m.Rate-m.Div)*g.vf - m.Vol*m.Vol*g.vw,
	}
	if math.IsNaN(out.Rho) || math.IsNaN(out.Theta) {
		return RateTime{}, fmt.Errorf("analytic: Rho and Theta of %s on %+v: value out of floating-point range", p.Name(), m)
	}
	return out, nil
}

// geoAsianSecondOrder returns the Vanna and Volga of the geometric Asian p
// on m. σ moves f by f_σ = −σ(t̄ − τ) and w by w_σ = 2στ (f_σσ = −(t̄ − τ),
// w_σσ = 2τ), and S moves f by 1/S:
//
//	Vanna = (V_ff f_σ + V_fw w_σ)/S,
//	Volga = V_ff f_σ² + 2 V_fw f_σ w_σ + V_ww w_σ² + V_f f_σσ + V_w w_σσ.
//
// With one fixing (t̄ = τ = T) these are the European call's and put's.
func geoAsianSecondOrder(m sde.GBM, p payoff.Payoff) (SecondOrder, error) {
	strike, fixings, put, _ := geoAsianOf(p)
	if _, err := BlackScholes(m, p); err != nil { // validates m and p
		return SecondOrder{}, err
	}
	g := newGeoAsian(m, strike, fixings, put)
	vol := m.Vol
	fs, ws := -vol*(g.tbar-g.tau), 2*vol*g.tau
	out := SecondOrder{
		Vanna: (g.vff*fs + g.vfw*ws) / m.Spot,
		Volga: g.vff*fs*fs + 2*g.vfw*fs*ws + g.vww*ws*ws - g.vf*(g.tbar-g.tau) + 2*g.vw*g.tau,
	}
	if math.IsNaN(out.Vanna) || math.IsNaN(out.Volga) {
		return SecondOrder{}, fmt.Errorf("analytic: Vanna and Volga of %s on %+v: value out of floating-point range", p.Name(), m)
	}
	return out, nil
}
